"""McNemar's test for a paired binary outcome (e.g. a sign present at Day 0 and at Day 7).

Only the discordant pairs matter: b = (yes before, no after), c = (no before, yes after).
Exact: b ~ Binomial(b + c, 1/2), p = min(1, 2 P(X <= min(b, c))) (statsmodels' default).
Chi-square: (|b - c| - k)^2 / (b + c) on 1 df, k = 1 with continuity correction (R's
mcnemar.test default), k = 0 without.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from numpy.typing import ArrayLike

from retrocohort.stats.result import TestResult, as_binary_vector, check_choice

MCNEMAR_METHODS = ("exact", "chi2", "chi2_cc")

_TEXT = {
    "exact": "exact binomial test on the discordant pairs, p = min(1, 2 P(X <= min(b, c))), "
    "X ~ Binomial(b + c, 1/2)",
    "chi2": "chi-square (b - c)^2 / (b + c) on 1 df, no continuity correction",
    "chi2_cc": "chi-square (|b - c| - 1)^2 / (b + c) on 1 df, with continuity correction "
    "(R mcnemar.test default)",
}


def mcnemar_from_discordant(b: int, c: int, method: str = "exact", *, n: int | None = None) -> TestResult:
    """McNemar's test from the discordant counts b (yes -> no) and c (no -> yes): exact binomial or chi-square.

    Exact: b ~ Binomial(b + c, 1/2), p = min(1, 2 P(X <= min(b, c))) (statsmodels' default).
    Chi-square: (|b - c| - k)^2 / (b + c) on 1 df, k = 1 for "chi2_cc" (R's ``mcnemar.test``),
    0 for "chi2". Statistic: min(b, c) for 'exact' (as statsmodels), the chi-square value
    otherwise. With b + c = 0 the exact p is 1 and the chi-square versions are undefined (NaN).
    As R, the continuity correction is skipped when b == c (statsmodels would report
    1/(b + c)).

    Parameters
    ----------
    b, c : int
        Discordant pair counts (non-negative integers).
    method : {"exact", "chi2", "chi2_cc"}
        Exact binomial, chi-square, or chi-square with continuity correction.
    n : int, optional
        Number of complete pairs, only reported (default b + c).

    Returns
    -------
    TestResult
        ``test`` "McNemar", ``statistic``, ``p_value``; ``details``: statistic_name, b, c,
        n_discordant, mcnemar_method.

    Raises
    ------
    ValueError
        ``b`` or ``c`` not a non-negative integer, or an unknown ``method``.

    References
    ----------
    McNemar Q. Note on the sampling error of the difference between correlated proportions or
    percentages. Psychometrika 1947;12:153-7.

    Examples
    --------
    >>> round(mcnemar_from_discordant(2, 9).p_value, 6)
    0.06543
    >>> round(mcnemar_from_discordant(2, 9, "chi2_cc").p_value, 6)
    0.07044
    """
    from scipy.stats import binom, chi2

    check_choice("method", method, MCNEMAR_METHODS)
    for name, count in (("b", b), ("c", c)):
        if isinstance(count, bool) or not float(count).is_integer() or count < 0:
            raise ValueError(f"{name} must be a non-negative integer, got {count!r}")
    b, c = int(b), int(c)
    m = b + c
    if method == "exact":
        statistic = float(min(b, c))
        p = min(1.0, 2.0 * float(binom.cdf(min(b, c), m, 0.5)))
    elif m == 0:
        statistic = p = float("nan")
    else:
        k = 1 if method == "chi2_cc" and b != c else 0  # R: no correction when b == c
        statistic = (abs(b - c) - k) ** 2 / m
        p = float(chi2.sf(statistic, 1))
    n_pairs = m if n is None else int(n)
    return TestResult(
        test="McNemar",
        method=f"McNemar test: {_TEXT[method]}.",
        statistic=float(statistic),
        p_value=p,
        n=n_pairs,
        n_used=n_pairs,
        alternative="two-sided",
        details=dict(
            statistic_name="min(b, c)" if method == "exact" else "chi2",
            b=b,
            c=c,
            n_discordant=m,
            mcnemar_method=method,
        ),
    )


def mcnemar(before: ArrayLike, after: ArrayLike, *, method: str = "exact") -> TestResult:
    """McNemar's test on paired boolean arrays (see :func:`mcnemar_from_discordant`); incomplete pairs dropped.

    ``n`` is the number of pairs passed in, ``n_used`` the complete pairs; details give the
    full 2x2 table (a = yes/yes, b = yes/no, c = no/yes, d = no/no).

    Parameters
    ----------
    before, after : array_like
        Paired binary values (bool or 0/1; NaN/None missing), same length.
    method : {"exact", "chi2", "chi2_cc"}
        As in :func:`mcnemar_from_discordant`.

    Returns
    -------
    TestResult
        As :func:`mcnemar_from_discordant`, ``details`` adding a, d and n_incomplete.

    Raises
    ------
    ValueError
        Arrays of different lengths, a non-binary value, or no complete pair.

    References
    ----------
    McNemar Q. Note on the sampling error of the difference between correlated proportions or
    percentages. Psychometrika 1947;12:153-7.

    Examples
    --------
    >>> before = [1, 1, 1, 0, 1, 0, 1, 1, None]
    >>> after = [0, 0, 1, 0, 0, 0, 0, 1, 1]
    >>> res = mcnemar(before, after)
    >>> res.details["b"], res.details["c"], res.n_used, round(res.p_value, 6)
    (4, 0, 8, 0.125)
    """
    x, y = as_binary_vector(before, "before"), as_binary_vector(after, "after")
    if x.size != y.size:
        raise ValueError(f"before and after must have the same length ({x.size} != {y.size})")
    keep = ~(np.isnan(x) | np.isnan(y))
    x, y = x[keep].astype(bool), y[keep].astype(bool)
    if x.size == 0:
        raise ValueError("no complete pairs")
    b, c = int((x & ~y).sum()), int((~x & y).sum())
    res = mcnemar_from_discordant(b, c, method, n=int(x.size))
    details = dict(res.details, a=int((x & y).sum()), d=int((~x & ~y).sum()), n_incomplete=int((~keep).sum()))
    return replace(res, n=int(keep.size), details=details)
