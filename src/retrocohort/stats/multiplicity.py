"""Multiplicity adjustment of a family of p-values (statsmodels multipletests), NaN-preserving."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

ADJUST_METHODS: dict[str | None, str] = {
    None: "no adjustment",
    "holm": "Holm step-down (family-wise error rate)",
    "bonferroni": "Bonferroni (family-wise error rate)",
    "fdr_bh": "Benjamini-Hochberg step-up (false discovery rate)",
}


def adjust_pvalues(p: ArrayLike, method: str | None) -> NDArray[np.float64]:
    """Adjusted p-values, same shape as ``p``. NaN entries stay NaN and are excluded from the
    family size (as R's p.adjust, whose default n counts the non-missing p-values).
    """
    if method not in ADJUST_METHODS:
        raise ValueError(f"method must be one of {tuple(ADJUST_METHODS)}, got {method!r}")
    arr = np.array(p, dtype=np.float64)
    ok = ~np.isnan(arr)
    if ((arr[ok] < 0) | (arr[ok] > 1)).any():
        raise ValueError("p-values must lie in [0, 1]")
    if method is None or not ok.any():
        return arr
    from statsmodels.stats.multitest import multipletests

    arr[ok] = multipletests(arr[ok].ravel(), method=method)[1]
    return arr
