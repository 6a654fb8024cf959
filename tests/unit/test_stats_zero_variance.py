"""Rank tests whose normal approximation has a zero null variance (every value tied).

The audit crashed on such a variable (ValueError from the normal approximation). Each rank
test now returns the degenerate null's p = 1 with a note, and R's statistic. R 4.2
(survival 3.5) printed, with suppressWarnings():
  wilcox.test(c(1,1,1), c(1,1,1,1))            W = 6, p NaN
  wilcox.test(c(1,1,1), c(1,1,1), paired=TRUE) V = 0, p NaN
  kruskal.test(list(c(1,1), c(1,1,1), c(1)))   statistic NaN, p NaN
  friedman.test(matrix(rep(2, 12), 4))         statistic NaN, p NaN
"""

import math

import numpy as np
import pytest

from retrocohort.stats.multi_group import kruskal_wallis
from retrocohort.stats.repeated_measures import friedman
from retrocohort.stats.result import normal_pvalue
from retrocohort.stats.signed_rank import wilcoxon_preset, wilcoxon_signed_rank
from retrocohort.stats.two_sample import mann_whitney, mann_whitney_preset


def _degenerate(res, statistic):
    assert res.p_value == 1.0
    assert "one-point null" in res.details["note"] and "one-point null" in res.method
    if math.isnan(statistic):
        assert math.isnan(res.statistic)
    else:
        assert res.statistic == statistic


@pytest.mark.parametrize("options", [dict(method="asymptotic"), mann_whitney_preset("R")])
def test_mann_whitney_all_tied(options):
    _degenerate(mann_whitney([1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0], **options), 6.0)


@pytest.mark.parametrize("options", [dict(method="asymptotic"), wilcoxon_preset("R")])
def test_signed_rank_all_zero_normal_branch(options):
    _degenerate(wilcoxon_signed_rank(np.zeros(3), **options), 0.0)


def test_kruskal_wallis_all_tied():
    _degenerate(kruskal_wallis([[1.0, 1.0], [1.0, 1.0, 1.0], [1.0]]), math.nan)


def test_friedman_all_tied():
    _degenerate(friedman(np.full((4, 3), 2.0)), math.nan)


def test_normal_pvalue_zero_variance():
    z, p = normal_pvalue(3.0, 3.0, 0.0, "two-sided", correction=True)
    assert math.isnan(z) and p == 1.0
    with pytest.raises(ValueError, match="away from its mean"):
        normal_pvalue(4.0, 3.0, 0.0, "two-sided", correction=False)
    with pytest.raises(ValueError, match="variance"):
        normal_pvalue(4.0, 3.0, -1.0, "two-sided", correction=False)
