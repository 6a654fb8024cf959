"""Model terms of a regression table (issue 23 item 6): the global likelihood-ratio p on a
multi-level predictor's first row, strata, interactions with readable labels, the
proportional-hazards footnote, and the config mistakes refused at load naming their key."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from loaded_sections import table as loaded_table

from retrocohort.analysis.regression import regression_analysis
from retrocohort.config.study import load_study
from retrocohort.errors import ConfigError
from retrocohort.tables.regression_table import build_regression_table


@pytest.fixture
def trial() -> pd.DataFrame:
    """120 patients, three arms, sex, age; death times from a seeded exponential model."""
    rng = np.random.default_rng(7)
    n = 120
    arm = np.array(["A", "B", "C"] * (n // 3))
    sex = np.array(["m", "f"] * (n // 2))
    age = rng.normal(60, 10, n).round(1)
    hazard = np.exp(0.03 * (age - 60) + np.where(arm == "B", 0.5, 0) + np.where(arm == "C", 0.9, 0))
    time = rng.exponential(1 / hazard).round(3) * 100
    died = (rng.uniform(size=n) < 0.8).astype(int)
    return pd.DataFrame({"time": time, "died": died, "arm": arm, "sex": sex, "age": age})


def _spec(**extra) -> dict:
    return {
        "kind": "cox",
        "time": "time",
        "event": "died",
        "predictors": ["arm", "age"],
        "multivariable": ["arm", "sex", "age"],
        "reference_levels": {"arm": "A", "sex": "m"},
        "conf_level": 0.95,
        **extra,
    }


LABELS = {"arm": "Treatment arm", "sex": "Sex", "age": "Age (years)"}
LEVELS = {"arm": {"A": "Arm A", "B": "Arm B", "C": "Arm C"}, "sex": {"m": "Male", "f": "Female"}}


def _table(results: pd.DataFrame, **extra):
    """The regression table of a loaded ``kind: regression`` entry (schema defaults filled)."""
    spec = loaded_table({"kind": "regression", "model": "cox", "time": "time", "event": "died",
                         "predictors": ["arm"]})  # fmt: skip
    return build_regression_table(results, {**spec, "labels": LABELS, "level_labels": LEVELS, **extra})


def test_global_p_is_printed_on_the_header_row_and_named_in_a_footnote(trial):
    """Without global_p the header row of the three-arm predictor is empty (as before issue 23);
    with it, both its univariable and adjusted p cells hold the likelihood-ratio p."""
    plain = _table(regression_analysis(trial, _spec()).to_frame())
    header = next(r for r in plain.rows if r.cells[0] == "Treatment arm")
    assert header.cells[5] == "" and header.cells[8] == ""
    analysis = regression_analysis(trial, _spec(global_p=True))
    table = _table(analysis.to_frame())
    header = next(r for r in table.rows if r.cells[0] == "Treatment arm")
    (uv,) = analysis.univariable["arm"].global_tests
    (mv,) = [t for t in analysis.multivariable.global_tests if t.term == "arm"]
    assert uv.df == mv.df == 2 and 0 < uv.p_value < 1
    assert header.cells[5] != "" and header.cells[8] != ""
    level = next(r for r in table.rows if r.cells[0] == "Arm B")
    assert level.cells[5] == f"{analysis.univariable['arm'].term('arm: B vs A').p_value:.3f}"
    assert any("likelihood-ratio test" in str(f) for f in table.footnotes)
    assert not [t for t in analysis.multivariable.global_tests if t.term in ("age", "sex")]  # 1 df: Wald p


def test_interaction_rows_read_from_level_labels_never_internal_names(trial):
    spec = _spec(global_p=True, interactions=[["arm", "sex"]])
    frame = regression_analysis(trial, spec).to_frame()
    table = _table(frame)
    labels = [str(r.cells[0]) for r in table.rows]
    assert "Treatment arm × Sex" in labels
    assert "Arm B × Female" in labels and "Arm C × Female" in labels
    assert not any("arm:" in s or "vs" in s for s in labels)
    header = table.rows[labels.index("Treatment arm × Sex")]
    assert header.cells[8] != ""  # the 2-df interaction's global p
    # the main effects of an interaction get no global p (R drop1 respects marginality)
    assert table.rows[labels.index("Treatment arm")].cells[8] == ""
    assert any("interaction Treatment arm × Sex" in str(f) for f in table.footnotes)


def test_ph_footnote_names_the_terms_below_the_threshold_else_one_sentence(trial):
    frame = regression_analysis(trial, _spec()).to_frame()
    quiet = [str(f) for f in _table(frame, ph_threshold=1e-12).footnotes if "Grambsch–Therneau" in str(f)]
    assert len(quiet) == 1 and "no term with p < 1e-12" in quiet[0]
    loud = [str(f) for f in _table(frame, ph_threshold=1.0).footnotes if "Grambsch–Therneau" in str(f)]
    assert len(loud) == 1 and "Treatment arm (adjusted model" in loud[0] and "may vary over time" in loud[0]
    assert set(frame.columns) >= {
        "ph_chisq",
        "ph_df",
        "ph_p",
        "ph_global_chisq",
        "ph_global_df",
        "ph_global_p",
    }


def test_strata_give_no_hazard_ratio_and_a_footnote(trial):
    spec = _spec(predictors=["arm"], multivariable=["arm", "age"], reference_levels={"arm": "A"})
    frame = regression_analysis(trial, {**spec, "strata": "sex"}).to_frame()
    assert "sex" not in set(frame["variable"]) and set(frame["strata"]) == {"sex"}
    plain = regression_analysis(trial, spec).to_frame()
    assert not np.allclose(frame["coefficient"], plain["coefficient"])
    notes = [str(f) for f in _table(frame).footnotes]
    assert any(f.startswith("Stratified by Sex") for f in notes)
    # the record's method names the stratification, so the Methods page can state it
    assert (
        frame["method"]
        .str.contains("stratified by sex (a separate baseline hazard per stratum", regex=False)
        .all()
    )
    assert not plain["method"].str.contains("stratified").any()


def test_logistic_table_has_no_ph_check(trial):
    trial = trial.assign(dead=trial["died"])
    spec = {"kind": "logistic", "outcome": "dead", "predictors": ["arm"], "reference_levels": {"arm": "A"}}
    frame = regression_analysis(trial, {**spec, "global_p": True}).to_frame()
    assert "ph_p" not in frame and frame["global_p"].notna().all()
    assert not [f for f in _table(frame).footnotes if "Grambsch–Therneau" in str(f)]


# -- mistakes refused at load, naming the key --------------------------------------------------


def _problems(root, tmp_path, monkeypatch, table: dict) -> list:
    study = root / "studies" / "pbc"
    monkeypatch.chdir(study)
    cfg = yaml.safe_load((study / "config/config.yaml").read_text(encoding="utf-8"))
    cfg["tables"]["t9"] = table
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        load_study(path, base_dir=study)
    except ConfigError as exc:
        return exc.problems
    return []


COX = {"kind": "regression", "model": "cox", "time": "time", "event": "died", "predictors": ["age"]}


@pytest.mark.parametrize(
    "table, key",
    [
        ({**COX, "strata": "nonexistent"}, "tables/t9/strata"),
        ({**COX, "strata": "age"}, "tables/t9/strata"),
        ({**COX, "multivariable": ["age", "trt"], "strata": "trt"}, "tables/t9/strata"),
        ({**COX, "strata": "bili"}, "tables/t9/strata"),
        (
            {
                "kind": "regression",
                "model": "logistic",
                "outcome": "died",
                "predictors": ["age"],
                "strata": "sex",
            },
            "tables/t9/strata",
        ),
        (
            {**COX, "multivariable": ["age", "trt"], "interactions": [["trt", "nosuch"]]},
            "tables/t9/interactions/0/1",
        ),
        (
            {**COX, "multivariable": ["age", "trt"], "interactions": [["trt", "sex"]]},
            "tables/t9/interactions/0",
        ),
        (
            {**COX, "multivariable": ["age", "trt"], "interactions": [["trt", "trt"]]},
            "tables/t9/interactions/0",
        ),
        ({**COX, "interactions": [["age", "trt"]]}, "tables/t9/interactions/0"),
    ],
)
def test_model_term_mistakes_are_refused_at_load_naming_the_key(root, tmp_path, monkeypatch, table, key):
    problems = _problems(root, tmp_path, monkeypatch, table)
    assert key in [str(p.column) for p in problems], problems


def test_global_p_on_a_table_without_a_model_is_refused_naming_it(root, tmp_path, monkeypatch):
    table = {"kind": "descriptive", "rows": [{"variable": "age"}], "global_p": True}
    problems = _problems(root, tmp_path, monkeypatch, table)
    assert [p for p in problems if p.column == "tables/t9" and "'global_p'" in p.message], problems


def test_a_correct_model_term_config_loads(root, tmp_path, monkeypatch):
    table = {
        **COX,
        "multivariable": ["age", "trt", "edema"],
        "strata": "sex",
        "interactions": [["trt", "edema"]],
    }
    table["reference_levels"] = {"trt": "d_penicillamine", "edema": "none"}
    assert _problems(root, tmp_path, monkeypatch, table) == []


def test_each_interaction_column_has_its_own_manuscript_placeholder(root, trial, monkeypatch):
    """The columns of one interaction share variable and level (none): the results skeleton
    refused the study ("placeholder key ... defined twice") before the key took each factor's
    level."""
    from retrocohort.manuscript.sources_declared import regression_entries

    study = root / "studies" / "pbc"
    monkeypatch.chdir(study)
    config = load_study(study / "config" / "config.yaml", base_dir=study).data
    spec = _spec(global_p=True, interactions=[["arm", "sex"]])
    records = regression_analysis(trial, spec).to_frame().to_dict("records")
    space = regression_entries(records, "results/stats/t.json", "cox_trt_by_edema", config)
    keys = [k for k in space.keys() if "arm_sex" in k and k.endswith(".ratio")]
    assert sorted(keys) == [
        "tables.cox_trt_by_edema.multivariable.arm_sex.b.f.ratio",
        "tables.cox_trt_by_edema.multivariable.arm_sex.c.f.ratio",
    ]
