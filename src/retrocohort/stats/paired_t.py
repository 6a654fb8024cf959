"""Paired Student t-test on the paired differences, with the mean difference and its t interval.

References
----------
Student. The probable error of a mean. Biometrika 1908;6:1-25.
"""

from __future__ import annotations

from numpy.typing import ArrayLike

from retrocohort.stats.result import TestResult, check_alternative
from retrocohort.stats.signed_rank import prepare_differences


def paired_t(
    d: ArrayLike,
    *,
    alternative: str = "two-sided",
    conf_level: float = 0.95,
    decimals: int | None = None,
) -> TestResult:
    """Paired (one-sample) Student t-test of mean difference 0, with a t confidence interval.

    t = mean(d) / (SD(d) / sqrt(n)) on n - 1 degrees of freedom, SD with n - 1; the interval is
    mean(d) +/- t_{n-1} SD(d) / sqrt(n) (one-sided bounds for a one-sided ``alternative``), as
    R's ``t.test(x, y, paired = TRUE)`` (``scipy.stats.ttest_1samp`` underneath).

    Parameters
    ----------
    d : array_like
        Paired differences (second - first); NaN marks a missing pair and is dropped.
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis on the mean difference.
    conf_level : float
        Confidence level of the interval of the mean difference, in (0, 1).
    decimals : int, optional
        Round the differences to this many decimals first (as the signed-rank test).

    Returns
    -------
    TestResult
        ``test`` "paired t-test", ``statistic`` t, ``p_value``; ``details``: statistic_name,
        df, mean_difference, sd_difference, conf_level, ci_low, ci_high, n_missing, decimals.

    Raises
    ------
    ValueError
        Fewer than 2 non-missing differences, or ``conf_level`` outside (0, 1).

    References
    ----------
    Student. The probable error of a mean. Biometrika 1908;6:1-25.

    Examples
    --------
    >>> res = paired_t([1.2, 0.8, -0.3, 1.5, 0.9])
    >>> round(res.statistic, 6), round(res.p_value, 6), res.details["df"]
    (2.683122, 0.05505, 4)
    >>> round(res.details["mean_difference"], 2), round(res.details["ci_low"], 6)
    (0.82, -0.028521)
    """
    from scipy.stats import ttest_1samp

    check_alternative(alternative)
    if not 0 < conf_level < 1:
        raise ValueError(f"conf_level must be in (0, 1), got {conf_level!r}")
    diffs, n = prepare_differences(d, decimals)
    if diffs.size < 2:
        raise ValueError(f"paired t-test needs at least 2 non-missing differences, got {diffs.size}")
    res = ttest_1samp(diffs, 0.0, alternative=alternative)
    ci = res.confidence_interval(confidence_level=conf_level)
    return TestResult(
        test="paired t-test",
        method=f"Paired Student t-test on the differences (df = n - 1); {alternative} p-value.",
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        n=n,
        n_used=int(diffs.size),
        alternative=alternative,
        details=dict(
            statistic_name="t",
            df=int(res.df),
            mean_difference=float(diffs.mean()),
            sd_difference=float(diffs.std(ddof=1)),
            conf_level=conf_level,
            ci_low=float(ci.low),
            ci_high=float(ci.high),
            n_missing=n - diffs.size,
            decimals=decimals,
        ),
    )
