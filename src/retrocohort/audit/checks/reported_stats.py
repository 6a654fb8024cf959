"""Data-free checks of printed means, SDs and test statistics, as audit findings.

Per entry of a published-numbers file:

- a ``mean`` or ``mean_sd`` with ``scale`` and n: GRIM (:mod:`grim`, Brown & Heathers 2017);
  with an SD also GRIMMER (Anaya 2016) and, on a 0-1 scale, DEBIT (:mod:`debit`, Heathers &
  Brown 2019); with an SD on a single-item scale, the SPRITE-style exact search (:mod:`sprite`,
  Heathers et al. 2018) for one sample with that n, mean, SD and range;
- a ``test_result`` (printed statistic, df and p): statcheck's recomputation
  (:mod:`statcheck`, Nuijten et al. 2016), with decision errors flagged in the details and the
  message;
- a printed HScore total with ``hscore_items``: is it one of the totals the known items allow
  (:mod:`hscore_totals`)?

Status: "inconsistent" when no admissible data give the print; "ok" otherwise; the SPRITE
search is reported as a "warning" (not run) when the problem is too large for it.
"""

from __future__ import annotations

from retrocohort.audit.checks.debit import debit_counts
from retrocohort.audit.checks.finding import Finding
from retrocohort.audit.checks.grim import grim_sums, grimmer_solutions
from retrocohort.audit.checks.hscore_totals import check_hscore_total
from retrocohort.audit.checks.sprite import sprite_search
from retrocohort.audit.checks.statcheck import check_test_result
from retrocohort.audit.published import PublishedNumber, PublishedStudy


def _scale_text(e: PublishedNumber) -> str:
    s = e.scale or {}
    items = int(s.get("items", 1))
    return f"integers {s['low']}–{s['high']}" + (f", mean of {items} items" if items > 1 else "")


def mean_sd_findings(e: PublishedNumber) -> list[Finding]:
    """GRIM, GRIMMER, DEBIT and SPRITE findings of one entry with a ``scale`` (see module doc)."""
    n = e.n or e.denominator
    if not e.scale or not n or "mean" not in e.values:
        return []
    v, d, s = e.values, e.decimals, e.scale
    items = int(s.get("items", 1))
    sums = grim_sums(v["mean"], d["mean"], n, items)
    where = f"n = {n}, {_scale_text(e)}"
    out = [
        Finding(
            "grim",
            e.id,
            "ok" if sums else "inconsistent",
            f"mean {v['mean']:.{d['mean']}f} "
            + ("is" if sums else "is not")
            + f" a possible mean of {where} (GRIM, Brown & Heathers 2017)",
            {"totals": sums[:20]},
        )
    ]
    if "sd" not in v or not sums or n < 2:
        return out
    solutions = grimmer_solutions(v["mean"], d["mean"], v["sd"], d["sd"], n, items)
    out.append(
        Finding(
            "grimmer",
            e.id,
            "ok" if solutions else "inconsistent",
            f"SD {v['sd']:.{d['sd']}f} with mean {v['mean']:.{d['mean']}f} "
            + ("is" if solutions else "is not")
            + f" possible for {where} (GRIMMER, Anaya 2016)",
            {"solutions": len(solutions)},
        )
    )
    if (s["low"], s["high"], items) == (0, 1, 1):
        ks = debit_counts(v["mean"], d["mean"], v["sd"], d["sd"], n)
        out.append(
            Finding(
                "debit",
                e.id,
                "ok" if ks else "inconsistent",
                f"mean {v['mean']:.{d['mean']}f} and SD {v['sd']:.{d['sd']}f} "
                + ("fit" if ks else "fit no")
                + f" binary sample of n = {n} (DEBIT, Heathers & "
                "Brown 2019)" + (f": {ks[0]}–{ks[-1]} ones" if ks else ""),
                {"ones": ks},
            )
        )
    if items == 1 and solutions and (s["low"], s["high"]) != (0, 1):  # 0-1 data: DEBIT is exact
        try:
            found = sprite_search(v["mean"], d["mean"], v["sd"], d["sd"], n, int(s["low"]), int(s["high"]))
        except ValueError as exc:
            out.append(Finding("sprite", e.id, "warning", f"SPRITE-style search not run: {exc}"))
            return out
        sd_range = found.sd_range
        out.append(
            Finding(
                "sprite",
                e.id,
                "ok" if found.sample else "inconsistent",
                (
                    f"one sample of {where} with this mean and SD: {list(found.sample)}"
                    if found.sample
                    else f"no sample of {where} has this mean and SD"
                    + (
                        f"; SDs possible with this mean: {sd_range[0]:.3f}–{sd_range[1]:.3f}"
                        if sd_range
                        else ""
                    )
                )
                + " (SPRITE-style exact search, Heathers et al. 2018)",
                {"sample": list(found.sample or ()), "sd_range": list(sd_range or ())},
            )
        )
    return out


def _test_text(e: PublishedNumber) -> str:
    v = e.values
    df = ", ".join(f"{v[k]:g}" for k in ("df1", "df2") if k in v)
    return (
        f"{e.test_family}({df}) = {v['statistic']:.{e.decimals['statistic']}f}"
        if df
        else f"{e.test_family} = {v['statistic']:.{e.decimals['statistic']}f}"
    )


def statcheck_findings(e: PublishedNumber, alpha: float = 0.05) -> list[Finding]:
    """statcheck's verdict on a ``test_result`` entry (see module docstring)."""
    if e.statistic != "test_result" or not e.test_family:
        return []
    v, d = e.values, e.decimals
    if e.test_family in ("t", "chi2", "r") and "df1" not in v or e.test_family == "F" and "df2" not in v:
        return [
            Finding(
                "statcheck",
                e.id,
                "warning",
                f"{_test_text(e)} is printed without its degrees of freedom: its p-value cannot be "
                "recomputed (add df1, and df2 for F, from the paper's n if it states them)",
                {"missing": "degrees of freedom"},
            )
        ]
    res = check_test_result(
        e.test_family,
        v["statistic"],
        d["statistic"],
        v["p"],
        d["p"],
        e.relation,
        v.get("df1"),
        v.get("df2"),
        e.tails,
        alpha,
    )
    shown = _test_text(e)
    span = f"{res.p_low:.4g}–{res.p_high:.4g}"
    if res.consistent:
        msg = f"{shown} gives p in {span}, consistent with the printed {e.printed_p} (statcheck)"
    else:
        flip = f" (significance flips at alpha = {alpha:g})" if res.decision_error else ""
        msg = (
            "decision error: " if res.decision_error else ""
        ) + f"{shown} gives p in {span}, not the printed p {e.printed_p}{flip} (statcheck)"
    return [
        Finding(
            "statcheck",
            e.id,
            "ok" if res.consistent else "inconsistent",
            msg,
            {
                "p_low": res.p_low,
                "p_high": res.p_high,
                "decision_error": res.decision_error,
                "tails": e.tails,
            },
        )
    ]


def hscore_findings(e: PublishedNumber) -> list[Finding]:
    """Is a printed HScore total one of the totals its known items allow (``hscore_totals``)?"""
    if e.hscore_items is None:
        return []
    return [check_hscore_total(e.id, int(e.values["value"]), e.hscore_items, where=e.where)]


def check_reported_stats(study: PublishedStudy) -> list[Finding]:
    """Every GRIM/GRIMMER/DEBIT/SPRITE, statcheck and HScore-total finding, in file order."""
    return [
        f for e in study.numbers for f in (*mean_sd_findings(e), *statcheck_findings(e), *hscore_findings(e))
    ]
