"""Hodges-Lehmann under the R convention: R's zero dropping and uniroot path, and R's zeroin.

Reference numbers were printed by R 4.2.2 (``wilcox.test(d, conf.int = TRUE)``, 17 digits);
tests/r_oracle recomputes them live when Rscript is available.
"""

import math

import numpy as np
import pytest

from retrocohort.stats.hodges_lehmann import hodges_lehmann_paired
from retrocohort.stats.hodges_lehmann_r import hodges_lehmann_r, shifted_signed_rank_z
from retrocohort.stats.result import r_qnorm
from retrocohort.stats.root_finding import zeroin

TIED_WITH_ZEROS = [0.1, 0.2, 0, 0.3, 0.1, -0.1, 0.2, 0.4, 0, 0.1, 0.3, -0.2]
HW_D = np.array([1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30]) - np.array(
    [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]
)


def test_ties_and_zeros_take_r_root_finding_path_to_the_bit():
    res = hodges_lehmann_paired(TIED_WITH_ZEROS, convention="R")
    assert res.estimate == 0.15006593355547815
    assert res.ci_low == -6.3193842222573451e-05  # R's uniroot(tol = 1e-4) lands below 0
    assert res.ci_high == 0.29999304936104243
    assert res.n == 10 and res.details["n_zero_dropped"] == 2 and not res.details["exact_ci"]
    assert "uniroot" in res.method


def test_default_convention_unchanged_keeps_zeros():
    res = hodges_lehmann_paired(TIED_WITH_ZEROS)
    assert (res.estimate, res.ci_low, res.ci_high) == (0.1, 0.0, 0.25)
    assert res.n == 12


def test_no_ties_no_zeros_small_n_is_the_exact_walsh_path():
    r_res = hodges_lehmann_r(HW_D, decimals=3)
    ours = hodges_lehmann_paired(HW_D, decimals=3)
    assert (r_res.estimate, r_res.ci_low, r_res.ci_high) == (ours.estimate, ours.ci_low, ours.ci_high)
    assert r_res.details["exact_ci"] and "qsignrank" in r_res.method


def test_n_50_without_ties_uses_root_finding_like_r():
    d = np.arange(1, 51) * 0.37 - 5.0
    res = hodges_lehmann_r(d, decimals=2)
    assert not res.details["exact_ci"]
    # the root lies within R's tolerance of the Walsh median (continuous statistic's zero)
    assert res.estimate == pytest.approx(hodges_lehmann_paired(d, decimals=2).estimate, abs=0.2)


@pytest.mark.parametrize(
    ("d", "estimate", "ci"),
    [
        ([1, 1, 1, 1], 1.0, (math.nan, math.nan)),  # all tied: statistic undefined, R's midrange
        ([2, 2, -2], 0.34314575050761986, (2.0, 2.0)),  # level not achievable: R's median(x), level 0
        ([0, 0, 1], 1.0, (math.nan, math.nan)),
    ],
)
def test_degenerate_inputs_follow_r(d, estimate, ci):
    res = hodges_lehmann_r(d)
    assert res.estimate == estimate
    np.testing.assert_array_equal((res.ci_low, res.ci_high), ci)
    assert res.achieved_conf_level == 0.0


def test_all_missing_is_an_error():
    with pytest.raises(ValueError, match="no non-missing"):
        hodges_lehmann_r([np.nan, np.nan])


def test_unknown_convention_is_refused():
    with pytest.raises(ValueError, match="convention"):
        hodges_lehmann_paired([1.0, 2.0], convention="SAS")


def test_shifted_statistic_is_r_w_function():
    x = np.array(TIED_WITH_ZEROS)
    x = x[x != 0]
    # at mu = 0: V = 3 x 2.5 + 2 x 6 + 2 x 8.5 + 10 = 46.5, n = 10;
    # ties among |x|: 0.1 x4, 0.2 x3, 0.3 x2 -> sum t^3 - t = 60 + 24 + 6
    sigma = math.sqrt(10 * 11 * 21 / 24 - 90 / 48)
    assert shifted_signed_rank_z(x, 0.0) == pytest.approx((46.5 - 27.5 - 0.5) / sigma, rel=1e-15)
    assert shifted_signed_rank_z(x, 0.0, correct=False) == pytest.approx(19 / sigma, rel=1e-15)


@pytest.mark.parametrize(
    ("p", "lower", "expected"),
    [
        (0.025, True, -1.9599639845400538),
        (0.025, False, 1.9599639845400538),
        (0.975, True, 1.9599639845400536),
        (0.2, False, 0.84162123357291441),
    ],
)
def test_r_qnorm_bits(p, lower, expected):
    assert r_qnorm(p, lower) == expected


def test_zeroin_finds_roots_and_refuses_a_bad_bracket():
    root = zeroin(lambda x: x * x - 2, 0.0, 2.0, tol=1e-12)
    assert root.converged and root.root == pytest.approx(math.sqrt(2), abs=1e-11)
    assert zeroin(lambda x: x - 1, 1.0, 3.0).root == 1.0  # root at an end point
    with pytest.raises(ValueError, match="opposite sign"):
        zeroin(lambda x: x * x + 1, -1.0, 1.0)
