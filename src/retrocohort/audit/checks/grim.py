"""GRIM and GRIMMER: can a printed mean (and SD) come from n integer-valued observations?

GRIM (Brown & Heathers 2017, "The GRIM test: a simple technique detects numerous anomalies in
the reporting of results in psychology", Soc Psychol Personal Sci 8:363-369): the mean of n
observations that are each the mean of ``items`` integer items is a multiple of
1 / (n * items); a printed mean no such multiple rounds to is impossible.

GRIMMER (Anaya 2016, "The GRIMMER test: a method for testing the validity of reported measures
of variability", PeerJ Preprints 4:e2400v1; analytic form of Allard 2018): with the sum T of
the (scaled) integer observations fixed by GRIM, the sample SD s satisfies
(n - 1) s^2 = Q - T^2 / n for an integer sum of squares Q with Q = T (mod 2) (since x^2 = x mod
2); a printed SD that no such Q rounds to is impossible.

Rounding: a value "prints as" the printed one under half-up or half-even rounding
(:mod:`retrocohort.audit.checks.rounding`), computed exactly with fractions (no float tolerance);
``SCRUTINY_RULES`` (half-up or half-down) reproduces the scrutiny R package's default.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

from retrocohort.audit.checks.rounding import (
    STANDARD_RULES,
    Interval,
    Number,
    Rule,
    exact,
    interval_for_printed,
)

SCRUTINY_RULES: tuple[Rule, ...] = ("half_up", "half_down")  # scrutiny's default "up_or_down"


def printed_intervals(
    printed: Number, decimals: int, rules: Iterable[Rule] = STANDARD_RULES
) -> list[Interval]:
    """The true values that print as ``printed`` at ``decimals`` places, one interval per rule."""
    return [interval_for_printed(printed, decimals, r) for r in rules]


def grim_sums(
    mean: Number, decimals: int, n: int, items: int = 1, rules: Iterable[Rule] = STANDARD_RULES
) -> list[int]:
    """Every total T (in units of 1/items) with T / (n * items) printing as ``mean`` (GRIM).

    Parameters
    ----------
    mean, decimals : the printed mean and the decimals shown.
    n : number of observations; items : integer items averaged per observation (1 for a plain
        integer scale).

    Returns
    -------
    list[int]
        Sorted totals; empty means GRIM-inconsistent (Brown & Heathers 2017).
    """
    if n < 1 or items < 1:
        raise ValueError(f"n and items must be >= 1, got n={n}, items={items}")
    scale = n * items
    out: set[int] = set()
    for iv in printed_intervals(mean, decimals, rules):
        lo = math.floor(exact(iv.lo) * scale) - 1
        hi = math.ceil(exact(iv.hi) * scale) + 1
        out |= {t for t in range(lo, hi + 1) if iv.contains(Fraction(t, scale))}
    return sorted(out)


def grim_consistent(
    mean: Number, decimals: int, n: int, items: int = 1, rules: Iterable[Rule] = STANDARD_RULES
) -> bool:
    """GRIM (Brown & Heathers 2017): True if some n-observation integer-scale mean prints as it."""
    return bool(grim_sums(mean, decimals, n, items, rules))


def _sd_contains(iv: Interval, variance: Fraction) -> bool:
    """Does sqrt(variance) lie in ``iv`` (compared through squares, exactly)?"""
    lo = max(exact(iv.lo), Fraction(0))
    hi = exact(iv.hi)
    above = variance > lo * lo or (variance == lo * lo and (iv.lo_closed or lo == 0 and iv.lo <= 0))
    below = variance < hi * hi or (variance == hi * hi and iv.hi_closed)
    return above and below


def sd_prints(variance: Fraction, sd: Number, decimals: int, rules: Iterable[Rule] = STANDARD_RULES) -> bool:
    """True if the SD sqrt(``variance``) prints as ``sd`` at ``decimals`` places under a rule."""
    return any(_sd_contains(iv, variance) for iv in printed_intervals(sd, decimals, rules))


def grimmer_solutions(
    mean: Number,
    mean_decimals: int,
    sd: Number,
    sd_decimals: int,
    n: int,
    items: int = 1,
    rules: Iterable[Rule] = STANDARD_RULES,
) -> list[tuple[int, int]]:
    """Every (T, Q) — total and sum of squares of the observations scaled to integers (x * items)
    — whose mean prints as ``mean`` and whose sample SD prints as ``sd`` (GRIMMER, Anaya 2016).

    Empty means GRIMMER-inconsistent (or GRIM-inconsistent, when ``grim_sums`` is empty too).
    """
    if n < 2:
        raise ValueError(f"a sample SD needs n >= 2, got n={n}")
    rules = tuple(rules)
    k = Fraction(items)
    out = []
    sd_hi = max(exact(iv.hi) for iv in printed_intervals(sd, sd_decimals, rules))
    for t in grim_sums(mean, mean_decimals, n, items, rules):
        base = Fraction(t * t, n)  # Q = (n - 1) s'^2 + T^2 / n, with s' = items * s
        q_lo = math.ceil(base)
        q_hi = math.floor((n - 1) * (sd_hi * k) ** 2 + base) + 1
        for q in range(q_lo, q_hi + 1):
            if (q - t) % 2:
                continue
            variance = (q - base) / (n - 1) / (k * k)
            if variance >= 0 and sd_prints(variance, sd, sd_decimals, rules):
                out.append((t, q))
    return out


def grimmer_consistent(
    mean: Number,
    mean_decimals: int,
    sd: Number,
    sd_decimals: int,
    n: int,
    items: int = 1,
    rules: Iterable[Rule] = STANDARD_RULES,
) -> bool:
    """GRIMMER (Anaya 2016): True if some integer-scale sample has this mean, SD and n."""
    return bool(grimmer_solutions(mean, mean_decimals, sd, sd_decimals, n, items, rules))
