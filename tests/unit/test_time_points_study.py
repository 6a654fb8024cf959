"""Time point configuration: schema and cross-checks, and a study whose Table 3 compares
``baseline`` with ``year1`` (columns, headers, repeated-measures row)."""

import copy

import numpy as np
import pandas as pd
import pytest
import yaml
from loaded_sections import filled, statistics

from retrocohort.analysis.paired_study import paired_study_statistics
from retrocohort.analysis.repeated import repeated_statistics
from retrocohort.config.check import SCHEMA_PATH, load_config, read_yaml
from retrocohort.config.study import fill_defaults
from retrocohort.config.time_points import day_range, paired_time_points, repeated_time_points
from retrocohort.errors import ConfigError
from retrocohort.stats.repeated_measures import friedman
from retrocohort.tables.build import build_table3

TIME_POINTS = {
    "baseline": {"day": 0, "window": [-30, 0]},
    "month6": {"day": 180, "window": [150, 210], "rule": "last"},
    "year1": {"day": 365, "window": [300, 430], "label": "1 year"},
}


def _flagship(root) -> dict:
    return yaml.safe_load((root / "config/config.yaml").read_text())


def _with_time_points(cfg: dict) -> dict:
    cfg.pop("paired_days", None)
    cfg.update(
        time_points=copy.deepcopy(TIME_POINTS),
        paired_time_points=["baseline", "year1"],
        repeated_time_points=["baseline", "month6", "year1"],
    )
    return cfg


def _load(cfg: dict, root, tmp_path) -> dict:
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    return load_config(path, base_dir=root)


def test_a_time_points_study_is_valid_and_resolves_its_points(root, tmp_path, monkeypatch):
    monkeypatch.chdir(root)
    cfg = fill_defaults(_load(_with_time_points(_flagship(root)), root, tmp_path), read_yaml(SCHEMA_PATH))
    first, second = paired_time_points(cfg)
    assert (first.name, first.window, first.rule, first.tie) == ("baseline", (-30, 0), "closest", "earlier")
    assert (second.title, second.window) == ("1 year", (300, 430))
    assert [p.name for p in repeated_time_points(cfg)] == ["baseline", "month6", "year1"]
    assert day_range(cfg) == (-365, 3650)


@pytest.mark.parametrize(
    "edit, fragments",
    [
        (lambda c: c["time_points"]["year1"].update(rule="median"), ["time_points/year1/rule", "median"]),
        (lambda c: c["time_points"]["year1"].update(tie="random"), ["time_points/year1/tie"]),
        (
            lambda c: c["time_points"]["year1"].update(window=[430, 300]),
            ["time_points/year1/window", "starts after it ends"],
        ),
        (
            lambda c: c["time_points"]["year1"].update(window=[300, 360]),
            ["time_points/year1/day", "outside its window", "[300, 360]"],
        ),
        (
            lambda c: c.update(paired_time_points=["baseline", "year2"]),
            ["paired_time_points/1", "unknown time point", "year2"],
        ),
        (
            lambda c: c.update(repeated_time_points=["baseline", "month9", "year1"]),
            ["repeated_time_points/1", "unknown time point", "month9"],
        ),
        (lambda c: c.update(repeated_time_points=["baseline", "year1"]), ["repeated_time_points"]),
        (
            lambda c: c.update(paired_days=[0, 14]),
            ["paired_time_points", "both paired_days and paired_time_points"],
        ),
        (lambda c: c.update(day_range=[0, 300]), ["time_points/year1/day", "outside the study window"]),
        (lambda c: c.update(day_range=[10, 0]), ["day_range", "starts after it ends"]),
        (lambda c: c["time_points"].update({"Year 2": {"day": 730}}), ["time_points", "Year 2"]),
        (
            lambda c: c["time_points"]["year1"].update(rule="worst"),
            ["time_points/year1/rule", "worst direction", "variables/fever"],
        ),
    ],
)
def test_time_point_mistakes_are_refused_with_their_key(root, tmp_path, monkeypatch, edit, fragments):
    monkeypatch.chdir(root)
    cfg = _with_time_points(_flagship(root))
    edit(cfg)
    with pytest.raises(ConfigError) as err:
        _load(cfg, root, tmp_path)
    assert all(f in str(err.value) for f in fragments), str(err.value)


def _cohort_measurements(rng: np.random.Generator, n: int = 12) -> pd.DataFrame:
    """crp at a screening visit, an early and a late 6-month visit, and near one year."""
    rows = []
    for i in range(n):
        pid = f"P{i:02d}"
        base = float(rng.integers(50, 150))
        rows += [
            (pid, "crp", -10, base + 5),
            (pid, "crp", -2, base),
            (pid, "crp", 160, base / 2),
            (pid, "crp", 200, base / 3),
            (pid, "crp", 350 + i, base / 4 + i),
            (pid, "fever", -1, 1.0),
            (pid, "fever", 370, float(i % 3 == 0)),
            (pid, "fever", 180, float(i % 2)),
        ]
    return pd.DataFrame(rows, columns=["patient_id", "variable", "day", "value"])


def test_a_time_points_study_names_its_columns_and_headers_from_the_points():
    config = _with_time_points(
        {
            "statistics": {"rounding": "half_up"},
            "study": {"synthetic_note": "Synthetic."},
            "tables": {"table3": {"parameters": [{"variable": "crp"}, {"variable": "fever"}]}},
        }
    )
    variables = {"crp": {"kind": "continuous", "label": "CRP"}, "fever": {"kind": "binary"}}
    meas = _cohort_measurements(np.random.default_rng(1))
    parameters = config["tables"]["table3"]["parameters"]
    study = {"variables": variables, "statistics": statistics()}
    ids = meas["patient_id"].unique()
    stats, _ = paired_study_statistics(meas, ids, parameters, study, paired_time_points(config), set())
    assert {"baseline_median", "year1_median", "baseline_count", "year1_count"} <= set(stats.columns)
    assert not any(c.startswith(("day0_", "day7_")) for c in stats.columns)
    crp = stats[(stats["variable"] == "crp") & (stats["role"] == "main")].iloc[0]
    expected_base = meas[(meas["variable"] == "crp") & (meas["day"] == -2)]["value"].median()
    assert crp["baseline_median"] == pytest.approx(expected_base)  # closest to 0 within [-30, 0]
    assert crp["n_pairs"] == 12 and crp["days"] == "0 vs 365"

    repeated = repeated_statistics(meas, parameters, variables, repeated_time_points(config), statistics())
    rep = repeated.set_index("variable")
    assert rep.loc["crp", "test"] == "Friedman" and rep.loc["fever", "test"] == "Cochran's Q"
    by_point = meas[meas["variable"] == "crp"].pivot(index="patient_id", columns="day", values="value")
    direct = np.column_stack(
        [by_point[-2], by_point[200], by_point[[350 + i for i in range(12)]].bfill(axis=1).iloc[:, 0]]
    )
    assert rep.loc["crp", "p_value"] == pytest.approx(friedman(direct).p_value, rel=1e-12)  # month6: last
    assert rep.loc["crp", "n"] == 12 and "month6_median" in rep.columns

    table = build_table3(pd.concat([stats, repeated], ignore_index=True), filled(config))
    assert table.columns == [
        "Parameter (n)",
        "Day 0",
        "1 year",
        "p-Value",
        "p-Value (Day 0, Day 180, 1 year)",
    ]
    assert all(len(row.cells) == 5 for row in table.rows)
    assert any("1 year: the value closest to day 365 within days 300 to 430" in f for f in table.footnotes)
    assert any("Friedman test (continuous) or Cochran's Q (binary)" in f for f in table.footnotes)
    assert len(build_table3(stats, filled({**config, "repeated_time_points": None})).columns) == 4


def test_methods_text_names_the_time_points_and_the_repeated_test():
    """The manuscript's methods paragraph names the study's time points (not "Day 0 and Day 7")
    and says which test compared the repeated time points."""
    from retrocohort.manuscript.methods import methods_markdown

    config = {
        "statistics": {
            "quantile_type": 7,
            "rounding": "half_up",
            "p_value": {"decimals": 3, "threshold": 0.001},
            "multiplicity": "none",
            "hodges_lehmann": {"conf_level": 0.95},
        },
        "tables": {"table3": {}},
        "study": {},
        "time_points": {
            "baseline": {"day": 0},
            "year1": {"day": 365, "window": [300, 430], "label": "1 year"},
        },
        "paired_time_points": ["baseline", "year1"],
    }
    paired = [
        {
            "role": "main",
            "test": "Wilcoxon signed-rank",
            "method": "Wilcoxon signed-rank test.",
            "label": "CRP",
        },
        {"role": "repeated", "test": "Friedman", "method": "Friedman rank test.", "label": "CRP"},
    ]
    text = methods_markdown(config, {"results/stats/table3_paired.json": paired}, synthetic=False)
    assert "Day 0 and 1 year values were compared" in text
    assert "Across the repeated time points: Friedman rank test" in text and "(CRP) [2]." in text
