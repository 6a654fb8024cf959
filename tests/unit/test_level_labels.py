"""Labels once (issue 22, deliverable 4): a variable's ``level_labels`` declared under
``variables:`` print in every table, model term, analysis group and footnote unless a table
writes its own; internal names are never printed; a caption's placeholders are resolved or
refused at load."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from retrocohort.analysis.survival_events import event_data
from retrocohort.config.level_labels import level_order, with_level_labels
from retrocohort.config.study import load_study
from retrocohort.errors import ConfigError
from retrocohort.tables.declared_tables import condition_text

ARM = {"d_penicillamine": "D-penicillamine", "placebo": "Placebo"}
EDEMA = {
    "none": "No oedema",
    "untreated_or_resolved": "Untreated or resolved by diuretics",
    "despite_diuretics": "Despite diuretics",
}


@pytest.fixture
def pbc(root):
    return root / "studies" / "pbc"


def _load(study_dir, tmp_path, monkeypatch, edit=None):
    """The loaded study at ``study_dir`` after ``edit``; the ConfigError's problems if refused."""
    monkeypatch.chdir(study_dir)
    cfg = yaml.safe_load((study_dir / "config/config.yaml").read_text(encoding="utf-8"))
    if edit:
        edit(cfg)
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        return load_study(path, base_dir=study_dir), []
    except ConfigError as exc:
        return None, exc.problems


# -- one home per label, one spelling per level ----------------------------------------------


def test_pbc_writes_each_arm_label_once(pbc):
    text = (pbc / "config/config.yaml").read_text(encoding="utf-8")
    assert text.count('"D-penicillamine"') == 1
    assert text.count('"No oedema"') == 1


def test_every_pbc_table_prints_the_same_label_for_a_level(pbc, tmp_path, monkeypatch):
    study, problems = _load(pbc, tmp_path, monkeypatch)
    assert not problems
    tables, survival = study.data["tables"], study.data["survival"]
    rows = {r["variable"]: r for r in tables["baseline_by_arm"]["rows"]}
    assert rows["edema"]["level_labels"] == EDEMA  # Table 1 printed "None" before
    assert tables["cox_survival"]["level_labels"]["edema"] == EDEMA
    assert tables["survival_women"]["analyses"][0]["groups"] == EDEMA  # "Untreated or resolved"
    for arm in (
        tables["baseline_by_arm"]["group_labels"],
        tables["labs_women_by_arm"]["group_labels"],
        tables["cox_survival"]["level_labels"]["trt"],
        tables["logistic_2y"]["level_labels"]["trt"],
        survival[0]["groups"],
        survival[1]["groups"],
    ):
        assert arm == ARM
    assert tables["by_sex"]["comparisons"][1]["groups"] == {"m": "Male", "f": "Female"}


def _config(**tables) -> dict:
    return {
        "variables": {
            "trt": {
                "kind": "categorical",
                "table": "patients",
                "categories": ["a", "b"],
                "level_labels": {"b": "Placebo", "a": "Drug"},
            },  # fmt: skip
            "flag": {"kind": "binary", "table": "patients", "level_labels": {"True": "Yes", "False": "No"}},
            "age": {"kind": "continuous", "table": "patients"},
        },
        "tables": tables,
        "groups": [{"id": "g", "outcome": "age", "group_variable": "flag"}],
        "survival": [
            {"id": "s", "time": "age", "event": "flag", "group_variable": "trt", "groups": {"b": "Control"}}
        ],
    }


def test_tables_without_their_own_labels_take_the_variables():
    cfg = _config(
        t1={"kind": "descriptive", "by": "trt", "rows": [{"variable": "trt"}, {"variable": "flag"}]},
        t2={"kind": "regression", "model": "logistic", "outcome": "flag", "predictors": ["trt", "age"]},
        t3={"kind": "listing", "columns": [{"variable": "flag", "header": "Flag"}]},
    )
    out = with_level_labels(cfg)
    t1, t2 = out["tables"]["t1"], out["tables"]["t2"]
    assert list(t1["group_labels"].items()) == [("a", "Drug"), ("b", "Placebo")]  # categories order
    assert t1["rows"][0]["level_labels"] == {"b": "Placebo", "a": "Drug"}
    assert "level_labels" not in t1["rows"][1]  # a yes/no row prints n (%), no level
    assert t2["level_labels"] == {"trt": {"b": "Placebo", "a": "Drug"}}
    assert out["tables"]["t3"]["columns"][0]["map"] == {"True": "Yes", "False": "No"}
    assert list(out["groups"][0]["groups"].items()) == [("True", "Yes"), ("False", "No")]
    assert cfg["tables"]["t1"].get("group_labels") is None  # the input is not modified


def test_a_table_overrides_only_what_it_writes():
    cfg = _config(
        t1={
            "kind": "descriptive",
            "by": "trt",
            "group_labels": {"b": "Control"},
            "rows": [{"variable": "trt", "level_labels": {"a": "Active"}}],
        },  # fmt: skip
        t2={
            "kind": "regression",
            "model": "logistic",
            "outcome": "flag",
            "predictors": ["trt"],
            "level_labels": {"trt": {"a": "Active"}},
        },  # fmt: skip
    )
    out = with_level_labels(cfg)
    assert out["tables"]["t1"]["group_labels"] == {"b": "Control"}  # whole: it picks the groups
    assert out["tables"]["t1"]["rows"][0]["level_labels"] == {"b": "Placebo", "a": "Active"}
    assert out["tables"]["t2"]["level_labels"]["trt"] == {"b": "Placebo", "a": "Active"}
    assert out["survival"][0]["groups"] == {"b": "Control"}


def test_level_order_of_a_yes_no_variable_follows_its_labels():
    assert level_order(_config(), "flag") == ["True", "False"]
    assert level_order(_config(), "trt") == ["a", "b"]


def test_a_where_condition_prints_the_level_label():
    cfg = {"variables": {"trt": {"label": "Treatment arm", "level_labels": ARM}}, "derived": {}}
    condition = {"column": "trt", "operator": "==", "value": "placebo"}
    assert condition_text(condition, cfg) == "Treatment arm = Placebo"
    condition = {"column": "trt", "operator": "in", "value": ["placebo", "d_penicillamine"]}
    assert condition_text(condition, cfg) == "Treatment arm in {Placebo, D-penicillamine}"


# -- checked at load -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, labels, words",
    [
        ("trt", {"1": "D-penicillamine"}, ["raw code", "'d_penicillamine'"]),
        ("trt", {"active": "Active"}, ["'active' is not a value of 'trt'"]),
        ("ascites", {"yes": "Yes"}, ["not a value of 'ascites'"]),
    ],
)
def test_level_labels_name_values_of_the_variable(pbc, tmp_path, monkeypatch, key, labels, words):
    _, problems = _load(pbc, tmp_path, monkeypatch, lambda c: c["variables"][key].update(level_labels=labels))
    hit = [p for p in problems if p.column == f"variables/{key}/level_labels/{next(iter(labels))}"]
    assert hit, [p.column for p in problems]
    assert all(w in hit[0].message for w in words)


def test_level_labels_of_a_continuous_variable_are_refused(pbc, tmp_path, monkeypatch):
    _, problems = _load(
        pbc, tmp_path, monkeypatch, lambda c: c["variables"]["age"].update(level_labels={"1": "x"})
    )
    assert "variables/age/level_labels" in [p.column for p in problems]


def test_yes_no_level_labels_are_accepted(pbc, tmp_path, monkeypatch):
    edit = lambda c: c["variables"]["ascites"].update(level_labels={"True": "Yes", "False": "No"})  # noqa: E731
    study, problems = _load(pbc, tmp_path, monkeypatch, edit)
    assert not problems and study.data["variables"]["ascites"]["level_labels"]["True"] == "Yes"


@pytest.mark.parametrize(
    "edit, key",
    [
        (
            lambda c: c["tables"]["baseline_by_arm"].update(title="Table 1 ({N} patients)"),
            "tables/baseline_by_arm/title",
        ),
        (lambda c: c["tables"]["table3"].update(title="Table 3 ({n} patients)"), "tables/table3/title"),
        (lambda c: c["tables"]["by_sex"].update(footnotes=["n = {n}"]), "tables/by_sex/footnotes/0"),
        (lambda c: c["survival"][0].update(label="Survival of {n}"), "survival/0/label"),
        (lambda c: c["tables"]["survival"].update(title="Survival ({n})"), "tables/survival/title"),
    ],
)
def test_an_unresolved_placeholder_is_refused_naming_its_key(pbc, tmp_path, monkeypatch, edit, key):
    _, problems = _load(pbc, tmp_path, monkeypatch, edit)
    hit = [p for p in problems if p.column == key]
    assert hit and "never filled in" in hit[0].message, [p.column for p in problems]


def test_the_shipped_studies_load_with_their_n_placeholders(root, pbc, tmp_path, monkeypatch):
    for study_dir in (root, pbc):
        _, problems = _load(study_dir, tmp_path, monkeypatch)
        assert not problems


# -- footnotes name variables by their labels ----------------------------------------------------


def test_the_event_definition_names_variables_by_their_labels():
    frame = pd.DataFrame({"years": [1.0, 2.0, np.nan], "death_flag": [True, False, True]})
    variables = {
        "years": {"kind": "continuous", "label": "Follow-up"},
        "death_flag": {"kind": "binary", "label": "Death"},
    }
    spec = {"id": "os", "time": "years", "event": "death_flag"}
    definition = event_data(frame, spec, 0, variables, {}).definition
    assert "years" not in definition and "death_flag" not in definition
    assert definition.startswith("event = Death, censored at follow-up otherwise")


def test_a_derived_yes_no_variable_takes_level_labels_as_a_group():
    # user trial, flchain: the group labels of a derived `by:` were written three times, and
    # `level_labels` on the derived variable was refused by the schema
    from retrocohort.config.level_labels import labelled_groups, level_label_problems

    derived = {
        "top": {
            "at_least": {"variable": "grp", "value": 10},
            "level_labels": {"True": "Top", "False": "Rest"},
        }
    }
    config = {"variables": {}, "derived": derived}
    assert labelled_groups(config, "top") == {"True": "Top", "False": "Rest"}
    assert level_label_problems(config, "c.yaml") == []
    wrong = {"top": {**derived["top"], "level_labels": {"yes": "Top"}}}
    timed = {"t": {"time_to_event": {"events": ["death"]}, "level_labels": {"1": "x"}}}
    problems = level_label_problems({"variables": {}, "derived": {**wrong, **timed}}, "c.yaml")
    assert [p.column for p in problems] == ["derived/top/level_labels", "derived/t/level_labels"]
