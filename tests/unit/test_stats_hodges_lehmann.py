"""Hodges-Lehmann estimate and CI by implicit selection, checked against brute force."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retrocohort.stats import walsh as hl
from retrocohort.stats.hodges_lehmann import (
    hodges_lehmann_paired,
    rank_biserial_paired,
    select_walsh_sum,
)
from retrocohort.stats.signed_rank import wilcoxon_signed_rank

HW_D = np.array([1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]) - np.array(
    [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
)


def _walsh_sums(x: np.ndarray) -> np.ndarray:
    """Brute-force reference only: all n(n+1)/2 sums x_i + x_j, i <= j, sorted."""
    i, j = np.triu_indices(x.size)
    return np.sort(x[i] + x[j])


@pytest.fixture
def tiny_rounds(monkeypatch):
    """Force the pivot/sampling rounds to run on small inputs (a constant patch, so sharing it
    across hypothesis examples is safe)."""
    monkeypatch.setattr(hl, "_MATERIALISE", 8)
    monkeypatch.setattr(hl, "_SAMPLE", 32)


def test_hollander_wolfe_matches_r_wilcox_test_conf_int():
    res = hodges_lehmann_paired(HW_D, decimals=3)
    assert res.estimate == pytest.approx(0.46, abs=1e-12)
    assert (res.ci_low, res.ci_high) == pytest.approx((0.010, 0.786), abs=1e-12)
    assert res.details["exact_ci"] and res.details["k"] == 6
    assert res.achieved_conf_level == pytest.approx(1 - 2 * 10 / 512)
    flt = hodges_lehmann_paired(HW_D)  # float path, no grid
    assert (flt.estimate, flt.ci_low, flt.ci_high) == pytest.approx((0.46, 0.010, 0.786))


SHARED_FIXTURE = [HealthCheck.function_scoped_fixture]
small_ints = st.lists(st.integers(-4, 6), min_size=1, max_size=45)
decimal_floats = st.lists(st.integers(-30, 30).map(lambda v: v / 10), min_size=1, max_size=45)


@settings(max_examples=150, deadline=None, suppress_health_check=SHARED_FIXTURE)
@given(values=st.one_of(small_ints, decimal_floats), data=st.data())
def test_selection_equals_brute_force_with_ties(tiny_rounds, values, data):
    x = np.sort(np.array(values, dtype=float))
    sums = _walsh_sums(x)
    k = data.draw(st.integers(1, sums.size))
    assert select_walsh_sum(x, k) == sums[k - 1]
    xi = np.rint(x * 10).astype(np.int64)  # integer grid path
    assert select_walsh_sum(xi, k) == _walsh_sums(xi)[k - 1]


@settings(max_examples=100, deadline=None, suppress_health_check=SHARED_FIXTURE)
@given(
    values=st.one_of(
        small_ints, decimal_floats, st.lists(st.floats(-5, 5, allow_nan=False), min_size=1, max_size=45)
    ),
    conf=st.sampled_from([0.8, 0.95]),
)
def test_estimate_and_ci_equal_brute_force(tiny_rounds, values, conf):
    d = np.array(values, dtype=float)
    res = hodges_lehmann_paired(d, conf_level=conf)
    walsh = _walsh_sums(np.sort(d)) / 2
    k = res.details["k"]
    assert res.estimate == pytest.approx(np.median(walsh), rel=1e-12, abs=1e-12)
    assert res.ci_low == walsh[k - 1] and res.ci_high == walsh[walsh.size - k]
    assert res.ci_low <= res.estimate <= res.ci_high


def test_float_sums_that_disagree_with_subtraction_are_counted_exactly(tiny_rounds):
    # 0.1 + 0.2 != 0.3 and (0.3 - 0.1) != 0.2: a searchsorted on t - x_i alone miscounts
    x = np.sort(np.tile([0.1, 0.2, 0.3, 0.7, 1.1, -0.4, 0.6], 9))
    sums = _walsh_sums(x)
    for k in range(1, sums.size + 1, 7):
        assert select_walsh_sum(x, k) == sums[k - 1]


def test_all_equal_values_terminate(tiny_rounds):
    x = np.full(200, 0.1)
    assert select_walsh_sum(x, 1) == select_walsh_sum(x, 20100) == 0.2
    res = hodges_lehmann_paired(x)
    assert res.estimate == res.ci_low == res.ci_high == pytest.approx(0.1)


def test_large_sample_uses_sampling_rounds_and_stays_exact():
    rng = np.random.default_rng(11)
    x = np.sort(np.round(rng.standard_t(3, 2500), 2))  # N = 3.1e6 > materialise threshold
    sums = _walsh_sums(x)
    assert sums.size > hl._MATERIALISE
    for k in (1, 7, sums.size // 3, sums.size // 2 + 1, sums.size - 5, sums.size):
        assert select_walsh_sum(x, k) == sums[k - 1]


def test_exact_rank_matches_r_qsignrank_and_switches_to_normal():
    # R: qsignrank(0.025, 20) = 53 (P(T <= 52) = 0.0242 < 0.025 <= P(T <= 53) = 0.0266)
    res = hodges_lehmann_paired(np.arange(1.0, 21.0) - 5.25)
    assert res.details["exact_ci"] and res.details["k"] == 53
    assert _psignrank(52, 20) < 0.025 <= _psignrank(53, 20)
    assert res.achieved_conf_level == pytest.approx(1 - 2 * _psignrank(52, 20))
    n = 60
    big = hodges_lehmann_paired(np.arange(1.0, n + 1) + 0.25)
    n_walsh = n * (n + 1) // 2
    expected_k = math.floor(n_walsh / 2 - 1.959963984540054 * math.sqrt(n * (n + 1) * (2 * n + 1) / 24) + 0.5)
    assert not big.details["exact_ci"] and big.details["k"] == expected_k
    assert big.achieved_conf_level == pytest.approx(0.95, abs=0.002)
    tied = hodges_lehmann_paired([1.0, 2.0, 2.0, 3.0, -1.0])
    assert not tied.details["exact_ci"] and "normal approximation" in tied.method


def _psignrank(q: int, n: int) -> float:
    """P(T+ <= q) for the untied signed-rank null, by enumeration of subset sums."""
    counts = np.zeros(n * (n + 1) // 2 + 1)
    counts[0] = 1
    for r in range(1, n + 1):
        counts[r:] = counts[r:] + counts[:-r].copy()
    return counts[: q + 1].sum() / 2**n


def test_decimals_grid_guards_overflow_and_missing_values():
    res = hodges_lehmann_paired([0.1, np.nan, 0.2, 0.3], decimals=1)
    assert res.n == 3 and res.details["n_missing"] == 1 and res.estimate == pytest.approx(0.2)
    with pytest.raises(ValueError, match="too large"):
        hodges_lehmann_paired([1e300, 1.0], decimals=3)


@pytest.mark.parametrize(
    "kwargs", [dict(d=[]), dict(d=[np.nan]), dict(d=[1.0], conf_level=1.0), dict(d=[[1.0, 2.0]])]
)
def test_invalid_input_raises(kwargs):
    with pytest.raises(ValueError):
        hodges_lehmann_paired(**kwargs)
    with pytest.raises(ValueError, match="rank k"):
        select_walsh_sum(np.array([1.0, 2.0]), 4)
    with pytest.raises(ValueError, match="sorted"):
        select_walsh_sum(np.array([2.0, 1.0]), 1)


def test_result_to_dict():
    row = hodges_lehmann_paired(HW_D, decimals=3).to_dict()
    assert row["estimate"] == pytest.approx(0.46) and row["details.k"] == 6
    assert "details" not in row


def test_rank_biserial_paired():
    assert rank_biserial_paired([1.0, 2.0, 3.0, -4.0]) == pytest.approx((6 - 4) / 10)
    assert rank_biserial_paired([1.0, 2.0, 3.0, -4.0, 0.0]) == pytest.approx(0.2)  # zero dropped
    assert rank_biserial_paired([1.0, 1.0, 2.0]) == 1.0
    d = HW_D
    v = wilcoxon_signed_rank(d, decimals=3).statistic
    total = d.size * (d.size + 1) / 2
    assert rank_biserial_paired(d, decimals=3) == pytest.approx((2 * v - total) / total)
    with pytest.raises(ValueError, match="non-zero"):
        rank_biserial_paired([0.0, 0.0])


def test_achieved_level_of_an_order_statistic_interval_is_exact():
    # R: 1 - 2 * psignrank(0, 5) = 0.9375 (the normal approximation printed 0.9409);
    #    1 - 2 * psignrank(53 - 1, 20) = 0.95155906677246094 (k = 53 by the normal rule, ties)
    tied = hodges_lehmann_paired([1.0, 2.0, 2.0, 3.0, 4.0])
    assert not tied.details["exact_ci"] and tied.details["k"] == 1
    assert tied.achieved_conf_level == 0.9375
    assert tied.details["achieved_level"].startswith("exact")
    d = np.r_[np.arange(1.0, 19.0), 5.0, 7.0]
    res = hodges_lehmann_paired(d)
    assert res.details["k"] == 53
    assert res.achieved_conf_level == pytest.approx(0.95155906677246094, rel=1e-12)
    big = hodges_lehmann_paired(np.arange(1.0, 400.0))  # beyond EXACT_LEVEL_MAX_N: stated
    assert big.details["achieved_level"].startswith("normal approximation")
