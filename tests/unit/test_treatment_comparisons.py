"""``treatment_comparisons:`` and ``kind: balance``: mistakes refused at load with their key
path (issue 27 item 8), and the per-patient design the rule writes (columns, matched sets,
weights, unmatched count) on a small cohort."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrocohort.analysis.treatment_comparison import DESIGN_COLUMNS, fit_treatment_comparison
from retrocohort.config.check import SCHEMA_PATH, config_problems, read_yaml
from retrocohort.config.study import fill_defaults
from retrocohort.config.treatment_comparisons import treatment_comparison_problems
from retrocohort.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
STUDY = ROOT / "studies" / "rotterdam"


@pytest.fixture(scope="module")
def raw() -> dict:
    return read_yaml(STUDY / "config" / "config.yaml")


def _problems(config: dict) -> list:
    return config_problems(config, read_yaml(SCHEMA_PATH), "config.yaml", STUDY)


def test_the_shipped_config_has_no_problem(raw):
    assert _problems(raw) == []


@pytest.mark.parametrize(
    ("edit", "column", "message"),
    [
        (
            lambda c: c["treatment_comparisons"]["matched"]["covariates"].append("hormon"),
            "treatment_comparisons/matched/covariates/8",
            "the treatment cannot also be a covariate",
        ),
        (
            lambda c: c["treatment_comparisons"]["weighted"].update(matching={"caliper": 0.2}),
            "treatment_comparisons/weighted/matching/caliper",
            "a caliper without matching",
        ),
        (
            lambda c: c["treatment_comparisons"]["matched"].update(weighting={"estimand": "ATE"}),
            "treatment_comparisons/matched/weighting/estimand",
            "weighting settings without weighting",
        ),
        (
            lambda c: c["treatment_comparisons"]["weighted"]["weighting"].update(
                estimand="ATT", stabilised=True
            ),
            "treatment_comparisons/weighted/weighting/stabilised",
            "stabilised weights are defined for the ATE only",
        ),
        (
            lambda c: c["treatment_comparisons"]["matched"]["covariates"].append("bmi"),
            "treatment_comparisons/matched/covariates/8",
            "unknown variable",
        ),
        (
            lambda c: c["treatment_comparisons"]["weighted"].pop("treatment"),
            "treatment_comparisons/weighted",
            "'treatment' is a required property",
        ),
        (
            lambda c: c["treatment_comparisons"]["matched"].update(treated="yes"),
            "treatment_comparisons/matched/treated",
            "not a value of the treatment",
        ),
        (
            lambda c: c["treatment_comparisons"]["matched"].update(treatment="size"),
            "treatment_comparisons/matched/treatment",
            "the treatment must have two values",
        ),
        (
            lambda c: c["tables"]["balance_matched"].update(comparison="matchd"),
            "tables/balance_matched/comparison",
            "unknown treatment comparison",
        ),
        (
            lambda c: c["treatment_comparisons"]["matched"].update(splines={"size": 4}),
            "treatment_comparisons/matched/splines/size",
            "a spline of a categorical variable",
        ),
        (
            lambda c: c["treatment_comparisons"]["matched"].update(splines={"rfs": 4}),
            "treatment_comparisons/matched/splines/rfs",
            "a spline of a variable that is not a covariate of the score",
        ),
        (
            lambda c: c["treatment_comparisons"]["matched"].update(splines={"age": 2}),
            "treatment_comparisons/matched/splines/age",
            "",
        ),
        (
            lambda c: c["treatment_comparisons"]["matched"]["matching"].update(caliper=0),
            "treatment_comparisons/matched/matching/caliper",
            "",
        ),
    ],
)
def test_mistakes_are_refused_with_their_key_path(raw, edit, column, message):
    config = copy.deepcopy(raw)
    edit(config)
    problems = _problems(config)
    assert any(p.column == column and message in p.message for p in problems), [
        (p.column, p.message) for p in problems
    ]


def test_a_covariate_that_is_an_outcome_on_the_sample_is_refused(raw):
    config = copy.deepcopy(raw)
    config["treatment_comparisons"]["matched"]["covariates"].append("recur")
    config["tables"]["km_matched"] = {
        "kind": "survival",
        "sample": "matched",
        "analyses": [{"time": "rtime", "event": "recur"}],
    }
    problems = treatment_comparison_problems(config, set(config["variables"]), "config.yaml")
    assert [(p.column, p.value) for p in problems if "outcome" in p.message] == [
        ("treatment_comparisons/matched/covariates/8", "recur")
    ]


def _cohort(n: int = 60, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    age = rng.normal(60, 10, n).round()
    size = rng.choice(["small", "large"], n)
    treated = rng.random(n) < 1 / (1 + np.exp(-(age - 65) / 5))
    frame = pd.DataFrame({"age": age, "size": size, "treat": treated}, index=[f"p{i}" for i in range(n)])
    frame.index.name = "patient_id"
    return frame


VARIABLES = {
    "age": {"label": "Age", "kind": "continuous", "table": "patients"},
    "size": {"label": "Size", "kind": "categorical", "table": "patients", "categories": ["small", "large"]},
    "treat": {"label": "Treated", "kind": "binary", "table": "patients"},
}


def _spec(**changes) -> dict:
    schema = read_yaml(SCHEMA_PATH)
    base = {"treatment": "treat", "treated": True, "covariates": ["age", "size"], "method": "matching"}
    config = {
        "study": {},
        "variables": VARIABLES,
        "sites": {},
        "tables": {},
        "treatment_comparisons": {"x": {**base, **changes}},
    }
    return fill_defaults(config, schema)["treatment_comparisons"]["x"]


def test_matching_design_records_sets_weights_and_unmatched():
    frame = _cohort()
    design = fit_treatment_comparison(frame, "x", _spec(matching={"caliper": 0.1}), {"variables": VARIABLES})
    table = design.design
    assert list(table.columns) == DESIGN_COLUMNS
    assert table["patient_id"].tolist() == frame.index.tolist()
    matched = table[table["in_sample"]]
    assert (matched.groupby("set_id")["treatment"].agg(["sum", "count"]).values == [1, 2]).all()
    assert table.loc[~table["in_sample"], "set_id"].isna().all()
    unmatched = design.summary["n_unmatched"]
    assert unmatched["treated"] + unmatched["control"] == int((~table["in_sample"]).sum())
    assert design.summary["n_in_sample"]["treated"] == table["set_id"].nunique()


def test_weighting_design_has_no_sets_and_patients_with_missing_covariates_are_counted():
    frame = _cohort()
    frame.loc["p0", "age"] = np.nan
    design = fit_treatment_comparison(
        frame, "x", _spec(method="weighting", weighting={"estimand": "ATT"}), {"variables": VARIABLES}
    )
    table = design.design.set_index("patient_id")
    assert table["set_id"].isna().all()
    assert design.summary["n_missing"]["age"] == 1
    assert not table.loc["p0", "in_sample"] and np.isnan(table.loc["p0", "ps"])
    assert (table.loc[table["in_sample"] & (table["treatment"] == 1), "weight"] == 1).all()


def test_a_third_treatment_value_stops_the_rule_naming_the_patient():
    frame = _cohort()
    frame["arm"] = np.where(frame["treat"], "drug", "none")
    frame.loc["p5", "arm"] = "other"
    variables = {**VARIABLES, "arm": {"label": "Arm", "kind": "categorical", "table": "patients"}}
    spec = _spec(treatment="arm", treated="drug")
    with pytest.raises(InputError, match="patient p5: other"):
        fit_treatment_comparison(frame, "x", spec, {"variables": variables})
