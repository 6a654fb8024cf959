"""SPRITE-style reconstruction of patient-level values from printed order-statistic summaries.

Given n and a printed median [Q1–Q3] (and min/max if printed) under a stated Hyndman–Fan
quantile type, values on a grid of ``decimals`` are built in two steps, both seeded:

1. **Pin**: each printed quantile is Q = (1 - g) x_(j) + g x_(j+1) (``hf_position``); the order
   statistics it involves get values such that Q prints as shown under the rounding rule. A
   depth-first search over the pinned positions (in order, values non-decreasing, inside the
   bounds) proves infeasibility when it ends without a solution, or stops at ``max_nodes``.
2. **Fill**: every other order statistic is drawn uniformly on the grid between its pinned
   neighbours (the bounds close the tails), which leaves every printed quantile unchanged.

A subset's median pinned on the full sample is :mod:`retrocohort.synthetic.subset_median`; the
search for a Day 0 / Day 7 pairing whose p-value prints as published is
:mod:`retrocohort.synthetic.paired_search`. Whatever is not met comes back with a status
("infeasible" with the proof, or "not_found" when a budget ran out) and a reason.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

import numpy as np

from retrocohort.audit.checks.quantile_checks import (
    QUANTILE_P,
    check_granularity,
    check_quartile_order,
    hf_position,
)
from retrocohort.audit.checks.rounding import Interval, Number, Rule, exact, interval_for_printed

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
        return [float(Fraction(u, 10**self.decimals)) for u in self.units]


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
            pins.append(
                Pin(
                    f"{label}{key}",
                    j,
                    j + 1 if g else j,
                    g,
                    printed,
                    interval_for_printed(printed, summary.decimals[key], rule),
                )
            )
    return pins


def pin_decimals(summary: Summary) -> list[int]:
    return [summary.decimals[k] for k in ("min", "q1", "median", "q3", "max") if k in summary.values]


def summary_problem(summary: Summary, decimals: int, qtype: int) -> str:
    """Why no sample can have this summary on a grid of ``decimals`` ("" if no proof found).

    Ordering (min <= Q1 <= median <= Q3 <= max) and granularity (each printed quantile must be
    a value (1 - g) a + g b of grid values), both from :mod:`retrocohort.audit.checks.quantile_checks`.
    """
    values = {k: float(v) for k, v in summary.values.items()}
    order = check_quartile_order("summary", values)[0]
    if order.status == "inconsistent":
        return order.message
    grain = check_granularity(
        "summary", values, summary.decimals, summary.n, Fraction(1, 10**decimals), qtype=qtype
    )[0]
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


def solve_pins(
    n: int,
    pins: Sequence[Pin],
    decimals: int,
    bounds: tuple[Number, Number],
    rng: np.random.Generator,
    *,
    max_nodes: int = 200_000,
    random_tries: int = 4,
) -> tuple[dict[int, int] | None, bool]:
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
        draws = (
            [int(v) for v in rng.integers(max(dlo, near - spread), near + 1, size=random_tries)]
            if first
            else []
        )
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
    quarter = Fraction(1, 4 * 10**decimals)
    core = Interval(pin.printed - quarter, pin.printed + quarter, True, True)
    return Pin(pin.label, pin.lo, pin.hi, pin.g, pin.printed, core.intersect(pin.interval) or core)


def solve_robust(
    n: int,
    pins: Sequence[Pin],
    printed_decimals: Sequence[int],
    decimals: int,
    bounds: tuple[Number, Number],
    rng: np.random.Generator,
    *,
    max_nodes: int = 200_000,
) -> tuple[dict[int, int] | None, bool]:
    """:func:`solve_pins` on the core of every pin first (see :func:`core_pin`), then on the
    full rounding intervals; the second run alone decides infeasibility."""
    core = [core_pin(pin, d) for pin, d in zip(pins, printed_decimals)]
    found, _ = solve_pins(n, core, decimals, bounds, rng, max_nodes=max_nodes)
    if found is not None:
        return found, False
    return solve_pins(n, pins, decimals, bounds, rng, max_nodes=max_nodes)


def fill_sample(
    n: int, pinned: Mapping[int, int], decimals: int, bounds: tuple[Number, Number], rng: np.random.Generator
) -> Sample:
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


def proof_or_budget(exhausted: bool, max_nodes: int, proof: str) -> tuple[Status, str]:
    if exhausted:
        return "not_found", f"no solution within the search budget of {max_nodes} nodes"
    return "infeasible", proof


def reconstruct_sample(
    summary: Summary,
    decimals: int,
    bounds: tuple[Number, Number],
    rng: np.random.Generator,
    *,
    qtype: int,
    rule: Rule = "half_up",
    max_nodes: int = 200_000,
) -> Sample:
    """n sorted grid values whose printed quantiles are ``summary`` (status "met").

    Otherwise the status says why: "infeasible" (ordering, granularity or an exhaustive search
    proves that no such sample exists) or "not_found" (the search budget ran out); the values
    are then drawn from the bounds alone and must not be read as meeting the summary.
    """
    problem = summary_problem(summary, decimals, qtype)
    pinned, exhausted = (
        (None, False)
        if problem
        else solve_robust(
            summary.n,
            summary_pins(summary, qtype, rule),
            pin_decimals(summary),
            decimals,
            bounds,
            rng,
            max_nodes=max_nodes,
        )
    )
    if pinned is not None:
        return fill_sample(summary.n, pinned, decimals, bounds, rng)
    status, reason = proof_or_budget(
        exhausted,
        max_nodes,
        problem
        or (
            f"no {summary.n} values on a grid of 10^-{decimals} within bounds {list(bounds)} have "
            f"these type-{qtype} quantiles (exhaustive search)"
        ),
    )
    sample = fill_sample(summary.n, {}, decimals, bounds, rng)
    sample.status, sample.reason = status, reason
    return sample
