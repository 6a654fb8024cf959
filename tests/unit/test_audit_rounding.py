"""Rounding-aware comparison: rules, intervals of true values, printed p-values."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrocohort.audit.checks.rounding import (
    ALL_RULES,
    CandidateP,
    Interval,
    interval_for_printed,
    match_printed_p,
    matches_printed,
    matching_rules,
    parse_printed,
    round_to,
)


def test_13_of_21_prints_as_62_percent_by_both_rounding_rules_not_truncation():
    pct = 100 * 13 / 21  # 61.90...
    assert matches_printed(pct, 62, 0)
    assert matching_rules(pct, 62, 0) == ("half_up", "half_even")
    assert matching_rules(pct, 61, 0) == ("truncate",)
    assert not matches_printed(pct, 61, 0)
    assert matches_printed(pct, 61, 0, rules=ALL_RULES)


def test_exact_half_separates_half_up_from_half_even():
    assert matching_rules(12.5, 13, 0) == ("half_up",)
    assert matching_rules(12.5, 12, 0) == ("half_even", "truncate")
    assert matching_rules(-2.5, -3, 0) == ("half_up",)
    assert matching_rules(-2.5, -2, 0) == ("half_even", "truncate")


def test_floats_are_read_as_their_decimal_repr():
    # round(2.675, 2) == 2.67 in Python because the binary float is below 2.675
    assert round(2.675, 2) == 2.67
    assert matching_rules(2.675, 2.68, 2) == ("half_up", "half_even")
    assert matching_rules(2.675, 2.67, 2) == ("truncate",)
    assert round_to(0.1 + 0.2, 1, "half_up") == Fraction(3, 10)


def test_interval_for_printed_shapes():
    assert interval_for_printed(62, 0) == Interval(Fraction(123, 2), Fraction(125, 2), True, False)
    assert interval_for_printed(62, 0, "half_even") == Interval(
        Fraction(123, 2), Fraction(125, 2), True, True
    )
    assert interval_for_printed(63, 0, "half_even") == Interval(
        Fraction(125, 2), Fraction(127, 2), False, False
    )
    assert interval_for_printed(62, 0, "truncate") == Interval(62, 63, True, False)
    assert interval_for_printed(-1.5, 1) == Interval(Fraction(-31, 20), Fraction(-29, 20), False, True)
    assert interval_for_printed(0, 1) == Interval(Fraction(-1, 20), Fraction(1, 20), False, False)
    with pytest.raises(ValueError):
        interval_for_printed(0.25, 1)


@given(
    k=st.integers(-5000, 5000), shift=st.integers(-3, 3), d=st.integers(0, 2), rule=st.sampled_from(ALL_RULES)
)
def test_interval_is_exactly_the_preimage_of_rounding(k, shift, d, rule):
    x = Fraction(k, 1000)
    printed = round_to(x, d, rule) + Fraction(shift, 10**d)
    assert interval_for_printed(printed, d, rule).contains(x) == (round_to(x, d, rule) == printed)


def test_interval_helpers():
    a = Interval(Fraction(0), Fraction(1), True, False)
    assert a.intersect(Interval(Fraction(1), Fraction(2), True, True)) is None
    assert a.intersect(Interval(Fraction(1, 2), Fraction(2))) == Interval(
        Fraction(1, 2), Fraction(1), True, False
    )
    assert Interval(Fraction(19, 20), Fraction(21, 20), True, False).has_multiple_of(Fraction(1))
    assert not Interval(Fraction(1, 5), Fraction(2, 5), True, True).has_multiple_of(Fraction(1, 2))
    assert not Interval(Fraction(1, 2), Fraction(1, 2), False, False).has_multiple_of(Fraction(1, 2))


def test_parse_printed():
    assert parse_printed("<0.001") == parse_printed("p < 0.001")
    p = parse_printed("<0.001")
    assert (p.value, p.decimals, p.relation) == (Fraction(1, 1000), 3, "<")
    p = parse_printed("13,835.0")
    assert (p.value, p.decimals, p.relation) == (13835, 1, "=")
    assert parse_printed("1.000").decimals == 3
    with pytest.raises(ValueError):
        parse_printed("45.0 [33.0–58.0]")


def test_match_printed_p_with_bound_and_rounding():
    cands = [CandidateP("t", "a", 0.0009), CandidateP("t", "b", 0.0011), CandidateP("t", "c", 0.0214)]
    assert [m.candidate.method for m in match_printed_p(cands, "<0.001")] == ["a"]
    hits = match_printed_p(cands, "0.021")
    assert [(m.candidate.method, m.rules) for m in hits] == [("c", ("half_up", "half_even", "truncate"))]


def test_round_to_does_not_depend_on_call_order():
    """The cache is keyed on the exact value: a float (read via its shortest repr, 2.675) and
    the exact binary value of that float (2.67499999...) round differently in any order."""
    from fractions import Fraction

    from retrocohort.audit.checks.rounding import round_to

    binary = Fraction(2.675)
    assert round_to(binary, 2, "half_up") == Fraction(267, 100)
    assert round_to(2.675, 2, "half_up") == Fraction(268, 100)
    assert round_to(binary, 2, "half_up") == Fraction(267, 100)
