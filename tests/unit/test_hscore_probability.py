"""Logistic approximation of Fardet's HScore -> probability table."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrocohort.hscore.probability import (
    FARDET_CENSORED,
    FARDET_TABLE,
    LOGISTIC_INTERCEPT,
    LOGISTIC_SLOPE,
    MAX_TABLE_ERROR,
    fit_logistic,
    hlh_probability,
    table_errors,
)


def test_table_is_the_published_one() -> None:
    assert list(FARDET_TABLE) == list(range(100, 250, 10))
    assert [round(p * 100) for p in FARDET_TABLE.values()] == [
        1,
        3,
        5,
        9,
        16,
        25,
        40,
        54,
        70,
        80,
        88,
        93,
        96,
        98,
        99,
    ]


@pytest.mark.parametrize("score,published", list(FARDET_TABLE.items()))
def test_within_documented_error_of_every_table_point(score: int, published: float) -> None:
    assert abs(float(hlh_probability(score)) - published) <= MAX_TABLE_ERROR


def test_documented_max_error_is_tight() -> None:
    worst = max(abs(e) for e in table_errors().values())
    assert worst == pytest.approx(0.01075, abs=5e-5)  # 1.075 points at 180, as documented
    assert max(table_errors(), key=lambda s: abs(table_errors()[s])) == 180


def test_censored_entries() -> None:
    for score, (bound, side) in FARDET_CENSORED.items():
        p = float(hlh_probability(score))
        assert (p < bound) if side == "<" else (p > bound)


def test_documented_parameters_are_the_fit() -> None:
    a, b = fit_logistic()
    assert a == pytest.approx(LOGISTIC_INTERCEPT, abs=1e-4)
    assert b == pytest.approx(LOGISTIC_SLOPE, abs=1e-6)


def test_value_at_244_as_documented() -> None:
    assert float(hlh_probability(244)) == pytest.approx(0.99141, abs=5e-5)


def test_vectorised_and_nan() -> None:
    out = hlh_probability(np.array([np.nan, 0.0, 337.0]))
    assert out.shape == (3,) and np.isnan(out[0]) and 0 < out[1] < 1e-4 and out[2] > 0.9999


@settings(max_examples=300)
@given(st.floats(-50, 400), st.floats(1e-6, 100))
def test_monotone(score: float, step: float) -> None:
    assert hlh_probability(score + step) >= hlh_probability(score)
    assert 0.0 <= hlh_probability(score) <= 1.0
