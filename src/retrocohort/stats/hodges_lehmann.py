"""Hodges-Lehmann estimate of the paired (pseudo-)median difference, its CI, rank-biserial r.

:func:`hodges_lehmann_paired` dispatches over the conventions in ``HL_CONVENTIONS``: the
retrocohort convention (zeros kept, exact Walsh-average selection,
:mod:`retrocohort.stats.walsh`) and R's ``wilcox.test`` (:mod:`retrocohort.stats.hodges_lehmann_r`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from retrocohort.stats.hodges_lehmann_r import hodges_lehmann_r
from retrocohort.stats.result import check_choice
from retrocohort.stats.signed_rank import doubled_midranks, prepare_differences
from retrocohort.stats.walsh import HLResult, select_walsh_sum, walsh_hodges_lehmann

__all__ = [
    "HL_CONVENTIONS",
    "HLResult",
    "hodges_lehmann_paired",
    "rank_biserial_from_v",
    "rank_biserial_paired",
    "select_walsh_sum",
]

HL_CONVENTIONS = ("retrocohort", "R")


def hodges_lehmann_paired(
    d: ArrayLike,
    conf_level: float = 0.95,
    decimals: int | None = None,
    *,
    exact_max_n: int = 50,
    convention: str = "retrocohort",
) -> HLResult:
    """Hodges-Lehmann estimate (median of the n(n+1)/2 Walsh averages) with its CI.

    CI = [W_(k), W_(N-k+1)], N = n(n+1)/2. Exact k (R's qsignrank(alpha/2, n), at least 1)
    when n <= ``exact_max_n`` and there are no zeros or ties among |d| (R: n < 50); else the
    normal approximation k = floor(N/2 - z_(1-alpha/2) sqrt(n(n+1)(2n+1)/24) + 1/2), the
    largest k with continuity-corrected P(T <= k-1) <= alpha/2, untied variance (R instead
    inverts the tie-corrected z statistic numerically). Zeros are kept in the Walsh averages
    (R drops them first).

    ``convention="R"`` (the R preset) instead returns R's own estimate and CI, zeros dropped
    and root-finding with ties or zeros: :func:`retrocohort.stats.hodges_lehmann_r.hodges_lehmann_r`
    (``exact_max_n`` is then R's n < 50). ``HL_CONVENTIONS`` lists the conventions.
    """
    check_choice("convention", convention, HL_CONVENTIONS)
    if convention == "R":
        return hodges_lehmann_r(d, conf_level, decimals)
    return walsh_hodges_lehmann(d, conf_level, decimals, exact_max_n=exact_max_n)


def rank_biserial_paired(d: ArrayLike, decimals: int | None = None) -> float:
    """Matched-pairs rank-biserial correlation (T+ - T-) / (T+ + T-), zeros dropped, mid-ranks."""
    diffs, _ = prepare_differences(d, decimals)
    diffs = diffs[diffs != 0]
    if diffs.size == 0:
        raise ValueError("rank-biserial correlation needs at least one non-zero difference")
    ranks2 = doubled_midranks(np.abs(diffs))
    return rank_biserial_from_v(ranks2[diffs > 0].sum() / 2, diffs.size)


def rank_biserial_from_v(v: float, n_nonzero: int) -> float:
    """(T+ - T-) / (T+ + T-) from V = T+ over ``n_nonzero`` non-zero differences: mid-ranks
    keep T+ + T- = n(n + 1)/2, so r = 2V / (n(n + 1)/2) - 1."""
    total = n_nonzero * (n_nonzero + 1) / 2
    if total <= 0:
        raise ValueError("rank-biserial correlation needs at least one non-zero difference")
    return float(2.0 * v / total - 1.0)
