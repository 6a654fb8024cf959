"""Censoring in the time-to-event analyses: ``censor_time`` keeps patients without an event
time (censored at that variable), excluded patients are counted with the reason, the figure
draws censoring marks, the table and figure say who was analysed, censored and excluded."""

import numpy as np
import pandas as pd
import pytest
import yaml
from loaded_sections import filled, items, statistics
from matplotlib.lines import Line2D
from statsmodels.duration.survfunc import SurvfuncRight

from retrocohort.analysis.survival import survival_statistics
from retrocohort.config.check import load_config
from retrocohort.errors import ConfigError, InputError
from retrocohort.figures.labels import SYNTHETIC_NOTE, km_note
from retrocohort.figures.survival import km_plot
from retrocohort.stats.survival import median_survival
from retrocohort.tables.survival_table import build_survival_table

VARIABLES = {
    "resolution_days": {"kind": "continuous", "unit": "days", "label": "Time to resolution"},
    "treatment_days": {"kind": "continuous", "unit": "days", "label": "Treatment duration"},
    "resolved": {"kind": "binary", "label": "Resolved"},
    "arm": {"kind": "categorical", "categories": ["A", "B", "C"], "label": "Arm"},
    "sex": {"kind": "categorical", "categories": ["f", "m"]},
}
# patients p6 and p7 never resolved (censored at 30 and 12 days of treatment); p8 has neither
# time (excluded); p9 has no arm; p10 is in arm C, outside the configured groups
FRAME = pd.DataFrame(
    {
        "patient_id": [f"p{i}" for i in range(1, 11)],
        "resolution_days": [1.0, 2, 2, 5, 8, np.nan, np.nan, np.nan, 3, 4],
        "treatment_days": [10.0, 20, 5, 40, 8, 30, 12, np.nan, 9, 9],
        "arm": ["A", "B", "A", "B", "A", "B", "A", "B", None, "C"],
        "sex": ["f"] * 10,
    }
)
CENSORED = {
    "id": "res",
    "time": "resolution_days",
    "event_when_observed": True,
    "censor_time": "treatment_days",
}
GROUPED = {**CENSORED, "group_variable": "arm", "groups": {"A": "Arm A", "B": "Arm B"}}


def _run(*specs, frame=FRAME, synthetic=frozenset()):
    return survival_statistics(
        frame, items("survival", list(specs)), VARIABLES, {}, statistics(), set(synthetic)
    )


def _row(stats, role, group=None):
    rows = stats[stats["role"] == role]
    return (rows if group is None else rows[rows["group"] == group]).iloc[0]


def test_censor_time_keeps_patients_without_an_event_time_as_censored():
    stats, results = _run(CENSORED)
    t = np.array([1.0, 2, 2, 5, 8, 30, 12, 3, 4])
    e = np.array([1.0, 1, 1, 1, 1, 0, 0, 1, 1])
    sf = SurvfuncRight(t, e)
    km = stats[stats["role"] == "km"]
    np.testing.assert_allclose(km["time"], sf.surv_times)
    np.testing.assert_allclose(km["survival"], sf.surv_prob)
    np.testing.assert_allclose(km["n_at_risk"], sf.n_risk)
    # by hand: 9 at risk; S drops to 2/9 after the last event (t = 8) and stays there
    assert km["survival"].iloc[-1] == pytest.approx(2 / 9)
    med = _row(stats, "median")
    assert (med["n"], med["n_events"], med["n_censored"], med["n_excluded"]) == (9, 7, 2, 1)
    assert med["n_missing"] == 1
    assert med["excluded_reason"] == "1 patient excluded (Time to resolution and treatment duration unknown)"
    marks = results["res"].censored
    assert marks["time"].tolist() == [12.0, 30.0]
    np.testing.assert_allclose(marks["survival"], [2 / 9, 2 / 9])
    assert "censored at treatment duration" in med["event_definition"]


def test_without_censor_time_the_same_patients_are_excluded_not_censored():
    spec = {k: v for k, v in CENSORED.items() if k != "censor_time"}
    stats, results = _run(spec)
    med = _row(stats, "median")
    assert (med["n"], med["n_events"], med["n_censored"], med["n_excluded"]) == (7, 7, 0, 3)
    assert med["excluded_reason"] == "3 patients excluded (Time to resolution unknown)"
    assert results["res"].curves["survival"].iloc[-1] == 0.0 and results["res"].censored.empty


def test_event_variable_censors_at_the_time_and_counts_unknown_events():
    frame = FRAME.assign(resolved=pd.array([True, True, False, True, None, False, True, True, True, False]))
    frame.loc[6, "resolution_days"] = 12.0
    stats, results = _run({"id": "res", "time": "resolution_days", "event": "resolved"}, frame=frame)
    patients = _row(stats, "patients")
    # p5: event unknown; p6, p8: no time; p3, p10 censored
    assert (patients["n"], patients["n_events"], patients["n_censored"], patients["n_excluded"]) == (
        7,
        5,
        2,
        3,
    )
    assert (
        patients["excluded_reason"]
        == "3 patients excluded (2: Time to resolution unknown; 1: Resolved unknown)"
    )
    assert sorted(results["res"].censored["time"]) == [2.0, 4.0]


def test_negative_times_are_excluded_and_counted():
    frame = FRAME.assign(resolution_days=FRAME["resolution_days"].where(FRAME.index != 0, -2.0))
    stats, _ = _run(CENSORED, frame=frame)
    patients = _row(stats, "patients")
    assert (patients["n"], patients["n_excluded"]) == (8, 2)
    assert "1: negative time (Time to resolution or its censoring time)" in patients["excluded_reason"]


def test_grouped_counts_per_group_and_for_the_analysis():
    stats, results = _run(GROUPED)
    patients = _row(stats, "patients")
    assert (patients["n"], patients["n_excluded"]) == (7, 3)
    assert patients["excluded_reason"] == (
        "3 patients excluded (1: Time to resolution and treatment duration unknown; "
        "1: Arm unknown; 1: Arm not an analysed group)"
    )
    a, b = _row(stats, "median", "Arm A"), _row(stats, "median", "Arm B")
    assert (a["n"], a["n_events"], a["n_censored"], a["n_excluded"]) == (4, 3, 1, 0)
    assert (b["n"], b["n_events"], b["n_censored"], b["n_excluded"]) == (3, 2, 1, 1)
    assert b["excluded_reason"] == "1 patient excluded (Time to resolution and treatment duration unknown)"
    assert set(results["res"].censored["group"]) == {"Arm A", "Arm B"}
    assert _row(stats, "logrank")["n_used"] == 7


def test_median_ci_follows_ci_type():
    medians = {}
    for ci_type in ("log-log", "log", "plain"):
        stats, _ = _run({**CENSORED, "ci_type": ci_type})
        med = _row(stats, "median")
        ref = median_survival([1.0, 2, 2, 5, 8, 30, 12, 3, 4], [1, 1, 1, 1, 1, 0, 0, 1, 1], ci_type=ci_type)
        high = np.inf if np.isnan(ref.ci_high) else ref.ci_high  # not reached: inf in the stats frame
        assert (med["median"], med["ci_low"], med["ci_high"]) == (ref.median, ref.ci_low, high)
        medians[ci_type] = (med["ci_low"], med["ci_high"])
    assert len(set(medians.values())) > 1  # the transform changes the interval on these data


def test_an_empty_cohort_and_an_all_censored_group_do_not_fail():
    stats, results = _run(GROUPED, frame=FRAME.iloc[0:0])
    assert (_row(stats, "patients")["n"], _row(stats, "patients")["n_excluded"]) == (0, 0)
    assert results["res"].censored.empty
    censored_only = FRAME.assign(resolution_days=np.nan)
    stats, results = _run(CENSORED, frame=censored_only)
    med = _row(stats, "median")
    assert (med["n"], med["n_events"], med["n_censored"]) == (9, 0, 9) and np.isnan(med["median"])
    fig = km_plot(results["res"].curves, censored=results["res"].censored)
    assert len(_mark_lines(fig)) == 1


@pytest.mark.parametrize(
    ("spec", "fragments"),
    [
        (
            {**CENSORED, "event_when_observed": False},
            ["survival/0/event", "no event definition"],
        ),
        ({**CENSORED, "event": "resolved"}, ["survival/0/censor_time", "without event_when_observed"]),
        ({**CENSORED, "censor_time": "sex"}, ["survival/0/censor_time", "not a number", "sex"]),
        ({**CENSORED, "censor_time": "nope"}, ["survival/0/censor_time", "not available", "nope"]),
    ],
)
def test_bad_censor_time_raises_a_config_error_naming_the_key(spec, fragments):
    frame = FRAME.assign(resolved=True)
    with pytest.raises(ConfigError) as err:
        survival_statistics(frame, items("survival", [spec]), {**VARIABLES}, {}, statistics(), set())
    assert all(f in str(err.value) for f in fragments), str(err.value)


def test_a_time_that_is_not_a_number_names_patient_variable_and_value():
    frame = FRAME.assign(treatment_days=FRAME["treatment_days"].astype(object))
    frame.loc[6, "treatment_days"] = "twelve"
    with pytest.raises(InputError) as err:
        _run(CENSORED, frame=frame)
    text = str(err.value)
    assert all(f in text for f in ("p7", "treatment_days", "twelve", "a number")), text


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        (
            lambda s: s.pop("event_when_observed"),
            ["tables/survival/analyses/0/censor_time", "without event_when_observed"],
        ),
        (
            lambda s: s.update(censor_time="live_status"),
            ["tables/survival/analyses/0/censor_time", "not a number"],
        ),
        (
            lambda s: s.update(censor_time="anakinra_durations"),
            ["tables/survival/analyses/0/censor_time", "unknown variable"],
        ),
    ],
)
def test_config_cross_checks_name_the_censor_time_key(root, tmp_path, monkeypatch, edit, fragments):
    monkeypatch.chdir(root)
    cfg = yaml.safe_load((root / "config/config.yaml").read_text())
    analysis = cfg["tables"]["survival"]["analyses"][0]  # the flagship's declared survival table
    assert analysis["censor_time"] == "anakinra_duration_days"
    edit(analysis)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=root)
    assert all(f in str(err.value) for f in fragments), str(err.value)


def _mark_lines(fig) -> list[Line2D]:
    return [a for a in fig.axes[0].lines if str(a.get_gid()).startswith("censored-")]


def test_km_plot_draws_a_plus_at_each_censoring_time_and_carries_the_curve_to_it():
    _, results = _run(GROUPED)
    res = results["res"]
    fig = km_plot(res.curves, censored=res.censored)
    marks = {line.get_gid(): line for line in _mark_lines(fig)}
    assert set(marks) == {"censored-Arm A", "censored-Arm B"}
    for group, line in marks.items():
        expected = res.censored[res.censored["group"] == group.removeprefix("censored-")]
        assert line.get_marker() == "+" and line.get_linestyle() == "None"
        np.testing.assert_allclose(line.get_xdata(), expected["time"])
        np.testing.assert_allclose(line.get_ydata(), expected["survival"])
    curve_b = next(a for a in fig.axes[0].lines if a.get_gid() == "km-Arm B")
    assert max(curve_b.get_xdata()) == 30.0  # last follow-up, not the last event (5)
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Censored" in texts
    assert km_plot(res.curves).axes[0].get_legend().get_texts()[-1].get_text() != "Censored"


def test_km_plot_time_axis_max_counts_hidden_marks():
    _, results = _run(CENSORED)
    fig = km_plot(results["res"].curves, censored=results["res"].censored, time_axis_max=20)
    assert fig.axes[0].get_xlim()[1] == 20
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Censored (1 beyond the axis)" in texts


def test_time_axis_max_bounds_the_numbers_at_risk():
    _, results = _run({**CENSORED, "time_axis_max": 10})
    assert results["res"].at_risk["time"].max() <= 10


def test_km_note_and_table_footnote_say_who_was_analysed_censored_and_excluded():
    stats, _ = _run(CENSORED, synthetic={"treatment_days"})
    note = km_note(stats, "res")
    assert note.splitlines()[-1] == SYNTHETIC_NOTE
    assert "1 patient excluded (Time to resolution and treatment" in note.replace("\n", " ")
    config = filled({"survival": [CENSORED], "variables": VARIABLES, "tables": {}, "study": {}})
    table = build_survival_table(stats, config)
    foot = " ".join(table.footnotes)
    assert (
        "9 patients analysed: 7 events, 2 censored; "
        "1 patient excluded (Time to resolution and treatment duration unknown)." in foot
    )
    assert table.rows[1].cells[1] == "9 (7)"
    stats, _ = _run({**CENSORED, "id": "res"}, frame=FRAME.iloc[:5])
    assert km_note(stats, "res") is None


def test_km_plot_leaves_out_thousands_of_censoring_marks_and_says_so(monkeypatch):
    # user trial, flchain: 5,705 marks drew a solid band over the curves
    import retrocohort.figures.survival as survival_figure

    _, results = _run(GROUPED)
    res = results["res"]
    monkeypatch.setattr(survival_figure, "MAX_CENSOR_MARKS", len(res.censored) - 1)
    fig = km_plot(res.curves, censored=res.censored)
    assert _mark_lines(fig) == []
    texts = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert f"Censored: {len(res.censored):,}, not marked" in texts
