"""Fisher's exact, Pearson chi-square (2x2) and Mann-Whitney against scipy, R and brute force."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from retrocohort.stats.two_sample import chi2_2x2, fisher_exact_2x2, mann_whitney, rank_sum_null_pmf

ALTERNATIVES = ("two-sided", "less", "greater")
TEA = [[3, 1], [1, 3]]  # R ?fisher.test TeaTasting


def test_fisher_tea_tasting_matches_r():
    res = fisher_exact_2x2(TEA)
    assert res.p_value == pytest.approx(0.4857, abs=5e-5)
    assert res.statistic == pytest.approx(6.408309, rel=1e-5)  # conditional MLE, not ad/bc = 9
    assert res.details["sample_odds_ratio"] == 9.0
    assert res.details["or_ci_low"] == pytest.approx(0.2117329, rel=1e-4)
    greater = fisher_exact_2x2(TEA, "greater")
    assert greater.p_value == pytest.approx(0.2429, abs=5e-5)
    assert greater.details["or_ci_low"] == pytest.approx(0.3135693, rel=1e-4)
    assert greater.details["or_ci_high"] == np.inf


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 15), min_size=4, max_size=4), st.sampled_from(ALTERNATIVES))
def test_fisher_equals_scipy(cells, alternative):
    table = np.array(cells).reshape(2, 2)
    res = fisher_exact_2x2(table, alternative)
    assert res.p_value == pytest.approx(stats.fisher_exact(table, alternative).pvalue, rel=1e-12)
    assert res.n == table.sum()


@pytest.mark.parametrize("correction", [False, True])
def test_chi2_by_hand_and_scipy(correction):
    a, b, c, d = 12, 5, 9, 14
    n = a + b + c + d
    num = abs(a * d - b * c) - (n / 2 if correction else 0)
    by_hand = n * num**2 / ((a + b) * (c + d) * (a + c) * (b + d))
    res = chi2_2x2([[a, b], [c, d]], correction=correction)
    assert res.statistic == pytest.approx(by_hand)
    assert res.p_value == pytest.approx(stats.chi2.sf(by_hand, 1))
    ref = stats.chi2_contingency([[a, b], [c, d]], correction=correction)
    assert res.p_value == pytest.approx(ref.pvalue)
    assert ("with Yates" in res.method) is correction


BAD_TABLES = [[[1, 2, 3], [4, 5, 6]], [[1, -1], [2, 3]], [[1.5, 1], [2, 3]], [[np.nan, 1], [2, 3]]]


@pytest.mark.parametrize("table", BAD_TABLES)
def test_invalid_tables_raise(table):
    with pytest.raises(ValueError):
        fisher_exact_2x2(table)
    with pytest.raises(ValueError):
        chi2_2x2(table, correction=True)


def test_chi2_with_an_empty_margin_raises_but_fisher_does_not():
    with pytest.raises(ValueError, match="total is zero"):
        chi2_2x2([[0, 0], [2, 3]], correction=False)
    assert fisher_exact_2x2([[0, 0], [2, 3]]).p_value == 1.0


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(0, 10_000), min_size=2, max_size=30, unique=True), st.data())
def test_mann_whitney_equals_scipy_exact_when_untied(values, data):
    split = data.draw(st.integers(1, len(values) - 1))
    alternative = data.draw(st.sampled_from(ALTERNATIVES))
    x, y = np.array(values[:split], float), np.array(values[split:], float)
    res = mann_whitney(x, y, alternative=alternative)
    ref = stats.mannwhitneyu(x, y, method="exact", alternative=alternative)
    assert res.details["exact"] and res.statistic == ref.statistic
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-14)


@pytest.mark.parametrize("correction", [False, True])
@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_mann_whitney_equals_scipy_asymptotic_with_ties(correction, alternative):
    rng = np.random.default_rng(5)
    x, y = rng.integers(0, 6, 70).astype(float), rng.integers(1, 7, 55).astype(float)
    res = mann_whitney(x, y, correction=correction, alternative=alternative)
    ref = stats.mannwhitneyu(x, y, use_continuity=correction, method="asymptotic", alternative=alternative)
    assert not res.details["exact"] and res.statistic == ref.statistic
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-10)


def _brute_force_rank_sum(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    pooled = np.concatenate([x, y])
    ranks = stats.rankdata(pooled)
    obs = ranks[: x.size].sum()
    splits = itertools.combinations(range(pooled.size), x.size)
    sums = np.array([ranks[list(c)].sum() for c in splits])
    lower, upper = np.mean(sums <= obs + 1e-9), np.mean(sums >= obs - 1e-9)
    return {"less": lower, "greater": upper, "two-sided": min(1.0, 2 * min(lower, upper))}


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=6), st.lists(st.integers(0, 4), min_size=1, max_size=6)
)
def test_mann_whitney_exact_with_ties_equals_enumeration(x, y):
    x, y = np.array(x, float), np.array(y, float)
    ref = _brute_force_rank_sum(x, y)
    for alternative in ALTERNATIVES:
        res = mann_whitney(x, y, method="exact", alternative=alternative)
        assert res.p_value == pytest.approx(ref[alternative], rel=1e-12, abs=1e-15)


def test_mann_whitney_rules_and_missing_values():
    x = [1.0, 2.0, 2.0, 3.0, np.nan]
    y = [2.0, 4.0, 5.0, 5.0, 6.0, 7.0]
    res = mann_whitney(x, y)
    assert res.details["exact"] and res.details["has_ties"] and res.n == 11 and res.n_used == 10
    r_rule = mann_whitney(x, y, exact_max_n=49, exact_with_ties=False)
    assert not r_rule.details["exact"] and r_rule.details["continuity_correction"]
    assert not mann_whitney(np.arange(51.0), [1.0, 2.0]).details["exact"]
    swapped = mann_whitney(y, x)  # larger first sample: enumerate the smaller one
    assert swapped.p_value == pytest.approx(res.p_value)
    assert swapped.statistic == 4 * 6 - res.statistic


def test_rank_sum_null_pmf_equals_subset_enumeration():
    ranks2 = np.array([2, 5, 5, 8, 10, 12, 14])  # doubled mid-ranks 1, 2.5, 2.5, 4, 5, 6, 7
    pmf = rank_sum_null_pmf(ranks2, 3)
    sums = [sum(c) for c in itertools.combinations(ranks2.tolist(), 3)]
    np.testing.assert_allclose(pmf, np.bincount(sums, minlength=pmf.size) / len(sums))
    untied = rank_sum_null_pmf(2 * np.arange(1, 8), 3)
    support = np.flatnonzero(untied)
    np.testing.assert_allclose(untied[support], untied[support][::-1])  # symmetric without ties
    with pytest.raises(ValueError):
        rank_sum_null_pmf(ranks2, 8)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(x=[], y=[1.0]),
        dict(x=[np.nan], y=[1.0]),
        dict(x=[1.0], y=[2.0], method="permutation"),
        dict(x=[1.0], y=[2.0], alternative="bigger"),
    ],
)
def test_mann_whitney_invalid_input_raises(kwargs):
    with pytest.raises(ValueError):
        mann_whitney(**kwargs)


# --- two-sided conventions of the exact Mann-Whitney p (R and coin presets) ---------------
# Reference p-values printed by R 4.2.2: wilcox.test(x, y)$p.value, and coin's rule
# P(|S - E| >= |s - E|) enumerated with combn (tests/r_oracle recomputes them live).
UNTIED_X, UNTIED_Y = [1.1, 2.3, 3.2, 4.8, 5.5, 0.2], [6.1, 7.4, 2.9, 8.8, 9.0]
TIED_X, TIED_Y = [1, 2, 2, 3, 5, 5, 7], [2, 4, 5, 6, 6, 8, 9, 9]


def test_presets_agree_without_ties_where_the_null_is_symmetric():
    from retrocohort.stats.two_sample import mann_whitney_preset

    ps = {
        name: mann_whitney(UNTIED_X, UNTIED_Y, **mann_whitney_preset(name)).p_value
        for name in ("retrocohort", "R", "coin")
    }
    assert ps["R"] == pytest.approx(0.030303030303030304, rel=1e-12)
    assert ps["retrocohort"] == pytest.approx(ps["R"], rel=1e-12)
    assert ps["coin"] == pytest.approx(ps["R"], rel=1e-12)


def test_presets_differ_with_ties_and_name_their_rule():
    from retrocohort.stats.two_sample import mann_whitney_preset

    r_res = mann_whitney(TIED_X, TIED_Y, **mann_whitney_preset("R"))
    assert not r_res.details["exact"]  # R: ties -> normal approximation with correction
    assert r_res.p_value == pytest.approx(0.07029422941876676, rel=1e-12)
    coin = mann_whitney(TIED_X, TIED_Y, **mann_whitney_preset("coin"))
    assert coin.p_value == pytest.approx(0.061383061383061384, rel=1e-12)
    assert "P(|S - E(S)| >= |s - E(S)|)" in coin.method
    ours = mann_whitney(TIED_X, TIED_Y)
    assert ours.p_value == pytest.approx(0.06153846153846154, rel=1e-12)  # unchanged default
    assert "2 x the smaller tail" in ours.method and ours.details["two_sided_rule"] == "double_smaller_tail"


def test_observed_side_rule_doubles_the_tail_beyond_the_mean():
    from retrocohort.stats.result import discrete_pvalue

    pmf = np.array([0.1, 0.2, 0.3, 0.4])  # asymmetric, mean 2.0
    assert discrete_pvalue(pmf, 1, "two-sided", "double_observed_side", 2.0) == pytest.approx(0.6)
    assert discrete_pvalue(pmf, 3, "two-sided", "double_observed_side", 2.0) == pytest.approx(0.8)
    assert discrete_pvalue(pmf, 1, "two-sided") == pytest.approx(0.6)
    assert discrete_pvalue(pmf, 3, "two-sided", "absolute_deviation", 2.0) == pytest.approx(0.7)
    with pytest.raises(ValueError, match="center"):
        discrete_pvalue(pmf, 3, "two-sided", "absolute_deviation")
    with pytest.raises(ValueError, match="two_sided"):
        discrete_pvalue(pmf, 3, "two-sided", "half")


def test_unknown_mann_whitney_preset_is_refused():
    from retrocohort.stats.two_sample import mann_whitney_preset

    with pytest.raises(ValueError, match="unknown preset"):
        mann_whitney_preset("SPSS")
