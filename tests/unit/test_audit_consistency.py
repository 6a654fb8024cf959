"""Data-free consistency checks on constructed summaries with known answers."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrocohort.audit.checks.consistency import check_agreement, check_percentage, check_sum
from retrocohort.audit.checks.quantile_checks import (
    check_granularity,
    check_quartile_order,
    check_subset_quantile,
    hf_position,
    hf_quantile,
    quantile_grid_step,
)

NUMPY_METHOD = {
    1: "inverted_cdf",
    2: "averaged_inverted_cdf",
    3: "closest_observation",
    4: "interpolated_inverted_cdf",
    5: "hazen",
    6: "weibull",
    7: "linear",
    8: "median_unbiased",
    9: "normal_unbiased",
}


def test_percentage_ok_and_unique_denominator():
    [f] = check_percentage("t1_sex_male", 13, 62, 0, 21, max_n=200)
    assert f.status == "ok"
    assert f.details["rules"] == ["half_up", "half_even"]
    assert f.details["denominators"] == [21]  # 1300/d in [61.5, 62.5) only for d = 21
    assert f.details["counts_for_n"] == [13]


def test_percentage_inconsistent_when_no_count_fits():
    [f] = check_percentage("x", 13, 63, 0, 21)
    assert f.status == "inconsistent"
    assert f.details["counts_for_n"] == []  # 63% of 21 would need 13.125..13.335 patients
    assert f.details["denominators"] == []


def test_percentage_truncation_only_is_a_warning_and_half_up_only_is_ok():
    [f] = check_percentage("x", 2, 66, 0, 3)  # 66.67%
    assert (f.status, f.details["rules"]) == ("warning", ["truncate"])
    [g] = check_percentage("x", 2, 13, 0, 16)  # 12.5% exactly
    assert (g.status, g.details["rules"]) == ("ok", ["half_up"])


def test_percentage_denominator_search_lists_every_fit():
    [f] = check_percentage("x", 1, 4.8, 1, 21, max_n=60)
    # 100/d in [4.75, 4.85) -> d in (20.62, 21.05]
    assert f.details["denominators"] == [21]
    [g] = check_percentage("x", 3, 50, 0, 6, max_n=20)
    assert g.details["denominators"] == [6]  # 300/d in [49.5, 50.5] -> d in [5.94, 6.06]
    [h] = check_percentage("x", 2, 10, 0, 20, max_n=25)
    assert h.details["denominators"] == [20, 21]  # 200/d in [9.5, 10.5] -> d in [19.05, 21.05]


def test_quartile_order():
    [bad] = check_quartile_order("dur", {"median": 21, "q1": 13, "q3": 19})
    assert bad.status == "inconsistent" and bad.details["violations"] == ["median=21 > q3=19"]
    [ok] = check_quartile_order("fever", {"median": 1.0, "q1": 1, "q3": 2})
    assert ok.status == "ok"
    [bad2] = check_quartile_order("x", {"min": 5, "q1": 4, "median": 6, "q3": 7, "max": 6.5})
    assert len(bad2.details["violations"]) == 2


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(st.integers(-50, 50), min_size=1, max_size=13),
    p=st.sampled_from(["0", "0.1", "0.25", "0.5", "0.75", "0.9", "1"]),
    qtype=st.integers(1, 9),
)
def test_hf_quantile_matches_numpy_for_all_nine_types(data, p, qtype):
    xs = sorted(data)
    ours = hf_quantile(xs, Fraction(p), qtype)
    ref = np.quantile(np.array(xs, dtype=float), float(p), method=NUMPY_METHOD[qtype])
    assert float(ours) == pytest.approx(float(ref), abs=1e-9)


def test_hf_positions_for_n21_type7_are_order_statistics():
    assert [hf_position(21, Fraction(k, 4), 7) for k in (1, 2, 3)] == [(6, 0), (11, 0), (16, 0)]
    assert hf_position(21, Fraction(1, 4), 6) == (5, Fraction(1, 2))
    assert quantile_grid_step(20, Fraction(1, 4), 7, 1) == Fraction(1, 4)  # position 5.75
    assert quantile_grid_step(20, Fraction(1, 2), 7, Fraction(1, 10)) == Fraction(1, 20)


def test_granularity_integer_data_n21_type7():
    age = check_granularity(
        "age", {"median": 45.0, "q1": 33.0, "q3": 58.0}, {"median": 1, "q1": 1, "q3": 1}, 21, 1
    )[0]
    assert age.status == "ok"
    fer = check_granularity(
        "ferritin",
        {"median": 13835.0, "q1": 6072.5, "q3": 27001.0},
        {"median": 1, "q1": 1, "q3": 1},
        21,
        1,
        max_n=24,
    )[0]
    assert fer.status == "inconsistent"
    assert fer.details["attainable"] == {"q1": False, "median": True, "q3": True}
    # type 7 Q1 sits on an order statistic iff (n - 1) % 4 == 0 (n = 1 clamps to x_(1))
    assert fer.details["compatible_n"] == [n for n in range(1, 25) if (n - 1) % 4 != 0]
    assert check_granularity("ferritin", {"q1": 6072.5}, {"q1": 1}, 21, 1, qtype=6)[0].status == "ok"


def test_granularity_odd_n_median_must_be_on_the_data_grid():
    assert check_granularity("m", {"median": 12.5}, {"median": 1}, 21, 1)[0].status == "inconsistent"
    assert check_granularity("m", {"median": 12.5}, {"median": 1}, 20, 1)[0].status == "ok"
    # 19.75 prints as 19.8: attainable as a type-7 Q3 of integers when n is even
    g = check_granularity("g", {"q3": 19.8}, {"q3": 1}, 21, 1, max_n=10)[0]
    assert g.status == "inconsistent" and g.details["compatible_n"] == [2, 4, 6, 8, 10]


def test_subset_median_bounds_hemoglobin_example():
    full = {"median": 7.8, "q1": 7.2, "q3": 7.9}
    dec = {"median": 1, "q1": 1, "q3": 1}
    [f] = check_subset_quantile("t3_hb", 21, full, dec, 20, 8.9, 1)
    assert f.status == "inconsistent"
    # (x6 + x11)/2 >= (7.15 + 7.75)/2 ; (x11 + x16)/2 <= (7.85 + 7.95)/2
    assert f.details["bounds"] == [pytest.approx(7.45), pytest.approx(7.9)]
    assert check_subset_quantile("t3_hb", 21, full, dec, 20, 7.8, 1)[0].status == "ok"


@settings(max_examples=200, deadline=None)
@given(
    data=st.lists(st.integers(0, 40), min_size=5, max_size=15),
    drop=st.integers(1, 4),
    seed=st.integers(0, 10**6),
)
def test_subset_median_always_within_bounds(data, drop, seed):
    n = len(data)
    xs = sorted(data)
    summary = {
        k: float(hf_quantile(xs, Fraction(p), 7))
        for k, p in (("q1", "0.25"), ("median", "0.5"), ("q3", "0.75"))
    }
    dec = {k: 2 for k in summary}
    summary = {k: round(v, 2) for k, v in summary.items()}
    m = max(1, n - drop)
    sub = sorted(np.random.default_rng(seed).choice(xs, m, replace=False).tolist())
    med = round(float(hf_quantile(sub, Fraction(1, 2), 7)), 2)
    assert check_subset_quantile("s", n, summary, dec, m, med, 2)[0].status == "ok"


def test_agreement_and_sum():
    ok, bad = check_agreement(
        [
            [("abstract_men", 13), ("results_men", 13), ("t1_men", 13)],
            [("abstract_mono", 5), ("results_mono", 6), ("discussion_mono", 5)],
        ]
    )
    assert ok.status == "ok"
    assert bad.status == "inconsistent" and bad.details == {
        "abstract_mono": 5,
        "results_mono": 6,
        "discussion_mono": 5,
    }
    assert check_sum([("women", 8), ("men", 13)], ("n", 21))[0].status == "ok"
    [f] = check_sum([("a", 6), ("b", 5)], ("total", 10))
    assert f.status == "inconsistent" and f.details["sum(a + b)"] == 11
