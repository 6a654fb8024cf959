"""The expected-count rule of a levels x groups table: Pearson chi-square when every expected
count is at least 5, else the exact test (gtsummary's ``add_p()`` default rule).

References
----------
Cochran WG. Some methods for strengthening the common chi-square tests. Biometrics
1954;10:417-51. Sjoberg DD, Whiting K, Curry M, Lavery JA, Larmarange J. Reproducible summary
tables with the gtsummary package. R J 2021;13:570-80.
"""

from __future__ import annotations

import dataclasses

from numpy.typing import ArrayLike

from retrocohort.stats import contingency
from retrocohort.stats.contingency import chi_square_independence, contingency_table, fisher_freeman_halton
from retrocohort.stats.result import TestResult
from retrocohort.stats.two_sample import fisher_exact_2x2

EXPECTED_MIN = 5


def chi_square_or_exact(table: ArrayLike, correction: bool = False) -> TestResult:
    """Pearson chi-square (Yates-corrected on a 2x2 table when ``correction``) if every expected
    count is >= ``EXPECTED_MIN``, else Fisher's exact test (2x2) or the Fisher-Freeman-Halton
    test (larger tables); the chi-square again if the exact enumeration exceeds its limit.

    Parameters
    ----------
    table : array_like
        Counts, at least 2 x 2, no row or column of zeros.
    correction : bool
        Yates' continuity correction of a 2x2 chi-square (R's ``chisq.test(correct = TRUE)``).

    Returns
    -------
    TestResult
        The chosen test's result, its ``method`` ending with the sentence that says why it was
        chosen; ``details["min_expected"]``: the smallest expected count.

    References
    ----------
    Cochran WG. Some methods for strengthening the common chi-square tests. Biometrics
    1954;10:417-51.

    Examples
    --------
    >>> chi_square_or_exact([[8, 2], [1, 9]]).test
    'Fisher exact'
    >>> chi_square_or_exact([[20, 12], [10, 25]]).test
    'Pearson chi-square'
    """
    tab = contingency_table(table)
    chi = chi_square_independence(tab, correction=correction)
    low = chi.details["min_expected"]
    if low >= EXPECTED_MIN:
        return _with_rule(chi, f"Chosen as every expected count is >= {EXPECTED_MIN}.", low)
    rule = f"Chosen as an expected count is below {EXPECTED_MIN}."
    try:
        exact = fisher_exact_2x2(tab) if tab.shape == (2, 2) else fisher_freeman_halton(tab)
    except ValueError:  # beyond the exact test's enumeration limit
        rule = f"An expected count is below {EXPECTED_MIN} but the exact test is infeasible (more than "
        return _with_rule(chi, rule + f"{contingency.FFH_MAX_TABLES:,} tables).", low)
    return _with_rule(exact, rule, low)


def _with_rule(res: TestResult, rule: str, low: float) -> TestResult:
    return dataclasses.replace(
        res, method=f"{res.method} {rule}", details={**res.details, "min_expected": low}
    )
