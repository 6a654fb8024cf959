"""Printed numbers that no data can produce: the audit's impossibility checks (no patient data).

Each check is a pure function of printed values returning ``list[Finding]``
(:mod:`retrocohort.audit.checks.finding`), empty when nothing is impossible; every finding has status
"inconsistent" and a message a referee can read, naming the printed numbers. A printed value
``v`` at ``d`` decimals stands for every true value in ``[v - h, v + h]``, ``h = 0.5 * 10**-d``
(the hull of half-up and half-even rounding, :func:`retrocohort.audit.checks.rounding.interval_for_printed`),
so a number is called impossible only when no standard rounding of any admissible true value
prints it.

Spreads and ordered summaries (negative SD, reversed range or CI, mean outside the range, SD
bounds) are in :mod:`retrocohort.audit.checks.impossible_spread`. :func:`impossible_findings` runs
every check on one published entry;
:data:`IMPOSSIBLE_CHECKS` names the checks (with ``quartile_order``, the median outside its
quartiles or range) whose inconsistent findings make a row "impossible"
(:func:`mark_impossible_rows`): such a row is never "reproduced", even when the data
regenerate the same value.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from fractions import Fraction

from retrocohort.audit.checks.finding import Finding
from retrocohort.audit.checks.impossible_spread import (
    check_interval_order,
    check_mean_in_range,
    check_mean_median_sd,
    check_negative_spread,
    check_sd_bounds,
    fmt_printed,
    impossible,
    printed_hull,
)
from retrocohort.audit.checks.rounding import Number, exact
from retrocohort.audit.published import PublishedNumber

IMPOSSIBLE_CHECKS = (
    "impossible_percentage",
    "impossible_count",
    "impossible_p",
    "impossible_statistic",
    "zero_n",
    "negative_spread",
    "range_order",
    "outside_range",
    "sd_bound",
    "mean_median_sd",
    "quartile_order",
)


# --- percentages, counts, p-values ---------------------------------------------------------


def check_percentage_range(entry_id: str, pct: Number, decimals: int, relation: str = "=") -> list[Finding]:
    """A percentage of patients lies in [0, 100]; a printed one above 100 or below 0 is impossible.

    A proportion k/n of a set satisfies 0 <= k <= n (definition), so 100 k/n is in [0, 100];
    rounding to ``decimals`` keeps it in [0, 100] (0 and 100 are printed exactly). Printed
    "<x%" is impossible for x <= 0, ">x%" for x >= 100. (A relative change in percent is not a
    share: it is transcribed as a ``value``.)
    """
    v = exact(pct)
    if relation == "<" and v <= 0:
        side = "below 0%"
    elif relation == ">" and v >= 100:
        side = "over 100%"
    elif relation == "=" and not 0 <= v <= 100:
        side = "over 100%" if v > 100 else "below 0%"
    else:
        return []
    shown = ("" if relation == "=" else relation) + f"{fmt_printed(pct, decimals)}%"
    return impossible(
        "impossible_percentage",
        entry_id,
        f"the percentage {shown} is {side}, which no share of patients can be",
        pct=float(pct),
    )


def check_count_range(entry_id: str, count: int, denominator: int | None) -> list[Finding]:
    """A count of patients is a whole number in [0, denominator].

    A subset of n patients has between 0 and n members; a count above its denominator or below
    zero is impossible whatever the rounding (counts are printed exactly).
    """
    if count < 0:
        return impossible(
            "impossible_count",
            entry_id,
            f"the count {count} is negative, which no number of patients can be",
            count=count,
        )
    if denominator is not None and count > denominator:
        return impossible(
            "impossible_count",
            entry_id,
            f"the count {count} is larger than its denominator {denominator}: "
            f"no more than {denominator} of {denominator} patients can have it",
            count=count,
            denominator=denominator,
        )
    return []


def check_count_above_n(entry_id: str, count: int, n: int) -> list[Finding]:
    """A bare count above its group's n ("14" under "Expired (n = 13)"): a warning, since a bare
    count may count events or tests rather than the group's patients (only a stated denominator
    makes it impossible, :func:`check_count_range`).

    >>> check_count_above_n("t2_supratentorial_expired", 14, 13)[0].message
    "the count 14 is larger than its group's n 13: impossible if it counts the group's patients (a count of events or tests can be larger)"
    """
    return [
        Finding(
            "count_above_n",
            entry_id,
            "warning",
            f"the count {count} is larger than its group's n {n}: impossible if it counts the "
            "group's patients (a count of events or tests can be larger)",
            {"count": count, "n": n},
        )
    ]


def check_p_range(entry_id: str, p: Number, decimals: int, relation: str = "=") -> list[Finding]:
    """A p-value is a probability, so in [0, 1] (Lehmann & Romano 2005, Testing Statistical
    Hypotheses, 3rd ed., section 3.3: the smallest significance level at which H0 is rejected).

    Printed "p = x" is impossible for x outside [0, 1]; "p < x" for x <= 0 (no probability is
    below 0); "p > x" for x >= 1 (none is above 1). "p = 0.000" is a rounded small p, not
    impossible.
    """
    v = exact(p)
    shown = f"p {relation} {fmt_printed(p, decimals)}"
    if relation == "<" and v <= 0:
        why = "no p-value is below 0"
    elif relation == ">" and v >= 1:
        why = "no p-value is above 1"
    elif relation == "=" and not 0 <= v <= 1:
        why = "a p-value is a probability between 0 and 1"
    else:
        return []
    return impossible(
        "impossible_p", entry_id, f"{shown} is impossible: {why}", p=float(p), relation=relation
    )


_FAMILY_NAMES = {"t": "t", "F": "F", "chi2": "χ²", "z": "z", "r": "r"}


def check_test_statistic_range(entry_id: str, family: str, values: Mapping[str, float]) -> list[Finding]:
    """A test statistic within its support: χ² >= 0 and F >= 0 (sums of squares and their
    ratios), -1 <= r <= 1 (Cauchy-Schwarz inequality), degrees of freedom > 0."""
    out = []
    stat, name = values.get("statistic"), _FAMILY_NAMES.get(family, family)
    if stat is not None and family in ("chi2", "F") and stat < 0:
        out += impossible(
            "impossible_statistic",
            entry_id,
            f"{name} = {stat:g} is negative: a {name} statistic is never below 0",
            statistic=stat,
        )
    if stat is not None and family == "r" and abs(stat) > 1:
        out += impossible(
            "impossible_statistic",
            entry_id,
            f"r = {stat:g} is outside [-1, 1], where every correlation lies",
            statistic=stat,
        )
    for key in ("df1", "df2"):
        if key in values and values[key] <= 0:
            out += impossible(
                "impossible_statistic",
                entry_id,
                f"{name} test with {values[key]:g} degrees of freedom ({key}): degrees of freedom are positive",
                df=values[key],
            )
    return out


_STATISTIC_WORDS = {
    "count_pct": "percentage",
    "percentage": "percentage",
    "median": "median",
    "median_iqr": "median [IQR]",
    "mean": "mean",
    "mean_iqr": "mean [IQR]",
    "mean_sd": "mean ± SD",
    "p_value": "p-value",
    "test_result": "test result",
}


def check_zero_n(entry_id: str, statistic: str, n: int | None, label: str = "n") -> list[Finding]:
    """A summary statistic (percentage, mean, SD, median, test) of zero observations is undefined.

    The mean, median, SD and a share are defined only for n >= 1 (the mean divides by n, a
    share by its denominator); no test compares an empty group.
    """
    if n != 0 or statistic not in _STATISTIC_WORDS:
        return []
    what = _STATISTIC_WORDS.get(statistic, statistic.replace("_", " "))
    return impossible(
        "zero_n",
        entry_id,
        f"a {what} is printed for {label} = 0: no statistic can be computed from zero patients",
        n=n,
    )


# --- one entry ------------------------------------------------------------------------------


def _bounds(
    e: PublishedNumber,
) -> tuple[Fraction, Fraction, str, tuple[Fraction, Fraction] | None] | None:
    """Widest [low, high] the data can span, its name, and the narrowest (min, max) known to be
    data values: the printed range (attained), else the declared scale (not necessarily hit)."""
    v, d = e.values, e.decimals
    if "min" in v and "max" in v:
        shown = f"the printed range {fmt_printed(v['min'], d['min'])}–{fmt_printed(v['max'], d['max'])}"
        (lo_lo, lo_hi), (hi_lo, hi_hi) = printed_hull(v["min"], d["min"]), printed_hull(v["max"], d["max"])
        return lo_lo, hi_hi, shown, (lo_hi, hi_lo)
    if e.scale is not None:
        shown = f"the declared scale {e.scale['low']}–{e.scale['high']}"
        return exact(e.scale["low"]), exact(e.scale["high"]), shown, None
    return None


def impossible_findings(e: PublishedNumber) -> list[Finding]:
    """Every impossibility of one entry (see the module docstring); empty when none."""
    v, d = e.values, e.decimals
    n = e.denominator if e.denominator is not None else e.n
    out: list[Finding] = []
    if "pct" in v:
        out += check_percentage_range(e.id, v["pct"], d["pct"], e.relation)
    if "count" in v:
        # a plain count may count events, not patients: only a stated denominator bounds it
        total = int(v["total"]) if "total" in v else n if e.statistic == "count_pct" else e.denominator
        out += check_count_range(e.id, int(v["count"]), total)
        if e.statistic == "count" and total is None and e.n is not None and v["count"] > e.n:
            out += check_count_above_n(e.id, int(v["count"]), e.n)
    if "p" in v:
        out += check_p_range(e.id, v["p"], d["p"], e.relation)
    if e.statistic == "test_result" and e.test_family:
        out += check_test_statistic_range(e.id, e.test_family, v)
    out += check_zero_n(e.id, e.statistic, n, "denominator" if e.denominator == 0 else "n")
    if e.statistic == "count_of_total" and "pct" in v and v["total"] == 0:
        out += check_zero_n(e.id, "count_pct", 0, "total")
    out += check_negative_spread(e.id, v, d) + check_interval_order(e.id, v, d)
    bounds = _bounds(e)
    if bounds is not None and not any(f.check == "range_order" for f in out):
        low, high, source, attained = bounds
        if "mean" in v:
            out += check_mean_in_range(e.id, v["mean"], d["mean"], low, high, source)
        mean_ok = not any(f.check == "outside_range" for f in out)
        if "sd" in v and v["sd"] >= 0 and e.n is not None and low <= high and mean_ok:
            mean = (v["mean"], d["mean"]) if "mean" in v else None
            out += check_sd_bounds(
                e.id, v["sd"], d["sd"], e.n, low, high, source, mean=mean, attained=attained
            )
    elif "sd" in v and v["sd"] >= 0 and e.n == 1:
        out += check_sd_bounds(e.id, v["sd"], d["sd"], 1, 0, 0, "")
    if {"mean", "median", "sd"} <= set(v) and v["sd"] >= 0:
        out += check_mean_median_sd(
            e.id, (v["mean"], d["mean"]), (v["median"], d["median"]), (v["sd"], d["sd"]), e.n
        )
    return out


def impossible_ids(findings: Sequence[Finding]) -> set[str]:
    """Entries with an inconsistent finding of an impossibility check."""
    return {f.entry_id for f in findings if f.check in IMPOSSIBLE_CHECKS and f.status == "inconsistent"}


def mark_impossible_rows(rows: Sequence[MutableMapping[str, object]], findings: Sequence[Finding]) -> None:
    """Set, in place, status "impossible" on every row an impossibility finding is about,
    whatever the data regenerate (the reasons joined in the message); the status the data gave
    is kept as ``data_status`` (a real-data disagreement stays evidence for the referee)."""
    reasons: dict[str, list[str]] = {}
    for f in findings:
        if f.check in IMPOSSIBLE_CHECKS and f.status == "inconsistent":
            reasons.setdefault(f.entry_id, []).append(f.message)
    for row in rows:
        if row["id"] in reasons:
            before = "" if row["status"] == "not_recomputable" else f" (regenerated: {row['message']})"
            row["data_status"] = row["status"]
            row["status"] = "impossible"
            row["message"] = "impossible as printed: " + "; ".join(reasons[str(row["id"])]) + before
