"""SPRITE-style reconstruction of patient-level values from printed order-statistic summaries.

Given n and a printed median [Q1–Q3] (and min/max if printed) under a stated Hyndman–Fan
quantile type, values on a grid of ``decimals`` are built in three steps, all seeded:

1. **Pin**: each printed quantile is Q = (1 - g) x_(j) + g x_(j+1) (``hf_position``); the order
   statistics it involves get values such that Q prints as shown under the rounding rule. A
   depth-first search over the pinned positions (in order, values non-decreasing, inside the
   bounds) proves infeasibility when it ends without a solution, or stops at ``max_nodes``.
2. **Fill**: every other order statistic is drawn uniformly on the grid between its pinned
   neighbours (the bounds close the tails), which leaves every printed quantile unchanged.
3. **Paired p** (Day 0 / Day 7): a seeded annealing search swaps Day 7 values between pairs and
   redraws free values inside their intervals (so every printed median stays met) until the
   configured test's p-value prints as published; it stops at the first match.

A subset median (Table 3 Day 0 of k pairs among Table 1's n) is a further pin on the full
sample: dropping r = n - k values maps the subset's order statistics j', j'+1 to full positions
i, i' with j' <= i < i' <= j' + r + 1; every (i, i') is tried. Whatever is not met comes back
with a status ("infeasible" with the proof, or "not_found" when a budget ran out) and a reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Iterator, Literal, Mapping, Sequence

import numpy as np

from retrocohort.audit.attainable import mcnemar_tables
from retrocohort.audit.consistency import (
    QUANTILE_P,
    check_granularity,
    check_quartile_order,
    check_subset_quantile,
    hf_position,
)
from retrocohort.audit.rounding import (
    Interval,
    Number,
    Printed,
    Rule,
    exact,
    interval_for_printed,
    parse_printed,
    printed_match_rules,
)
from retrocohort.stats.quantiles import quantile

Status = Literal["met", "infeasible", "not_found"]


@dataclass(frozen=True)
class Summary:
    """A printed summary of n values: keys among min, q1, median, q3, max, with their decimals."""

    n: int
    values: Mapping[str, Number]
    decimals: Mapping[str, int]


@dataclass(frozen=True)
class Pin:
    """(1 - g) x_(lo) + g x_(hi) must lie in ``interval`` (lo == hi when g == 0)."""

    label: str
    lo: int
    hi: int
    g: Fraction
    printed: Fraction
    interval: Interval


@dataclass
class Sample:
    """Sorted values in grid units (value = units / 10**decimals) and what may still move.

    ``free[i]`` is the closed interval (grid units) in which position i may move without
    changing any pinned order statistic; None for pinned positions.
    """

    units: list[int]
    decimals: int
    free: list[tuple[int, int] | None]
    status: Status = "met"
    reason: str = ""

    def values(self) -> list[float]:
        """Values as floats (each the double nearest to its exact grid value)."""
        return [float(Fraction(u, 10 ** self.decimals)) for u in self.units]


@dataclass
class Outcome:
    """Whether a target was met, and if not why ("infeasible": proved; "not_found": budget)."""

    status: Status
    reason: str = ""
    details: dict = field(default_factory=dict)


# --- pins -------------------------------------------------------------------------------------

def summary_pins(summary: Summary, qtype: int, rule: Rule, label: str = "") -> list[Pin]:
    """One pin per printed quantile of the summary (Hyndman–Fan type ``qtype``)."""
    pins = []
    for key in ("min", "q1", "median", "q3", "max"):
        if key in summary.values:
            j, g = hf_position(summary.n, QUANTILE_P[key], qtype)
            printed = exact(summary.values[key])
            pins.append(Pin(f"{label}{key}", j, j + 1 if g else j, g, printed,
                            interval_for_printed(printed, summary.decimals[key], rule)))
    return pins


def _pin_decimals(summary: Summary) -> list[int]:
    return [summary.decimals[k] for k in ("min", "q1", "median", "q3", "max") if k in summary.values]


def summary_problem(summary: Summary, decimals: int, qtype: int) -> str:
    """Why no sample can have this summary on a grid of ``decimals`` ("" if no proof found).

    Ordering (min <= Q1 <= median <= Q3 <= max) and granularity (each printed quantile must be
    a value (1 - g) a + g b of grid values), both from :mod:`retrocohort.audit.consistency`.
    """
    values = {k: float(v) for k, v in summary.values.items()}
    order = check_quartile_order("summary", values)[0]
    if order.status == "inconsistent":
        return order.message
    grain = check_granularity("summary", values, summary.decimals, summary.n,
                              Fraction(1, 10 ** decimals), qtype=qtype)[0]
    return grain.message if grain.status == "inconsistent" else ""


# --- depth-first placement of pinned order statistics ----------------------------------------

class _Budget(Exception):
    pass


def _ceil(x: Fraction) -> int:
    return math.ceil(x)


def _floor(x: Fraction) -> int:
    return math.floor(x)


def _outward(pref: int, lo: int, hi: int) -> Iterator[int]:
    """lo..hi ordered by distance to ``pref`` (pref first, then pref+1, pref-1, ...)."""
    pref = min(max(pref, lo), hi)
    yield pref
    for step in range(1, max(pref - lo, hi - pref) + 1):
        if pref + step <= hi:
            yield pref + step
        if pref - step >= lo:
            yield pref - step


def solve_pins(n: int, pins: Sequence[Pin], decimals: int, bounds: tuple[Number, Number],
               rng: np.random.Generator, *, max_nodes: int = 200_000,
               random_tries: int = 4) -> tuple[dict[int, int] | None, bool]:
    """Grid values (units of 10**-decimals) of the pinned positions meeting every pin.

    Returns (assignment, exhausted): assignment None with exhausted False is a proof that no
    sorted sample within ``bounds`` meets the pins; exhausted True means ``max_nodes`` ran out.
    The first position of an interpolated pin gets ``random_tries`` seeded draws from the
    (width / n) grid values just below the printed number, then every position is scanned
    outward from the value that puts its quantile on the printed number.
    """
    scale = Fraction(10) ** decimals
    lo_b, hi_b = _ceil(exact(bounds[0]) * scale), _floor(exact(bounds[1]) * scale)
    positions = sorted({q for pin in pins for q in (pin.lo, pin.hi)})
    if any(not 1 <= q <= n for q in positions):
        raise ValueError(f"pinned positions {positions} outside 1..{n}")
    scaled = [(pin, pin.interval.lo * scale, pin.interval.hi * scale, pin.printed * scale) for pin in pins]
    assigned: dict[int, int] = {}
    nodes = 0

    def domain(p: int, prev: int) -> tuple[int, int, int, bool]:
        """(low, high, preferred value, is the first position of an interpolated pin)."""
        dlo, dhi, pref, first = max(prev, lo_b), hi_b, None, False
        for pin, low, high, target in scaled:
            g = pin.g
            if pin.lo == pin.hi == p:
                dlo, dhi, pref = max(dlo, _ceil(low)), min(dhi, _floor(high)), round(target)
            elif pin.lo == p:
                dlo = max(dlo, _ceil((low - g * hi_b) / (1 - g)))
                dhi = min(dhi, _floor(high))
                first, pref = True, (pref if pref is not None else _floor(target))
            elif pin.hi == p:
                a = assigned[pin.lo]
                dlo = max(dlo, _ceil((low - (1 - g) * a) / g))
                dhi = min(dhi, _floor((high - (1 - g) * a) / g))
                pref = round((target - (1 - g) * a) / g)
            elif pin.lo > p:
                dhi = min(dhi, _floor(high))
            elif pin.lo < p < pin.hi:
                dhi = min(dhi, _floor((high - (1 - g) * assigned[pin.lo]) / g))
        return dlo, dhi, (dlo if pref is None else pref), first

    def met(pin: Pin) -> bool:
        if pin.lo not in assigned or pin.hi not in assigned:
            return True
        q = (1 - pin.g) * assigned[pin.lo] + pin.g * assigned[pin.hi]
        return pin.interval.contains(q / scale)

    def place(k: int, prev: int) -> bool:
        nonlocal nodes
        if k == len(positions):
            return True
        p = positions[k]
        dlo, dhi, pref, first = domain(p, prev)
        if dlo > dhi:
            return False
        tried: set[int] = set()
        near = min(max(pref, dlo), dhi)  # first of a pair: a little below the printed value
        spread = max(1, (dhi - dlo) // n)
        draws = [int(v) for v in rng.integers(max(dlo, near - spread), near + 1, size=random_tries)] if first else []
        for v in [*draws, *_outward(pref, dlo, dhi)]:
            if v in tried:
                continue
            tried.add(v)
            nodes += 1
            if nodes > max_nodes:
                raise _Budget
            assigned[p] = v
            if all(met(pin) for pin in pins) and place(k + 1, v):
                return True
            del assigned[p]
        return False

    try:
        found = place(0, lo_b)
    except _Budget:
        return None, True
    return (dict(assigned) if found else None), False


def core_pin(pin: Pin, decimals: int) -> Pin:
    """The pin narrowed to within a quarter unit of the printed value: a quantile there prints
    the same under every rounding rule and after floating-point recomputation."""
    quarter = Fraction(1, 4 * 10 ** decimals)
    core = Interval(pin.printed - quarter, pin.printed + quarter, True, True)
    return Pin(pin.label, pin.lo, pin.hi, pin.g, pin.printed, core.intersect(pin.interval) or core)


def solve_robust(n: int, pins: Sequence[Pin], printed_decimals: Sequence[int], decimals: int,
                 bounds: tuple[Number, Number], rng: np.random.Generator, *,
                 max_nodes: int = 200_000) -> tuple[dict[int, int] | None, bool]:
    """:func:`solve_pins` on the core of every pin first (see :func:`core_pin`), then on the
    full rounding intervals; the second run alone decides infeasibility."""
    core = [core_pin(pin, d) for pin, d in zip(pins, printed_decimals)]
    found, _ = solve_pins(n, core, decimals, bounds, rng, max_nodes=max_nodes)
    if found is not None:
        return found, False
    return solve_pins(n, pins, decimals, bounds, rng, max_nodes=max_nodes)


def fill_sample(n: int, pinned: Mapping[int, int], decimals: int, bounds: tuple[Number, Number],
                rng: np.random.Generator) -> Sample:
    """Sorted sample: pinned positions as given, the others uniform on the grid between their
    pinned neighbours (tails closed by ``bounds``), each with the interval it may move in."""
    scale = Fraction(10) ** decimals
    lo_b, hi_b = _ceil(exact(bounds[0]) * scale), _floor(exact(bounds[1]) * scale)
    knots = [(0, lo_b), *sorted(pinned.items()), (n + 1, hi_b)]
    units: list[int] = []
    free: list[tuple[int, int] | None] = []
    for (p1, v1), (p2, v2) in zip(knots, knots[1:]):
        gap = p2 - p1 - 1
        units += sorted(int(u) for u in rng.integers(v1, v2 + 1, size=gap))
        free += [(v1, v2)] * gap
        if p2 <= n:
            units.append(v2)
            free.append(None)
    return Sample(units, decimals, free)


def _proof_or_budget(exhausted: bool, max_nodes: int, proof: str) -> tuple[Status, str]:
    if exhausted:
        return "not_found", f"no solution within the search budget of {max_nodes} nodes"
    return "infeasible", proof


def reconstruct_sample(summary: Summary, decimals: int, bounds: tuple[Number, Number],
                       rng: np.random.Generator, *, qtype: int = 7, rule: Rule = "half_up",
                       max_nodes: int = 200_000) -> Sample:
    """n sorted grid values whose printed quantiles are ``summary`` (status "met").

    Otherwise the status says why: "infeasible" (ordering, granularity or an exhaustive search
    proves that no such sample exists) or "not_found" (the search budget ran out); the values
    are then drawn from the bounds alone and must not be read as meeting the summary.
    """
    problem = summary_problem(summary, decimals, qtype)
    pinned, exhausted = (None, False) if problem else solve_robust(
        summary.n, summary_pins(summary, qtype, rule), _pin_decimals(summary), decimals, bounds,
        rng, max_nodes=max_nodes)
    if pinned is not None:
        return fill_sample(summary.n, pinned, decimals, bounds, rng)
    status, reason = _proof_or_budget(exhausted, max_nodes, problem or (
        f"no {summary.n} values on a grid of 10^-{decimals} within bounds {list(bounds)} have "
        f"these type-{qtype} quantiles (exhaustive search)"))
    sample = fill_sample(summary.n, {}, decimals, bounds, rng)
    sample.status, sample.reason = status, reason
    return sample


# --- a subset's median pinned on the full sample ---------------------------------------------

def subset_placements(n: int, k: int, p: Number, qtype: int) -> list[tuple[int, int, Fraction]]:
    """Full positions (i, i', g) that the subset quantile (1-g) y_(j') + g y_(j'+1) of k of n
    values can occupy: j' <= i <= j' + r, and i' = i (g = 0) or i < i' <= j' + r + 1."""
    j, g = hf_position(k, p, qtype)
    r = n - k
    if g == 0:
        return [(i, i, g) for i in range(j, j + r + 1)]
    return [(i, i2, g) for i in range(j, j + r + 1) for i2 in range(i + 1, j + r + 2)]


def dropped_positions(n: int, k: int, placement: tuple[int, int, Fraction], p: Number, qtype: int,
                      rng: np.random.Generator) -> list[int]:
    """A seeded choice of the n - k full positions to drop so the subset quantile sits at
    ``placement``: every position strictly between i and i', i - j' below i, the rest above i'."""
    i, i2, _ = placement
    j, _ = hf_position(k, p, qtype)
    r = n - k
    between = list(range(i + 1, i2))
    below = i - j
    above = r - below - len(between)
    if below < 0 or above < 0 or below > i - 1 or above > n - i2:
        raise ValueError(f"placement {placement} impossible for {k} of {n}")
    low = rng.choice(np.arange(1, i), size=below, replace=False).tolist() if below else []
    high = rng.choice(np.arange(i2 + 1, n + 1), size=above, replace=False).tolist() if above else []
    return sorted(int(x) for x in (*low, *between, *high))


@dataclass
class SubsetSample:
    """A full sample plus which sorted positions (1-based) belong to the subset."""

    sample: Sample
    kept: list[int]
    outcome: Outcome


def reconstruct_with_subset(summary: Summary, k: int, subset_median: Number, subset_decimals: int,
                            decimals: int, bounds: tuple[Number, Number], rng: np.random.Generator,
                            *, qtype: int = 7, rule: Rule = "half_up",
                            max_nodes: int = 200_000) -> SubsetSample:
    """Full sample meeting ``summary`` whose k-subset has the printed median.

    Every placement of the subset median on the full sample is tried (no-gap placements first,
    each group in seeded order). If none works, the full sample is built alone and the subset
    whose median is closest to the target is kept; the outcome says why (a bound from
    :func:`retrocohort.audit.consistency.check_subset_quantile` when it proves infeasibility).
    """
    n, half = summary.n, Fraction(1, 2)
    if not 1 <= k <= n:
        raise ValueError(f"subset size {k} must be in 1..{n}")
    base = summary_pins(summary, qtype, rule)
    target = interval_for_printed(subset_median, subset_decimals, rule)
    options = subset_placements(n, k, half, qtype)
    order = rng.permutation(len(options)).tolist()
    options = sorted((options[o] for o in order), key=lambda t: t[1] - t[0] > 1)
    budget_hit = False
    problem = summary_problem(summary, decimals, qtype)
    for placement in ([] if problem else options):
        i, i2, g = placement
        pin = Pin("subset median", i, i2, g, exact(subset_median), target)
        pinned, exhausted = solve_robust(n, [*base, pin], [*_pin_decimals(summary), subset_decimals],
                                         decimals, bounds, rng, max_nodes=max_nodes)
        budget_hit |= exhausted
        if pinned is not None:
            sample = fill_sample(n, pinned, decimals, bounds, rng)
            drop = set(dropped_positions(n, k, placement, half, qtype, rng))
            return SubsetSample(sample, [q for q in range(1, n + 1) if q not in drop], Outcome("met"))
    full = reconstruct_sample(summary, decimals, bounds, rng, qtype=qtype, rule=rule, max_nodes=max_nodes)
    bound = check_subset_quantile("subset", n, {key: float(v) for key, v in summary.values.items()},
                                  summary.decimals, k, float(subset_median), subset_decimals, qtype=qtype)[0]
    proof = (bound.message if bound.status == "inconsistent" else
             f"no placement of the median of {k} among the {n} values meets both summaries "
             f"(exhaustive search over {len(options)} placements)")
    status, reason = _proof_or_budget(budget_hit, max_nodes, problem or proof)
    if full.status != "met":
        status, reason = full.status, full.reason
    best = _closest_subset(full, n, k, options, qtype, float(exact(subset_median)), rng)
    return SubsetSample(full, best, Outcome(status, reason))


def _closest_subset(sample: Sample, n: int, k: int, options: Sequence[tuple[int, int, Fraction]],
                    qtype: int, target: float, rng: np.random.Generator) -> list[int]:
    """Kept positions (one seeded drop set per placement) whose median is closest to target."""
    values = np.asarray(sample.values())
    best: tuple[float, list[int]] | None = None
    for placement in options:
        drop = set(dropped_positions(n, k, placement, Fraction(1, 2), qtype, rng))
        kept = [q for q in range(1, n + 1) if q not in drop]
        gap = abs(float(quantile(values[np.asarray(kept) - 1], 0.5, qtype)) - target)
        if best is None or gap < best[0]:
            best = (gap, kept)
    assert best is not None
    return best[1]


# --- paired p-value -----------------------------------------------------------------------------

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
    return min(Fraction(1), Fraction(2, 2 ** k))


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


def _propose(x0: list[int], x7: list[int], f0: Sequence[tuple[int, int] | None],
             f7: list[tuple[int, int] | None], rng: np.random.Generator
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


def search_paired_p(day0: Sequence[int], day7: Sequence[int],
                    free0: Sequence[tuple[int, int] | None], free7: Sequence[tuple[int, int] | None],
                    p_value: Callable[[list[int], list[int]], float], printed: str,
                    rng: np.random.Generator, *, rule: Rule = "half_up",
                    iterations: int = 20_000, restarts: int = 10) -> PairedSearch:
    """Seeded search for pairings whose p-value prints as ``printed``.

    Moves keep every printed median: swap two Day 7 values (with their intervals); redraw a
    free Day 0 or Day 7 value inside its interval; move a free Day 7 value across its Day 0
    value (sign flip); move a free value so that its absolute difference ties another pair's
    (mid-ranks) or becomes zero (dropped). Annealing acceptance
    (a worse state is taken with probability exp(-increase / T), T falling linearly from 0.3 to
    0 over the first half of a run; greedy in the second half) on :func:`p_distance`, in ``restarts`` runs from the starting state sharing
    ``iterations`` steps; stops at the first state whose p prints as published, else returns
    the closest state seen with status "not_found".
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
    reason = (f"p = {printed} not reached within {iterations} search steps ({restarts} restarts; "
              f"closest p = {p:.4g})")
    return PairedSearch(b0, b7, p, Outcome("not_found", reason))


def paired_binary_table(n: int, m1: int, m2: int, printed: str,
                        p_of: Callable[[int, int], float], *, rule: Rule = "half_up"
                        ) -> tuple[tuple[int, int, int, int], float, Outcome]:
    """The paired 2x2 table (a, b, c, d) with the published margins whose p prints as published.

    Every table with n pairs, m1 positive at time 1 and m2 at time 2 is tried (a = both
    positive from max(0, m1 + m2 - n) to min(m1, m2)); ``p_of(b, c)`` is the configured
    McNemar variant. None matching is a proof: the table with the closest p is returned.
    """
    if not (0 <= m1 <= n and 0 <= m2 <= n):
        raise ValueError(f"margins {m1}, {m2} must lie in 0..{n}")
    target = parse_printed(printed)
    scored = [(p_distance(p_of(b, c), target, rule), (a, b, c, d), p_of(b, c))
              for a, b, c, d in mcnemar_tables(n, m1, m2)]
    dist, table, p = min(scored, key=lambda s: s[0])
    if dist == 0.0:
        return table, p, Outcome("met")
    shown = ", ".join(f"a={t[0]}: p={q:.3g}" for _, t, q in scored)
    return table, p, Outcome("infeasible", f"no table with margins {m1}/{n} and {m2}/{n} gives "
                                           f"p = {printed} ({shown})", {"tables": shown})
