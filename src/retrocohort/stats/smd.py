"""Standardised mean differences (SMD) between groups, as Python and R tableone compute them.

Continuous: Cohen's d with the average-variance pooled SD; categorical: the Yang & Dalton (2012)
multivariate SMD on level proportions; more than two groups: the mean of the pairwise SMDs.
References: Yang D, Dalton JE (2012), SAS Global Forum paper 335-2012; Pollard TJ et al. (2018),
JAMIA Open 1:26-31 (tableone); Yoshida K, Bartel A, R package tableone.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations
from typing import Any

import numpy as np


def continuous_smd(a: np.ndarray, b: np.ndarray) -> float:
    """Standardised mean difference of a continuous variable: Cohen's d with the average-variance pooled SD, as tableone.

    |mean(b) - mean(a)| / sqrt((s_a^2 + s_b^2) / 2), SDs with n - 1 (tableone's ``_cont_smd``).

    Parameters
    ----------
    a, b : ndarray
        The values of the two groups (no NaN).

    Returns
    -------
    float
        The absolute SMD; NaN if a group has < 2 values or both SDs are 0.

    References
    ----------
    Yang D, Dalton JE. A unified approach to measuring the effect size between two groups using
    SAS. SAS Global Forum 2012, paper 335.
    Austin PC. Using the standardized difference to compare the prevalence of a binary variable
    between two groups. Commun Stat Simul Comput 2009;38:1228-34.

    Examples
    --------
    >>> import numpy as np
    >>> round(continuous_smd(np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0])), 6)
    1.264911
    """
    if a.size < 2 or b.size < 2:
        return float("nan")
    pooled = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    return float(abs(b.mean() - a.mean()) / pooled) if pooled > 0 else float("nan")


def categorical_smd(p1: np.ndarray, p2: np.ndarray) -> float:
    """Standardised mean difference of a categorical variable: Yang & Dalton's multivariate SMD of level proportions.

    sqrt(d' S^-1 d) with d = p2 - p1 and S = (S1 + S2)/2, S_i = diag(p) - p p' on all levels but
    the first (as tableone). A binary variable gives |p2 - p1| / sqrt((p1 q1 + p2 q2)/2)
    (Austin 2009).

    Parameters
    ----------
    p1, p2 : ndarray
        Level proportions of the two groups (same level order, each summing to 1).

    Returns
    -------
    float
        The SMD; NaN if S is singular.

    References
    ----------
    Yang D, Dalton JE. A unified approach to measuring the effect size between two groups using
    SAS. SAS Global Forum 2012, paper 335.
    Austin PC. Using the standardized difference to compare the prevalence of a binary variable
    between two groups. Commun Stat Simul Comput 2009;38:1228-34.

    Examples
    --------
    Binary, 30% versus 50%: |0.5 - 0.3| / sqrt((0.21 + 0.25) / 2).

    >>> import numpy as np
    >>> round(categorical_smd(np.array([0.7, 0.3]), np.array([0.5, 0.5])), 6)
    0.417029
    """
    q1, q2 = np.asarray(p1, float)[1:], np.asarray(p2, float)[1:]
    cov = sum(np.diag(p) - np.outer(p, p) for p in (q1, q2)) / 2
    d = q2 - q1
    try:
        value = float(d @ np.linalg.solve(cov, d))
    except np.linalg.LinAlgError:
        return float("nan")
    return float(np.sqrt(value)) if value >= 0 else float("nan")


def mean_pairwise_smd(samples: Sequence[Any], smd: Any) -> float:
    """Standardised mean difference across groups: ``smd`` for 2 groups, the mean of the pairwise SMDs for more (R tableone).

    Parameters
    ----------
    samples : sequence
        One entry per group, in the form ``smd`` takes (values or level proportions).
    smd : callable
        Two-group SMD, :func:`continuous_smd` or :func:`categorical_smd`.

    Returns
    -------
    float
        The SMD (2 groups) or the mean of the k(k - 1)/2 pairwise SMDs; NaN with fewer than 2
        groups.

    References
    ----------
    Yoshida K, Bartel A. tableone: Create 'Table 1' to describe baseline characteristics with or
    without propensity score weights. R package (``ExtractSmd``: the mean of the pairwise SMDs).
    Yang D, Dalton JE. A unified approach to measuring the effect size between two groups using
    SAS. SAS Global Forum 2012, paper 335.

    Examples
    --------
    >>> import numpy as np
    >>> groups = [np.array([1.0, 2.0, 3.0]), np.array([2.0, 4.0, 6.0]), np.array([1.0, 3.0, 5.0])]
    >>> round(mean_pairwise_smd(groups, continuous_smd), 6)
    0.799122
    """
    values = [smd(a, b) for a, b in combinations(samples, 2)]
    return float(np.mean(values)) if values else float("nan")
