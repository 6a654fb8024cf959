"""Consistency checks on published summary numbers alone (no patient data).

Every check returns ``list[Finding]``. Status: "ok" (a standard rounding rule reproduces the
print), "warning" (only truncation does, or the check rests on a stated assumption that may
not hold), "inconsistent" (no rule / no admissible data can produce the print).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Literal

from retrocohort.audit.published import PublishedNumber, PublishedStudy
from retrocohort.audit.rounding import (
    ALL_RULES,
    STANDARD_RULES,
    Bound,
    CandidateP,
    Interval,
    Number,
    PMatch,
    Rule,
    exact,
    interval_for_printed,
    match_printed_p,
    matching_rules,
    parse_printed,
)

Status = Literal["ok", "inconsistent", "warning"]
QUANTILE_P: Mapping[str, Fraction] = {
    "min": Fraction(0),
    "q1": Fraction(1, 4),
    "median": Fraction(1, 2),
    "q3": Fraction(3, 4),
    "max": Fraction(1),
}
_ORDER = ("min", "q1", "median", "q3", "max")


@dataclass(frozen=True)
class Finding:
    """One audit result about one published entry (or a group of entries)."""

    check: str
    entry_id: str
    status: Status
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)


def status_from_rules(rules: Iterable[str]) -> Status:
    """Status of a match: ok for a standard rounding rule or a "<" bound, warning for truncation only."""
    rules = set(rules)
    if rules & {*STANDARD_RULES, "bound"}:
        return "ok"
    return "warning" if rules else "inconsistent"


# --- percentages (GRIM-style) ------------------------------------------------------------------


def _pct_rules(
    count: int, denominator: int, pct: Number, decimals: int, rules: Iterable[Rule] = ALL_RULES
) -> tuple[Rule, ...]:
    return matching_rules(Fraction(100 * count, denominator), pct, decimals, rules)


def fitting_denominators(count: int, pct: Number, decimals: int, max_n: int) -> list[int]:
    """Every denominator d in count..max_n (d >= 1) with 100*count/d printing as ``pct``."""
    return [d for d in range(max(count, 1), max_n + 1) if _pct_rules(count, d, pct, decimals, STANDARD_RULES)]


def check_percentage(
    entry_id: str, count: int, pct: Number, decimals: int, n: int, *, max_n: int | None = None
) -> list[Finding]:
    """GRIM-style test of "count (pct%)": does 100*count/n round to ``pct`` at ``decimals``?

    Details list the rules that matched, every denominator 1..max_n (default n) that fits the
    count and percentage, and every count 0..n that fits the percentage with denominator n.
    """
    rules = _pct_rules(count, n, pct, decimals)
    status = status_from_rules(rules)
    details = {
        "computed_pct": float(Fraction(100 * count, n)),
        "rules": list(rules),
        "denominators": fitting_denominators(count, pct, decimals, max_n or n),
        "counts_for_n": [k for k in range(n + 1) if _pct_rules(k, n, pct, decimals, STANDARD_RULES)],
    }
    msg = (
        f"{count}/{n} = {details['computed_pct']:.4g}% "
        + ("prints as" if status == "ok" else "only truncates to" if rules else "does not print as")
        + f" {float(pct):.{decimals}f}% at {decimals} decimals"
    )
    return [Finding("percentage", entry_id, status, msg, details)]


# --- quartile ordering ---------------------------------------------------------------------------


def check_quartile_order(entry_id: str, values: Mapping[str, float]) -> list[Finding]:
    """min <= q1 <= median <= q3 <= max over the keys present; a median outside its IQR fails."""
    present = [(k, values[k]) for k in _ORDER if k in values]
    broken = [f"{a}={va:g} > {b}={vb:g}" for (a, va), (b, vb) in zip(present, present[1:]) if va > vb]
    if broken:
        return [
            Finding(
                "quartile_order",
                entry_id,
                "inconsistent",
                "order violated: " + "; ".join(broken),
                {"violations": broken},
            )
        ]
    return [Finding("quartile_order", entry_id, "ok", "summary values are ordered", {})]


# --- Hyndman-Fan quantiles and granularity ---------------------------------------------------

_M = {
    4: lambda p: Fraction(0),
    5: lambda p: Fraction(1, 2),
    6: lambda p: p,
    7: lambda p: 1 - p,
    8: lambda p: (p + 1) / 3,
    9: lambda p: p / 4 + Fraction(3, 8),
}


def hf_position(n: int, p: Number, qtype: int = 7) -> tuple[int, Fraction]:
    """Hyndman & Fan (1996) sample quantile of type 1-9 as (j, g): Q = (1-g) x_(j) + g x_(j+1).

    Order statistics are 1-based; 1 <= j <= n and 0 <= g < 1 (g = 0 means a single order
    statistic). Types 1-3 are the discontinuous ones (g in {0, 1/2}); 4-9 interpolate.
    """
    if n < 1:
        raise ValueError("n must be >= 1")
    p = exact(p)
    if qtype in (1, 2, 3):
        h = n * p - (Fraction(1, 2) if qtype == 3 else 0)
        j = math.floor(h)
        if h != j:
            g = Fraction(1)
        elif qtype == 2:
            g = Fraction(1, 2)
        else:  # type 1: x_(j); type 3: nearest even order statistic
            g = Fraction(1) if qtype == 3 and j % 2 == 1 else Fraction(0)
    elif qtype in _M:
        h = n * p + _M[qtype](p)
        j = math.floor(h)
        g = h - j
    else:
        raise ValueError(f"unknown Hyndman-Fan type {qtype}")
    if g == 1:
        j, g = j + 1, Fraction(0)
    if j < 1:
        return 1, Fraction(0)
    if j >= n:
        return n, Fraction(0)
    return j, g


def hf_quantile(sorted_values: Sequence[Number], p: Number, qtype: int = 7) -> Fraction:
    """Exact Hyndman-Fan type ``qtype`` quantile of already sorted values."""
    j, g = hf_position(len(sorted_values), p, qtype)
    x = exact(sorted_values[j - 1])
    return x if g == 0 else (1 - g) * x + g * exact(sorted_values[j])


def quantile_grid_step(n: int, p: Number, qtype: int, resolution: Number) -> Fraction:
    """Spacing of attainable quantile values for data on a grid of ``resolution``.

    (1-g) r a + g r b over integers a, b covers exactly the multiples of r / denominator(g).
    """
    _, g = hf_position(n, p, qtype)
    return exact(resolution) / g.denominator


def _printable(printed: Number, decimals: int, step: Fraction) -> bool:
    return any(interval_for_printed(printed, decimals, r).has_multiple_of(step) for r in STANDARD_RULES)


def _granular_ok(
    values: Mapping[str, float], decimals: Mapping[str, int], n: int, resolution: Number, qtype: int
) -> dict[str, bool]:
    return {
        k: _printable(values[k], decimals[k], quantile_grid_step(n, QUANTILE_P[k], qtype, resolution))
        for k in _ORDER
        if k in values
    }


def check_granularity(
    entry_id: str,
    values: Mapping[str, float],
    decimals: Mapping[str, int],
    n: int,
    resolution: Number,
    *,
    qtype: int = 7,
    max_n: int | None = None,
) -> list[Finding]:
    """Can quantiles of n values on a ``resolution`` grid print as shown (Hyndman-Fan type)?

    E.g. integer data, n = 21, type 7: Q1, median, Q3 are the 6th, 11th, 16th order statistics,
    so each must be an integer. Details give, per key, the attainable step, and the sample sizes
    1..max_n (default 2n) for which every printed quantile is attainable.
    """
    ok = _granular_ok(values, decimals, n, resolution, qtype)
    steps = {k: float(quantile_grid_step(n, QUANTILE_P[k], qtype, resolution)) for k in ok}
    compatible = [
        m
        for m in range(1, (max_n or 2 * n) + 1)
        if all(_granular_ok(values, decimals, m, resolution, qtype).values())
    ]
    bad = [k for k, good in ok.items() if not good]
    details = {
        "attainable": ok,
        "grid_step": steps,
        "compatible_n": compatible,
        "resolution": float(exact(resolution)),
        "quantile_type": qtype,
    }
    if bad:
        msg = (
            f"{', '.join(f'{k}={values[k]}' for k in bad)} not attainable for n={n}, "
            f"type {qtype}, data resolution {resolution}"
        )
        return [Finding("granularity", entry_id, "inconsistent", msg, details)]
    return [
        Finding("granularity", entry_id, "ok", f"all quantiles attainable for n={n}, type {qtype}", details)
    ]


# --- a subset's quantile bounded by the full sample's summary -------------------------------


def known_order_statistics(
    n: int, values: Mapping[str, float], decimals: Mapping[str, int], qtype: int = 7
) -> dict[int, Interval]:
    """Order statistics pinned by a printed summary: position -> interval of true values.

    Only quantiles that fall on a single order statistic (g = 0) pin one; the interval is the
    closed hull of the half-up and half-even rounding intervals.
    """
    out = {}
    for k in _ORDER:
        if k in values:
            j, g = hf_position(n, QUANTILE_P[k], qtype)
            if g == 0:
                iv = interval_for_printed(values[k], decimals[k])
                out[j] = Interval(iv.lo, iv.hi, True, True)
    return out


def subset_quantile_bounds(
    n: int, known: Mapping[int, Interval], m: int, p: Number, qtype: int = 7
) -> tuple[Bound, Bound]:
    """Range of a type-``qtype`` quantile of any m-subset of n values with ``known`` order stats.

    Dropping r = n - m values gives x_(k) <= y_(k) <= x_(k+r) for the subset's order statistics.
    """
    if not 1 <= m <= n:
        raise ValueError(f"subset size {m} must be in 1..{n}")
    r = n - m
    j, g = hf_position(m, p, qtype)

    def lower(k: int) -> Bound:
        return max((iv.lo for i, iv in known.items() if i <= k), default=-math.inf)

    def upper(k: int) -> Bound:
        return min((iv.hi for i, iv in known.items() if i >= k + r), default=math.inf)

    if g == 0:
        return lower(j), upper(j)
    return ((1 - g) * lower(j) + g * lower(j + 1), (1 - g) * upper(j) + g * upper(j + 1))


def check_subset_quantile(
    entry_id: str,
    full_n: int,
    full_values: Mapping[str, float],
    full_decimals: Mapping[str, int],
    subset_n: int,
    subset_value: float,
    subset_decimals: int,
    *,
    p: Number = Fraction(1, 2),
    qtype: int = 7,
) -> list[Finding]:
    """Is a subset's printed quantile possible given the full sample's printed summary?

    Assumes the subset's values are a subset of the same measurements (e.g. Table 3 Day 0 vs
    Table 1 at diagnosis); if they are measured at a different time the check does not apply.
    """
    known = known_order_statistics(full_n, full_values, full_decimals, qtype)
    lo, hi = subset_quantile_bounds(full_n, known, subset_n, p, qtype)
    feasible = Interval(lo, hi, True, True)
    hits = [
        r
        for r in STANDARD_RULES
        if interval_for_printed(subset_value, subset_decimals, r).intersect(feasible)
    ]
    details = {"bounds": [float(lo), float(hi)], "full_n": full_n, "subset_n": subset_n}
    if hits:
        return [
            Finding(
                "subset_quantile",
                entry_id,
                "ok",
                f"{subset_value} lies within the attainable [{float(lo):g}, {float(hi):g}]",
                details,
            )
        ]
    return [
        Finding(
            "subset_quantile",
            entry_id,
            "inconsistent",
            f"{subset_value} (n={subset_n}) outside the attainable [{float(lo):g}, "
            f"{float(hi):g}] for any {subset_n} of the {full_n} summarised values",
            details,
        )
    ]


# --- counts that must agree -----------------------------------------------------------------


def check_agreement(groups: Sequence[Sequence[tuple[str, float]]]) -> list[Finding]:
    """One finding per group of (id, value) pairs that must all be equal."""
    out = []
    for group in groups:
        ids = " = ".join(i for i, _ in group)
        values = {i: v for i, v in group}
        if len(set(values.values())) <= 1:
            out.append(Finding("agreement", ids, "ok", f"all equal {group[0][1]:g}", values))
        else:
            shown = ", ".join(f"{i}={v:g}" for i, v in group)
            out.append(Finding("agreement", ids, "inconsistent", f"values differ: {shown}", values))
    return out


def check_sum(parts: Sequence[tuple[str, float]], total: tuple[str, float]) -> list[Finding]:
    """The parts must add up to the total (an agreement between their sum and the total)."""
    label = "sum(" + " + ".join(i for i, _ in parts) + ")"
    return check_agreement([[(label, sum(v for _, v in parts)), total]])


# --- a printed p-value against a set of candidate p-values -----------------------------------

_HIDDEN = {"statistic", "z", "unpaired_on_margins"}


def summarise_matches(matches: Sequence[PMatch], limit: int = 4) -> str:
    """Matches grouped by test/method: "mcnemar/exact: a=1,b=15 p=0.0023; ..."."""
    groups: dict[str, list[str]] = {}
    for m in matches:
        c = m.candidate
        params = ",".join(f"{k}={v}" for k, v in c.params.items() if k not in _HIDDEN)
        flag = " (truncated)" if set(m.rules) == {"truncate"} else ""
        groups.setdefault(f"{c.test}/{c.method}", []).append(f"{params} p={c.p:.4g}{flag}".strip())
    return "; ".join(
        f"{k}: {', '.join(v[:limit])}{f' +{len(v) - limit} more' if len(v) > limit else ''}"
        for k, v in groups.items()
    )


def check_printed_p(
    entry_id: str, printed: str, candidates: Iterable[CandidateP], *, exhaustive: bool, label: str
) -> list[Finding]:
    """Does some candidate print as ``printed``? No match is "inconsistent" only if the
    candidate set is ``exhaustive`` for the stated design, else a "warning"."""
    candidates = list(candidates)
    matches = match_printed_p(candidates, printed)
    status = status_from_rules({r for m in matches for r in m.rules})
    if not matches and not exhaustive:
        status = "warning"
    target = parse_printed(printed).value
    closest = sorted(candidates, key=lambda c: abs(exact(c.p) - target))[:3]
    details = {
        "matches": [_as_dict(m.candidate, m.rules) for m in matches],
        "closest": [_as_dict(c) for c in closest],
    }
    if status == "ok":
        msg = f"{printed} attainable under {label}: {summarise_matches(matches)}"
    elif matches:
        msg = f"{printed} not attainable by rounding under {label}; only by truncation: {summarise_matches(matches)}"
    else:
        msg = f"{printed} not attainable under {label}; closest: " + summarise_matches(
            [PMatch(c, ()) for c in closest]
        )
    return [Finding("attainable_p", entry_id, status, msg, details)]


def _as_dict(c: CandidateP, rules: Iterable[str] = ()) -> dict[str, Any]:
    return {"test": c.test, "method": c.method, "p": c.p, "rules": list(rules), **c.params}


# --- all of the above on a loaded study ------------------------------------------------------


def _entry_checks(e: PublishedNumber) -> list[Finding]:
    v, d = e.values, e.decimals
    n = e.denominator or e.n
    out: list[Finding] = []
    if e.statistic == "count_pct" and n:
        out += check_percentage(e.id, int(v["count"]), v["pct"], d["pct"], n)
    if e.statistic == "count_of_total" and "pct" in v:
        out += check_percentage(e.id, int(v["count"]), v["pct"], d["pct"], int(v["total"]))
    if e.statistic in ("median_iqr", "mean_iqr"):
        out += check_quartile_order(e.id, {k: x for k, x in v.items() if k != "mean"})
    if e.statistic == "median_iqr" and e.assumed_resolution and n:
        out += check_granularity(e.id, v, d, n, e.assumed_resolution, qtype=e.quantile_type or 7)
    return out


def check_study(study: PublishedStudy) -> list[Finding]:
    """Percentages, quartile order, granularity, agreements, sums and subset medians of a study."""
    out = [f for e in study.numbers for f in _entry_checks(e)]
    out += check_agreement([[(r, study.value(r)) for r in a.members] for a in study.agreements])
    for s in study.sums:
        out += check_sum([(r, study.value(r)) for r in s.parts], (s.total, study.value(s.total)))
    entries = study.by_id()
    for s in study.subsets:
        full, sub = entries[s.full], entries[s.subset]
        if full.denominator and sub.n:
            out += check_subset_quantile(
                sub.id,
                full.denominator,
                full.values,
                full.decimals,
                sub.n,
                sub.values["median"],
                sub.decimals["median"],
                qtype=full.quantile_type or 7,
            )
    return out
