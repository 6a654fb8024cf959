"""Comparisons of a continuous or ordinal variable across two or more independent groups."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from retrocohort.stats.result import ZERO_VARIANCE_NOTE, TestResult, as_float_vector


def kruskal_wallis(samples: Sequence[ArrayLike], labels: Sequence[str] | None = None) -> TestResult:
    """Kruskal-Wallis rank-sum test of equal distributions across k >= 2 groups, as R's ``kruskal.test``.

    H = 12/(N(N+1)) sum R_g^2/n_g - 3(N+1) on mid-ranks, divided by the tie correction
    1 - sum(t^3 - t)/(N^3 - N); p from chi-square on k - 1 df (asymptotic; scipy.stats.kruskal,
    which matches R). NaN values are dropped; groups left empty are refused. Every value
    tied: H = 0/0, statistic NaN (as R) and p = 1 with a note (R: NaN).

    Parameters
    ----------
    samples : sequence of array_like
        One sample per group; NaN is dropped.
    labels : sequence of str, optional
        Group names for ``details`` and error messages (default "1", "2", ...).

    Returns
    -------
    TestResult
        ``test`` "Kruskal-Wallis", ``statistic`` H, ``p_value``; ``details``: statistic_name, df,
        groups, group_sizes, n_missing (and a note when every value is tied).

    Raises
    ------
    ValueError
        Fewer than 2 groups, a group without a non-missing value, or labels and samples of
        different lengths.

    References
    ----------
    Kruskal WH, Wallis WA. Use of ranks in one-criterion variance analysis. J Am Stat Assoc
    1952;47:583-621.

    Examples
    --------
    >>> res = kruskal_wallis([[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]])
    >>> round(res.statistic, 6), round(res.p_value, 6), res.details["df"]
    (0.771429, 0.679965, 2)
    """
    from scipy.stats import kruskal

    arrays = [as_float_vector(s, f"sample {i + 1}") for i, s in enumerate(samples)]
    names = list(labels) if labels is not None else [str(i + 1) for i in range(len(arrays))]
    if len(names) != len(arrays):
        raise ValueError(f"{len(names)} labels for {len(arrays)} samples")
    if len(arrays) < 2:
        raise ValueError(f"Kruskal-Wallis test needs at least 2 groups, got {len(arrays)}")
    n_total = sum(a.size for a in arrays)
    arrays = [a[~np.isnan(a)] for a in arrays]
    empty = [name for name, a in zip(names, arrays, strict=True) if a.size == 0]
    if empty:
        raise ValueError(f"Kruskal-Wallis test: group(s) {empty} have no non-missing value")
    pooled = np.concatenate(arrays)
    tied = np.unique(pooled).size < 2  # tie correction 0: H = 0/0 (R: NaN)
    statistic, p = (math.nan, 1.0) if tied else (float(v) for v in kruskal(*arrays))
    note = {"note": ZERO_VARIANCE_NOTE} if tied else {}
    return TestResult(
        test="Kruskal-Wallis",
        method=(
            f"Kruskal-Wallis rank-sum test across {len(arrays)} groups, mid-ranks, tie-corrected H, "
            f"chi-square approximation on {len(arrays) - 1} df (as R kruskal.test)"
            + (f"; {ZERO_VARIANCE_NOTE}." if tied else ".")
        ),
        statistic=statistic,
        p_value=p,
        n=n_total,
        n_used=int(pooled.size),
        alternative="two-sided",
        details={
            "statistic_name": "H",
            "df": len(arrays) - 1,
            "groups": names,
            "group_sizes": [int(a.size) for a in arrays],
            "n_missing": n_total - int(pooled.size),
            **note,
        },
    )
