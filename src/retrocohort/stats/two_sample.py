"""Independent two-group comparisons: Fisher's exact and Pearson chi-square on a 2x2 table,
and the Mann-Whitney (Wilcoxon rank-sum) test with an exact conditional null under ties.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from retrocohort.stats.result import (
    TWO_SIDED_RULES,
    TWO_SIDED_TEXT,
    YATES_APPLIED,
    ZERO_VARIANCE_NOTE,
    TestResult,
    as_float_vector,
    check_alternative,
    check_choice,
    discrete_pvalue,
    normal_pvalue,
)
from retrocohort.stats.signed_rank import METHODS, doubled_midranks


def _table_2x2(table: ArrayLike) -> NDArray[np.int64]:
    """2x2 array of non-negative integer counts, else ValueError."""
    arr = np.asarray(table, dtype=float)
    if arr.shape != (2, 2):
        raise ValueError(f"table must be 2x2, got shape {arr.shape}")
    if np.isnan(arr).any() or (arr < 0).any() or (arr != np.round(arr)).any():
        raise ValueError(f"table must hold non-negative integer counts, got {arr.tolist()}")
    return arr.astype(np.int64)


def fisher_exact_2x2(
    table: ArrayLike, alternative: str = "two-sided", *, conf_level: float = 0.95
) -> TestResult:
    """Fisher's exact test on a 2x2 table (rows = groups, columns = outcome yes/no), as R's ``fisher.test``.

    Two-sided p by the 'minlike' rule (sum of tables no more likely than the observed; as R).
    Statistic: conditional maximum-likelihood odds ratio (R's fisher.test estimate), with its
    exact conditional CI; the sample odds ratio ad/bc (scipy's statistic) is in details.

    Parameters
    ----------
    table : array_like
        2x2 table of non-negative integer counts.
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis on the odds ratio.
    conf_level : float
        Confidence level of the conditional odds-ratio interval.

    Returns
    -------
    TestResult
        ``test`` "Fisher exact", ``statistic`` the conditional MLE odds ratio, ``p_value``;
        ``details``: statistic_name, table, sample_odds_ratio, or_ci_low, or_ci_high, conf_level.

    References
    ----------
    Fisher RA. On the interpretation of chi-square from contingency tables, and the calculation
    of P. J R Stat Soc 1922;85:87-94.

    Examples
    --------
    >>> res = fisher_exact_2x2([[8, 2], [1, 5]])
    >>> round(res.p_value, 6), round(res.statistic, 2), round(res.details["sample_odds_ratio"], 6)
    (0.034965, 15.47, 20.0)
    """
    from scipy.stats import fisher_exact
    from scipy.stats.contingency import odds_ratio

    check_alternative(alternative)
    tab = _table_2x2(table)
    sample_or, p = fisher_exact(tab, alternative=alternative)
    cond = odds_ratio(tab, kind="conditional")
    ci = cond.confidence_interval(confidence_level=conf_level, alternative=alternative)
    n = int(tab.sum())
    return TestResult(
        test="Fisher exact",
        method=f"Fisher's exact test (hypergeometric, conditional on both margins); two-sided "
        f"p by the minimum-likelihood rule as R; statistic = conditional MLE odds ratio "
        f"with exact conditional {conf_level:.0%} CI; {alternative} p-value.",
        statistic=float(cond.statistic),
        p_value=float(p),
        n=n,
        n_used=n,
        alternative=alternative,
        details=dict(
            statistic_name="conditional MLE odds ratio",
            table=tab.tolist(),
            sample_odds_ratio=float(sample_or),
            or_ci_low=float(ci.low),
            or_ci_high=float(ci.high),
            conf_level=conf_level,
        ),
    )


def chi2_2x2(table: ArrayLike, correction: bool) -> TestResult:
    """Pearson chi-square test of independence on a 2x2 table (1 df), Yates-corrected or not.

    Yates: |O - E| reduced by min(0.5, |O - E|) (R chisq.test and scipy agree on 2x2 tables).
    ValueError if a row or column total is zero (expected count zero).

    Parameters
    ----------
    table : array_like
        2x2 table of non-negative integer counts.
    correction : bool
        Apply Yates' continuity correction (R's ``correct = TRUE``).

    Returns
    -------
    TestResult
        ``test`` names the variant, ``statistic`` chi-square, ``p_value``; ``details`` holds the
        df, the table and the expected counts.

    References
    ----------
    Pearson K. On the criterion that a given system of deviations from the probable in the case
    of a correlated system of variables is such that it can be reasonably supposed to have arisen
    from random sampling. Philos Mag 1900;50:157-75.
    Yates F. Contingency tables involving small numbers and the chi-square test. Suppl J R Stat
    Soc 1934;1:217-35.

    Examples
    --------
    >>> round(chi2_2x2([[12, 5], [7, 14]], correction=True).p_value, 6)
    0.050285
    >>> round(chi2_2x2([[12, 5], [7, 14]], correction=False).statistic, 6)
    5.215686
    """
    from scipy.stats import chi2_contingency

    tab = _table_2x2(table)
    if (tab.sum(axis=0) == 0).any() or (tab.sum(axis=1) == 0).any():
        raise ValueError(f"chi-square undefined: a row or column total is zero in {tab.tolist()}")
    res = chi2_contingency(tab, correction=correction)
    expected = np.asarray(res.expected_freq)
    n = int(tab.sum())
    return TestResult(
        test="Pearson chi-square",
        method="Pearson chi-square test on a 2x2 table, 1 df, "
        + (f"{YATES_APPLIED}." if correction else "without continuity correction."),
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        n=n,
        n_used=n,
        alternative="two-sided",
        details=dict(
            statistic_name="chi2",
            df=1,
            yates=correction,
            table=tab.tolist(),
            min_expected=float(expected.min()),
            any_expected_below_5=bool((expected < 5).any()),
        ),
    )


def rank_sum_null_pmf(doubled_ranks: NDArray[np.int64], size: int) -> NDArray[np.float64]:
    """Exact permutation null pmf of a rank sum with ties: sum of ``size`` of the given ranks drawn without replacement.

    Support 0..sum(ranks) (doubled ranks, so mid-ranks stay integers): the conditional
    permutation null of the Wilcoxon rank-sum statistic. Dynamic programming over observations:
    P_i(j, s) = P_{i-1}(j, s)(i - j)/i + P_{i-1}(j - 1, s - a_i) j/i (a random j-subset of i items
    holds item i with probability j/i). O(N * size * sum(ranks)).

    Parameters
    ----------
    doubled_ranks : ndarray of int64
        Twice the mid-ranks of the pooled sample (see
        :func:`retrocohort.stats.signed_rank.doubled_midranks`).
    size : int
        Size of the first sample, 0 <= size <= len(doubled_ranks).

    Returns
    -------
    ndarray of float64
        ``pmf[s]`` = P(sum of the doubled ranks of the first sample = s), s = 0..sum(ranks).

    References
    ----------
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-3.
    Streitberg B, Röhmel J. Exact distributions for permutation and rank tests. Stat Softw Newsl 1986;12:10-7.

    Examples
    --------
    Two of the ranks 1, 2, 3 (doubled: 2, 4, 6): sums 3, 4, 5 (doubled 6, 8, 10), each 1/3.

    >>> pmf = rank_sum_null_pmf(np.array([2, 4, 6]), 2)
    >>> [(int(s), round(float(p), 6)) for s, p in enumerate(pmf) if p > 0]
    [(6, 0.333333), (8, 0.333333), (10, 0.333333)]
    """
    a = np.asarray(doubled_ranks, dtype=np.int64)
    if not 0 <= size <= a.size:
        raise ValueError(f"size must be in 0..{a.size}, got {size}")
    j = np.arange(size + 1, dtype=float)[:, None]
    pmf = np.zeros((size + 1, int(a.sum()) + 1))
    pmf[0, 0] = 1.0
    for i, step in enumerate(a.tolist(), start=1):
        new = pmf * ((i - j) / i)
        new[1:, step:] += pmf[:-1, : pmf.shape[1] - step] * (j[1:] / i)
        pmf = new
    return pmf[size]


_MW_PRESETS: dict[str, dict[str, Any]] = {
    # our default: exact conditional null (with ties) up to 50 per group, smaller tail doubled
    "retrocohort": {
        "method": "auto",
        "exact_max_n": 50,
        "exact_with_ties": True,
        "correction": True,
        "two_sided": "double_smaller_tail",
    },
    # R wilcox.test(x, y): exact iff both n < 50 and no ties (then the observed side is
    # doubled), else normal approximation, tie-corrected, with continuity correction
    "R": {
        "method": "auto",
        "exact_max_n": 49,
        "exact_with_ties": False,
        "correction": True,
        "two_sided": "double_observed_side",
    },
    # coin wilcox_test(distribution = "exact"): exact conditional null (with ties) always,
    # two-sided p = P(|S - E| >= |s - E|)
    "coin": {
        "method": "exact",
        "exact_max_n": 50,
        "exact_with_ties": True,
        "correction": False,
        "two_sided": "absolute_deviation",
    },
}


def mann_whitney_preset(name: str) -> dict[str, Any]:
    """Keyword arguments of :func:`mann_whitney` reproducing a named Wilcoxon rank-sum convention.

    "retrocohort" (default): exact conditional null with ties when both groups have <= 50
    values, two-sided p = 2 x smaller tail. "R": R's ``wilcox.test(x, y)`` (exact iff both
    n < 50 and no ties, doubling the tail on the observed side; else normal approximation
    with continuity correction). "coin": coin's ``wilcox_test(distribution = "exact")``
    (exact conditional null, two-sided p = P(|S - E| >= |s - E|)).

    Parameters
    ----------
    name : {"retrocohort", "R", "coin"}
        The convention.

    Returns
    -------
    dict
        A fresh copy of the keyword arguments (method, exact_max_n, exact_with_ties,
        correction, two_sided).

    References
    ----------
    Hothorn T, Hornik K, van de Wiel MA, Zeileis A. A Lego system for conditional inference.
    Am Stat 2006;60:257-63.
    Bauer DF. Constructing confidence sets using rank statistics. J Am Stat Assoc
    1972;67:687-90. (R's ``wilcox.test``.)

    Examples
    --------
    >>> mann_whitney_preset("R")
    {'method': 'auto', 'exact_max_n': 49, 'exact_with_ties': False, 'correction': True, 'two_sided': 'double_observed_side'}
    """
    if name not in _MW_PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {tuple(_MW_PRESETS)}")
    return dict(_MW_PRESETS[name])


def mann_whitney(
    x: ArrayLike,
    y: ArrayLike,
    *,
    method: str = "auto",
    exact_max_n: int = 50,
    exact_with_ties: bool = True,
    correction: bool = True,
    alternative: str = "two-sided",
    two_sided: str = "double_smaller_tail",
) -> TestResult:
    """Mann-Whitney U (Wilcoxon rank-sum) test; statistic U of ``x`` (= R's W), mid-ranks.

    Exact: conditional null of the doubled mid-rank sum by dynamic programming (exact with
    ties); two-sided p by ``two_sided`` (``TWO_SIDED_RULES``): 'double_smaller_tail'
    (default) min(1, 2 x smaller tail), 'double_observed_side' (R), 'absolute_deviation'
    (coin), see :func:`retrocohort.stats.result.discrete_pvalue`; the rule is named in the
    method text. Asymptotic: normal approximation with tie-corrected variance
    n1 n2/12 (N + 1 - sum(t^3 - t)/(N(N - 1))), continuity correction 0.5 if ``correction``.
    "auto": exact when both samples have <= ``exact_max_n`` values (and, if not
    ``exact_with_ties``, no ties; R's rule is both < 50 and no ties). NaN values are dropped
    from each sample. :func:`mann_whitney_preset` gives the R and coin conventions.

    Parameters
    ----------
    x, y : array_like
        The two independent samples; NaN is dropped.
    method : {"auto", "exact", "asymptotic"}
        Null distribution.
    exact_max_n : int
        Largest size of each sample for the exact null under "auto".
    exact_with_ties : bool
        Under "auto", allow the exact (conditional) null when there are ties.
    correction : bool
        Continuity correction of the normal approximation.
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis on the location shift of ``x`` relative to ``y``.
    two_sided : {"double_smaller_tail", "double_observed_side", "absolute_deviation"}
        Rule for the exact two-sided p-value.

    Returns
    -------
    TestResult
        ``statistic`` U of ``x``, ``p_value``, ``method`` naming the variant; ``details`` holds
        the sample sizes, the null used and its tie handling.

    References
    ----------
    Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically
    larger than the other. Ann Math Stat 1947;18:50-60.
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-3.

    Examples
    --------
    >>> res = mann_whitney([1.1, 2.3, 3.0, 4.2], [3.5, 5.1, 6.0, 7.4, 8.8])
    >>> res.statistic, round(res.p_value, 6)
    (1.0, 0.031746)
    >>> res = mann_whitney([1.1, 2.3, 3.0, 4.2], [3.5, 5.1, 6.0, 7.4, 8.8], **mann_whitney_preset("R"))
    >>> res.statistic, round(res.p_value, 6)
    (1.0, 0.031746)
    """
    check_choice("method", method, METHODS)
    check_choice("two_sided", two_sided, TWO_SIDED_RULES)
    check_alternative(alternative)
    xa, ya = as_float_vector(x, "x"), as_float_vector(y, "y")
    n_total = xa.size + ya.size
    xa, ya = xa[~np.isnan(xa)], ya[~np.isnan(ya)]
    n1, n2 = xa.size, ya.size
    if n1 == 0 or n2 == 0:
        raise ValueError(f"both samples need non-missing values (got {n1} and {n2})")
    ranks2 = doubled_midranks(np.concatenate([xa, ya]))
    s_obs = int(ranks2[:n1].sum())  # 2 R_x
    u = s_obs / 2 - n1 * (n1 + 1) / 2
    _, tie_sizes = np.unique(ranks2, return_counts=True)
    has_ties = bool((tie_sizes > 1).any())
    use_exact = method == "exact" or (
        method == "auto" and max(n1, n2) <= exact_max_n and (exact_with_ties or not has_ties)
    )
    details: dict[str, Any] = dict(
        statistic_name="U (first sample) = R's W",
        n_x=n1,
        n_y=n2,
        has_ties=has_ties,
        exact=use_exact,
        method_requested=method,
        exact_max_n=exact_max_n,
        exact_with_ties=exact_with_ties,
        n_missing=n_total - n1 - n2,
    )
    if use_exact:
        if n1 <= n2:
            pmf = rank_sum_null_pmf(ranks2, n1)
        else:  # enumerate the smaller sample; 2 R_x = total - 2 R_y
            pmf = rank_sum_null_pmf(ranks2, n2)[::-1]
        center = n1 * float(ranks2.sum()) / (n1 + n2)  # E(2 R_x) under the null
        p = discrete_pvalue(pmf, s_obs, alternative, two_sided, center)
        how = "exact conditional null of the mid-rank sum by dynamic programming (exact with ties)"
        if alternative == "two-sided":
            how += "; " + TWO_SIDED_TEXT[two_sided]
        details.update(continuity_correction=False, two_sided_rule=two_sided)
    else:
        n = n1 + n2
        var = n1 * n2 / 12 * (n + 1 - float((tie_sizes**3 - tie_sizes).sum()) / (n * (n - 1)))
        z, p = normal_pvalue(u, n1 * n2 / 2, var, alternative, correction)
        how = (
            "normal approximation, tie-corrected variance, "
            + ("with" if correction else "without")
            + " continuity correction"
        )
        details.update(z=z, continuity_correction=correction)
        if var == 0:
            details["note"] = ZERO_VARIANCE_NOTE
            how += f" ({ZERO_VARIANCE_NOTE})"
    return TestResult(
        test="Mann-Whitney U",
        method=f"Mann-Whitney U (Wilcoxon rank-sum) test, U = R_x - n_x(n_x+1)/2 with mid-ranks; "
        f"{how}; {alternative} p-value.",
        statistic=float(u),
        p_value=p,
        n=n_total,
        n_used=n1 + n2,
        alternative=alternative,
        details=details,
    )
