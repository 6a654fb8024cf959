"""Wilcoxon signed-rank (exact conditional null with ties), sign test, paired t."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from retrocohort.stats.paired_t import paired_t
from retrocohort.stats.signed_rank import (
    doubled_midranks,
    sign_test,
    signed_rank_null_pmf,
    wilcoxon_preset,
    wilcoxon_signed_rank,
)

# Hollander & Wolfe (1973) depression data, R ?wilcox.test example
HW_X = np.array([1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30])
HW_Y = np.array([0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29])
ALTERNATIVES = ("two-sided", "less", "greater")


def _brute_force_p(d: np.ndarray, zero_method: str) -> dict[str, float]:
    """Exact conditional p-values by enumerating all 2^m sign flips of the non-zero d."""
    if zero_method == "wilcox":
        d = d[d != 0]
    ranks = stats.rankdata(np.abs(d))
    nonzero = d != 0
    shift = ranks[~nonzero].sum() / 2 if zero_method == "zsplit" else 0.0
    v_obs = ranks[d > 0].sum() + shift
    r = ranks[nonzero]
    signs = np.array(list(itertools.product([0, 1], repeat=r.size)), dtype=float)
    signs = signs.reshape(2**r.size, r.size)
    v_all = signs @ r + shift
    lower, upper = np.mean(v_all <= v_obs + 1e-9), np.mean(v_all >= v_obs - 1e-9)
    return {
        "less": lower,
        "greater": upper,
        "two-sided": min(1.0, 2 * min(lower, upper)),
        "v": v_obs,
        "mean": v_all.mean(),
        "var": v_all.var(),
    }


def test_hollander_wolfe_example_matches_r():
    res = wilcoxon_signed_rank(HW_X - HW_Y, alternative="greater", decimals=3)
    assert res.statistic == 40.0
    assert res.p_value == pytest.approx(0.01953125, abs=1e-12)  # R: 0.01953
    assert res.details["exact"] and res.n == res.n_used == 9
    r_style = wilcoxon_signed_rank(HW_X - HW_Y, alternative="greater", decimals=3, **wilcoxon_preset("R"))
    assert r_style.p_value == res.p_value
    assert wilcoxon_signed_rank(HW_X - HW_Y, decimals=3).p_value == pytest.approx(0.0390625)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 200), min_size=1, max_size=25, unique=True),
    st.randoms(use_true_random=False),
    st.sampled_from(ALTERNATIVES),
)
def test_equals_scipy_exact_when_untied(magnitudes, rnd, alternative):
    d = np.array([rnd.choice([-1, 1]) * (m + 0.5) for m in magnitudes], dtype=float)
    ours = wilcoxon_signed_rank(d, alternative=alternative)
    ref = stats.wilcoxon(d, method="exact", alternative=alternative)
    assert ours.details["exact"]
    assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-12, abs=1e-15)
    if alternative != "two-sided":  # scipy reports min(T+, T-) when two-sided
        assert ours.statistic == ref.statistic


@pytest.mark.parametrize("zero_method", ["wilcox", "pratt"])
@pytest.mark.parametrize("correction", [False, True])
@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_equals_scipy_asymptotic_with_ties_and_zeros(zero_method, correction, alternative):
    rng = np.random.default_rng(3)
    for n in (8, 40, 400):
        d = rng.integers(-4, 7, n).astype(float)
        ours = wilcoxon_signed_rank(
            d, zero_method=zero_method, correction=correction, method="asymptotic", alternative=alternative
        )
        ref = stats.wilcoxon(
            d, zero_method=zero_method, correction=correction, method="asymptotic", alternative=alternative
        )
        assert not ours.details["exact"]
        assert ours.p_value == pytest.approx(ref.pvalue, rel=1e-10)


@pytest.mark.parametrize("zero_method", ["wilcox", "pratt", "zsplit"])
@settings(max_examples=80, deadline=None)
@given(d=st.lists(st.integers(-3, 3), min_size=1, max_size=12))
def test_exact_with_ties_and_zeros_equals_sign_flip_enumeration(zero_method, d):
    d = np.array(d, dtype=float)
    ref = _brute_force_p(d, zero_method)
    for alternative in ALTERNATIVES:
        res = wilcoxon_signed_rank(d, zero_method=zero_method, method="exact", alternative=alternative)
        assert res.statistic == pytest.approx(ref["v"])
        assert res.p_value == pytest.approx(ref[alternative], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("zero_method", ["wilcox", "pratt", "zsplit"])
def test_asymptotic_moments_are_the_permutation_moments(zero_method):
    d = np.array([0, 0, 1, -1, 2, 2, -3, 4, 4, 4, -5], dtype=float)
    ref = _brute_force_p(d, zero_method)
    res = wilcoxon_signed_rank(d, zero_method=zero_method, method="asymptotic")
    assert res.details["null_mean"] == pytest.approx(ref["mean"])
    assert res.details["null_variance"] == pytest.approx(ref["var"])


def test_exact_two_sided_pvalues_for_n5_form_the_known_set():
    pvals = {
        round(wilcoxon_signed_rank(np.array(s) * np.arange(1, 6), method="exact").p_value, 6)
        for s in itertools.product([-1, 1], repeat=5)
    }
    assert pvals == {0.0625, 0.125, 0.1875, 0.3125, 0.4375, 0.625, 0.8125, 1.0}


def test_null_pmf_matches_untied_counts():
    pmf = signed_rank_null_pmf(2 * np.arange(1, 11))
    assert pmf.sum() == pytest.approx(1.0)
    t_pmf = pmf[::2]  # doubled ranks: only even sums occur
    counts = np.rint(t_pmf * 2**10).astype(int)
    ref = np.bincount([sum(c) for r in range(11) for c in itertools.combinations(range(1, 11), r)])
    assert counts.tolist() == ref.tolist()
    np.testing.assert_allclose(t_pmf, t_pmf[::-1])  # symmetric
    with pytest.raises(ValueError):
        signed_rank_null_pmf(np.array([0, 2]))


def test_doubled_midranks_are_integers_with_ties():
    assert doubled_midranks(np.array([3.0, 1.0, 3.0, 2.0])).tolist() == [7, 2, 7, 4]


def test_decimals_restores_ties_and_zeros_broken_by_float_subtraction():
    x, y = np.array([0.3, 0.7, 1.1, 0.3, 0.5]), np.array([0.1, 0.5, 0.9, 0.2, 0.5])
    d = x - y  # 0.19999999999999998, 0.19999999999999996, 0.20000000000000007, ...
    assert not wilcoxon_signed_rank(d).details["has_ties"]
    assert wilcoxon_signed_rank(d, decimals=6).details["has_ties"]
    d0 = np.array([0.1 + 0.2 - 0.3, 1.0, 2.0])  # 5.6e-17, not zero
    assert wilcoxon_signed_rank(d0).n_used == 3
    res = wilcoxon_signed_rank(d0, decimals=9)
    assert res.n_used == 2 and res.details["n_zero"] == 1 and res.n == 3


def test_auto_switches_to_asymptotic_above_exact_max_n():
    d = np.arange(1.0, 52.0) * np.where(np.arange(51) % 3, 1, -1)
    assert wilcoxon_signed_rank(d[:50]).details["exact"]
    res = wilcoxon_signed_rank(d)
    assert not res.details["exact"] and "normal approximation" in res.method
    assert not res.details["continuity_correction"]


def test_r_preset_uses_corrected_normal_approximation_with_ties():
    d = np.array([1, 2, 2, 3, -1, 4, 5, 0, 6], dtype=float)
    res = wilcoxon_signed_rank(d, **wilcoxon_preset("R"))
    ref = stats.wilcoxon(d, zero_method="wilcox", correction=True, method="asymptotic")
    assert not res.details["exact"] and res.details["continuity_correction"]
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert "with continuity correction" in res.method
    ours = wilcoxon_signed_rank(d, **wilcoxon_preset("retrocohort"))
    assert ours.details["exact"] and "exact with ties" in ours.method
    # R: exact only for n < 50
    d50 = np.arange(1.0, 51.0)
    assert not wilcoxon_signed_rank(d50, **wilcoxon_preset("R")).details["exact"]
    with pytest.raises(ValueError, match="unknown preset"):
        wilcoxon_preset("SPSS")


def test_all_zero_differences():
    d = np.zeros(5)
    assert wilcoxon_signed_rank(d).p_value == 1.0  # exact conditional null is degenerate
    assert wilcoxon_signed_rank(d, method="asymptotic").p_value == 1.0  # test_stats_zero_variance


def test_missing_values_dropped_and_counted():
    res = wilcoxon_signed_rank([1.0, np.nan, -2.0, 3.0, 0.0])
    assert res.n == 5 and res.n_used == 3
    assert res.details["n_missing"] == 1 and res.details["n_zero"] == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(d=[1.0, 2.0], zero_method="none"),
        dict(d=[1.0, 2.0], method="permutation"),
        dict(d=[1.0, 2.0], alternative="two.sided"),
        dict(d=[]),
        dict(d=[np.nan]),
        dict(d=[[1.0, 2.0]]),
        dict(d=[1.0, 2.0], decimals=1.5),
    ],
)
def test_wilcoxon_invalid_input_raises(kwargs):
    with pytest.raises(ValueError):
        wilcoxon_signed_rank(**kwargs)


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_sign_test_equals_exact_binomial_with_zeros_dropped(alternative):
    d = np.array([1.5, -0.5, 2.0, 0.0, 3.0, 4.0, 0.0, 1.0, np.nan])
    res = sign_test(d, alternative=alternative)
    assert res.statistic == 5 and res.n_used == 6 and res.n == 9
    assert res.p_value == pytest.approx(stats.binomtest(5, 6, 0.5, alternative=alternative).pvalue)
    assert sign_test(np.zeros(3)).p_value == 1.0


def test_paired_t_equals_scipy_ttest_rel():
    res = paired_t(HW_X - HW_Y)
    ref = stats.ttest_rel(HW_X, HW_Y)
    assert res.statistic == pytest.approx(ref.statistic)
    assert res.p_value == pytest.approx(ref.pvalue)
    ci = ref.confidence_interval()
    assert (res.details["ci_low"], res.details["ci_high"]) == pytest.approx((ci.low, ci.high))
    assert res.details["df"] == 8
    with pytest.raises(ValueError, match="at least 2"):
        paired_t([1.0])


def test_doubled_midranks_equal_scipy_rankdata_with_ties():
    from scipy.stats import rankdata

    from retrocohort.stats.signed_rank import doubled_midranks

    rng = np.random.default_rng(11)
    for size in (1, 2, 7, 500):
        x = rng.integers(0, max(2, size // 3), size).astype(float)
        np.testing.assert_array_equal(doubled_midranks(x), np.rint(2 * rankdata(x)).astype(np.int64))
    assert doubled_midranks(np.array([])).size == 0
    with pytest.raises(ValueError, match="NaN"):
        doubled_midranks(np.array([1.0, np.nan]))
