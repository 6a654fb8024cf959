"""Tests for retrocohort.format.numbers: exact decimal rounding and journal number styles."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from retrocohort.format.numbers import (
    format_count_pct,
    format_mean_sd,
    format_median_iqr,
    format_number,
    format_p,
    format_range,
    round_decimal,
    rounding_rule_sentence,
    to_decimal,
)

finite_floats = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)


@pytest.mark.parametrize(
    ("x", "decimals", "half_up", "half_even"),
    [
        (0.125, 2, "0.13", "0.12"),
        (2.5, 0, "3", "2"),
        (3.5, 0, "4", "4"),
        (-2.5, 0, "-3", "-2"),
        (6072.45, 1, "6072.5", "6072.4"),
        (0.05, 1, "0.1", "0.0"),
        (0.15, 1, "0.2", "0.2"),
        (2.675, 2, "2.68", "2.68"),  # binary value is 2.67499..., printed value is a tie
        (1.005, 2, "1.01", "1.00"),
        (7, 1, "7.0", "7.0"),
    ],
)
def test_round_decimal_rules_on_printed_value(x, decimals, half_up, half_even):
    assert round_decimal(x, decimals, "half_up") == Decimal(half_up)
    assert round_decimal(x, decimals, "half_even") == Decimal(half_even)
    assert str(round_decimal(x, decimals)) == half_up  # default rule, exact digits kept


def test_round_decimal_differs_from_binary_float_round():
    assert round(2.675, 2) == 2.67
    assert round_decimal(2.675, 2, "half_even") == Decimal("2.68")


def test_numpy_scalars_use_their_own_shortest_repr():
    assert to_decimal(np.float32(0.1)) == Decimal("0.1")
    assert to_decimal(np.float64(0.125)) == Decimal("0.125")
    assert to_decimal(np.int64(13835)) == Decimal(13835)
    assert round_decimal(np.float32(0.15), 1) == Decimal("0.2")


@pytest.mark.parametrize("bad", [float("inf"), float("-inf"), float("nan"), None, True, "1.5"])
def test_round_decimal_rejects_non_finite_and_non_numbers(bad):
    with pytest.raises(ValueError):
        round_decimal(bad, 1)


def test_round_decimal_rejects_bad_arguments():
    with pytest.raises(ValueError, match="unknown rounding rule 'up'"):
        round_decimal(1.0, 1, "up")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="decimals must be a non-negative integer"):
        round_decimal(1.0, -1)


@given(finite_floats, st.integers(min_value=0, max_value=6), st.sampled_from(["half_up", "half_even"]))
def test_round_decimal_is_within_half_unit_of_printed_value(x, decimals, rule):
    rounded = round_decimal(x, decimals, rule)
    assert rounded.as_tuple().exponent == -decimals
    assert abs(rounded - Decimal(repr(x))) <= Decimal(5).scaleb(-decimals - 1)


@given(finite_floats, st.integers(min_value=0, max_value=4))
def test_format_number_round_trips_to_round_decimal(x, decimals):
    text = format_number(x, decimals)
    value = Decimal(text.replace(",", ""))
    assert value == round_decimal(x, decimals)
    assert text.startswith("-") == (value < 0)  # no "-0.0"
    assert ("," in text) == (abs(value) >= 10000)


@pytest.mark.parametrize(
    ("x", "kwargs", "expected"),
    [
        (13835, {}, "13,835.0"),
        (27001, {}, "27,001.0"),
        (6072.5, {}, "6072.5"),
        (9999.96, {}, "10,000.0"),  # threshold applies to the rounded value
        (-13835, {}, "-13,835.0"),
        (1234567.891, {"decimals": 2}, "1,234,567.89"),
        (6072.5, {"thousands_min": 1000}, "6,072.5"),
        (13835, {"thousands_sep": ""}, "13835.0"),
        (13835, {"thousands_sep": "\u2009"}, "13\u2009835.0"),
        (-0.04, {}, "0.0"),
        (float("nan"), {}, "\u2014"),
        (None, {"nan": "NA"}, "NA"),
        (pd.NA, {}, "\u2014"),
        (2.5, {"decimals": 0, "rule": "half_even"}, "2"),
    ],
)
def test_format_number(x, kwargs, expected):
    assert format_number(x, **kwargs) == expected


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((13, 21, 21), {}, "13 (62%)"),
        ((5, 20, 21), {}, "5/20 (25%)"),
        ((1, 21, 21), {"pct_decimals": "auto"}, "1 (4.8%)"),
        ((13, 21, 21), {"pct_decimals": "auto"}, "13 (62%)"),
        ((199, 2000, 2000), {"pct_decimals": "auto"}, "199 (10%)"),  # 9.95 rounds to 10.0
        ((1, 8, 8), {"pct_decimals": 1}, "1 (12.5%)"),
        ((1, 8, 8), {"pct_decimals": 0}, "1 (13%)"),
        ((1, 8, 8), {"pct_decimals": 0, "rule": "half_even"}, "1 (12%)"),
        ((13, 21, 21), {"pct_sign": False}, "13 (62)"),
        ((0, 21, 21), {}, "0 (0%)"),
        ((21, 21, 21), {}, "21 (100%)"),
        ((np.int64(3), np.int64(4), 4), {}, "3 (75%)"),
    ],
)
def test_format_count_pct(args, kwargs, expected):
    assert format_count_pct(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((5, 4, 21), {}, "count <= denominator"),
        ((1, 22, 21), {}, "denominator <= cohort_n"),
        ((0, 0, 21), {}, "denominator > 0"),
        ((-1, 4, 21), {}, "0 <= count"),
        ((1.0, 4, 21), {}, "count must be an integer"),
        ((True, 4, 21), {}, "count must be an integer"),
        ((1, 4, 21), {"pct_decimals": "x"}, "pct_decimals"),
        ((1, 4, 21), {"pct_decimals": -1}, "pct_decimals"),
    ],
)
def test_format_count_pct_rejects_inconsistent_counts(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        format_count_pct(*args, **kwargs)


def test_format_median_iqr_and_range():
    assert format_median_iqr(45, 33, 58) == "45.0 [33.0\u201358.0]"
    assert format_median_iqr(45, 33, 58, 0, style="parentheses") == "45 (33\u201358)"
    assert format_median_iqr(13835, 10000.04, 27001) == "13,835.0 [10,000.0\u201327,001.0]"
    assert format_median_iqr(1.25, 1.25, 1.25, 1, rule="half_even") == "1.2 [1.2\u20131.2]"
    assert format_median_iqr(float("nan"), 1, 2) == "\u2014"
    assert format_median_iqr(1, None, 2, nan="NA") == "NA"
    assert format_range(4, 10) == "4.0\u201310.0"
    assert format_range(150, 400, 0, sep="-") == "150-400"


def test_format_median_iqr_rejects_bad_input():
    with pytest.raises(ValueError, match="q1 <= median <= q3"):
        format_median_iqr(10, 33, 58)
    with pytest.raises(ValueError, match="unknown style 'curly'"):
        format_median_iqr(45, 33, 58, style="curly")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lower bound"):
        format_range(10, 4)


def test_format_mean_sd():
    assert format_mean_sd(4.24, 1.06) == "4.2 (1.1)"
    assert format_mean_sd(4.25, 1.05, rule="half_even") == "4.2 (1.0)"
    assert format_mean_sd(4.2, float("nan")) == "\u2014"
    with pytest.raises(ValueError, match="standard deviation must be >= 0"):
        format_mean_sd(4.2, -0.1)


@pytest.mark.parametrize(
    ("p", "kwargs", "expected"),
    [
        (0.0009999, {}, "<0.001"),
        (0.001, {}, "0.001"),
        (0.0005, {}, "<0.001"),
        (0.0, {}, "<0.001"),
        (1.0, {}, "1.000"),
        (0.99996, {}, "1.000"),
        (0.0215, {}, "0.022"),
        (0.0205, {"rule": "half_even"}, "0.020"),
        (0.021, {}, "0.021"),
        (0.04, {"decimals": 2, "threshold": 0.05}, "<0.05"),
        (0.05, {"decimals": 2, "threshold": 0.05}, "0.05"),
        (float("nan"), {}, "\u2014"),
        (None, {"nan": "NA"}, "NA"),
    ],
)
def test_format_p(p, kwargs, expected):
    assert format_p(p, **kwargs) == expected


@pytest.mark.parametrize(
    ("p", "kwargs", "message"),
    [
        (1.0000001, {}, r"p-value must lie in \[0, 1\]"),
        (-0.01, {}, r"p-value must lie in \[0, 1\]"),
        (0.5, {"threshold": 0.0001}, "threshold"),  # would print '0.000'
        (0.5, {"threshold": 2}, "threshold"),
        (float("inf"), {}, "infinite"),
    ],
)
def test_format_p_rejects_invalid(p, kwargs, message):
    with pytest.raises(ValueError, match=message):
        format_p(p, **kwargs)


def test_rounding_rule_sentence_names_rule_and_matches_behaviour():
    up = rounding_rule_sentence("half_up")
    even = rounding_rule_sentence("half_even")
    assert up.startswith("Numbers are rounded half up")
    assert "0.05 \u2192 0.1" in up and "0.125 \u2192 0.13" in up and "2.5 \u2192 3" in up
    assert "half to even (banker's rounding)" in even
    assert "0.05 \u2192 0.0" in even and "0.125 \u2192 0.12" in even and "2.5 \u2192 2" in even
    with pytest.raises(ValueError, match="unknown rounding rule"):
        rounding_rule_sentence("truncate")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "stats_cfg",
    [
        {},
        {"p_value": {"decimals": 3, "threshold": 0.005}, "rounding": "half_up"},
        {"p_value": {"decimals": 2, "threshold": 0.01}, "rounding": "half_even"},
    ],
)
def test_printed_p_relation_is_the_table_cell_after_p(stats_cfg: dict) -> None:
    from retrocohort.format.numbers import format_p as raw_format_p
    from retrocohort.format.pvalues import p_value_format, printed_p, printed_p_relation

    stats_cfg = _loaded_statistics(stats_cfg)
    p_format = p_value_format(stats_cfg)
    for p in (0.0004, 0.0049, 0.005, 0.0125, 0.125, 1.0, float("nan")):
        cell = printed_p(p, p_format)
        relation = printed_p_relation(p, p_format)
        assert relation == (cell if cell.startswith("<") else f"= {cell}")
        # what steps/figures.slope_annotations prints today with its own call to format_p
        pfmt = stats_cfg["p_value"]
        today = raw_format_p(
            p, decimals=pfmt["decimals"], threshold=pfmt["threshold"], rule=stats_cfg["rounding"]
        )
        assert relation == (today if today.startswith("<") else f"= {today}")
    defaults = p_value_format(_loaded_statistics({}))  # the schema's: 3 decimals, below 0.001
    assert printed_p_relation(0.0004, defaults) == "<0.001"
    assert printed_p_relation(0.0125, defaults) == "= 0.013"


def _loaded_statistics(stats_cfg: dict) -> dict:
    """``statistics`` as a loaded study holds it: the schema's defaults filled."""
    from retrocohort.config.check import SCHEMA_PATH, read_yaml
    from retrocohort.config.study import fill_defaults

    return fill_defaults({"statistics": stats_cfg}, read_yaml(SCHEMA_PATH))["statistics"]


@pytest.mark.parametrize(
    ("count", "denominator", "decimals", "expected"),
    [
        (1, 418, 0, "1 (<1%)"),  # 0.24% rounds to 0
        (417, 418, 0, "417 (>99%)"),  # 99.76% rounds to 100
        (1, 3000, "auto", "1 (<0.1%)"),
        (2999, 3000, 1, "2999 (>99.9%)"),
        (1, 200, 0, "1 (1%)"),  # 0.5% rounds half up to 1: printed as is
        (0, 418, 0, "0 (0%)"),
        (418, 418, 0, "418 (100%)"),
    ],
)
def test_a_percentage_never_contradicts_its_count(count, denominator, decimals, expected):
    assert format_count_pct(count, denominator, denominator, pct_decimals=decimals) == expected


@given(st.integers(1, 10**6), st.data())
def test_nonzero_count_never_zero_percent_and_partial_never_hundred(denominator, data):
    count = data.draw(st.integers(0, denominator))
    text = format_count_pct(
        count, denominator, denominator, pct_decimals=data.draw(st.sampled_from([0, 1, 2, "auto"]))
    )
    pct = text.split("(")[1].rstrip("%)")
    if count > 0:
        assert not (pct[0].isdigit() and float(pct) == 0)
    if count < denominator:
        assert not (pct[0].isdigit() and float(pct) == 100)


@pytest.mark.parametrize(
    ("count", "denominator", "decimals", "expected"),
    [
        (1, 418, 0, "<1%"),
        (1, 20000, 1, "<0.1%"),
        (417, 418, 0, ">99%"),
        (0, 418, 0, "0%"),
        (13, 21, 0, "62%"),
    ],
)
def test_format_percent_never_prints_zero_for_a_nonzero_count(count, denominator, decimals, expected):
    from retrocohort.format.numbers import format_percent

    assert format_percent(count, denominator, decimals) == expected


def test_results_text_percent_uses_the_table_rule_for_a_nonzero_count():
    """Failed before: the Results text printed a percentage of 1 in 418 as "0%" (a "1 (0%)")."""
    from retrocohort.manuscript.namespace import TextStyle
    from retrocohort.render.number_style import NumberStyle

    style = TextStyle(NumberStyle(), {})
    assert style.percent(1, 418)(0) == "<1%"
    assert style.percent(1, 20000)(1) == "<0.1%"
    assert style.percent(13, 21)(0) == "62%"


def test_results_text_groups_a_value_as_its_table_row():
    """Failed before: the Results text wrote "ferritin from 10,044† to 2014†" where Table 3's
    row prints "10,044.0" and "2,014.0" (one grouping decision per row)."""
    from retrocohort.manuscript.namespace import TextStyle
    from retrocohort.render.number_style import NumberStyle

    style = TextStyle(NumberStyle(), {})
    row = [10044.0, 2014.0]
    assert [style.row_number(v, row)(0) for v in row] == ["10,044", "2,014"]
    assert style.row_number(2014.0, [2014.0, 35.1])(0) == "2014"
    assert style.row_number(2014.0, [2014.0, None])(1) == "2014.0"
