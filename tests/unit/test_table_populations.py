"""Every table has a population and time points (issue 22, deliverable 3): a long-format row of
any table takes its value at a declared time point (window, rule, tie), never silently on day 0;
`where:` restricts a table to the patients meeting a condition, stated with its n."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from loaded_sections import edited_flagship, filled

from retrocohort.analysis.declared_tables import declared_table_statistics, table_population
from retrocohort.analysis.frames import cohort_frame
from retrocohort.config.time_points import describe_time_point, row_columns, time_points
from retrocohort.errors import ConfigError
from retrocohort.stats.quantiles import quantile
from retrocohort.tables.declared_tables import build_declared_table

N = 20


def _study(tid: str, table: dict, **top) -> dict:
    """A minimal resolved config (schema defaults filled): one patient variable, one derived
    flag, one long-format lab."""
    return filled(
        {
            "variables": {
                "age": {"label": "Age", "kind": "continuous", "table": "patients"},
                "arm": {"label": "Arm", "kind": "categorical", "table": "patients", "categories": ["a", "b"]},
                "ferritin": {"label": "Ferritin", "kind": "continuous", "table": "measurements"},
            },
            "derived": {},
            "baseline_day": 0,
            "paired_days": [0, 7],
            "time_points": {"baseline": {"day": 0, "window": [-3, 0], "rule": "closest", "tie": "earlier"}},
            "statistics": {"quantile_type": 7, "rounding": "half_up", "p_value": {}},
            "tables": {"preset": "ama", tid: table},
            **top,
        }
    )


def _files(tmp_path) -> dict[str, str]:
    """Parquet inputs of 20 patients: ferritin on day 0 for one patient only, on day -2 (and a
    farther day -3 value) for the others: a day-0 table would see 1 of 20."""
    ids = [f"p{i:02d}" for i in range(N)]
    patients = pd.DataFrame(
        {"patient_id": ids, "age": np.arange(N, dtype=float) + 40, "arm": ["a", "b"] * (N // 2)}
    )
    rows = [(ids[0], 0, 100.0)]
    rows += [(pid, -2, 200.0 + 10 * i) for i, pid in enumerate(ids[1:], start=1)]
    rows += [(pid, -3, 9999.0) for pid in ids]  # in the window but farther from day 0: never chosen
    rows += [(pid, 5, 1.0) for pid in ids]  # outside the window
    meas = pd.DataFrame(rows, columns=["patient_id", "day", "value"]).assign(variable="ferritin")
    paths = {
        "cohort": pd.DataFrame({"patient_id": ids}),
        "patients": patients,
        "measurements": meas,
        "sources": pd.DataFrame({"variable": ["age", "arm", "ferritin"], "synthetic": [False] * 3}),
    }
    out = {}
    for name, frame in paths.items():
        out[name] = str(tmp_path / f"{name}.parquet")
        frame.to_parquet(out[name])
    return out


TABLE = {"kind": "descriptive", "rows": [{"variable": "age"}, {"variable": "ferritin"}], "missing": "ifany"}


def test_a_long_format_row_takes_its_baseline_window_not_day_0(tmp_path):
    """Failed before: the cohort_table frame held day-0 values only (n = 1 of 20)."""
    config = _study("t", TABLE)
    columns = row_columns(config, "t")
    frame, _ = cohort_frame(_files(tmp_path), config, columns)
    stats = declared_table_statistics(
        frame, "t", config["tables"]["t"], config["variables"], config["statistics"], columns
    )
    row = stats[stats["variable"] == "ferritin"].iloc[0]
    expected = np.array([100.0] + [200.0 + 10 * i for i in range(1, N)])  # day 0, else day -2
    assert row["n@Overall"] == N
    assert row["median@Overall"] == pytest.approx(quantile(expected, [0.5], 7)[0])
    assert (row["time_point"], row["time_point_window"]) == ("baseline", "-3 to 0")
    assert stats.loc[stats["variable"] == "age", "time_point"].iloc[0] == ""
    # the day-0 frame the rule used before would have described 1 patient of 20
    day0, _ = cohort_frame(_files(tmp_path), config)
    assert day0["ferritin"].notna().sum() == 1


def test_row_and_table_time_points_override_the_baseline_and_one_variable_at_two_points(tmp_path):
    table = {
        **TABLE,
        "time_point": "day7",
        "rows": [{"variable": "ferritin", "time_point": "baseline"}, {"variable": "ferritin"}],
    }
    config = _study(
        "t",
        table,
        time_points={
            "baseline": {"day": 0, "window": [-3, 0]},
            "day7": {"day": 7, "window": [3, 10]},
        },
    )
    columns = row_columns(config, "t")
    assert [c for c, _, _ in columns.values()] == ["ferritin@baseline", "ferritin@day7"]
    frame, _ = cohort_frame(_files(tmp_path), config, columns)
    stats = declared_table_statistics(
        frame, "t", config["tables"]["t"], config["variables"], config["statistics"], columns
    )
    assert list(stats["variable"]) == ["ferritin", "ferritin"]
    assert list(stats["time_point"]) == ["baseline", "day7"]
    assert stats["median@Overall"].iloc[1] == 1.0  # the day-5 values


def test_where_restricts_the_population_and_the_footnote_states_it_with_its_n(tmp_path):
    table = {**TABLE, "title": "Arm b ({n})", "where": [{"column": "arm", "operator": "==", "value": "b"}]}
    config = _study("t", table)
    columns = row_columns(config, "t")
    frame, _ = cohort_frame(_files(tmp_path), config, columns)
    population = table_population(frame, config["tables"]["t"], "t")
    assert len(population) == N // 2 and set(population["arm"]) == {"b"}
    stats = declared_table_statistics(
        population, "t", config["tables"]["t"], config["variables"], config["statistics"], columns
    )
    text = "\n".join(build_declared_table(stats, "t", config, n_patients=len(population)).footnotes)
    assert "Patients with Arm = b (n = 10)." in text
    assert "Ferritin at Day 0: the value closest to day 0 within days -3 to 0 (ties: earlier)." in text
    assert build_declared_table(stats, "t", config, n_patients=len(population)).title == "Arm b (10)"


def test_time_point_wording():
    points = time_points({"time_points": {"b": {"day": 0, "window": [-3, 0]}, "e": {"day": 0}}})
    assert describe_time_point(points["b"]) == "value closest to day 0 within days -3 to 0 (ties: earlier)"
    assert describe_time_point(points["e"]) == "value on day 0"


def _load(root, tmp_path, monkeypatch, edit):
    return edited_flagship(root, tmp_path, monkeypatch, edit)


LAB_TABLE = {"kind": "descriptive", "rows": [{"variable": "age"}, {"variable": "ferritin"}]}


def _drop_baseline(c: dict) -> None:
    del c["baseline_time_point"]


@pytest.mark.parametrize(
    "edit, key, fragment",
    [
        (  # a lab row without any time point: never a silent day 0
            lambda c: (_drop_baseline(c), c["tables"].update(t={**LAB_TABLE})),
            "tables/t/rows/1/time_point",
            "long-format",
        ),
        (  # the classic Table 1 too
            _drop_baseline,
            "tables/table1/rows/19/time_point",
            "long-format",
        ),
        (  # the classic Table 2 (the flagship's, written without `kind:`) reads patient-level variables only
            lambda c: (
                c["tables"]["table2"].pop("kind"),
                c["tables"]["table2"]["columns"].append({"variable": "ferritin", "header": "F"}),
            ),
            "tables/table2/columns/11/variable",
            "classic Table 2",
        ),
        (  # a group comparison has no time point: a lab outcome would be a silent day 0
            lambda c: c["tables"]["groups"]["comparisons"][0].update(outcome="ferritin"),
            "tables/groups/comparisons/0/outcome",
            "long-format",
        ),
        (
            lambda c: c["tables"].update(
                t={**LAB_TABLE, "rows": [{"variable": "ferritin", "time_point": "nope"}]}
            ),
            "tables/t/rows/0/time_point",
            "nope",
        ),
        (
            lambda c: c.update(baseline_time_point="nope"),
            "baseline_time_point",
            "nope",
        ),
        (
            lambda c: c["tables"].update(
                t={**LAB_TABLE, "where": [{"column": "no_such", "operator": "notna"}]}
            ),
            "tables/t/where/0/column",
            "no_such",
        ),
        (
            lambda c: c["tables"].update(
                t={**LAB_TABLE, "where": [{"column": "sex", "operator": "==", "value": "X"}]}
            ),
            "tables/t/where/0/value",
            "not a value of 'sex'",
        ),
        (
            lambda c: c["tables"].update(
                t={**LAB_TABLE, "where": [{"column": "ferritin", "operator": ">", "value": 500}]}
            ),
            "tables/t/where/0/column",
            "long-format",
        ),
    ],
)
def test_time_point_and_where_mistakes_are_refused_at_load(root, tmp_path, monkeypatch, edit, key, fragment):
    with pytest.raises(ConfigError) as err:
        _load(root, tmp_path, monkeypatch, edit)
    assert key in str(err.value) and fragment in str(err.value)


def test_a_declared_baseline_time_point_is_the_default(root, tmp_path, monkeypatch):
    def edit(c):
        _drop_baseline(c)
        c["time_points"] = {"baseline": {"day": 0, "window": [-3, 0]}}
        c.pop("paired_days")
        c["paired_time_points"] = ["baseline", "day7"]
        c["time_points"]["day7"] = {"day": 7}
        c["tables"]["t"] = {**LAB_TABLE, "where": [{"column": "sex", "operator": "==", "value": "male"}]}

    study = _load(root, tmp_path, monkeypatch, edit)
    assert row_columns(study.data, "t")["tables/t/rows/1"][2].window == (-3, 0)


def test_a_listing_shows_one_variable_at_two_time_points(tmp_path):
    table = {
        "kind": "listing",
        "columns": [
            {"variable": "patient_id", "header": "Patient"},
            {"variable": "ferritin", "header": "Ferritin, baseline", "time_point": "baseline", "decimals": 0},
            {"variable": "ferritin", "header": "Ferritin, day 7", "time_point": "day7", "decimals": 0},
        ],
    }
    config = _study(
        "l",
        table,
        time_points={"baseline": {"day": 0, "window": [-3, 0]}, "day7": {"day": 7, "window": [3, 10]}},
    )
    columns = row_columns(config, "l")
    frame, _ = cohort_frame(_files(tmp_path), config, columns)
    stats = declared_table_statistics(
        frame, "l", config["tables"]["l"], config["variables"], config["statistics"], columns
    )
    assert list(stats.columns) == ["patient_id", "ferritin@baseline", "ferritin@day7"]
    assert stats["ferritin@baseline"].iloc[1] == 210.0 and stats["ferritin@day7"].iloc[1] == 1.0
    printed = build_declared_table(stats, "l", config, n_patients=len(frame))
    assert printed.rows[1].cells[1:] == ["210", "1"]
    assert (
        "Ferritin at Day 0: the value closest to day 0 within days -3 to 0 (ties: earlier)."
        in printed.footnotes
    )


def test_a_regression_records_the_time_point_of_a_long_format_predictor(tmp_path):
    table = {
        "kind": "regression",
        "model": "logistic",
        "outcome": "old",
        "predictors": ["ferritin"],
        "time_point": "baseline",
    }
    config = _study("r", table)
    config["derived"] = {"old": {"less_than": {"variable": "age", "value": 50}}}
    columns = row_columns(config, "r")
    frame, _ = cohort_frame(_files(tmp_path), config, columns)
    frame = frame.assign(old=frame["age"] >= 50)
    stats = declared_table_statistics(
        frame, "r", config["tables"]["r"], config["variables"], config["statistics"], columns
    )
    assert int(stats["n"].iloc[0]) == N  # every patient has a value in the window (1 on day 0)
    assert set(stats["time_point"]) == {"baseline"} and set(stats["time_point_window"]) == {"-3 to 0"}
