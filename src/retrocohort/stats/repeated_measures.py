"""Tests across three or more repeated measurements of the same patients (time points):
Friedman's rank test for continuous values and Cochran's Q for binary ones.

Input: a 2-D array, one row per patient and one column per time point. Patients with a
missing value at any time point are dropped (complete cases; R's friedman.test refuses NA).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

from retrocohort.stats.result import ZERO_VARIANCE_NOTE, TestResult
from retrocohort.stats.signed_rank import doubled_midranks


def _complete_rows(values: ArrayLike, name: str, min_columns: int = 3) -> tuple[NDArray[np.float64], int]:
    """(complete rows of a 2-D float array, number of rows passed); ValueError if malformed."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"{name} needs a 2-D array (patients x time points), got shape {arr.shape}")
    if arr.shape[1] < min_columns:
        raise ValueError(
            f"{name} needs at least {min_columns} time points, got {arr.shape[1]} "
            f"(use the paired tests for two)"
        )
    complete = arr[~np.isnan(arr).any(axis=1)]
    if complete.shape[0] < 2:
        raise ValueError(f"{name} needs at least 2 patients with every time point, got {complete.shape[0]}")
    return complete, int(arr.shape[0])


def friedman(values: ArrayLike) -> TestResult:
    """Friedman rank test of equal distributions across k >= 3 time points, as R ``friedman.test``.

    Within-patient mid-ranks R_ij; statistic 12 sum_j (R_.j - n(k+1)/2)^2 /
    (n k (k+1) - sum(t^3 - t)/(k - 1)) (tie-corrected), chi-square on k - 1 df (asymptotic).
    Every patient tied at all time points: statistic 0/0, NaN (as R), p = 1 with a note.

    Parameters
    ----------
    values : array_like
        2-D, one row per patient and one column per time point; rows with a NaN are dropped.

    Returns
    -------
    TestResult
        ``test`` "Friedman", ``statistic`` Friedman chi-squared, ``p_value``, ``n_used`` complete
        patients; ``details``: statistic_name, df, n_incomplete.

    Raises
    ------
    ValueError
        Not 2-D, fewer than 3 time points, or fewer than 2 complete patients.

    References
    ----------
    Friedman M. The use of ranks to avoid the assumption of normality implicit in the analysis
    of variance. J Am Stat Assoc 1937;32:675-701.
    Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods. 3rd ed. Wiley; 2014.
    (Section 7.1.)

    Examples
    --------
    >>> res = friedman([[5.1, 4.2, 3.9], [6.0, 5.5, 5.8], [4.4, 3.1, 3.0], [7.2, 6.6, 6.1], [5.0, 5.0, 4.1]])
    >>> round(res.statistic, 6), round(res.p_value, 6), res.details["df"]
    (7.684211, 0.021448, 2)
    """
    from scipy.stats import chi2

    data, n_total = _complete_rows(values, "Friedman test")
    n, k = data.shape
    ranks2 = np.vstack([doubled_midranks(row) for row in data])  # 2 x mid-ranks, exact
    col_sums = ranks2.sum(axis=0) / 2
    ties = sum(float((c**3 - c).sum()) for c in (np.unique(r, return_counts=True)[1] for r in ranks2))
    denominator = n * k * (k + 1) - ties / (k - 1)
    tied = denominator == 0  # every patient tied at all time points: 0/0 (R: NaN)
    statistic = math.nan if tied else 12 * float(((col_sums - n * (k + 1) / 2) ** 2).sum()) / denominator
    return TestResult(
        test="Friedman",
        method=(
            f"Friedman rank test across {k} time points, within-patient mid-ranks, tie-corrected, "
            f"chi-square approximation on {k - 1} df (as R friedman.test); complete cases"
            + (f"; {ZERO_VARIANCE_NOTE}." if tied else ".")
        ),
        statistic=statistic,
        p_value=1.0 if tied else float(chi2.sf(statistic, k - 1)),
        n=n_total,
        n_used=n,
        alternative="two-sided",
        details={
            "statistic_name": "Friedman chi-squared",
            "df": k - 1,
            "n_incomplete": n_total - n,
            **({"note": ZERO_VARIANCE_NOTE} if tied else {}),
        },
    )


def cochran_q(values: ArrayLike) -> TestResult:
    """Cochran's Q test of equal proportions across k >= 3 time points of a binary outcome.

    Q = (k - 1)(k sum_j C_j^2 - N^2) / (k N - sum_i R_i^2), C_j column totals, R_i patient
    totals, N the grand total; chi-square on k - 1 df. Patients with the same answer at every
    time point do not contribute (as statsmodels ``cochrans_q`` and R
    ``RVAideMemoire::cochran.qtest``).

    Parameters
    ----------
    values : array_like
        2-D 0/1 (or boolean), one row per patient and one column per time point; rows with a
        NaN are dropped.

    Returns
    -------
    TestResult
        ``test`` "Cochran's Q", ``statistic`` Q, ``p_value``; ``details``: statistic_name, df,
        n_incomplete, proportions (per time point).

    Raises
    ------
    ValueError
        Not 2-D, fewer than 3 time points, fewer than 2 complete patients, a value other than
        0/1, or every patient with the same answer at all time points.

    References
    ----------
    Cochran WG. The comparison of percentages in matched samples. Biometrika 1950;37:256-66.

    Examples
    --------
    >>> res = cochran_q([[1, 1, 0], [1, 0, 0], [1, 1, 1], [0, 0, 0], [1, 0, 0], [1, 1, 0]])
    >>> round(res.statistic, 6), round(res.p_value, 6), res.details["df"]
    (6.0, 0.049787, 2)
    """
    from scipy.stats import chi2

    data, n_total = _complete_rows(values, "Cochran's Q test")
    if not np.isin(data, (0.0, 1.0)).all():
        raise ValueError("Cochran's Q test needs 0/1 (or boolean) values")
    n, k = data.shape
    col, row, grand = data.sum(axis=0), data.sum(axis=1), data.sum()
    denominator = k * grand - float((row**2).sum())
    if denominator == 0:
        raise ValueError("Cochran's Q undefined: every patient has the same answer at all time points")
    statistic = (k - 1) * (k * float((col**2).sum()) - grand**2) / denominator
    return TestResult(
        test="Cochran's Q",
        method=(
            f"Cochran's Q test across {k} time points of a binary outcome, chi-square approximation "
            f"on {k - 1} df; complete cases."
        ),
        statistic=float(statistic),
        p_value=float(chi2.sf(statistic, k - 1)),
        n=n_total,
        n_used=n,
        alternative="two-sided",
        details={
            "statistic_name": "Q",
            "df": k - 1,
            "n_incomplete": n_total - n,
            "proportions": (col / n).tolist(),
        },
    )
