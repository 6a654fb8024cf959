"""Likelihood-ratio test of a model term: the "global" p of a predictor with several columns (a
factor with three or more levels, an interaction), as R ``drop1(fit, test = "LRT")`` or
``anova(reduced, full, test = "LRT")`` for ``glm(family = binomial)`` and ``coxph``.

The reduced model is refitted on the full model's rows (its complete cases), as R does when
both models are fitted on the same data frame; df = the difference in rank (aliased columns
count for nothing, as in R).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from retrocohort.stats.regression_design import LRT_NAME, TermTest
from retrocohort.stats.result import TestResult


def likelihood_ratio_test(loglik_full: float, loglik_reduced: float, df: int) -> TestResult:
    """Likelihood-ratio chi-square 2 (l_full - l_reduced) on ``df`` degrees of freedom.

    Parameters
    ----------
    loglik_full, loglik_reduced : float
        Maximised (partial) log-likelihoods of the full and the nested reduced model, fitted on
        the same rows.
    df : int
        Number of parameters the reduced model lacks (difference in rank), >= 1.

    Returns
    -------
    TestResult
        ``statistic`` the chi-square (0 when rounding makes it negative), ``p_value`` its upper
        tail on ``df`` df, ``details`` {"df": df}.

    References
    ----------
    Wilks SS. The large-sample distribution of the likelihood ratio for testing composite
    hypotheses. Ann Math Stat 1938;9:60-2.

    Examples
    --------
    >>> res = likelihood_ratio_test(-100.0, -104.5, 2)
    >>> round(res.statistic, 6), round(res.p_value, 6), res.details["df"]
    (9.0, 0.011109, 2)
    """
    from scipy.stats import chi2

    if df < 1:
        raise ValueError(f"df must be >= 1, got {df!r}")
    stat = max(2.0 * (float(loglik_full) - float(loglik_reduced)), 0.0)
    return TestResult(
        test=LRT_NAME,
        method=f"Likelihood-ratio test of the model without the term, chi-square on {df} df (as R drop1(test = 'LRT'))",
        statistic=stat,
        p_value=float(chi2.sf(stat, df)),
        n=0,
        n_used=0,
        alternative="two-sided",
        details={"df": int(df)},
    )


def drop_term_tests(
    loglik_full: float,
    rank_full: int,
    terms: Sequence[str],
    reduced: Callable[[str], tuple[float, int]],
) -> tuple[TermTest, ...]:
    """One likelihood-ratio test per term: the full model against the model without it.

    Parameters
    ----------
    loglik_full, rank_full : float, int
        The full model's maximised log-likelihood and rank.
    terms : sequence of str
        The terms to test (R's ``drop1`` scope).
    reduced : callable
        ``reduced(term) -> (loglik, rank)`` of the model without ``term``, fitted on the full
        model's rows.

    Returns
    -------
    tuple of TermTest
        One per term (chi-square, df = rank difference, p); a term whose columns are all aliased
        (df 0) gets no test.

    References
    ----------
    Chambers JM, Hastie TJ, eds. Statistical Models in S. Wadsworth & Brooks/Cole; 1992. Ch. 6
    (``drop1``).

    Examples
    --------
    >>> [(t.term, t.chisq, t.df) for t in drop_term_tests(-100.0, 4, ["arm"], lambda term: (-103.0, 2))]
    [('arm', 6.0, 2)]
    """
    out = []
    for term in terms:
        loglik, rank = reduced(term)
        df = int(rank_full) - int(rank)
        if df < 1:
            continue
        res = likelihood_ratio_test(loglik_full, loglik, df)
        out.append(TermTest(term, res.statistic, df, res.p_value))
    return tuple(out)
