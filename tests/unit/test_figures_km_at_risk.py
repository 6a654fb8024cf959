"""Kaplan–Meier numbers at risk: counted at the time-axis ticks (R's n.risk), printed under each
tick, group labels clear of the counts, long y labels wrapped and never clipped."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from retrocohort.analysis.survival import censor_marks
from retrocohort.errors import ConfigError
from retrocohort.figures.at_risk import (
    at_risk_rows,
    check_at_risk_times,
    follow_up_ends,
    numbers_at_risk_at,
)
from retrocohort.figures.style import journal_style
from retrocohort.figures.survival import km_plot
from retrocohort.stats.survival import kaplan_meier

LONG_A = "Hormonal treatment after surgery"
LONG_B = "No hormonal treatment"
LONG_YLABEL = "Probability of remaining free of distant metastasis or death from any cause after surgery"


def large_cohort(n: int = 3000, seed: int = 20261207) -> pd.DataFrame:
    """A Rotterdam-sized cohort: two groups with long labels, follow-up in years up to ~19.3,
    times rounded to 0.01 year (so some equal a tick exactly)."""
    rng = np.random.default_rng(seed)
    treated = rng.random(n) < 0.3
    event_time = rng.exponential(np.where(treated, 14.0, 9.0))
    censor_time = rng.uniform(1.0, 19.3, n)
    time = np.round(np.minimum(event_time, censor_time), 2)
    status = (event_time <= censor_time).astype(int)
    return pd.DataFrame({"group": np.where(treated, LONG_A, LONG_B), "time": time, "status": status})


def km_inputs(cohort: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Curves, censoring marks and follow-up ends of each group, as the survival rule builds them."""
    curves, marks, events = [], [], []
    for group, g in cohort.groupby("group", sort=False):
        t, e = g["time"].to_numpy(float), g["status"].to_numpy(int)
        km = kaplan_meier(t, e)
        curves.append(km.assign(group=group))
        marks.append(censor_marks(km, t, e, group))
        events.append(km.assign(group=group)[["group", "time", "n_events"]])
    censored = pd.concat(marks, ignore_index=True)
    return pd.concat(curves, ignore_index=True), censored, follow_up_ends(pd.concat(events), censored)


def drawn(fig):
    """The figure drawn (constrained layout applied) and its renderer."""
    canvas = FigureCanvasAgg(fig)
    with journal_style():
        canvas.draw()
    return canvas.get_renderer()


def at_risk_texts(fig) -> list:
    return [t for t in fig.axes[1].texts if t.get_gid() == "at-risk"]


# R 4.2.2, survival 3.5.3: the cohort of large_cohort() written to cohort.csv, then
#   fit <- survfit(Surv(time, status) ~ group, data = read.csv("cohort.csv"))
#   s <- summary(fit, times = c(0, 5, 10, 15, 20), extend = TRUE); s$n.risk
R_N_RISK_LARGE = {
    LONG_A: {0: 918, 5: 503, 10: 209, 15: 68, 20: 0},
    LONG_B: {0: 2082, 5: 920, 10: 337, 15: 97, 20: 0},
}


def test_numbers_at_risk_are_counted_and_printed_at_the_axis_ticks():
    curves, censored, follow_up = km_inputs(large_cohort())
    fig = km_plot(curves, follow_up=follow_up, censored=censored, time_label="Years since surgery")
    drawn(fig)
    ax = fig.axes[0]
    ticks = ax.get_xticks()
    lo, hi = ax.get_xlim()
    assert ticks.tolist() == [0, 5, 10, 15, 20]  # the axis' own major ticks, fixed through layout
    assert lo <= ticks.min() and ticks.max() <= hi
    texts = at_risk_texts(fig)
    assert len(texts) == 2 * len(ticks)
    for label in group_labels(fig):
        group, row = label.get_text(), label.get_position()[1] + 1  # counts on the line below
        mine = [t for t in texts if t.get_position()[1] == row]
        assert [t.get_position()[0] for t in mine] == ticks.tolist()  # each count under its tick
        assert [int(t.get_text()) for t in mine] == [R_N_RISK_LARGE[group][int(x)] for x in ticks]
        assert {t.get_horizontalalignment() for t in mine} == {"center"}


def test_configured_at_risk_times_are_the_ticks_and_match_r():
    curves, censored, follow_up = km_inputs(large_cohort())
    fig = km_plot(curves, follow_up=follow_up, censored=censored, at_risk_times=[15, 0, 10, 5])
    drawn(fig)
    assert fig.axes[0].get_xticks().tolist() == [0, 5, 10, 15]
    # R: summary(fit, times = c(0, 2.5, 7.25, 19.3), extend = TRUE)$n.risk (same cohort as above)
    got = numbers_at_risk_at(follow_up, [LONG_A, LONG_B], [0, 2.5, 7.25, 19.3])
    assert got["n_at_risk"].tolist() == [918, 716, 350, 0, 2082, 1408, 617, 0]


def test_number_at_risk_counts_time_greater_or_equal_like_r_survfit():
    # R 4.2.2, survival 3.5.3:
    #   time <- c(0, 1, 2, 2, 3, 5, 5, 5, 8, 10, 2, 5); status <- c(1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0)
    #   g <- c(rep("a", 10), "b", "b")
    #   summary(survfit(Surv(time, status) ~ g), times = c(0, 2, 5, 8, 10), extend = TRUE)$n.risk
    #   -> 10 8 5 2 1 | 2 2 1 0 0
    cohort = pd.DataFrame(
        {
            "group": ["a"] * 10 + ["b"] * 2,
            "time": [0, 1, 2, 2, 3, 5, 5, 5, 8, 10, 2, 5],
            "status": [1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0],
        }
    )
    curves, censored, follow_up = km_inputs(cohort)
    fig = km_plot(curves, follow_up=follow_up, censored=censored, at_risk_times=[0, 2, 5, 8, 10])
    counts = [int(t.get_text()) for t in at_risk_texts(fig)]
    assert counts == [10, 8, 5, 2, 1, 2, 2, 1, 0, 0]


def _five_digit_case(**kwargs):
    curves = pd.DataFrame(
        {
            "group": [LONG_A, LONG_B],
            "time": [3.0, 4.0],
            "survival": [0.5, 0.6],
            "ci_low": [0.4, 0.5],
            "ci_high": [0.6, 0.7],
        }
    )
    follow_up = pd.DataFrame({"group": [LONG_A, LONG_B], "time": [20.0, 20.0], "n": [12345, 98765]})
    return km_plot(curves, follow_up=follow_up, time_axis_max=20, **kwargs)


def group_labels(fig) -> list:
    return [t for t in fig.axes[1].texts if t.get_gid() == "at-risk-label"]


def test_group_labels_and_counts_never_overlap():
    fig = _five_digit_case(ylabel=LONG_YLABEL)
    renderer = drawn(fig)
    labels = group_labels(fig)
    assert [t.get_text() for t in labels] == [LONG_A, LONG_B]
    texts = at_risk_texts(fig)
    assert {t.get_text() for t in texts} >= {"12345", "98765"}
    counts = [t.get_window_extent(renderer) for t in texts]
    for label in labels:
        box = label.get_window_extent(renderer)
        assert not any(box.overlaps(c) for c in counts), label.get_text()
    for i, a in enumerate(counts):  # nor two counts (5 digits under adjacent ticks)
        assert not any(a.overlaps(b) for b in counts[i + 1 :]), texts[i].get_text()


def test_each_label_sits_above_its_own_counts():
    curves, censored, follow_up = km_inputs(large_cohort())
    fig = km_plot(curves, follow_up=follow_up, censored=censored)
    renderer = drawn(fig)
    for label in group_labels(fig):
        row = label.get_position()[1] + 1
        mine = [t for t in at_risk_texts(fig) if t.get_position()[1] == row]
        assert {t.get_color() for t in mine} == {label.get_color()}
        top = max(t.get_window_extent(renderer).y1 for t in mine)
        assert label.get_window_extent(renderer).y0 > top  # display y grows upwards


def test_long_labels_and_counts_stay_inside_the_figure():
    fig = _five_digit_case(ylabel=LONG_YLABEL)
    renderer = drawn(fig)
    page = fig.bbox
    ylabel = fig.axes[0].yaxis.label
    box = ylabel.get_window_extent(renderer)
    assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1
    assert "\n" in ylabel.get_text()  # wrapped, every word kept
    assert ylabel.get_text().split() == LONG_YLABEL.split()
    assert box.height <= fig.axes[0].get_window_extent(renderer).height
    for text in [*at_risk_texts(fig), *group_labels(fig)]:
        b = text.get_window_extent(renderer)
        assert page.x0 <= b.x0 and b.x1 <= page.x1, text.get_text()


def test_a_short_ylabel_is_not_wrapped():
    fig = _five_digit_case(ylabel="Survival")
    assert fig.axes[0].get_ylabel() == "Survival"


def test_at_risk_times_beyond_the_axis_are_refused():
    with pytest.raises(ConfigError, match=r"survival/1/at_risk_times: \[20\] lie beyond time_axis_max 14"):
        check_at_risk_times([0, 7, 20], 14, "survival/1")
    check_at_risk_times([0, 7, 14], 14, "survival/1")
    check_at_risk_times([0, 70], None, "survival/1")
    with pytest.raises(ValueError, match="at_risk_times"):
        _five_digit_case(at_risk_times=[0, 25])


def test_follow_up_ends_count_events_and_censorings():
    events = pd.DataFrame({"group": ["a", "a", "b"], "time": [1.0, 3.0, 2.0], "n_events": [2, 1, 1]})
    censored = pd.DataFrame({"group": ["a", "a", "c"], "time": [3.0, 4.0, 5.0], "survival": 0.5})
    ends = follow_up_ends(events, censored)
    assert ends.to_dict("records") == [
        {"group": "a", "time": 1.0, "n": 2},
        {"group": "a", "time": 3.0, "n": 2},
        {"group": "a", "time": 4.0, "n": 1},
        {"group": "b", "time": 2.0, "n": 1},
        {"group": "c", "time": 5.0, "n": 1},
    ]


def test_at_risk_rows_carry_the_printed_counts_into_the_statistics():
    stats = pd.DataFrame(
        [
            {"analysis": "os", "role": "patients", "group": "", "analysis_label": "OS", "order": 0},
            {"analysis": "os", "role": "km", "group": "a", "analysis_label": "OS", "order": 0},
        ]
    ).assign(time=np.nan, n_at_risk=np.nan, method="", details=[{}, {}], synthetic=False)
    shown = pd.DataFrame({"group": ["a", "a"], "time": [0.0, 5.0], "n_at_risk": [10, 4]})
    rows = at_risk_rows(stats, "os", shown)
    assert list(rows.columns) == list(stats.columns)
    assert rows["role"].tolist() == ["at_risk", "at_risk"]
    assert rows["n_at_risk"].tolist() == [10, 4] and rows["time"].tolist() == [0.0, 5.0]
    assert rows["analysis_label"].tolist() == ["OS", "OS"]


@pytest.mark.parametrize(
    ("label", "axis"),
    [
        ("Days to hypertension", "Days to hypertension"),  # names its unit: no "(days)" again
        ("Time to death", "Time to death (days)"),
        ("Daytime admissions", "Daytime admissions (days)"),  # "day" inside a word is no unit
    ],
)
def test_the_time_axis_names_its_unit_once(label, axis):
    """A user's KM figure read "Days to hypertension (days)"."""
    from retrocohort.figures.labels import time_axis_label

    config = {"variables": {"t": {"label": label, "unit": "days", "kind": "continuous"}}, "derived": {}}
    assert time_axis_label({"time": "t"}, config, "tables/x/analyses/0") == axis
