"""SPRITE-style feasibility: is there an integer sample with this n, mean, SD and range?

SPRITE (Heathers, Anaya, van der Zee & Brown 2018, "Recovering data from summary statistics:
Sample Parameter Reconstruction via Iterative TEchniques (SPRITE)", PeerJ Preprints
6:e26968v1) searches at random for samples of n integers within a scale [low, high] whose mean
and SD print as reported. This module answers the same question exactly: a dynamic programme
over the scale values collects every (count, sum) -> set of sums of squares that some multiset
reaches (sets as Python integer bitmasks), so "no sample" is a proof rather than a failed
search; one sample is then rebuilt by walking the programme backwards. The SD limits it implies
match rsprite2's ``.sd_limits`` (minimum and maximum SD over all samples with the mean).

Cost: O(n * n * (high - low + 1)^2) big-integer operations; ``MAX_CELLS`` bounds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from retrocohort.audit.checks.grim import grim_sums, sd_prints
from retrocohort.audit.checks.rounding import Number

MAX_CELLS = 4_000_000  # n * (n * width) * width: about a second of work


@dataclass(frozen=True)
class SpriteResult:
    """``sample``: one integer sample (sorted) with the printed mean and SD, or None when none
    exists; ``sums``: the GRIM-consistent totals; ``sd_range``: (min, max) sample SD over every
    sample with one of those totals (None when no total is reachable)."""

    sample: tuple[int, ...] | None
    sums: tuple[int, ...]
    sd_range: tuple[float, float] | None


def _reachable(n: int, low: int, high: int) -> list[list[list[int]]]:
    """layers[j][c][s - c*low]: bitmask of the sums of squares of c values from low..low+j
    (repeats allowed) summing to s."""
    width = high - low
    layers: list[list[list[int]]] = []
    for j in range(width + 1):
        v2 = (low + j) ** 2
        prev = layers[-1] if layers else None
        cur = [[0] * (c * width + 1) for c in range(n + 1)]
        cur[0][0] = 1
        for c in range(1, n + 1):
            below = cur[c - 1]
            for off in range(c * width + 1):
                acc = prev[c][off] if prev is not None else 0
                if 0 <= off - j < len(below):
                    acc |= below[off - j] << v2
                cur[c][off] = acc
        layers.append(cur)
    return layers


def _rebuild(layers: list[list[list[int]]], n: int, low: int, total: int, q: int) -> tuple[int, ...]:
    """One multiset of n values with sum ``total`` and sum of squares ``q`` (must be reachable)."""
    out, c, off, j = [], n, total - n * low, len(layers) - 1
    while c:
        v2 = (low + j) ** 2
        below = layers[j][c - 1]
        if q >= v2 and 0 <= off - j < len(below) and (below[off - j] >> (q - v2)) & 1:
            out.append(low + j)
            c, off, q = c - 1, off - j, q - v2
        else:
            j -= 1
    return tuple(sorted(out))


def sprite_search(
    mean: Number, mean_decimals: int, sd: Number, sd_decimals: int, n: int, low: int, high: int
) -> SpriteResult:
    """Find one sample of ``n`` integers in [``low``, ``high``] whose mean and sample SD print as
    given (half-up or half-even), or prove there is none (see module docstring).

    Raises
    ------
    ValueError
        For n < 2, low >= high, or a problem larger than ``MAX_CELLS``.
    """
    if n < 2 or low >= high:
        raise ValueError(f"need n >= 2 and low < high, got n={n}, range [{low}, {high}]")
    width = high - low
    if n * n * width * (width + 1) > MAX_CELLS:
        raise ValueError(f"n={n} on [{low}, {high}] is too large for the exact search")
    sums = tuple(t for t in grim_sums(mean, mean_decimals, n) if n * low <= t <= n * high)
    if not sums:
        return SpriteResult(None, (), None)
    layers = _reachable(n, low, high)
    top = layers[-1][n]
    sample, variances = None, []
    for t in sums:
        mask = top[t - n * low]
        qs = [q for q in range(mask.bit_length()) if (mask >> q) & 1]
        for q in qs:
            variance = (q - Fraction(t * t, n)) / (n - 1)
            variances.append(variance)
            if sample is None and sd_prints(variance, sd, sd_decimals):
                sample = _rebuild(layers, n, low, t, q)
    sd_range = (float(min(variances)) ** 0.5, float(max(variances)) ** 0.5) if variances else None
    return SpriteResult(sample, sums, sd_range)
