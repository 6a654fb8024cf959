"""More than two groups: Kruskal-Wallis, r x c chi-square and Fisher-Freeman-Halton.

Reference p-values printed by R 4.2.2 (kruskal.test, chisq.test, fisher.test; %.17g);
tests/r_oracle recomputes them live.
"""

import itertools

import numpy as np
import pytest

from retrocohort.stats.contingency import (
    chi_square_independence,
    crosstab,
    fisher_freeman_halton,
)
from retrocohort.stats.multi_group import kruskal_wallis
from retrocohort.stats.two_sample import chi2_2x2, fisher_exact_2x2

HOLLANDER_KW = [[2.9, 3.0, 2.5, 2.6, 3.2], [3.8, 2.7, 4.0, 2.4], [2.8, 3.4, 3.7, 2.2, 2.0]]  # ?kruskal.test
T3X3 = [[3, 1, 2], [1, 3, 4], [2, 2, 5]]
T4X2 = [[3, 1], [1, 3], [2, 4], [5, 0]]


def test_kruskal_matches_r():
    res = kruskal_wallis(HOLLANDER_KW, labels=["normal", "airway", "asbestosis"])
    assert res.p_value == pytest.approx(0.67996477357889362, rel=1e-12)
    assert res.statistic == pytest.approx(0.77143, abs=5e-6)  # R prints 0.77143
    assert res.details["df"] == 2 and res.test == "Kruskal-Wallis"


def test_kruskal_drops_missing_and_refuses_degenerate_groups():
    res = kruskal_wallis([[1.0, np.nan, 2.0], [3.0, 4.0]])
    assert res.n == 5 and res.n_used == 4
    with pytest.raises(ValueError, match="no non-missing"):
        kruskal_wallis([[1.0, 2.0], [np.nan]])
    with pytest.raises(ValueError, match="at least 2 groups"):
        kruskal_wallis([[1.0, 2.0]])
    assert kruskal_wallis([[1.0, 1.0], [1.0]]).p_value == 1.0  # every value tied: test_stats_zero_variance


def test_fisher_freeman_halton_matches_r():
    assert fisher_freeman_halton(T3X3).p_value == pytest.approx(0.71619442611499595, rel=1e-12)
    res = fisher_freeman_halton(T4X2)
    assert res.p_value == pytest.approx(0.077028922230159974, rel=1e-12)
    assert "Fisher-Freeman-Halton" in res.method and res.details["n_tables"] > 1


def test_fisher_freeman_halton_is_invariant_to_order_and_equals_2x2_fisher():
    base = fisher_freeman_halton(T4X2).p_value
    tab = np.array(T4X2)
    for perm in itertools.permutations(range(4)):
        assert fisher_freeman_halton(tab[list(perm)]).p_value == pytest.approx(base, rel=1e-12)
    assert fisher_freeman_halton(tab.T).p_value == pytest.approx(base, rel=1e-12)
    for t in ([[8, 2], [1, 5]], [[3, 1], [1, 3]], [[0, 5], [4, 2]]):
        assert fisher_freeman_halton(t).p_value == pytest.approx(fisher_exact_2x2(t).p_value, rel=1e-12)


def test_fisher_freeman_halton_total_probability_is_one_by_enumeration():
    from retrocohort.stats.contingency import _table_log_probs

    log_probs, _ = _table_log_probs(np.array(T3X3))
    assert np.exp(log_probs).sum() == pytest.approx(1.0, rel=1e-12)


def test_fisher_freeman_halton_refuses_huge_enumerations(monkeypatch):
    import retrocohort.stats.contingency as ct

    monkeypatch.setattr(ct, "FFH_MAX_TABLES", 10)
    with pytest.raises(ValueError, match="more than 10 tables"):
        fisher_freeman_halton(T3X3)


def test_chi_square_rxc_no_yates_and_2x2_yates_as_r():
    res = chi_square_independence(T3X3)
    assert res.p_value == pytest.approx(0.5625554142718906, rel=1e-12)
    assert not res.details["yates"] and res.details["df"] == 4 and res.details["any_expected_below_5"]
    two = chi_square_independence([[8, 2], [1, 5]])
    assert two.details["yates"] and two.p_value == pytest.approx(chi2_2x2([[8, 2], [1, 5]], True).p_value)
    assert not chi_square_independence([[8, 2], [1, 5]], correction=False).details["yates"]


@pytest.mark.parametrize("bad", [[[1, 2, 3]], [[1, -1], [2, 3]], [[1.5, 1], [2, 3]], [[0, 0], [2, 3]]])
def test_bad_tables_are_refused(bad):
    with pytest.raises(ValueError):
        chi_square_independence(bad)


def test_crosstab_levels_and_missing():
    tab, rows, cols = crosstab(["a", "b", "a", None, "c"], ["x", "y", "y", "x", "x"])
    assert rows == ["a", "b", "c"] and cols == ["x", "y"]
    assert tab.tolist() == [[1, 1], [0, 1], [1, 0]]
