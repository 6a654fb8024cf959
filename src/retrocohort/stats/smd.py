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
    """|mean(b) - mean(a)| / sqrt((s_a^2 + s_b^2) / 2), SDs with n - 1 (tableone's ``_cont_smd``;
    Cohen's d, average-variance pooled SD). NaN if a group has < 2 values or both SDs are 0."""
    if a.size < 2 or b.size < 2:
        return float("nan")
    pooled = np.sqrt((a.var(ddof=1) + b.var(ddof=1)) / 2)
    return float(abs(b.mean() - a.mean()) / pooled) if pooled > 0 else float("nan")


def categorical_smd(p1: np.ndarray, p2: np.ndarray) -> float:
    """Yang & Dalton (2012) SMD of two vectors of level proportions: sqrt(d' S^-1 d) with
    d = p2 - p1 and S = (S1 + S2)/2, S_i = diag(p) - p p' on all levels but the first (as
    tableone). A binary variable gives |p2 - p1| / sqrt((p1 q1 + p2 q2)/2). NaN if S is singular.
    Yang D, Dalton JE (2012), SAS Global Forum paper 335-2012."""
    q1, q2 = np.asarray(p1, float)[1:], np.asarray(p2, float)[1:]
    cov = sum(np.diag(p) - np.outer(p, p) for p in (q1, q2)) / 2
    d = q2 - q1
    try:
        value = float(d @ np.linalg.solve(cov, d))
    except np.linalg.LinAlgError:
        return float("nan")
    return float(np.sqrt(value)) if value >= 0 else float("nan")


def mean_pairwise_smd(samples: Sequence[Any], smd: Any) -> float:
    """``smd`` for 2 groups; the mean of the pairwise SMDs for more (R tableone's summary)."""
    values = [smd(a, b) for a, b in combinations(samples, 2)]
    return float(np.mean(values)) if values else float("nan")
