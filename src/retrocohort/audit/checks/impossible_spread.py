"""Spreads and ordered summaries no data can have (part of :mod:`retrocohort.audit.checks.impossible`).

Negative SDs, SEs, variances and IQR widths; reversed ranges and confidence intervals; a mean
outside the range; an SD beyond the bounds a range allows (Popoviciu, Bhatia-Davis, and the
lower bound of an attained range); a mean and median further apart than the SD allows. Every
check is a pure function returning ``list[Finding]``, empty when nothing is impossible. A printed
value ``v`` at ``d`` decimals stands for every true value in ``[v - h, v + h]``,
``h = 0.5 * 10**-d`` (:func:`printed_hull`), so only numbers no standard rounding of admissible
true values prints are called impossible.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction

from retrocohort.audit.checks.finding import Finding
from retrocohort.audit.checks.rounding import Number, exact

SPREAD_NAMES = {"sd": "SD", "se": "SE", "sem": "SE", "variance": "variance", "var": "variance", "iqr": "IQR"}


def printed_hull(value: Number, decimals: int) -> tuple[Fraction, Fraction]:
    """Every true value that prints as ``value`` at ``decimals`` under half-up or half-even."""
    v, h = exact(value), Fraction(1, 2 * 10**decimals)
    return v - h, v + h


def fmt_printed(value: Number, decimals: int) -> str:
    """``value`` as printed at ``decimals`` places."""
    return f"{float(value):.{decimals}f}"


def impossible(check: str, entry_id: str, message: str, **details: object) -> list[Finding]:
    """One "inconsistent" finding of an impossibility check."""
    return [Finding(check, entry_id, "inconsistent", message, details)]


# --- spreads and ordered summaries ---------------------------------------------------------


def check_negative_spread(
    entry_id: str, values: Mapping[str, float], decimals: Mapping[str, int]
) -> list[Finding]:
    """An SD, SE, variance or IQR width is never negative (square root of a mean square, or
    Q3 - Q1 with Q1 <= Q3 for every Hyndman & Fan 1996 quantile type)."""
    out = []
    for key, name in SPREAD_NAMES.items():
        if key in values and values[key] < 0:
            out += impossible(
                "negative_spread",
                entry_id,
                f"the {name} {fmt_printed(values[key], decimals[key])} is negative: a spread cannot be below 0",
                key=key,
                value=values[key],
            )
    return out


_PAIRS = (
    ("min", "max", "the minimum", "the maximum", "range"),
    ("ci_low", "ci_high", "the lower confidence limit", "the upper confidence limit", "confidence interval"),
)


def check_interval_order(
    entry_id: str, values: Mapping[str, float], decimals: Mapping[str, int]
) -> list[Finding]:
    """A range has min <= max and a confidence interval lower <= upper (by definition).

    Impossible only when the lowest value the printed lower end can stand for exceeds the
    highest the upper end can (rounding hulls, module docstring).
    """
    out = []
    for lo_key, hi_key, lo_name, hi_name, what in _PAIRS:
        if lo_key in values and hi_key in values:
            lo, hi = (
                printed_hull(values[lo_key], decimals[lo_key]),
                printed_hull(values[hi_key], decimals[hi_key]),
            )
            if lo[0] > hi[1]:
                out += impossible(
                    "range_order",
                    entry_id,
                    f"the {what} is reversed: {lo_name} {fmt_printed(values[lo_key], decimals[lo_key])} is above "
                    f"{hi_name} {fmt_printed(values[hi_key], decimals[hi_key])}",
                    lower=values[lo_key],
                    upper=values[hi_key],
                )
    return out


def check_mean_in_range(
    entry_id: str, mean: Number, decimals: int, low: Number, high: Number, source: str
) -> list[Finding]:
    """A mean lies between the smallest and the largest value (min <= mean <= max: it is a
    convex combination of the values). ``low``/``high`` are the widest values the printed
    bounds allow; ``source`` names them as printed (e.g. "the printed range 10–40")."""
    m_lo, m_hi = printed_hull(mean, decimals)
    if m_hi < exact(low) or m_lo > exact(high):
        return impossible(
            "outside_range",
            entry_id,
            f"the mean {fmt_printed(mean, decimals)} lies outside {source}: "
            "a mean cannot be below the smallest or above the largest value",
            mean=float(mean),
            low=float(low),
            high=float(high),
        )
    return []


def sd_upper_bound_sq(
    n: int, low: Fraction, high: Fraction, mean: tuple[Fraction, Fraction] | None
) -> Fraction:
    """Largest possible squared sample SD of n >= 2 values in [low, high], with the mean in the
    given interval if known.

    Bhatia & Davis (2000, Amer. Math. Monthly 107:353-357): the population variance of values in
    [m, M] with mean mu is at most (M - mu)(mu - m); maximised at mu = (m + M)/2 this is
    Popoviciu's (1935) (M - m)^2 / 4. The sample variance is n/(n - 1) times the population
    variance, so s <= (M - m)/2 * sqrt(n/(n - 1)) (Shiffler & Harsha 1980, "Upper and lower
    bounds for the sample standard deviation", Teaching Statistics 2:84-86).
    """
    mid = (low + high) / 2
    mu = mid if mean is None else min(max(mid, mean[0]), mean[1])
    mu = min(max(mu, low), high)
    return Fraction(n, n - 1) * (high - mu) * (mu - low)


def check_sd_bounds(
    entry_id: str,
    sd: Number,
    sd_decimals: int,
    n: int,
    low: Number,
    high: Number,
    source: str,
    *,
    mean: tuple[Number, int] | None = None,
    attained: tuple[Number, Number] | None = None,
) -> list[Finding]:
    """The sample SD of n values in [low, high] is bounded on both sides.

    Upper: s^2 <= n/(n-1) (M - mu)(mu - m) (:func:`sd_upper_bound_sq`, Bhatia-Davis; without a
    mean, Popoviciu's s <= (M - m)/2 sqrt(n/(n-1))), with ``low``/``high`` the widest values the
    printed bounds allow. Lower, only when the printed min and max are data values
    (``attained`` = the narrowest (min, max) their rounding allows): the two extremes alone give
    a sum of squared deviations of at least (M - m)^2 / 2, so s >= (M - m) / sqrt(2 (n - 1))
    (Shiffler & Harsha 1980). Both are exact; rounding hulls make the check conservative. A
    positive SD of one value is impossible too (the sample SD divides by n - 1 = 0; the
    population SD of one value is 0).
    """
    s_lo, s_hi = printed_hull(sd, sd_decimals)
    s_lo = max(s_lo, Fraction(0))
    shown = f"SD {fmt_printed(sd, sd_decimals)}"
    if n == 1:
        if s_lo > 0:
            return impossible(
                "sd_bound",
                entry_id,
                f"{shown} is printed for a single value, whose SD is 0 or undefined",
                n=1,
            )
        return []
    if n < 1:
        return []
    lo, hi = exact(low), exact(high)
    m = None if mean is None else printed_hull(*mean)
    bound_sq = sd_upper_bound_sq(n, lo, hi, m)
    if s_lo * s_lo > bound_sq:
        bound = float(bound_sq) ** 0.5
        return impossible(
            "sd_bound",
            entry_id,
            f"{shown} is larger than any {n} values within {source} can have "
            f"(at most {bound:.3g}: Bhatia-Davis bound s² ≤ n/(n−1)·(max−mean)(mean−min))",
            bound=bound,
        )
    span = None if attained is None else exact(attained[1]) - exact(attained[0])
    if span is not None and span > 0:
        min_sq = span**2 / (2 * (n - 1))
        if s_hi * s_hi < min_sq:
            bound = float(min_sq) ** 0.5
            return impossible(
                "sd_bound",
                entry_id,
                f"{shown} is smaller than any {n} values spanning {source} can have "
                f"(at least {bound:.3g} = (max−min)/√(2(n−1)))",
                bound=bound,
            )
    return []


def check_mean_median_sd(
    entry_id: str, mean: tuple[Number, int], median: tuple[Number, int], sd: tuple[Number, int], n: int | None
) -> list[Finding]:
    """|mean - median| <= population SD <= sample SD (Hotelling & Solomons 1932; Mallows 1991,
    Amer. Stat. 45:257); with n known the bound is s sqrt((n - 1)/n)."""
    (a_lo, a_hi), (b_lo, b_hi), (_, s_hi) = printed_hull(*mean), printed_hull(*median), printed_hull(*sd)
    gap = max(a_lo - b_hi, b_lo - a_hi, Fraction(0))
    limit_sq = s_hi * s_hi * (Fraction(n - 1, n) if n and n >= 1 else 1)
    if gap * gap > limit_sq:
        return impossible(
            "mean_median_sd",
            entry_id,
            f"the mean {fmt_printed(*mean)} and median {fmt_printed(*median)} are further apart than the SD "
            f"{fmt_printed(*sd)} allows (|mean − median| ≤ SD for any data)",
        )
    return []
