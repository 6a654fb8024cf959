"""A subset's printed median pinned on the full reconstructed sample.

Table 3 prints the Day 0 median of the k patients with both days among Table 1's n: dropping
r = n - k values maps the subset's order statistics j', j'+1 to full positions i, i' with
j' <= i < i' <= j' + r + 1; every (i, i') is tried as one more pin on the full sample
(:func:`retrocohort.synthetic.reconstruct.solve_robust`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from retrocohort.audit.checks.quantile_checks import check_subset_quantile, hf_position
from retrocohort.audit.checks.rounding import Number, Rule, exact, interval_for_printed
from retrocohort.stats.quantiles import quantile
from retrocohort.synthetic.reconstruct import (
    Outcome,
    Pin,
    Sample,
    Summary,
    fill_sample,
    pin_decimals,
    proof_or_budget,
    reconstruct_sample,
    solve_robust,
    summary_pins,
    summary_problem,
)


def subset_placements(n: int, k: int, p: Number, qtype: int) -> list[tuple[int, int, Fraction]]:
    """Full positions (i, i', g) that the subset quantile (1-g) y_(j') + g y_(j'+1) of k of n
    values can occupy: j' <= i <= j' + r, and i' = i (g = 0) or i < i' <= j' + r + 1."""
    j, g = hf_position(k, p, qtype)
    r = n - k
    if g == 0:
        return [(i, i, g) for i in range(j, j + r + 1)]
    return [(i, i2, g) for i in range(j, j + r + 1) for i2 in range(i + 1, j + r + 2)]


def dropped_positions(
    n: int, k: int, placement: tuple[int, int, Fraction], p: Number, qtype: int, rng: np.random.Generator
) -> list[int]:
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


def reconstruct_with_subset(
    summary: Summary,
    k: int,
    subset_median: Number,
    subset_decimals: int,
    decimals: int,
    bounds: tuple[Number, Number],
    rng: np.random.Generator,
    *,
    qtype: int,
    rule: Rule = "half_up",
    max_nodes: int = 200_000,
) -> SubsetSample:
    """Full sample meeting ``summary`` whose k-subset has the printed median.

    Every placement of the subset median on the full sample is tried (no-gap placements first,
    each group in seeded order). If none works, the full sample is built alone and the subset
    whose median is closest to the target is kept; the outcome says why (a bound from
    :func:`retrocohort.audit.checks.quantile_checks.check_subset_quantile` when it proves infeasibility).
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
    for placement in [] if problem else options:
        i, i2, g = placement
        pin = Pin("subset median", i, i2, g, exact(subset_median), target)
        pinned, exhausted = solve_robust(
            n,
            [*base, pin],
            [*pin_decimals(summary), subset_decimals],
            decimals,
            bounds,
            rng,
            max_nodes=max_nodes,
        )
        budget_hit |= exhausted
        if pinned is not None:
            sample = fill_sample(n, pinned, decimals, bounds, rng)
            drop = set(dropped_positions(n, k, placement, half, qtype, rng))
            return SubsetSample(sample, [q for q in range(1, n + 1) if q not in drop], Outcome("met"))
    full = reconstruct_sample(summary, decimals, bounds, rng, qtype=qtype, rule=rule, max_nodes=max_nodes)
    bound = check_subset_quantile(
        "subset",
        n,
        {key: float(v) for key, v in summary.values.items()},
        summary.decimals,
        k,
        float(subset_median),
        subset_decimals,
        qtype=qtype,
    )[0]
    proof = (
        bound.message
        if bound.status == "inconsistent"
        else f"no placement of the median of {k} among the {n} values meets both summaries "
        f"(exhaustive search over {len(options)} placements)"
    )
    status, reason = proof_or_budget(budget_hit, max_nodes, problem or proof)
    if full.status != "met":
        status, reason = full.status, full.reason
    best = _closest_subset(full, n, k, options, qtype, float(exact(subset_median)), rng)
    return SubsetSample(full, best, Outcome(status, reason))


def _closest_subset(
    sample: Sample,
    n: int,
    k: int,
    options: Sequence[tuple[int, int, Fraction]],
    qtype: int,
    target: float,
    rng: np.random.Generator,
) -> list[int]:
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
