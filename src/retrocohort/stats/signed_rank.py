"""One-sample / paired-difference location tests: Wilcoxon signed-rank and the sign test
(the paired t-test: :mod:`retrocohort.stats.paired_t`).

All functions take the paired differences d = x - y (NaN = missing pair, dropped). Pass
``decimals`` to round d first: float subtraction otherwise turns equal differences into
near-equal ones and silently breaks ties and zeros.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from retrocohort.stats.result import (
    ZERO_VARIANCE_NOTE,
    TestResult,
    as_float_vector,
    check_alternative,
    check_choice,
    discrete_pvalue,
    normal_pvalue,
)

ZERO_METHODS = ("wilcox", "pratt", "zsplit")
METHODS = ("auto", "exact", "asymptotic")

_PRESETS: dict[str, dict[str, Any]] = {
    # our default: exact conditional null (exact with ties and zeros) up to n = 50
    "retrocohort": dict(
        zero_method="wilcox", correction=False, method="auto", exact_max_n=50, exact_with_ties=True
    ),
    # R wilcox.test(paired=TRUE): zeros dropped; exact iff n < 50 with no ties and no zeros,
    # else normal approximation with tie-corrected variance and continuity correction
    "R": dict(zero_method="wilcox", correction=True, method="auto", exact_max_n=49, exact_with_ties=False),
}

_ZERO_TEXT = {
    "wilcox": "zero differences dropped before ranking (Wilcoxon's method)",
    "pratt": "zero differences ranked, then their ranks discarded (Pratt's method)",
    "zsplit": "zero differences ranked, half of their rank sum added to V (zero-split)",
}


def wilcoxon_preset(name: str) -> dict[str, Any]:
    """Keyword arguments of :func:`wilcoxon_signed_rank` reproducing a named Wilcoxon signed-rank convention.

    "retrocohort": zeros dropped, exact conditional null (with ties) when n_used <= 50, no
    continuity correction. "R": R's wilcox.test(paired=TRUE) rule (exact iff n < 50, no ties,
    no zeros; else normal approximation with continuity correction).

    Parameters
    ----------
    name : {"retrocohort", "R"}
        The convention.

    Returns
    -------
    dict
        A fresh copy of the keyword arguments (zero_method, correction, method, exact_max_n,
        exact_with_ties).

    Raises
    ------
    ValueError
        Unknown ``name``.

    References
    ----------
    Bauer DF. Constructing confidence sets using rank statistics. J Am Stat Assoc
    1972;67:687-90. (R's ``wilcox.test``.)
    Streitberg B, Röhmel J. Exact distributions for permutation and rank tests. Stat Softw Newsl
    1986;12:10-7.

    Examples
    --------
    >>> wilcoxon_preset("R")
    {'zero_method': 'wilcox', 'correction': True, 'method': 'auto', 'exact_max_n': 49, 'exact_with_ties': False}
    """
    if name not in _PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of {tuple(_PRESETS)}")
    return dict(_PRESETS[name])


def prepare_differences(d: ArrayLike, decimals: int | None) -> tuple[NDArray[np.float64], int]:
    """(non-missing differences, rounded to ``decimals`` if given; number passed in)."""
    arr = as_float_vector(d, "d")
    if decimals is not None:
        if not isinstance(decimals, (int, np.integer)) or isinstance(decimals, bool):
            raise ValueError(f"decimals must be an integer or None, got {decimals!r}")
        arr = np.round(arr, int(decimals))
    return arr[~np.isnan(arr)], arr.size


def has_duplicates(values: NDArray[Any]) -> bool:
    """Whether any two entries are equal (one sort; faster than np.unique's hash at 10^6)."""
    ordered = np.sort(values)
    return bool((ordered[1:] == ordered[:-1]).any())


def doubled_midranks(values: NDArray[np.float64]) -> NDArray[np.int64]:
    """Twice the average (mid-)ranks of ``values`` (no NaN): integers, exact even with ties.

    One unstable argsort, then per tie block of sorted positions start..end-1 (0-based) the
    doubled mid-rank start + end + 1; equals 2 * scipy.stats.rankdata(method='average').

    Parameters
    ----------
    values : ndarray of float64
        The values to rank (no NaN).

    Returns
    -------
    ndarray of int64
        2 x mid-rank of each value, in the input order.

    References
    ----------
    Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods. 3rd ed. Wiley; 2014.
    (Mid-ranks for tied observations.)

    Examples
    --------
    >>> import numpy as np
    >>> doubled_midranks(np.array([3.0, 1.0, 3.0, 2.0])).tolist()
    [7, 2, 7, 4]
    """
    x = np.asarray(values)
    if x.size == 0:
        return np.zeros(0, dtype=np.int64)
    if np.issubdtype(x.dtype, np.floating) and np.isnan(x).any():
        raise ValueError("cannot rank NaN values; drop missing values first")
    order = np.argsort(x)
    ordered = x[order]
    new_block = np.empty(x.size, dtype=bool)
    new_block[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new_block[1:])
    starts = np.flatnonzero(new_block)
    ends = np.append(starts[1:], x.size)
    out = np.empty(x.size, dtype=np.int64)
    out[order] = (starts + ends + 1)[np.cumsum(new_block) - 1]
    return out


def signed_rank_null_pmf(doubled_ranks: NDArray[np.int64]) -> NDArray[np.float64]:
    """Exact null pmf of the signed-rank statistic with ties, S = sum a_i B_i, B_i iid Bernoulli(1/2), on 0..sum(a).

    S is twice the sum of positive ranks given the observed (tied) ranks a_i: the conditional
    permutation distribution of the signed-rank statistic. Streitberg-Röhmel shift algorithm:
    one vectorised shift-and-add per observation, O(n * sum(a)).

    Parameters
    ----------
    doubled_ranks : ndarray of int64
        Twice the mid-ranks of the absolute non-zero differences (positive integers).

    Returns
    -------
    ndarray of float64
        ``pmf[s]`` = P(S = s), s = 0..sum(doubled_ranks).

    Raises
    ------
    ValueError
        A rank is not positive.

    References
    ----------
    Streitberg B, Röhmel J. Exact distributions for permutation and rank tests. Stat Softw Newsl
    1986;12:10-7.
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-3.

    Examples
    --------
    Ranks 1 and 2 (doubled: 2, 4): S in {0, 2, 4, 6}, each with probability 1/4.

    >>> import numpy as np
    >>> signed_rank_null_pmf(np.array([2, 4])).tolist()
    [0.25, 0.0, 0.25, 0.0, 0.25, 0.0, 0.25]
    """
    a = np.sort(np.asarray(doubled_ranks, dtype=np.int64))
    if (a <= 0).any():
        raise ValueError("ranks must be positive integers")
    pmf = np.zeros(int(a.sum()) + 1)
    pmf[0] = 1.0
    top = 0
    for step in a.tolist():
        pmf[step : top + step + 1] += pmf[: top + 1]  # ufunc add copes with the overlap
        pmf[: top + step + 1] *= 0.5
        top += step
    return pmf


def wilcoxon_signed_rank(
    d: ArrayLike,
    *,
    zero_method: str = "wilcox",
    correction: bool = False,
    method: str = "auto",
    exact_max_n: int = 50,
    exact_with_ties: bool = True,
    alternative: str = "two-sided",
    decimals: int | None = None,
) -> TestResult:
    """Wilcoxon signed-rank test on paired differences; statistic V = sum of positive ranks (R).

    Exact: conditional null of the doubled mid-ranks by enumeration (Streitberg-Röhmel shift
    algorithm), exact with ties and zeros; two-sided p = min(1, 2 x smaller tail).
    Asymptotic: normal approximation with the permutation (tie-corrected) variance
    sum(r_i^2)/4 over non-zero differences, continuity correction 0.5 if ``correction``.
    "auto": exact when n_used <= ``exact_max_n`` (and, if not ``exact_with_ties``, there are no
    ties and no zeros), else asymptotic. See :func:`wilcoxon_preset` for the R convention.

    Parameters
    ----------
    d : array_like
        Paired differences; NaN marks a missing pair and is dropped.
    zero_method : {"wilcox", "pratt", "zsplit"}
        Zero differences: dropped before ranking (Wilcoxon, as R), ranked then discarded
        (Pratt), or ranked with half their rank sum added to V (zero-split).
    correction : bool
        Continuity correction of the normal approximation.
    method : {"auto", "exact", "asymptotic"}
        Null distribution.
    exact_max_n : int
        Largest number of differences used for the exact null under "auto".
    exact_with_ties : bool
        Under "auto", allow the exact (conditional) null with ties or zeros.
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis on the location of the differences.
    decimals : int, optional
        Round the differences to this many decimals first (so that float noise makes no ties
        disappear).

    Returns
    -------
    TestResult
        ``statistic`` V, ``p_value``, ``n_used`` (non-zero differences under "wilcox"),
        ``method`` naming the variant; ``details`` holds the zero and tie handling and the null.

    Raises
    ------
    ValueError
        No non-missing difference, or an unknown ``zero_method``, ``method`` or ``alternative``.

    References
    ----------
    Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-3.
    Pratt JW. Remarks on zeros and ties in the Wilcoxon signed rank procedures. J Am Stat Assoc
    1959;54:655-67.
    Streitberg B, Röhmel J. Exact distributions for permutation and rank tests. Stat Softw Newsl
    1986;12:10-7.

    Examples
    --------
    Hollander & Wolfe's depression data (R's ``?wilcox.test``), d = x - y:

    >>> x = [1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]
    >>> y = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
    >>> d = [a - b for a, b in zip(x, y)]
    >>> res = wilcoxon_signed_rank(d, alternative="greater", decimals=6)
    >>> res.statistic, round(res.p_value, 6)
    (40.0, 0.019531)
    """
    check_choice("zero_method", zero_method, ZERO_METHODS)
    check_choice("method", method, METHODS)
    check_alternative(alternative)
    diffs, n = prepare_differences(d, decimals)
    if diffs.size == 0:
        raise ValueError("no non-missing differences")
    n_missing = n - diffs.size
    zero = diffs == 0
    n_zero = int(zero.sum())
    if zero_method == "wilcox":
        diffs, zero = diffs[~zero], zero[~zero]
    ranks2 = doubled_midranks(np.abs(diffs))
    nonzero_ranks2 = ranks2[~zero]
    shift = int(ranks2[zero].sum()) // 2 if zero_method == "zsplit" else 0  # z(z+1)/2
    s_obs = int(ranks2[diffs > 0].sum()) + shift  # 2V
    has_ties = has_duplicates(nonzero_ranks2)  # equal mid-ranks <=> equal |d|

    use_exact = method == "exact" or (
        method == "auto" and diffs.size <= exact_max_n and (exact_with_ties or not (has_ties or n_zero > 0))
    )
    details: dict[str, Any] = dict(
        statistic_name="V",
        zero_method=zero_method,
        n_zero=n_zero,
        n_missing=n_missing,
        has_ties=bool(has_ties),
        exact=use_exact,
        method_requested=method,
        exact_max_n=exact_max_n,
        exact_with_ties=exact_with_ties,
        decimals=decimals,
    )
    if use_exact:
        pmf = np.concatenate([np.zeros(shift), signed_rank_null_pmf(nonzero_ranks2)])
        p = discrete_pvalue(pmf, s_obs, alternative)
        how = (
            "exact conditional null by enumeration of doubled mid-ranks "
            "(Streitberg-Rohmel shift algorithm; exact with ties and zeros)"
        )
        details["continuity_correction"] = False
    else:
        mean = (nonzero_ranks2.sum() / 2 + shift) / 2
        var = float((nonzero_ranks2.astype(float) ** 2).sum()) / 16
        z, p = normal_pvalue(s_obs / 2, mean, var, alternative, correction)
        how = (
            "normal approximation, tie-corrected variance, "
            + ("with" if correction else "without")
            + " continuity correction"
        )
        details.update(z=z, null_mean=mean, null_variance=var, continuity_correction=correction)
        if var == 0:
            details["note"] = ZERO_VARIANCE_NOTE
            how += f" ({ZERO_VARIANCE_NOTE})"
    return TestResult(
        test="Wilcoxon signed-rank",
        method=f"Wilcoxon signed-rank test, V = sum of positive mid-ranks; "
        f"{_ZERO_TEXT[zero_method]}; {how}; {alternative} p-value.",
        statistic=s_obs / 2,
        p_value=p,
        n=n,
        n_used=int(diffs.size),
        alternative=alternative,
        details=details,
    )


def sign_test(d: ArrayLike, *, alternative: str = "two-sided", decimals: int | None = None) -> TestResult:
    """Exact sign test: positives among non-zero differences ~ Binomial(n_used, 1/2).

    Zeros dropped. Statistic = number of positive differences (R binom.test 'successes');
    two-sided p as scipy.stats.binomtest / R binom.test; p = 1 if no non-zero difference.

    Parameters
    ----------
    d : array_like
        Paired differences; NaN marks a missing pair and is dropped.
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis on P(d > 0) versus 1/2.
    decimals : int, optional
        Round the differences to this many decimals first.

    Returns
    -------
    TestResult
        ``statistic`` the number of positive differences, ``p_value``, ``n_used`` the number of
        non-zero differences.

    Raises
    ------
    ValueError
        An unknown ``alternative``.

    References
    ----------
    Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods. 3rd ed. Wiley; 2014.

    Examples
    --------
    >>> res = sign_test([0.9, 1.2, -0.3, 0.0, 2.1, 0.4, 1.7])
    >>> res.statistic, res.n_used, round(res.p_value, 6)
    (5.0, 6, 0.21875)
    """
    from scipy.stats import binomtest

    check_alternative(alternative)
    diffs, n = prepare_differences(d, decimals)
    nonzero = diffs[diffs != 0]
    k = int((nonzero > 0).sum())
    p = binomtest(k, nonzero.size, 0.5, alternative=alternative).pvalue if nonzero.size else 1.0
    return TestResult(
        test="sign test",
        method=f"Exact sign test, Binomial(n, 1/2) on the signs of non-zero differences; zeros "
        f"dropped; {alternative} p-value.",
        statistic=float(k),
        p_value=float(p),
        n=n,
        n_used=int(nonzero.size),
        alternative=alternative,
        details=dict(
            statistic_name="n positive",
            n_negative=int(nonzero.size - k),
            n_zero=int(diffs.size - nonzero.size),
            n_missing=n - diffs.size,
            decimals=decimals,
        ),
    )
