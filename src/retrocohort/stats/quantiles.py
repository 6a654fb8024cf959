"""Sample quantiles of Hyndman & Fan (1996), types 1-9, computed from their formulas.

With order statistics x_(1) <= ... <= x_(n), every type is Q(p) = (1 - g) x_(j) + g x_(j+1),
j = floor(np + m), with x_(0) := x_(1) and x_(n+1) := x_(n):

* types 1-3 (discontinuous): m = 0 (types 1, 2) or -1/2 (type 3); with f = np + m - j,
  g = [f > 0] (1), 1/2 if f = 0 else 1 (2), 0 if f = 0 and j even else 1 (3);
* types 4-9 (continuous): m = a + p (1 - a - b), g = f, with (a, b) = (0, 1), (1/2, 1/2),
  (0, 0), (1, 1), (1/3, 1/3), (3/8, 3/8).

Positions np + m within 4 ulp of an integer are treated as that integer, so 10 * 0.7 =
7.000000000000001 gives j = 7, f = 0 as exact arithmetic does (numpy applies no tolerance and
returns x_(8) for type 1 there; R >= 4.4 applies a similar fuzz).
"""

from __future__ import annotations

from functools import partial

import numpy as np
from numpy.typing import ArrayLike, NDArray

from retrocohort.cohort.derive_arithmetic import QuantileDefinition
from retrocohort.stats.result import as_float_vector

HF_TYPES: dict[int, str] = {
    1: "inverse of the empirical CDF (numpy 'inverted_cdf'; SAS PCTLDEF=3)",
    2: "inverse ECDF, averaging at discontinuities (numpy 'averaged_inverted_cdf'; "
    "SAS default PCTLDEF=5, gtsummary)",
    3: "nearest even order statistic (numpy 'closest_observation'; SAS PCTLDEF=2)",
    4: "linear interpolation of the empirical CDF (numpy 'interpolated_inverted_cdf'; SAS PCTLDEF=1)",
    5: "piecewise linear, knots at midpoints (numpy 'hazen'; Hazen 1914)",
    6: "position p(n+1) (numpy 'weibull'; Excel QUARTILE.EXC/PERCENTILE.EXC, SPSS, Minitab, SAS PCTLDEF=4)",
    7: "position 1 + p(n-1) (numpy 'linear'; R/numpy/pandas default, Excel QUARTILE.INC, legacy QUARTILE)",
    8: "approximately median-unbiased (numpy 'median_unbiased'; recommended by H&F)",
    9: "approximately unbiased for normal data (numpy 'normal_unbiased'; Blom)",
}

NUMPY_METHOD: dict[int, str] = {
    1: "inverted_cdf",
    2: "averaged_inverted_cdf",
    3: "closest_observation",
    4: "interpolated_inverted_cdf",
    5: "hazen",
    6: "weibull",
    7: "linear",
    8: "median_unbiased",
    9: "normal_unbiased",
}

_AB: dict[int, tuple[float, float]] = {
    4: (0.0, 1.0),
    5: (0.5, 0.5),
    6: (0.0, 0.0),
    7: (1.0, 1.0),
    8: (1 / 3, 1 / 3),
    9: (3 / 8, 3 / 8),
}
_ULPS = 4 * np.finfo(float).eps


def _check(probs: ArrayLike, hf_type: int) -> NDArray[np.float64]:
    if isinstance(hf_type, bool) or hf_type not in HF_TYPES:
        raise ValueError(f"hf_type must be an integer 1..9, got {hf_type!r}")
    p = np.asarray(probs, dtype=np.float64)
    if np.isnan(p).any() or (p < 0).any() or (p > 1).any():
        raise ValueError("probs must lie in [0, 1]")
    return p


def hf_index_weight(
    n: NDArray[np.int64], p: NDArray[np.float64], hf_type: int
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """(j, g) of the Hyndman-Fan formula, broadcast over sample sizes ``n`` and ``probs``.

    j is the 1-based lower order statistic (may be 0 or n; callers clamp), g in [0, 1].
    """
    if hf_type <= 3:
        pos = n * p - (0.5 if hf_type == 3 else 0.0)
    else:
        a, b = _AB[hf_type]
        pos = a + p * (n + 1 - a - b)
    nearest = np.rint(pos)
    pos = np.where(np.abs(pos - nearest) <= _ULPS * np.maximum(1.0, np.abs(pos)), nearest, pos)
    j = np.floor(pos)
    f = pos - j
    if hf_type == 1:
        g = (f > 0).astype(float)
    elif hf_type == 2:
        g = np.where(f > 0, 1.0, 0.5)
    elif hf_type == 3:
        g = np.where((f == 0) & (j % 2 == 0), 0.0, 1.0)
    else:
        g = f
    return j.astype(np.int64), g


def _from_sorted(
    rows: NDArray[np.float64], n: NDArray[np.int64], p: NDArray[np.float64], hf_type: int
) -> NDArray[np.float64]:
    """Quantiles (len(p), n_rows) of rows sorted ascending, row r valid in columns < n[r]."""
    j, g = hf_index_weight(n[None, :], p[:, None], hf_type)
    top = np.maximum(n - 1, 0)[None, :]
    which = np.arange(rows.shape[0])[None, :]
    lo = rows[which, np.clip(j - 1, 0, top)]
    hi = rows[which, np.clip(j, 0, top)]
    out = np.where(g == 0, lo, np.where(g == 1, hi, lo + g * (hi - lo)))
    out[:, n == 0] = np.nan
    return out


def grouped_quantiles(values_2d: ArrayLike, probs: ArrayLike, hf_type: int = 7) -> NDArray[np.float64]:
    """Column-wise Hyndman & Fan type ``hf_type`` sample quantiles of a 2-D array, NaN ignored per column.

    One contiguous copy of the transposed table is sorted in place (numpy's vectorised sort;
    NaN sort last); each column then follows the type's formula (module docstring).

    Parameters
    ----------
    values_2d : array_like
        2-D array, one variable (or group) per column; NaN is missing.
    probs : array_like
        Probabilities in [0, 1].
    hf_type : int
        Hyndman & Fan type, 1..9 (``HF_TYPES``); 7 is R's and numpy's default.

    Returns
    -------
    ndarray of float64
        Shape (len(probs), n_columns); an all-NaN column gives NaN.

    Raises
    ------
    ValueError
        Not 2-D, an infinite value, a probability outside [0, 1], or an unknown ``hf_type``.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.

    Examples
    --------
    >>> import numpy as np
    >>> grouped_quantiles([[1.0, 10.0], [2.0, np.nan], [3.0, 30.0], [4.0, 40.0]], [0.25, 0.5], hf_type=6).tolist()
    [[1.25, 10.0], [2.5, 30.0]]
    """
    p = np.atleast_1d(_check(probs, hf_type))
    arr = np.asarray(values_2d, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"values_2d must be two-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError("values contain infinite values")
    if arr.shape[0] == 0:
        return np.full((p.size, arr.shape[1]), np.nan)
    rows = arr.T.copy()  # C-contiguous: one row per column of the input
    rows.sort(axis=1)
    return _from_sorted(rows, (~np.isnan(rows)).sum(axis=1), p, hf_type)


def quantile(values: ArrayLike, probs: ArrayLike, hf_type: int = 7) -> NDArray[np.float64]:
    """Hyndman & Fan type ``hf_type`` sample quantiles of ``values``, as R's ``quantile(x, probs, type = hf_type)``.

    NaN values are dropped; an empty sample gives NaN.

    Parameters
    ----------
    values : array_like
        The sample.
    probs : array_like
        Probabilities in [0, 1] (scalar or array).
    hf_type : int
        Hyndman & Fan type, 1..9 (``HF_TYPES``): 7 R/numpy/pandas default, 6 SPSS and Excel
        QUARTILE.EXC, 2 SAS default.

    Returns
    -------
    ndarray of float64
        Shaped like ``probs`` (0-d for a scalar probability).

    Raises
    ------
    ValueError
        An infinite value, a probability outside [0, 1], or an unknown ``hf_type``.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.

    Examples
    --------
    Quartiles of 1..10 by type 7 (R's default), 6 (SPSS) and 2 (SAS):

    >>> x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    >>> [quantile(x, [0.25, 0.5, 0.75], hf_type=t).tolist() for t in (7, 6, 2)]
    [[3.25, 5.5, 7.75], [2.75, 5.5, 8.25], [3.0, 5.5, 8.0]]
    """
    p = np.asarray(probs, dtype=np.float64)  # validated by grouped_quantiles
    x = as_float_vector(values, "values")
    return grouped_quantiles(x[:, None], p.ravel(), hf_type)[:, 0].reshape(p.shape)


def quantile_definition(hf_type: int) -> QuantileDefinition:
    """The study's sample-quantile definition for ``quantile_groups`` derived variables: its name
    (``"Hyndman-Fan type 7"``) and :func:`quantile` of that type.

    Parameters
    ----------
    hf_type : int
        ``statistics.quantile_type`` (Hyndman & Fan type 1..9).

    Returns
    -------
    retrocohort.cohort.derive_arithmetic.QuantileDefinition

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.

    Examples
    --------
    >>> rule = quantile_definition(7)
    >>> rule.name, rule.function([1, 2, 3, 4], [0.5]).tolist()
    ('Hyndman-Fan type 7', [2.5])
    """
    _check([0.5], hf_type)
    return QuantileDefinition(f"Hyndman-Fan type {hf_type}", partial(quantile, hf_type=hf_type))
