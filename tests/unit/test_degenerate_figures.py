"""Degenerate but legal data never crash a figure (issue 14, item 4): empty frames, one point,
constant values, all times equal or zero (hypothesis over small random inputs)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure

from retrocohort.figures import cohort_flow, hscore_distribution, km_plot, slope_plot, swimmer_plot

PROFILE = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SIZES = st.integers(0, 4)
#: A degenerate input must not fall back on matplotlib's rescue of a singular axis or on numpy's
#: empty-slice statistics: both would show as warnings in the rule's log.
pytestmark = [
    pytest.mark.filterwarnings("error:Attempting to set identical:UserWarning"),
    pytest.mark.filterwarnings("error::RuntimeWarning"),
]


@st.composite
def pair_arrays(draw, positive: bool) -> np.ndarray:
    n = draw(SIZES)
    pool = [1.0, 10.0, 100.0] if positive else [0.0, 1.0, 1.0, 5.0]
    values = draw(st.lists(st.sampled_from(pool), min_size=2 * n, max_size=2 * n))
    if draw(st.booleans()) and n:
        values = [values[0]] * (2 * n)  # constant
    return np.array(values, dtype=float).reshape(n, 2)


@PROFILE
@given(pair_arrays(positive=True), pair_arrays(positive=False), st.booleans())
def test_slope_plot_with_no_one_or_constant_pairs(log_pairs, pairs, binary):
    if binary:  # values only 0/1: the stacked-proportion panel
        pairs = (pairs > 0).astype(float)
    fig = slope_plot(
        {"crp": log_pairs, "fever": pairs},
        ["crp", "fever"],
        log_scale={"crp": True},
    )
    assert isinstance(fig, Figure)


@st.composite
def km_inputs(draw) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = draw(SIZES)
    time = draw(st.lists(st.sampled_from([0.0, 0.0, 2.0, 5.0]), min_size=n, max_size=n))
    if draw(st.booleans()) and n:
        time = [time[0]] * n
    group = draw(st.lists(st.sampled_from(["A", "B"]), min_size=n, max_size=n))
    survival = draw(st.lists(st.sampled_from([1.0, 0.5, 0.0]), min_size=n, max_size=n))
    curves = pd.DataFrame(
        {"group": group, "time": time, "survival": survival, "ci_low": np.nan, "ci_high": np.nan}
    ).sort_values(["group", "time"], kind="stable")
    risk = pd.DataFrame(
        {"group": group, "time": time, "n": draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))}
    )
    return curves, risk.drop_duplicates(["group", "time"])


@PROFILE
@given(km_inputs())
def test_km_plot_with_no_one_or_tied_times(inputs):
    curves, follow_up = inputs
    assert isinstance(km_plot(curves, follow_up=follow_up), Figure)
    legend = km_plot(curves, follow_up=follow_up, note="† computed from synthetic data").axes[0].get_legend()
    assert legend.get_texts()[-1].get_text() == "† computed from synthetic data"  # even with no curve


@PROFILE
@given(st.integers(0, 3), st.sampled_from([1.0, 5.0, np.nan]), st.booleans())
def test_swimmer_plot_with_no_one_or_constant_durations(n, duration, log_x):
    df = pd.DataFrame(
        {
            "patient_id": [f"P{i}" for i in range(n)],
            "duration_days": [duration] * n,
            "ongoing": [False] * n,
            "efficacy": [True] * n,
            "alive": [True] * n,
            "line": [1] * n,
        }
    )
    assert isinstance(swimmer_plot(df, log_x=log_x), Figure)


@PROFILE
@given(st.lists(st.sampled_from([0.0, 170.0, 170.0, 250.0]), max_size=4))
def test_hscore_distribution_with_no_one_or_constant_scores(scores):
    fig = hscore_distribution(pd.Series(scores, dtype=float), 169, ">=")
    assert isinstance(fig, Figure)


def test_cohort_flow_when_the_selection_keeps_nobody():
    steps = pd.DataFrame(
        {
            "step": [1, 2],
            "label": ["Age above 200 years", "HScore >= 169"],
            "n_in": [21, 0],
            "n_excluded": [21, 0],
            "n_out": [0, 0],
            "reason": ["Criterion not met", ""],
        }
    )
    fig = cohort_flow(steps)
    assert "n = 0" in "\n".join(t.get_text() for t in fig.axes[0].texts)


def test_cohort_flow_when_every_exclusion_is_a_missing_value():
    steps = pd.DataFrame(
        {
            "step": [1],
            "label": ["H score > 169"],
            "n_in": [5],
            "n_excluded": [5],
            "n_excluded_missing": [5],
            "n_out": [0],
            "reason": ["hscore_reported > 169.0 (missing: exclude)"],
        }
    )
    text = "\n".join(t.get_text() for t in cohort_flow(steps).axes[0].texts)
    assert "not above" not in text  # no phrase counting nobody
    assert "H score not recorded (n = 5)" in text.replace("\n   ", " ")
