"""Propensity score, nearest-neighbour matching, IPTW, balance and E-value on tiny inputs
worked by hand (the R oracle is tests/r_oracle/test_propensity_vs_r.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from retrocohort.errors import InputError
from retrocohort.stats.balance import balance_table, weighted_variance
from retrocohort.stats.e_value import e_value, e_value_rr
from retrocohort.stats.matching import matching_weights, nearest_neighbour_match
from retrocohort.stats.propensity import propensity_score
from retrocohort.stats.smd import continuous_smd
from retrocohort.stats.weighting import effective_sample_size, iptw_weights, truncate_weights, weight_summary


def test_propensity_score_is_the_logistic_fit_and_its_logit_the_linear_predictor():
    t = np.array([0, 0, 1, 0, 1, 1, 0, 1, 1, 0])
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 2.5, 3.5, 6.0, 1.5, 4.5])[:, None]
    ps = propensity_score(t, x, ["age"])
    b0, b1 = ps.coefficients
    assert np.allclose(ps.logit, b0 + b1 * x[:, 0])
    assert np.allclose(ps.score, 1 / (1 + np.exp(-ps.logit)))
    # maximum likelihood: the score equations sum(t - e) = 0 and sum(x (t - e)) = 0
    assert abs(np.sum(t - ps.score)) < 1e-10
    assert abs(np.sum(x[:, 0] * (t - ps.score))) < 1e-10


def test_propensity_score_refuses_a_missing_covariate_naming_row_and_column():
    x = np.array([[1.0], [np.nan], [3.0], [4.0]])
    with pytest.raises(InputError, match="row 2.*'age'|age.*row 2"):
        propensity_score(np.array([0, 1, 0, 1]), x, ["age"])


def test_matching_visits_the_largest_score_first_and_takes_the_nearest_control():
    # treated 0.9 is matched first and takes 0.85, though 0.85 is also nearest to treated 0.8
    t = np.array([1, 1, 0, 0, 0])
    d = np.array([0.8, 0.9, 0.85, 0.6, 0.1])
    m = nearest_neighbour_match(t, d)
    assert m.match_matrix.tolist() == [[3], [2]]
    assert m.subclass.tolist() == [1, 2, 2, 1, 0]
    assert m.unmatched.tolist() == [4]


def test_matching_one_to_two_runs_in_rounds():
    # round 1: 0.9 -> 0.88, 0.5 -> 0.52; round 2: 0.9 -> 0.55 (nearest left), 0.5 -> 0.45
    t = np.array([1, 1, 0, 0, 0, 0, 0])
    d = np.array([0.9, 0.5, 0.88, 0.52, 0.55, 0.45, 0.1])
    m = nearest_neighbour_match(t, d, ratio=2)
    assert m.match_matrix.tolist() == [[2, 4], [3, 5]]
    assert m.unmatched.tolist() == [6]


def test_matching_with_replacement_reuses_a_control_and_weights_it():
    t = np.array([1, 1, 0, 0])
    d = np.array([0.8, 0.7, 0.75, 0.1])
    m = nearest_neighbour_match(t, d, replace=True)
    assert m.match_matrix.tolist() == [[2], [2]]
    assert m.weights.tolist() == [1.0, 1.0, 1.0, 0.0]  # 2 matches, rescaled to 1 matched control
    assert m.subclass.tolist() == [0, 0, 0, 0]


def test_caliper_is_in_sd_of_the_distance_and_leaves_far_treated_unmatched():
    t = np.array([1, 1, 0, 0])
    d = np.array([0.9, 0.5, 0.48, 0.1])
    sd = np.std(d, ddof=1)
    m = nearest_neighbour_match(t, d, caliper=0.1)
    assert m.caliper_width == pytest.approx(0.1 * sd)
    assert m.match_matrix.tolist() == [[-1], [2]]  # 0.9 - 0.48 > 0.1 SD
    assert sorted(m.unmatched.tolist()) == [0, 3]
    # a raw caliper is not rescaled: 0.45 on the score itself admits both pairs (0.45 SD would not)
    assert nearest_neighbour_match(t, d, caliper=0.45, std_caliper=False).match_matrix.tolist() == [[2], [3]]


def test_exact_matching_stays_within_strata():
    t = np.array([1, 1, 0, 0])
    d = np.array([0.8, 0.3, 0.79, 0.31])
    sex = np.array([0, 1, 1, 0])
    assert nearest_neighbour_match(t, d, exact=sex).match_matrix.tolist() == [[3], [2]]


def test_matching_refuses_a_nonpositive_caliper():
    with pytest.raises(InputError, match="caliper"):
        nearest_neighbour_match(np.array([1, 0]), np.array([0.5, 0.4]), caliper=0.0)


def test_matching_weights_of_incomplete_sets_are_rescaled_to_the_matched_controls():
    w = matching_weights(np.array([1, 1, 0, 0, 0]), np.array([[2, 3], [4, -1]]), np.array([0, 1]))
    assert w.tolist() == [1.0, 1.0, 0.75, 0.75, 1.5]
    assert w[2:].sum() == pytest.approx(3.0)


def test_iptw_ate_att_and_stabilised_weights():
    t = np.array([1, 1, 0, 0, 0])
    e = np.array([0.5, 0.8, 0.2, 0.5, 0.25])
    assert iptw_weights(t, e, "ATE").tolist() == pytest.approx([2, 1.25, 1.25, 2, 4 / 3])
    assert iptw_weights(t, e, "ATT").tolist() == pytest.approx([1, 1, 0.25, 1, 1 / 3])
    assert iptw_weights(t, e, "ATE", stabilize=True).tolist() == pytest.approx([0.8, 0.5, 0.75, 1.2, 0.8])


def test_iptw_refuses_a_score_of_one_and_an_unknown_estimand():
    with pytest.raises(InputError, match="row 2"):
        iptw_weights(np.array([1, 0]), np.array([0.5, 1.0]))
    with pytest.raises(InputError, match="ATC"):
        iptw_weights(np.array([1, 0]), np.array([0.5, 0.5]), "ATC")


def test_truncation_at_a_percentile_uses_r_type_7_and_only_the_units_named():
    w = np.array([1.0, 2.0, 3.0, 4.0, 10.0, 1.0])
    q = 4.0 + 0.6 * (10.0 - 4.0)  # type 7 on (1, 2, 3, 4, 10): h = 4 * 0.9 = 3.6
    out = truncate_weights(w, 0.9, only=np.array([1, 1, 1, 1, 1, 0], bool))
    assert out[4] == pytest.approx(q) and out[5] == 1.0 and out[:4].tolist() == [1, 2, 3, 4]


def test_weight_summary_and_kish_effective_sample_size():
    assert effective_sample_size(np.array([2.0, 2.0])) == 2.0
    s = weight_summary(np.array([1, 0, 0, 0]), np.array([1.0, 1.0, 1.0, 4.0]))
    assert s.effective_n[0] == pytest.approx(36 / 18) and s.maximum[0] == 4.0 and s.n[1] == 1


def test_balance_att_uses_the_treated_sd_and_binary_raw_differences():
    x = np.column_stack([[1.0, 2.0, 3.0, 2.0, 4.0, 9.0], [0, 1, 0, 1, 1, 0]])
    t = np.array([0, 0, 0, 1, 1, 1])
    age, female = balance_table(x, t, np.ones(6), ["age", "female"], "ATT")
    assert age.diff_unadjusted == pytest.approx((5 - 2) / np.std([2.0, 4.0, 9.0], ddof=1))
    assert female.binary and female.diff_unadjusted == pytest.approx(2 / 3 - 1 / 3)
    assert math.isnan(female.variance_ratio_unadjusted)


def test_balance_ate_unadjusted_smd_equals_the_tableone_smd():
    rng = np.random.default_rng(1)
    x, t = rng.normal(size=40), np.repeat([0, 1], 20)
    row = balance_table(x[:, None], t, np.ones(40), ["x"], "ATE")[0]
    assert abs(row.diff_unadjusted) == pytest.approx(continuous_smd(x[t == 0], x[t == 1]))


def test_weighted_variance_equals_the_variance_of_repeated_values_for_integer_weights():
    # frequency weights 2 and 1: same as the n - 1 variance of (1, 1, 4) only for the
    # "reliability" form, which is what cobalt uses: sum(w)/(sum(w)^2 - sum(w^2)) * SS
    w, x = np.array([2.0, 1.0]), np.array([1.0, 4.0])
    ss = 2 * (1 - 2) ** 2 + 1 * (4 - 2) ** 2
    assert weighted_variance(x, w) == pytest.approx(3 / (9 - 5) * ss)


def test_e_value_worked_example_of_vanderweele_and_ding():
    # Ann Intern Med 2017;167:268-74: RR 3.9 (95% CI 1.8 to 8.7)
    # (formula-fed infants vs breastfed, death from respiratory infection): E-values 7.26 and 3.0
    ev = e_value(3.9, 1.8, 8.7)
    assert round(ev.point, 2) == 7.26
    assert ev.ci_limit == pytest.approx(3.0)  # 1.8 + sqrt(1.8 * 0.8) = 1.8 + 1.2


def test_e_value_equals_the_evalue_package_vignette():
    # EValue vignette: evalues.RR(est = 10.73, lo = 8.02, hi = 14.36) -> 20.94777, 15.52336
    ev = e_value(10.73, 8.02, 14.36)
    assert ev.point == pytest.approx(20.94777, abs=5e-6)
    assert ev.ci_limit == pytest.approx(15.52336, abs=5e-6)


def test_e_value_protective_ratio_ci_containing_one_and_common_outcomes():
    assert e_value_rr(0.5) == pytest.approx(2 + math.sqrt(2))
    assert e_value(0.8, 0.6, 1.1).ci_limit == 1.0
    assert e_value(4.0, measure="OR", rare=False).point == pytest.approx(e_value_rr(2.0))
    hr = (1 - 0.5 ** math.sqrt(2.0)) / (1 - 0.5 ** math.sqrt(0.5))
    assert e_value(2.0, measure="HR", rare=False).point == pytest.approx(e_value_rr(hr))
    with pytest.raises(InputError, match="outside"):
        e_value(2.0, 2.5, 3.0)


def test_an_exact_tie_between_the_control_below_and_above_goes_to_the_one_below():
    m = nearest_neighbour_match(np.array([1, 0, 0]), np.array([0.5, 0.75, 0.25]))
    assert m.match_matrix.tolist() == [[2]]


def test_tied_controls_below_go_to_the_later_one_in_the_data_as_matchit_4_5_1():
    # sort.list puts equal distances in data order; find_left walks down from the treated unit
    m = nearest_neighbour_match(np.array([0, 0, 1, 0, 0]), np.array([0.25, 0.25, 0.5, 0.75, 0.75]))
    assert m.match_matrix.tolist() == [[1]]
    # above: the earlier one wins
    m = nearest_neighbour_match(np.array([0, 1, 0, 0]), np.array([0.1, 0.5, 0.75, 0.75]))
    assert m.match_matrix.tolist() == [[2]]


def test_with_replacement_and_ratio_two_a_set_never_repeats_a_control():
    m = nearest_neighbour_match(
        np.array([1, 1, 0, 0, 0]), np.array([0.8, 0.7, 0.75, 0.6, 0.1]), ratio=2, replace=True
    )
    assert m.match_matrix.tolist() == [[2, 3], [2, 3]]


def test_subclass_ids_follow_matchit_string_order_of_treated_rows():
    # treated rows 2 and 10 (1-based): "10" < "2", so row 10's set is subclass 1
    t = np.zeros(12, dtype=int)
    t[[1, 9]] = 1
    d = np.linspace(0.1, 0.9, 12)
    m = nearest_neighbour_match(t, d)
    assert m.subclass[9] == 1 and m.subclass[1] == 2


def test_exact_matching_refuses_a_missing_stratum_value_naming_the_row():
    with pytest.raises(InputError, match="row 3"):
        nearest_neighbour_match(
            np.array([1, 0, 0]), np.array([0.5, 0.4, 0.3]), exact=np.array([1.0, 1.0, np.nan])
        )
