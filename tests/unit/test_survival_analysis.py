"""Time-to-event analyses against statsmodels and hand-checkable step functions."""

import numpy as np
import pandas as pd
import pytest
from loaded_sections import items, statistics
from statsmodels.duration.survfunc import SurvfuncRight, survdiff

from retrocohort.analysis.survival import (
    at_risk_times,
    numbers_at_risk,
    survival_at,
    survival_statistics,
)
from retrocohort.errors import ConfigError

VARIABLES = {
    "days": {"kind": "continuous", "unit": "days"},
    "resolved": {"kind": "binary"},
    "arm": {"kind": "categorical", "categories": ["A", "B"]},
    "age": {"kind": "continuous"},
}
FRAME = pd.DataFrame(
    {
        "days": [1.0, 2, 2, 3, 4, 5, 6, 7, np.nan, 3],
        "resolved": pd.array(
            [True, True, False, True, False, True, True, False, True, None], dtype="boolean"
        ),
        "arm": ["A", "B", "A", "B", "A", "B", "A", "B", "A", "B"],
        "age": np.arange(10.0),
    }
)


def _run(spec, frame=FRAME, synthetic=frozenset()):
    return survival_statistics(frame, items("survival", [spec]), VARIABLES, {}, statistics(), set(synthetic))


def test_ungrouped_analysis_equals_statsmodels():
    stats, results = _run({"id": "s", "time": "days", "event": "resolved", "horizons": [0.5, 2, 6.5]})
    keep = FRAME["days"].notna() & FRAME["resolved"].notna()
    t, e = FRAME.loc[keep, "days"].to_numpy(), FRAME.loc[keep, "resolved"].to_numpy(dtype=float)
    sf = SurvfuncRight(t, e)
    km = stats[stats["role"] == "km"]
    np.testing.assert_allclose(km["time"], sf.surv_times)
    np.testing.assert_allclose(km["survival"], sf.surv_prob)
    np.testing.assert_allclose(km["n_at_risk"], sf.n_risk)
    med = stats[stats["role"] == "median"].iloc[0]
    assert med["median"] == sf.quantile(0.5) == 5.0
    assert (med["n"], med["n_events"], med["n_missing"]) == (8, 5, 2)
    hz = stats[stats["role"] == "horizon"].set_index("time")
    assert hz.loc[0.5, "survival"] == 1.0  # before the first event
    assert hz.loc[2.0, "survival"] == pytest.approx(7 / 8 * 6 / 7)  # step at t = 2 included
    assert hz.loc[6.5, "survival"] == pytest.approx(7 / 8 * 6 / 7 * 4 / 5 * 2 / 3 * 1 / 2)
    assert hz.loc[2.0, "n_at_risk"] == 7
    assert "logrank" not in set(stats["role"]) and results["s"].curves["group"].unique().tolist() == [
        "All patients"
    ]


def test_grouped_analysis_logrank_equals_statsmodels_survdiff():
    spec = {
        "id": "s",
        "time": "days",
        "event": "resolved",
        "group_variable": "arm",
        "groups": {"B": "Arm B", "A": "Arm A"},
    }
    stats, results = _run(spec, synthetic={"days"})
    keep = FRAME["days"].notna() & FRAME["resolved"].notna()
    chisq, p = survdiff(
        FRAME.loc[keep, "days"].to_numpy(),
        FRAME.loc[keep, "resolved"].to_numpy(dtype=float),
        FRAME.loc[keep, "arm"].to_numpy(),
    )
    test = stats[stats["role"] == "logrank"].iloc[0]
    assert test["statistic"] == pytest.approx(chisq) and test["p_value"] == pytest.approx(p)
    assert test["synthetic"] and test["details"]["df"] == 1
    assert stats.loc[stats["role"] == "median", "group"].tolist() == ["Arm B", "Arm A"]
    assert results["s"].at_risk["group"].unique().tolist() == ["Arm B", "Arm A"]


def test_event_when_observed_makes_every_time_an_event():
    stats, _ = _run({"id": "s", "time": "days", "event_when_observed": True})
    med = stats[stats["role"] == "median"].iloc[0]
    assert med["n"] == 9 and med["n_events"] == 9 and med["n_missing"] == 1
    assert "no censoring recorded" in med["event_definition"]


def test_a_single_present_group_gives_a_not_computed_logrank():
    frame = FRAME.assign(arm="A")
    stats, _ = _run({"id": "s", "time": "days", "event": "resolved", "group_variable": "arm"}, frame)
    assert stats.loc[stats["role"] == "logrank", "method"].iloc[0].startswith("not computed")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"id": "s", "time": "days"}, "no event definition"),
        ({"id": "s", "time": "days", "event": "age"}, "not binary"),
        ({"id": "s", "time": "nope", "event_when_observed": True}, "not available"),
    ],
)
def test_bad_specs_raise_located_config_errors(spec, message):
    with pytest.raises(ConfigError) as err:
        _run(spec)
    assert message in str(err.value) and "survival/0/" in str(err.value)


def test_numbers_at_risk_and_survival_at():
    assert numbers_at_risk(np.array([1.0, 2, 2, 5]), np.array([0, 2, 2.5, 6])).tolist() == [4, 3, 1, 0]
    km = pd.DataFrame(
        {"time": [1.0, 3.0], "survival": [0.5, 0.25], "ci_low": [0.1, 0.05], "ci_high": [0.9, 0.6]}
    )
    assert survival_at(km, 0.9) == (1.0, 1.0, 1.0)
    assert survival_at(km, 1.0) == (0.5, 0.1, 0.9)
    assert survival_at(km, 10.0) == (0.25, 0.05, 0.6)


def test_at_risk_times_start_at_zero_and_stay_in_range():
    ticks = at_risk_times(np.array([0.0, 3.0, 8.0]))
    assert ticks[0] == 0 and ticks[-1] <= 8 and np.all(np.diff(ticks) > 0)
    assert at_risk_times(np.array([0.0, 3.0, 8.0])).tolist() == ticks.tolist()


def test_km_plot_band_reaches_a_final_step_to_zero():
    from retrocohort.figures.survival import km_plot

    curves = pd.DataFrame(
        {
            "group": ["A"] * 3,
            "time": [1.0, 2.0, 8.0],
            "survival": [0.5, 0.25, 0.0],
            "ci_low": [0.2, 0.05, np.nan],
            "ci_high": [0.8, 0.6, np.nan],
        }
    )
    fig = km_plot(curves)
    band = [c for c in fig.axes[0].collections if (c.get_gid() or "") == "ci-A"][0]
    xs = np.concatenate([p.vertices[:, 0] for p in band.get_paths()])
    assert xs.max() == 8.0  # the [2, 8) interval is shaded
