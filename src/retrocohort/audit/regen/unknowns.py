"""Unknown values as parameters: which values of a missing entry reproduce a printed statistic?

Given per-patient values with NaN for illegible/missing entries, a statistic and its printed
value, report (a) the statistic with the missing entries excluded, and (b) treating them as
free parameters within ``bounds``: the attainable range of the statistic and, for exactly one
missing value, the exact set of its values (a union of intervals) that print as published.

Exactness: statistics are evaluated in rational arithmetic. With one missing value x, every
supported statistic is affine in x between consecutive observed values (and any statistic
breakpoint such as a threshold), so the solution set is solved piece by piece, not sampled.
Monotone statistics (quantiles, counts above a threshold, mean) are non-decreasing in each
value, so the attainable range with k missing values is [f(all at lower bound), f(all at
upper)]. Rank statistics such as a Mann-Whitney p-value (:func:`mann_whitney_p_stat`) are not
monotone but constant between observed values; for them exactly one missing value is
supported and the range is taken over every piece.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from retrocohort.audit.checks.quantile_checks import QUANTILE_P, hf_quantile
from retrocohort.audit.checks.rounding import (
    STANDARD_RULES,
    Bound,
    Interval,
    Number,
    Rule,
    exact,
    interval_for_printed,
    matching_rules,
)
from retrocohort.stats.two_sample import mann_whitney


@dataclass(frozen=True)
class Statistic:
    """A monotone statistic of a sample, piecewise affine in each value between breakpoints."""

    name: str
    func: Callable[[Sequence[Fraction]], Fraction]  # receives sorted values
    breakpoints: tuple[Fraction, ...] = ()
    integer_valued: bool = False
    monotone: bool = True


def quantile_stat(p: Number, qtype: int = 7, name: str | None = None) -> Statistic:
    """Hyndman-Fan type ``qtype`` quantile at probability ``p``."""
    return Statistic(name or f"quantile_{float(p):g}_type{qtype}", lambda xs: hf_quantile(xs, p, qtype))


def median_stat(qtype: int = 7) -> Statistic:
    """Median (all Hyndman-Fan types agree for odd n; type kept for even n)."""
    return quantile_stat(QUANTILE_P["median"], qtype, "median")


def quartile_stats(qtype: int = 7) -> dict[str, Statistic]:
    """q1, median, q3 under one Hyndman-Fan type (type 7 = R, numpy, Excel QUARTILE.INC)."""
    return {k: quantile_stat(QUANTILE_P[k], qtype, k) for k in ("q1", "median", "q3")}


def count_above(threshold: Number, inclusive: bool = False) -> Statistic:
    """Number of values > threshold (>= with ``inclusive``)."""
    t = exact(threshold)
    return Statistic(
        f"count_{'ge' if inclusive else 'gt'}_{float(t):g}",
        lambda xs: Fraction(sum(1 for x in xs if x > t or (inclusive and x == t))),
        (t,),
        integer_valued=True,
    )


def mean_stat() -> Statistic:
    """Arithmetic mean."""
    return Statistic("mean", lambda xs: sum(xs, Fraction(0)) / len(xs))


def mann_whitney_p_stat(other: Sequence[float], name: str = "Mann-Whitney p", **options: object) -> Statistic:
    """Two-sided Mann-Whitney p of the sample (holding the missing value) vs ``other``, by
    :func:`retrocohort.stats.two_sample.mann_whitney` with ``options`` (e.g. method="exact").
    Constant between the values of both samples (ranks only), hence not monotone."""
    y = [float(v) for v in other]

    def p(xs: Sequence[Fraction]) -> Fraction:
        return Fraction(mann_whitney([float(v) for v in xs], y, **options).p_value)  # type: ignore[arg-type]

    return Statistic(name, p, tuple(sorted({exact(v) for v in y})), monotone=False)


@dataclass(frozen=True)
class Target:
    """A statistic and the value printed for it, with its decimals."""

    statistic: Statistic
    printed: Number
    decimals: int


@dataclass(frozen=True)
class TargetResult:
    """How one printed statistic behaves with the missing entries excluded or as parameters."""

    statistic: str
    printed: float
    decimals: int
    excluded_value: float | None
    excluded_rules: tuple[str, ...]
    attainable_range: tuple[float, float]
    solutions: tuple[Interval, ...] | None  # one missing value: its values that print as shown
    feasible: bool


@dataclass(frozen=True)
class MissingReport:
    """All targets, plus (one missing value) the values satisfying every target at once."""

    n_missing: int
    targets: tuple[TargetResult, ...]
    joint: tuple[Interval, ...] | None
    feasible: bool


def merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Union of intervals as sorted, disjoint intervals (touching ones joined if one end is closed)."""
    out: list[Interval] = []
    for iv in sorted(intervals, key=lambda i: (i.lo, not i.lo_closed)):
        if out:
            last = out[-1]
            touching = last.hi > iv.lo or (last.hi == iv.lo and (last.hi_closed or iv.lo_closed))
            if touching:
                hi, hi_c = max((last.hi, last.hi_closed), (iv.hi, iv.hi_closed))
                out[-1] = Interval(last.lo, hi, last.lo_closed, hi_c)
                continue
        out.append(iv)
    return tuple(out)


def intersect_sets(a: Sequence[Interval], b: Sequence[Interval]) -> tuple[Interval, ...]:
    """Intersection of two unions of intervals."""
    return merge(x for i in a for j in b if (x := i.intersect(j)) is not None)


def printed_set(
    printed: Number, decimals: int, rules: Iterable[Rule] = STANDARD_RULES
) -> tuple[Interval, ...]:
    """True values that print as ``printed`` under any of ``rules``."""
    return merge(interval_for_printed(printed, decimals, r) for r in rules)


def _preimage(alpha: Fraction, beta: Fraction, target: Interval, piece: Interval) -> Interval | None:
    """{x in piece : alpha + beta x in target} for affine f on the piece."""
    if beta == 0:
        return piece if target.contains(alpha) else None
    lo, hi = (target.lo - alpha) / beta, (target.hi - alpha) / beta
    pre = (
        Interval(lo, hi, target.lo_closed, target.hi_closed)
        if beta > 0
        else Interval(hi, lo, target.hi_closed, target.lo_closed)
    )
    return pre.intersect(piece)


def _interior(piece: Interval) -> tuple[Fraction, Fraction]:
    lo, hi = piece.lo, piece.hi
    if math.isinf(lo) and math.isinf(hi):
        return Fraction(0), Fraction(1)
    if math.isinf(lo):
        return hi - 2, hi - 1
    if math.isinf(hi):
        return lo + 1, lo + 2
    return lo + (hi - lo) / 3, lo + 2 * (hi - lo) / 3


def solve_one_missing(
    known: Sequence[Fraction], stat: Statistic, target: Sequence[Interval], bounds: Interval
) -> tuple[Interval, ...]:
    """Exact set of x in ``bounds`` with stat(known + [x]) in the union ``target``."""
    cuts = sorted({c for c in (*known, *stat.breakpoints) if bounds.contains(c)})
    points = ([bounds.lo] if bounds.lo_closed else []) + cuts + ([bounds.hi] if bounds.hi_closed else [])
    edges = [bounds.lo, *cuts, bounds.hi]

    def f(x: Fraction) -> Fraction:
        return stat.func(sorted([*known, x]))

    found: list[Interval] = []
    for x in dict.fromkeys(points):
        if any(t.contains(f(x)) for t in target):
            found.append(Interval(x, x, True, True))
    for lo, hi in zip(edges, edges[1:]):
        piece = Interval(lo, hi, False, False)
        if piece.empty:
            continue
        t1, t2 = _interior(piece)
        beta = (f(t2) - f(t1)) / (t2 - t1)
        alpha = f(t1) - beta * t1
        found += [s for t in target if (s := _preimage(alpha, beta, t, piece)) is not None]
    return merge(found)


def _limit(
    stat: Statistic, known: Sequence[Fraction], k: int, end: Bound, anchor: Fraction, step: int
) -> Bound:
    """f with all k missing at ``end``; for an infinite end, the limit (+-inf if still moving)."""
    if not math.isinf(end):
        return stat.func(sorted([*known, *[exact(end)] * k]))
    a = stat.func(sorted([*known, *[anchor] * k]))
    b = stat.func(sorted([*known, *[anchor + step] * k]))
    return a if a == b else end


def _piece_range(known: Sequence[Fraction], stat: Statistic, bounds: Interval) -> tuple[Fraction, Fraction]:
    """Min and max of a piecewise-constant statistic of known + [x] over x in ``bounds``."""
    cuts = sorted({c for c in (*known, *stat.breakpoints) if bounds.contains(c)})
    edges = [bounds.lo, *cuts, bounds.hi]
    xs = list(cuts) + [
        b for b, closed in ((bounds.lo, bounds.lo_closed), (bounds.hi, bounds.hi_closed)) if closed
    ]
    xs += [
        _interior(Interval(lo, hi, False, False))[0]
        for lo, hi in zip(edges, edges[1:])
        if not Interval(lo, hi, False, False).empty
    ]
    values = [stat.func(sorted([*known, x])) for x in xs]
    return min(values), max(values)


def _result(
    known: list[Fraction], k: int, target: Target, bounds: Interval, rules: tuple[Rule, ...]
) -> TargetResult:
    stat = target.statistic
    tset = printed_set(target.printed, target.decimals, rules)
    excluded = stat.func(sorted(known)) if known else None
    ex_rules = (
        matching_rules(excluded, target.printed, target.decimals, rules) if excluded is not None else ()
    )
    if not stat.monotone:
        if k != 1:
            raise ValueError(
                f"{stat.name}: a non-monotone statistic supports exactly one missing value, got {k}"
            )
        lo, hi = _piece_range(known, stat, bounds)
    else:
        span = [*known, *stat.breakpoints] or [Fraction(0)]
        lo = _limit(stat, known, k, bounds.lo, min(span) - 1, -1)
        hi = _limit(stat, known, k, bounds.hi, max(span) + 1, 1)
    solutions = solve_one_missing(known, stat, tset, bounds) if k == 1 else None
    if solutions is not None:
        feasible = bool(solutions)
    else:
        reach = intersect_sets(tset, [Interval(lo, hi, not math.isinf(lo), not math.isinf(hi))])
        feasible = bool(reach) and (
            not stat.integer_valued or any(r.has_multiple_of(Fraction(1)) for r in reach)
        )
    return TargetResult(
        stat.name,
        float(exact(target.printed)),
        target.decimals,
        None if excluded is None else float(excluded),
        ex_rules,
        (float(lo), float(hi)),
        solutions,
        feasible,
    )


def missing_value_report(
    values: Sequence[float],
    targets: Sequence[Target],
    *,
    bounds: tuple[float, float] = (-math.inf, math.inf),
    rules: Iterable[Rule] = STANDARD_RULES,
) -> MissingReport:
    """Report, per printed statistic, the missing entries excluded vs. as parameters.

    ``values``: per-patient values, NaN = missing. ``bounds``: closed range a missing value
    may take (infinite ends open). With one missing value the report gives the exact
    solution set per target and jointly; with several, the attainable range and whether the
    print is within it (a necessary condition; joint feasibility is not resolved).
    """
    known = [exact(v) for v in values if not math.isnan(v)]
    k = len(values) - len(known)
    box = Interval(
        exact(bounds[0]) if math.isfinite(bounds[0]) else bounds[0],
        exact(bounds[1]) if math.isfinite(bounds[1]) else bounds[1],
        math.isfinite(bounds[0]),
        math.isfinite(bounds[1]),
    )
    results = tuple(_result(known, k, t, box, tuple(rules)) for t in targets)
    joint = None
    if k == 1:
        joint = (box,)
        for r in results:
            joint = intersect_sets(joint, r.solutions or ())
    feasible = bool(joint) if joint is not None else all(r.feasible for r in results)
    return MissingReport(k, results, joint, feasible)
