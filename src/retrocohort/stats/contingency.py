"""Tests of independence on r x c contingency tables: Pearson chi-square and the
Fisher-Freeman-Halton exact test (any number of groups and levels), and the cross-tabulation
that builds such a table from two label vectors.

scipy's ``fisher_exact`` on tables larger than 2x2 is a Monte Carlo test (random p-values);
here the exact p-value is obtained by enumerating every table with the observed margins, as
R's ``fisher.test`` (network algorithm, FEXACT) defines it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from retrocohort.stats.result import YATES_APPLIED, TestResult

FFH_MAX_TABLES = 5_000_000  # enumeration limit of the exact test (memory ~ tables x rows)
_CHUNK_CELLS = 1 << 24  # state x option comparisons per chunk
_R_REL_ERR = 1 + 1e-7  # R fisher.test: tables with probability <= p_obs * (1 + 1e-7) count


def contingency_table(table: ArrayLike) -> NDArray[np.int64]:
    """Validated contingency table: a 2-D array of non-negative integer counts, at least 2 x 2.

    Parameters
    ----------
    table : array_like
        The counts (integers stored as floats are accepted).

    Returns
    -------
    ndarray of int64
        The counts.

    Raises
    ------
    ValueError
        Not 2-D, fewer than 2 rows or columns, or a missing, negative or non-integer count.

    References
    ----------
    Agresti A. Categorical Data Analysis. 3rd ed. Wiley; 2013. (Section 2.1, contingency tables.)

    Examples
    --------
    >>> contingency_table([[3.0, 1], [0, 2]]).tolist()
    [[3, 1], [0, 2]]
    """
    arr = np.asarray(table, dtype=float)
    if arr.ndim != 2 or min(arr.shape) < 2:
        raise ValueError(f"table must be 2-D with at least 2 rows and 2 columns, got shape {arr.shape}")
    if np.isnan(arr).any() or (arr < 0).any() or (arr != np.round(arr)).any():
        raise ValueError(f"table must hold non-negative integer counts, got {arr.tolist()}")
    return arr.astype(np.int64)


def crosstab(rows: ArrayLike, columns: ArrayLike) -> tuple[NDArray[np.int64], list[Any], list[Any]]:
    """Cross-tabulation of two label vectors (counts of each (row, column) pair), as R's ``table``.

    Pairs with a missing label are dropped; levels are sorted, as R's ``table`` of factors with
    default levels.

    Parameters
    ----------
    rows : array_like
        Row labels, one per subject; None/NaN is missing.
    columns : array_like
        Column labels, same length as ``rows``.

    Returns
    -------
    table : ndarray of int64
        Counts, shape (number of row levels, number of column levels).
    row_levels, column_levels : list
        The sorted levels labelling the rows and the columns.

    Raises
    ------
    ValueError
        ``rows`` and ``columns`` differ in length.

    References
    ----------
    Agresti A. Categorical Data Analysis. 3rd ed. Wiley; 2013. (Section 2.1, contingency tables.)

    Examples
    --------
    >>> tab, rows, cols = crosstab(["a", "b", "a", None], ["x", "x", "y", "y"])
    >>> tab.tolist(), rows, cols
    ([[1, 1], [1, 0]], ['a', 'b'], ['x', 'y'])
    """
    r, c = pd.Series(np.asarray(rows, dtype=object)), pd.Series(np.asarray(columns, dtype=object))
    if r.size != c.size:
        raise ValueError(f"rows and columns must have the same length ({r.size} != {c.size})")
    keep = r.notna() & c.notna()
    tab = pd.crosstab(r[keep], c[keep])
    return tab.to_numpy(dtype=np.int64), tab.index.tolist(), tab.columns.tolist()


def chi_square_independence(table: ArrayLike, correction: bool = True) -> TestResult:
    """Pearson chi-square test of independence on an r x c table, as R's ``chisq.test``.

    Statistic sum (O - E)^2 / E on (r - 1)(c - 1) df. ``correction`` (R's ``correct``, default
    TRUE) applies Yates' continuity correction only to 2x2 tables, as R does; never to larger
    tables. Rows or columns with a zero total are refused (expected count zero; R returns NaN).
    details flag expected counts below 5 (R warns "Chi-squared approximation may be incorrect").
    scipy.stats.chi2_contingency computes the statistic.

    Parameters
    ----------
    table : array_like
        2-D table of non-negative integer counts, at least 2 x 2.
    correction : bool
        Yates' continuity correction on a 2x2 table (ignored on larger tables).

    Returns
    -------
    TestResult
        ``test`` "Pearson chi-square", ``statistic`` chi-square, ``p_value``; ``details``:
        statistic_name, df, yates, table, min_expected, any_expected_below_5.

    Raises
    ------
    ValueError
        Not a 2-D table of non-negative integer counts, or a row or column total is zero.

    References
    ----------
    Pearson K. On the criterion that a given system of deviations from the probable in the case
    of a correlated system of variables is such that it can be reasonably supposed to have arisen
    from random sampling. Philos Mag 1900;50:157-75.
    Yates F. Contingency tables involving small numbers and the chi-square test. Suppl J R Stat
    Soc 1934;1:217-35.

    Examples
    --------
    >>> res = chi_square_independence([[12, 5], [7, 14]], correction=False)
    >>> round(res.statistic, 6), round(res.p_value, 6), res.details["df"]
    (5.215686, 0.022384, 1)
    >>> round(chi_square_independence([[12, 5], [7, 14]]).p_value, 6)
    0.050285
    """
    from scipy.stats import chi2_contingency

    tab = contingency_table(table)
    if (tab.sum(axis=0) == 0).any() or (tab.sum(axis=1) == 0).any():
        raise ValueError(f"chi-square undefined: a row or column total is zero in {tab.tolist()}")
    yates = bool(correction and tab.shape == (2, 2))
    res = chi2_contingency(tab, correction=yates)
    expected = np.asarray(res.expected_freq)
    n = int(tab.sum())
    return TestResult(
        test="Pearson chi-square",
        method=(
            f"Pearson chi-square test of independence on a {tab.shape[0]}x{tab.shape[1]} table, "
            f"{int(res.dof)} df, "
            + (
                f"{YATES_APPLIED} (2x2 only, as R)."
                if yates
                else "without continuity correction"
                + (
                    " (as gtsummary; R's chisq.test applies Yates' correction)."
                    if tab.shape == (2, 2)
                    else "."
                )
            )
        ),
        statistic=float(res.statistic),
        p_value=float(res.pvalue),
        n=n,
        n_used=n,
        alternative="two-sided",
        details={
            "statistic_name": "chi2",
            "df": int(res.dof),
            "yates": yates,
            "table": tab.tolist(),
            "min_expected": float(expected.min()),
            "any_expected_below_5": bool((expected < 5).any()),
        },
    )


def _compositions(total: int, bounds: NDArray[np.int64]) -> NDArray[np.int64]:
    """All vectors v >= 0 with sum(v) = total and v <= bounds (one per row)."""
    parts = np.zeros((1, 0), dtype=np.int64)
    left = np.array([total])
    for i, bound in enumerate(bounds.tolist()):
        if i == bounds.size - 1:
            ok = left <= bound
            return np.column_stack([parts[ok], left[ok]])
        ks = np.arange(min(bound, total) + 1)
        parts_n = np.repeat(parts, ks.size, axis=0)
        left_n = np.repeat(left, ks.size) - np.tile(ks, left.size)
        ok = left_n >= 0
        parts, left = np.column_stack([parts_n[ok], np.tile(ks, left.size)[ok]]), left_n[ok]
    return parts


def _table_log_probs(tab: NDArray[np.int64]) -> tuple[NDArray[np.float64], float]:
    """Log hypergeometric probabilities of every table with ``tab``'s margins, and the
    observed table's, by enumeration column by column (the last column is implied)."""
    from scipy.special import gammaln

    rows, cols = tab.sum(axis=1), tab.sum(axis=0)
    constant = float(gammaln(rows + 1).sum() + gammaln(cols + 1).sum() - gammaln(tab.sum() + 1))
    remaining = rows[None, :].copy()
    partial = np.zeros(1)
    for total in cols[:-1].tolist():
        options = _compositions(total, rows)
        chunk = max(1, _CHUNK_CELLS // max(1, options.size))
        pairs = [
            np.nonzero((options[None, :, :] <= remaining[i : i + chunk, None, :]).all(axis=2))
            for i in range(0, remaining.shape[0], chunk)
        ]
        state = np.concatenate([s + i * chunk for i, (s, _) in enumerate(pairs)])
        choice = np.concatenate([c for _, c in pairs])
        if state.size > FFH_MAX_TABLES:
            raise ValueError(
                f"Fisher-Freeman-Halton exact test: more than {FFH_MAX_TABLES:,} tables with the "
                f"margins of {tab.tolist()}; use the chi-square test or a Monte Carlo p-value"
            )
        remaining = remaining[state] - options[choice]
        partial = partial[state] - gammaln(options[choice] + 1).sum(axis=1)
    log_probs = constant + partial - gammaln(remaining + 1).sum(axis=1)
    observed = constant - float(gammaln(tab + 1).sum())
    return log_probs, observed


def fisher_freeman_halton(table: ArrayLike) -> TestResult:
    """Fisher-Freeman-Halton exact test of independence on an r x c table, as R's ``fisher.test``.

    Conditional on both margins the table is multivariate hypergeometric; p = sum of the
    probabilities of all tables with the observed margins that are no more probable than the
    observed one (times 1 + 1e-7, R's relative tolerance). Every table is enumerated, column by
    column (exact; R computes the same sum with the network algorithm of Mehta & Patel 1983);
    ValueError beyond ``FFH_MAX_TABLES`` tables. Statistic: the observed table's probability
    (scipy's convention). On a 2x2 table this is the two-sided 'minlike' p-value of
    :func:`retrocohort.stats.two_sample.fisher_exact_2x2`.

    Parameters
    ----------
    table : array_like
        2-D table of non-negative integer counts, at least 2 x 2, with at least one count.

    Returns
    -------
    TestResult
        ``test`` "Fisher-Freeman-Halton exact", ``statistic`` the observed table's probability,
        ``p_value``; ``details``: statistic_name, table, n_tables (tables enumerated).

    Raises
    ------
    ValueError
        Not a table of non-negative integer counts, all counts zero, or more than
        ``FFH_MAX_TABLES`` tables to enumerate.

    References
    ----------
    Freeman GH, Halton JH. Note on an exact treatment of contingency, goodness of fit and other
    problems of significance. Biometrika 1951;38:141-9.
    Mehta CR, Patel NR. A network algorithm for performing Fisher's exact test in r x c
    contingency tables. J Am Stat Assoc 1983;78:427-34.

    Examples
    --------
    >>> res = fisher_freeman_halton([[3, 1, 0], [1, 2, 4]])
    >>> round(res.p_value, 6), res.details["n_tables"]
    (0.10303, 14)
    """
    tab = contingency_table(table)
    n = int(tab.sum())
    if n == 0:
        raise ValueError("Fisher-Freeman-Halton test needs a table with at least one count")
    # same p for any order of rows and columns: fewest rows, largest column last (it is implied)
    arranged = tab.T if tab.shape[0] > tab.shape[1] else tab
    log_probs, observed = _table_log_probs(arranged[:, np.argsort(arranged.sum(axis=0), kind="stable")])
    extreme = log_probs <= observed + np.log(_R_REL_ERR)
    p = float(np.exp(log_probs[extreme]).sum())
    return TestResult(
        test="Fisher-Freeman-Halton exact",
        method=(
            f"Fisher-Freeman-Halton exact test of independence on a {tab.shape[0]}x{tab.shape[1]} "
            f"table (multivariate hypergeometric given both margins; p = total probability of "
            f"the tables no more likely than the observed, as R fisher.test; full enumeration "
            f"of {log_probs.size:,} tables)."
        ),
        statistic=float(np.exp(observed)),
        p_value=min(1.0, p),
        n=n,
        n_used=n,
        alternative="two-sided",
        details={
            "statistic_name": "probability of the observed table",
            "table": tab.tolist(),
            "n_tables": int(log_probs.size),
        },
    )
