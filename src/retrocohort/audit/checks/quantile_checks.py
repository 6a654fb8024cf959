"""Hyndman-Fan sample quantiles on exact fractions and the data-free checks built on them.

Quartile order (min <= q1 <= median <= q3 <= max), granularity (can quantiles of n values on a
grid print as shown?) and a subset's quantile bounded by the full sample's printed summary.
Every check returns ``list[Finding]`` (:mod:`retrocohort.audit.checks.finding`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction

from retrocohort.audit.checks.finding import Finding
from retrocohort.audit.checks.rounding import (
    STANDARD_RULES,
    Bound,
    Interval,
    Number,
    exact,
    interval_for_printed,
)

QUANTILE_P: Mapping[str, Fraction] = {
    "min": Fraction(0),
    "q1": Fraction(1, 4),
    "median": Fraction(1, 2),
    "q3": Fraction(3, 4),
    "max": Fraction(1),
}
_ORDER = ("min", "q1", "median", "q3", "max")

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
