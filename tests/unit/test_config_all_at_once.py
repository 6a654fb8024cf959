"""Every config mistake at load, all at once (issue 21, deliverable 5): schema and cross-reference
problems in one pass, mutually exclusive keys, values written as raw codes, outcomes without an
event level, measurement inputs of derived variables, listing columns, empty group tables."""

from __future__ import annotations

import pandas as pd
import pytest
from loaded_sections import statistics, table
from study_edits import problems_after_edit

from retrocohort.analysis.declared_tables import declared_table_statistics
from retrocohort.config.study import load_study
from retrocohort.errors import ConfigError
from retrocohort.render.markdown import to_markdown
from retrocohort.tables.declared_tables import build_declared_table


def _columns(problems) -> list[str]:
    return [p.column for p in problems]


@pytest.fixture
def pbc(root):
    return root / "studies" / "pbc"


# -- 1. one pass ------------------------------------------------------------------------------


def test_schema_errors_do_not_hide_cross_reference_errors(root, tmp_path, monkeypatch):
    def edit(c):
        c["tables"]["table1"]["rows"][1]["stat"] = "bogus"  # schema
        c["tables"]["groups"]["comparisons"][0]["outcome"] = "no_such_variable"  # cross-reference

    columns = _columns(problems_after_edit(root, tmp_path, monkeypatch, edit))
    assert "tables/table1/rows/1/stat" in columns
    assert "tables/groups/comparisons/0/outcome" in columns


def test_a_malformed_section_skips_only_its_own_checks(root, tmp_path, monkeypatch):
    def edit(c):
        analyses = c["tables"]["survival"]["analyses"]  # the flagship's declared survival table
        analyses[0]["time"] = 3  # schema: a number where a variable name is expected
        analyses[1]["event"] = "no_such_event"  # cross-reference in the next entry
        c["tables"]["broken"] = {"kind": "regression", "model": "cox", "predictors": "age"}  # schema
        c["tables"]["other"] = {"kind": "descriptive", "rows": [{"variable": "nope"}]}  # cross-ref

    problems = problems_after_edit(root, tmp_path, monkeypatch, edit)
    columns = _columns(problems)
    assert "tables/survival/analyses/0/time" in columns  # the schema error
    # index of the entry as written (entry 0 was set aside)
    assert "tables/survival/analyses/1/event" in columns
    assert "tables/other/rows/0/variable" in columns
    assert any(c.startswith("tables/broken") for c in columns)
    assert all(p.column for p in problems)


def test_a_wrong_type_of_a_whole_section_does_not_crash_the_checks(root, tmp_path, monkeypatch):
    def edit(c):
        c["survival"] = {"not": "a list"}
        c["sites"][next(iter(c["sites"]))]["sources"][0]["columns"] = ["a list"]
        c["tables"]["groups"]["comparisons"][0]["group_variable"] = "no_such_group"

    columns = _columns(problems_after_edit(root, tmp_path, monkeypatch, edit))
    assert "survival" in columns and "tables/groups/comparisons/0/group_variable" in columns


# -- 2. mutually exclusive keys -----------------------------------------------------------------


def test_survival_event_and_event_when_observed_together_are_refused(root, tmp_path, monkeypatch):
    problems = problems_after_edit(
        root, tmp_path, monkeypatch, lambda c: c["tables"]["survival"]["analyses"][0].update(event="died")
    )
    hit = [p for p in problems if p.column == "tables/survival/analyses/0/event_when_observed"]
    assert hit and "`event`" in hit[0].message and "`event_when_observed`" in hit[0].message


def test_at_risk_times_beyond_the_time_axis_are_refused_at_load(root, tmp_path, monkeypatch):
    def edit(c):
        c["tables"]["survival"]["analyses"][0].update(time_axis_max=14, at_risk_times=[0, 7, 21])

    problems = problems_after_edit(root, tmp_path, monkeypatch, edit)
    hit = [p for p in problems if p.column == "tables/survival/analyses/0/at_risk_times"]
    assert hit and hit[0].value == [21]
    ok = problems_after_edit(
        root,
        tmp_path,
        monkeypatch,
        lambda c: c["tables"]["survival"]["analyses"][0].update(at_risk_times=[0, 7]),
    )
    assert "tables/survival/analyses/0/at_risk_times" not in _columns(ok)


@pytest.mark.parametrize(
    "table, key",
    [
        ({"model": "cox", "time": "time", "event": "died", "outcome": "died"}, "outcome"),
        ({"model": "cox", "time": "time", "event": "died", "event_level": True}, "event_level"),
        ({"model": "logistic", "outcome": "died", "event": "died"}, "event"),
        ({"model": "logistic", "outcome": "died", "time": "time"}, "time"),
    ],
)
def test_keys_of_the_other_model_are_refused_naming_both(pbc, tmp_path, monkeypatch, table, key):
    spec = {"kind": "regression", "predictors": ["age"], **table}
    problems = problems_after_edit(pbc, tmp_path, monkeypatch, lambda c: c["tables"].update(t9=spec))
    hit = [p for p in problems if p.column == f"tables/t9/{key}"]
    assert hit and table["model"] in hit[0].message and key in hit[0].message


def test_group_labels_without_by_are_refused(pbc, tmp_path, monkeypatch):
    spec = {"kind": "descriptive", "group_labels": {"a": "A", "b": "B"}, "rows": [{"variable": "age"}]}
    problems = problems_after_edit(pbc, tmp_path, monkeypatch, lambda c: c["tables"].update(t9=spec))
    assert "tables/t9/group_labels" in _columns(problems)


# -- 3. values written as raw codes --------------------------------------------------------------


@pytest.mark.parametrize(
    "edit, key, mapped",
    [
        (
            lambda c: c["tables"]["baseline_by_arm"].update(group_labels={"1": "D-pen", "2": "Placebo"}),
            "tables/baseline_by_arm/group_labels/1",
            "d_penicillamine",
        ),
        (
            lambda c: c["tables"]["cox_survival"]["reference_levels"].update(trt="1"),
            "tables/cox_survival/reference_levels/trt",
            "d_penicillamine",
        ),
        (lambda c: c["derived"]["died"]["equals"].update(value="2"), "derived/died/equals/value", "death"),
        (
            lambda c: c["tables"]["baseline_by_arm"]["rows"][5].update(levels=["0", "0.5", "1"]),
            "tables/baseline_by_arm/rows/5/levels/0",
            "none",
        ),
    ],
)
def test_raw_codes_are_refused_with_the_mapped_value(pbc, tmp_path, monkeypatch, edit, key, mapped):
    problems = problems_after_edit(pbc, tmp_path, monkeypatch, edit)
    hit = [p for p in problems if p.column == key]
    assert hit, _columns(problems)
    assert "raw code" in hit[0].message and repr(mapped) in hit[0].message
    assert mapped in hit[0].expected


def test_a_value_of_no_kind_is_refused_with_the_valid_values(pbc, tmp_path, monkeypatch):
    problems = problems_after_edit(
        pbc,
        tmp_path,
        monkeypatch,
        lambda c: c["tables"]["cox_survival"]["reference_levels"].update(edema="absent"),
    )
    hit = [p for p in problems if p.column == "tables/cox_survival/reference_levels/edema"]
    assert hit and "none" in hit[0].expected and "despite_diuretics" in hit[0].expected


def test_labels_matching_no_patient_stop_the_table_instead_of_printing_empty_arms():
    frame = pd.DataFrame(
        {"arm": ["x", "y", "x"], "age": [50.0, 60.0, 70.0]},
        index=pd.Index(["a", "b", "c"], name="patient_id"),
    )
    spec = {
        "kind": "descriptive",
        "by": "arm",
        "group_labels": {"1": "One", "2": "Two"},
        "rows": [{"variable": "age"}],
    }
    with pytest.raises(ConfigError) as err:
        declared_table_statistics(frame, "t9", table(spec), {}, statistics())
    problem = err.value.problems[0]
    assert problem.column == "tables/t9/group_labels" and "x, y" in problem.expected


# -- 4. event level ----------------------------------------------------------------------------


def test_a_categorical_logistic_outcome_needs_its_event_level(pbc, tmp_path, monkeypatch):
    spec = {"kind": "regression", "model": "logistic", "outcome": "status", "predictors": ["age"]}
    problems = problems_after_edit(pbc, tmp_path, monkeypatch, lambda c: c["tables"].update(t9=spec))
    hit = [p for p in problems if p.column == "tables/t9/event_level"]
    assert hit and "death" in hit[0].expected


def test_a_yes_no_logistic_outcome_counts_true_without_event_level(pbc, tmp_path, monkeypatch):
    spec = {"kind": "regression", "model": "logistic", "outcome": "died", "predictors": ["age"]}
    assert problems_after_edit(pbc, tmp_path, monkeypatch, lambda c: c["tables"].update(t9=spec)) == []


def test_an_event_level_spelled_as_a_raw_code_is_refused(pbc, tmp_path, monkeypatch):
    spec = {
        "kind": "regression",
        "model": "logistic",
        "outcome": "status",
        "event_level": "2",
        "predictors": ["age"],
    }
    problems = problems_after_edit(pbc, tmp_path, monkeypatch, lambda c: c["tables"].update(t9=spec))
    hit = [p for p in problems if p.column == "tables/t9/event_level"]
    assert hit and "raw code" in hit[0].message


# -- 5. derived inputs that are measurements ------------------------------------------------------


def test_a_points_item_that_is_a_measurement_is_refused(root, tmp_path, monkeypatch):
    score = {"points": [{"variable": "temperature_max", "bands": [{"min": 38.4, "points": 1}]}]}
    problems = problems_after_edit(
        root, tmp_path, monkeypatch, lambda c: c["derived"].update(fever_score=score)
    )
    hit = [p for p in problems if p.column == "derived/fever_score/points/0/variable"]
    assert hit and "measurement" in hit[0].message


# -- 6. listings -----------------------------------------------------------------------------


def test_a_listing_with_a_patient_id_column_builds(root, monkeypatch):
    monkeypatch.chdir(root)
    study = load_study(root / "config/config.yaml", base_dir=root)
    frame = pd.DataFrame({"age": [50.0, 61.0]}, index=pd.Index(["p1", "p2"], name="patient_id"))
    spec = {
        "kind": "listing",
        "columns": [{"variable": "patient_id", "header": "Id"}, {"variable": "age", "header": "Age"}],
    }
    stats = declared_table_statistics(frame, "lst", spec, study.data["variables"], study.data["statistics"])
    assert list(stats.columns) == ["patient_id", "age"]
    config = {**study.data, "tables": {**study.data["tables"], "lst": spec}}
    text = to_markdown(build_declared_table(stats, "lst", config, n_patients=2))
    assert "p1" in text and "61" in text


# -- 7. found by the property test (tests/unit/test_config_property.py) ---------------------------


@pytest.mark.parametrize(
    "spec, key",
    [
        (
            {
                "kind": "regression",
                "model": "logistic",
                "outcome": "died",
                "predictors": ["age"],
                "reference_levels": {"age": "50"},
            },
            "reference_levels/age",
        ),
        (
            {
                "kind": "regression",
                "model": "logistic",
                "outcome": "died",
                "predictors": ["site"],
                "reference_levels": {"site": "1"},
            },
            "reference_levels/site",
        ),
        (
            {"kind": "regression", "model": "logistic", "outcome": "died", "predictors": ["patient_id"]},
            "predictors/0",
        ),
        ({"kind": "descriptive", "rows": [{"variable": "stage", "kind": "binary"}]}, "rows/0/kind"),
        (
            {"kind": "descriptive", "rows": [{"variable": "protime_seq", "kind": "categorical"}]},
            "rows/0/kind",
        ),
        ({"kind": "descriptive", "rows": [{"variable": "age", "levels": ["50"]}]}, "rows/0/levels"),
        (
            {"kind": "listing", "columns": [{"variable": "ascites", "header": "A", "decimals": 1}]},
            "columns/0/decimals",
        ),
    ],
)
def test_settings_the_variable_cannot_take_are_refused_at_load(pbc, tmp_path, monkeypatch, spec, key):
    problems = problems_after_edit(pbc, tmp_path, monkeypatch, lambda c: c["tables"].update(t9=spec))
    assert f"tables/t9/{key}" in _columns(problems), [p.render() for p in problems]


def test_a_categorical_predictor_without_categories_needs_a_reference_level(root, tmp_path, monkeypatch):
    spec = {
        "kind": "regression",
        "model": "logistic",
        "outcome": "anakinra_efficacy",
        "predictors": ["cause_group"],
    }
    problems = problems_after_edit(root, tmp_path, monkeypatch, lambda c: c["tables"].update(t9=spec))
    hit = [p for p in problems if p.column == "tables/t9/reference_levels/cause_group"]
    assert hit and "still" in hit[0].expected


def test_a_reference_level_of_a_yes_no_measurement_is_written_as_printed():
    frame = pd.DataFrame(
        {
            "fever": [0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0],
            "out": [True, False, True, False, True, True, False, False],
        },
        index=pd.Index([f"p{i}" for i in range(8)], name="patient_id"),
    )
    spec = {
        "kind": "regression",
        "model": "logistic",
        "outcome": "out",
        "predictors": ["fever"],
        "reference_levels": {"fever": "0"},
    }
    variables = {
        "fever": {"kind": "binary", "table": "measurements"},
        "out": {"kind": "binary", "table": "patients"},
    }
    stats = declared_table_statistics(frame, "t9", table(spec), variables, statistics())
    assert set(stats["reference"].dropna().astype(str)) == {"0.0"}
    assert stats["ratio"].notna().all()


def test_a_schema_error_in_a_row_does_not_hide_the_same_tables_other_keys(pbc, tmp_path, monkeypatch):
    def edit(c):
        c["tables"]["baseline_by_arm"]["rows"][0]["stat"] = "bogus"
        c["tables"]["baseline_by_arm"]["rows"][3]["variable"] = "no_such_row_variable"
        c["tables"]["baseline_by_arm"]["group_labels"] = {"1": "D-pen", "2": "Placebo"}

    columns = _columns(problems_after_edit(pbc, tmp_path, monkeypatch, edit))
    assert "tables/baseline_by_arm/rows/0/stat" in columns
    assert "tables/baseline_by_arm/rows/3/variable" in columns  # index as written
    assert "tables/baseline_by_arm/group_labels/1" in columns
