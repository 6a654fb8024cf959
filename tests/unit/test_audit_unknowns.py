"""Unknown values as parameters: exact solution sets on constructed data and Table 2 durations."""

import math
from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from retrocohort.audit.checks.rounding import Interval, matches_printed
from retrocohort.audit.regen.unknowns import (
    Target,
    count_above,
    mean_stat,
    median_stat,
    missing_value_report,
    quartile_stats,
)

# Table 2 anakinra durations (days), patients 1..21; patient 7 is printed "###".
DURATIONS = [13, 67, 13, 20, 5, 90, math.nan, 180, 660, 5, 14, 21, 45, 120, 210, 60, 6, 17, 8, 14, 14]


def test_anakinra_duration_cannot_print_as_21_iqr_13_19():
    qs = quartile_stats(7)
    rep = missing_value_report(
        DURATIONS,
        [Target(qs["median"], 21, 0), Target(qs["q1"], 13, 0), Target(qs["q3"], 19, 0)],
        bounds=(0, math.inf),
    )
    med, q1, q3 = rep.targets
    assert rep.n_missing == 1 and not rep.feasible and rep.joint == ()
    # excluded (n = 20): median (17 + 20)/2, Q1 at 5.75 = 13, Q3 at 15.25 = 67 + 0.25 * 23
    assert (med.excluded_value, q1.excluded_value, q3.excluded_value) == (18.5, 13.0, 72.75)
    assert med.excluded_rules == () and q1.excluded_rules == ("half_up", "half_even")
    # as a parameter (n = 21): median = 11th value in [17, 20], Q3 = 16th in [67, 90]
    assert med.attainable_range == (17.0, 20.0) and med.solutions == () and not med.feasible
    assert q3.attainable_range == (67.0, 90.0) and q3.solutions == ()
    assert q1.solutions == (Interval(Fraction(0), math.inf, True, False),)


def test_median_as_function_of_the_missing_duration():
    med = median_stat(7)
    sol = missing_value_report(DURATIONS, [Target(med, 18, 0)], bounds=(0, math.inf)).targets[0].solutions
    assert sol == (Interval(Fraction(35, 2), Fraction(37, 2), True, True),)  # half-up or half-even
    sol20 = missing_value_report(DURATIONS, [Target(med, 20, 0)], bounds=(0, math.inf)).targets[0].solutions
    assert sol20 == (Interval(Fraction(39, 2), math.inf, True, False),)


def test_count_above_threshold_and_mean():
    rep = missing_value_report(
        [1, 5, 9, math.nan], [Target(count_above(4), 2, 0), Target(count_above(4), 3, 0)]
    )
    assert rep.targets[0].solutions == (Interval(-math.inf, Fraction(4), False, True),)
    assert rep.targets[1].solutions == (Interval(Fraction(4), math.inf, False, False),)
    assert rep.joint == () and not rep.feasible
    mean = missing_value_report([1, 2, math.nan], [Target(mean_stat(), 2.0, 1)])
    # (3 + x)/3 in [1.95, 2.05] (2.0 has an even last digit: closed under half-even)
    assert mean.targets[0].solutions == (Interval(Fraction(57, 20), Fraction(63, 20), True, True),)
    assert mean.targets[0].excluded_value == 1.5


def test_several_missing_values_give_a_range():
    rep = missing_value_report(
        [1, 2, 3, math.nan, math.nan], [Target(median_stat(), 2, 0), Target(median_stat(), 5, 0)]
    )
    ok, impossible = rep.targets
    assert ok.attainable_range == (1.0, 3.0) and ok.solutions is None and ok.feasible
    assert not impossible.feasible and not rep.feasible
    bounded = missing_value_report(
        [1, 2, 3, math.nan], [Target(quartile_stats()["q3"], 3, 0)], bounds=(0, 10)
    )
    # type 7, n = 4: Q3 = x3 + 0.25 (x4 - x3): [0,1,2,3] -> 2.25, [1,2,3,10] -> 4.75
    assert bounded.targets[0].attainable_range == (2.25, 4.75)


@settings(max_examples=150, deadline=None)
@given(
    known=st.lists(st.integers(0, 30), min_size=2, max_size=10),
    printed=st.integers(0, 30),
    key=st.sampled_from(["q1", "median", "q3"]),
)
def test_solution_set_agrees_with_brute_force(known, printed, key):
    stat = quartile_stats(7)[key]
    rep = missing_value_report([*known, math.nan], [Target(stat, printed, 0)], bounds=(-5, 40))
    sols = rep.targets[0].solutions
    p = {"q1": 0.25, "median": 0.5, "q3": 0.75}[key]
    for x in np.arange(-5, 40.01, 0.25):
        value = np.quantile(np.array([*known, x], dtype=float), p, method="linear")
        assert any(s.contains(float(x)) for s in sols) == matches_printed(float(value), printed, 0)
