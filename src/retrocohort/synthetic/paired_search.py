"""Day 0 / Day 7 pairings and paired 2x2 tables whose test p-value prints as published.

Continuous parameters: a seeded annealing search swaps Day 7 values between pairs and redraws
free values inside their intervals (so every printed median stays met) until the configured
test's p-value prints as published; it stops at the first match (:func:`search_paired_p`).
Binary parameters: every 2x2 table with the published margins is tried
(:func:`paired_binary_table`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from retrocohort.audit.checks.attainable import mcnemar_tables
from retrocohort.audit.checks.rounding import (
    Printed,
    Rule,
    interval_for_printed,
    parse_printed,
    printed_match_rules,
)
from retrocohort.synthetic.reconstruct import Outcome


def _logit(p: float) -> float:
    q = min(max(p, 1e-12), 1 - 1e-12)
    return math.log(q / (1 - q))


def p_distance(p: float, printed: Printed, rule: Rule) -> float:
    """0 if ``p`` prints as ``printed`` under ``rule``, else |logit p - logit(nearest end)|
    (the logit spreads out both small p-values and p-values near 1)."""
    if not math.isfinite(p):
        return math.inf
    if printed_match_rules(p, printed, (rule,)):
        return 0.0
    if printed.relation in ("<", ">"):
        end = float(printed.value)
    else:
        iv = interval_for_printed(printed.value, printed.decimals, rule)
        end = float(iv.hi) if p >= iv.hi else float(iv.lo)
    return abs(_logit(p) - _logit(end))


def min_signed_rank_p(k: int) -> Fraction:
    """Smallest two-sided exact signed-rank p for k pairs, with or without ties: 2 / 2**k
    (only the all-positive or all-negative sign pattern reaches the extreme statistic)."""
    return min(Fraction(1), Fraction(2, 2**k))


@dataclass
class PairedSearch:
    """Day 0 / Day 7 grid values per pair after the p-value search."""

    day0: list[int]
    day7: list[int]
    p_value: float
    outcome: Outcome


def _inside(f: tuple[int, int] | None, v: int) -> bool:
    return f is not None and f[0] <= v <= f[1]


def _redraw(f: tuple[int, int], current: int, scale: int, rng: np.random.Generator) -> int:
    """A normal step of sd ``scale`` if it stays in the interval, else uniform in it."""
    step = current + round(rng.normal(0.0, max(1, scale)))
    return int(step) if f[0] <= step <= f[1] else int(rng.integers(f[0], f[1] + 1))


def _propose(
    x0: list[int],
    x7: list[int],
    f0: Sequence[tuple[int, int] | None],
    f7: list[tuple[int, int] | None],
    rng: np.random.Generator,
) -> tuple[list[int], list[int], list[tuple[int, int] | None]] | None:
    """One random move (None if the drawn move is not allowed); see :func:`search_paired_p`."""
    k = len(x0)
    y0, y7, g7 = list(x0), list(x7), list(f7)
    a, b = (int(i) for i in rng.choice(k, size=2, replace=False)) if k > 1 else (0, 0)
    move = rng.random()
    if move < 0.3:  # swap two Day 7 values with their intervals
        if a == b:
            return None
        y7[a], y7[b], g7[a], g7[b] = y7[b], y7[a], g7[b], g7[a]
    elif move < 0.45:  # redraw a free Day 7 value
        if f7[a] is None:
            return None
        y7[a] = _redraw(f7[a], x7[a], abs(x7[a] - x0[a]), rng)
    elif move < 0.55:  # redraw a free Day 0 value
        if f0[a] is None:
            return None
        y0[a] = _redraw(f0[a], x0[a], abs(x7[a] - x0[a]), rng)
    elif move < 0.7:  # flip the sign of d_a: Day 7 to the other side of Day 0
        if f7[a] is None:
            return None
        lo, hi = (f7[a][0], x0[a] - 1) if x7[a] >= x0[a] else (x0[a] + 1, f7[a][1])
        if lo > hi:
            return None
        y7[a] = int(rng.integers(lo, hi + 1))
    else:  # |d_a| = |d_b| with either sign (tied mid-ranks), or d_a = 0 (dropped)
        size = 0 if move >= 0.9 else abs(x7[b] - x0[b])
        sign = 1 if rng.random() < 0.5 else -1
        if _inside(f7[a], x0[a] + sign * size):
            y7[a] = x0[a] + sign * size
        elif _inside(f0[a], x7[a] - sign * size):
            y0[a] = x7[a] - sign * size
        else:
            return None
    return y0, y7, g7


def search_paired_p(
    day0: Sequence[int],
    day7: Sequence[int],
    free0: Sequence[tuple[int, int] | None],
    free7: Sequence[tuple[int, int] | None],
    p_value: Callable[[list[int], list[int]], float],
    printed: str,
    rng: np.random.Generator,
    *,
    rule: Rule = "half_up",
    iterations: int = 20_000,
    restarts: int = 10,
) -> PairedSearch:
    """Seeded search for pairings whose p-value prints as ``printed``.

    Moves keep every printed median: swap two Day 7 values (with their intervals); redraw a
    free Day 0 or Day 7 value inside its interval; move a free Day 7 value across its Day 0
    value (sign flip); move a free value so that its absolute difference ties another pair's
    (mid-ranks) or becomes zero (dropped). Annealing acceptance
    (a worse state is taken with probability exp(-increase / T), T falling linearly from 0.3 to
    0 over the first half of a run; greedy in the second half) on :func:`p_distance`, in
    ``restarts`` runs from the starting state sharing ``iterations`` steps; stops at the first
    state whose p prints as published, else returns the closest state seen with status
    "not_found".
    """
    target = parse_printed(printed)
    start = (list(day0), list(day7), list(free7))
    first_p = p_value(start[0], start[1])
    best = (p_distance(first_p, target, rule), first_p, start[0], start[1])
    per_run = max(1, iterations // restarts)
    for _ in range(restarts):
        x0, x7, f7 = list(start[0]), list(start[1]), list(start[2])
        cur_p, cur = first_p, best[0] if best[0] == 0.0 else p_distance(first_p, target, rule)
        for it in range(per_run):
            if cur == 0.0:
                return PairedSearch(x0, x7, cur_p, Outcome("met"))
            proposal = _propose(x0, x7, free0, f7, rng)
            if proposal is None:
                continue
            y0, y7, g7 = proposal
            p = p_value(y0, y7)
            d = p_distance(p, target, rule)
            temp = 0.3 * (1 - 2 * it / per_run)  # annealing, then greedy in the second half
            if d <= cur or (temp > 0 and rng.random() < math.exp(-(d - cur) / temp)):
                x0, x7, f7, cur, cur_p = y0, y7, g7, d, p
                if d < best[0]:
                    best = (d, p, list(x0), list(x7))
        if cur == 0.0:
            return PairedSearch(x0, x7, cur_p, Outcome("met"))
    _, p, b0, b7 = best
    reason = (
        f"p = {printed} not reached within {iterations} search steps ({restarts} restarts; "
        f"closest p = {p:.4g})"
    )
    return PairedSearch(b0, b7, p, Outcome("not_found", reason))


def paired_binary_table(
    n: int, m1: int, m2: int, printed: str, p_of: Callable[[int, int], float], *, rule: Rule = "half_up"
) -> tuple[tuple[int, int, int, int], float, Outcome]:
    """The paired 2x2 table (a, b, c, d) with the published margins whose p prints as published.

    Every table with n pairs, m1 positive at time 1 and m2 at time 2 is tried (a = both
    positive from max(0, m1 + m2 - n) to min(m1, m2)); ``p_of(b, c)`` is the configured
    McNemar variant. None matching is a proof: the table with the closest p is returned.
    """
    if not (0 <= m1 <= n and 0 <= m2 <= n):
        raise ValueError(f"margins {m1}, {m2} must lie in 0..{n}")
    target = parse_printed(printed)
    scored = [
        (p_distance(p_of(b, c), target, rule), (a, b, c, d), p_of(b, c))
        for a, b, c, d in mcnemar_tables(n, m1, m2)
    ]
    dist, table, p = min(scored, key=lambda s: s[0])
    if dist == 0.0:
        return table, p, Outcome("met")
    shown = ", ".join(f"a={t[0]}: p={q:.3g}" for _, t, q in scored)
    return (
        table,
        p,
        Outcome(
            "infeasible",
            f"no table with margins {m1}/{n} and {m2}/{n} gives p = {printed} ({shown})",
            {"tables": shown},
        ),
    )
