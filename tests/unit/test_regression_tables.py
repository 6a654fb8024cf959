"""Regression analyses (univariable per candidate + one multivariable model) and the regression
table: hand-checkable odds ratios, n and events per model, reference levels, separation notes
and config errors naming the key."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from loaded_sections import table as loaded_table

from retrocohort.analysis.regression import regression_analysis
from retrocohort.errors import ConfigError, InputError
from retrocohort.render.model import Footnote, Marked
from retrocohort.tables.regression_table import build_regression_table


def _layout(spec):
    """``spec`` over a loaded ``kind: regression`` entry's formatting defaults (``decimals``)."""
    loaded = loaded_table({"kind": "regression", "model": "logistic", "predictors": ["x"]})
    return {"decimals": loaded["decimals"], **spec}


@pytest.fixture
def cohort() -> pd.DataFrame:
    """Exposed: 6 responders of 10; unexposed: 2 of 10; site a/b/c; age with one missing."""
    exposed = [1] * 10 + [0] * 10
    response = [1] * 6 + [0] * 4 + [1] * 2 + [0] * 8
    site = ["a", "b", "c", "a", "b"] * 4
    age = [50.0, 61, 45, 70, 38, 55, 64, 48, 59, 66, 41, 52, 73, 47, 58, 62, 44, 69, 51, np.nan]
    return pd.DataFrame({"response": response, "exposed": exposed, "site": site, "age": age})


SPEC = {
    "kind": "logistic",
    "outcome": "response",
    "predictors": ["exposed", "site", "age"],
    "multivariable": ["exposed", "age"],
    "reference_levels": {"site": "a"},
}


def test_univariable_odds_ratio_equals_the_cross_product_ratio(cohort):
    analysis = regression_analysis(cohort, SPEC)
    term = analysis.univariable["exposed"].term("exposed")
    # the MLE of a logistic model with one binary predictor is the sample odds ratio (6*8)/(4*2)
    assert term.ratio == pytest.approx(6.0, rel=1e-8)
    assert term.std_err == pytest.approx(math.sqrt(1 / 6 + 1 / 4 + 1 / 2 + 1 / 8), rel=1e-6)
    z = 1.959963984540054
    assert term.ci_low == pytest.approx(6 * math.exp(-z * term.std_err), rel=1e-10)


def test_n_and_events_per_model(cohort):
    analysis = regression_analysis(cohort, SPEC)
    assert (analysis.univariable["exposed"].n, analysis.univariable["exposed"].n_events) == (20, 8)
    assert analysis.univariable["age"].n == 19  # one age missing
    assert analysis.multivariable is not None
    assert (analysis.multivariable.n, analysis.multivariable.n_dropped) == (19, 1)
    assert [t.term for t in analysis.multivariable.terms] == ["exposed", "age"]


def test_to_frame_has_one_row_per_term_and_model(cohort):
    frame = regression_analysis(cohort, SPEC).to_frame()
    assert frame["analysis"].tolist() == ["univariable"] * 4 + ["multivariable"] * 2
    assert frame["predictor"].tolist() == ["exposed", "site", "site", "age", "", ""]
    site = frame[frame["variable"] == "site"]
    assert site["reference"].tolist() == ["a", "a"] and site["level"].tolist() == ["b", "c"]


def test_no_multivariable_model_when_not_declared(cohort):
    analysis = regression_analysis(cohort, {**SPEC, "multivariable": []})
    assert analysis.multivariable is None
    table = build_regression_table(analysis.to_frame(), _layout({}))
    assert table.columns == ["Characteristic", "N", "Outcome events", "OR", "95% CI", "p-Value"]


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"kind": "poisson"}, "regression.kind"),
        ({"outcome": "cured"}, "regression.outcome"),
        ({"predictors": []}, "regression.predictors"),
        ({"multivariable": ["exposed", "weight"]}, "regression.multivariable/1"),
        ({"reference_levels": {"sex": "f"}}, "regression.reference_levels"),
    ],
)
def test_spec_errors_name_the_config_key(cohort, change, key):
    with pytest.raises(ConfigError) as err:
        regression_analysis(cohort, {**SPEC, **change})
    assert err.value.problems[0].column == key


def test_cox_spec_needs_time_and_event(cohort):
    with pytest.raises(ConfigError) as err:
        regression_analysis(cohort, {"kind": "cox", "time": "age", "predictors": ["exposed"]})
    assert err.value.problems[0].column == "regression.event"


def test_regression_table_layout(cohort):
    frame = regression_analysis(cohort, SPEC).to_frame()
    spec = {"labels": {"exposed": "Exposed", "site": "Site"}, "level_labels": {"site": {"a": "Site A"}}}
    table = build_regression_table(frame, _layout(spec))
    assert table.columns == [
        "Characteristic",
        "N",
        "Outcome events",
        "OR",
        "95% CI",
        "p-Value",
        "Adjusted OR",
        "Adjusted 95% CI",
        "Adjusted p-Value",
    ]
    labels = [row.cells[0] for row in table.rows]
    assert labels == ["Exposed", "Site", "Site A", "b", "c", "age"]
    exposed = table.rows[0].cells
    assert exposed[1:4] == ["20", "8", "6.00"]
    site_ref = table.rows[2]
    assert site_ref.indent == 1 and site_ref.cells[3] == "Reference" and site_ref.cells[6] == ""
    assert table.rows[3].cells[6:] == ["", "", ""]  # site is not in the multivariable model
    assert table.rows[5].cells[6] != ""  # age is
    assert any("n = 19, " in f and "1 patient with a missing value" in f for f in table.footnotes)


def test_separation_is_flagged_in_the_table():
    frame = pd.DataFrame({"y": [0, 0, 0, 0, 1, 1, 1, 1, 0, 1], "x": [1, 2, 3, 4, 5, 6, 7, 8, 2, 9]})
    frame.loc[8, "x"] = 0  # complete separation at x between 4 and 5
    results = regression_analysis(frame, {"kind": "logistic", "outcome": "y", "predictors": ["x"]}).to_frame()
    assert "separation" in results["notes"].iloc[0]
    table = build_regression_table(results, _layout({}))
    assert isinstance(table.rows[0].cells[0], Marked) and table.rows[0].cells[0].mark == "‡"
    notes = [f for f in table.footnotes if isinstance(f, Footnote)]
    assert len(notes) == 1 and "univariable model of x" in notes[0].text and "separation" in notes[0].text


def test_cox_table_headers():
    frame = pd.DataFrame(
        {
            "time": [5.0, 8, 12, 3, 9, 15, 7, 11, 4, 13],
            "died": [1, 0, 1, 1, 0, 1, 1, 0, 1, 0],
            "x": [1, 0, 1, 1, 0, 0, 1, 0, 1, 0],
        }
    )
    results = regression_analysis(
        frame, {"kind": "cox", "time": "time", "event": "died", "predictors": ["x"]}
    ).to_frame()
    table = build_regression_table(results, _layout({"title": "Cox"}))
    assert table.columns[1:6] == ["N", "Events", "HR", "95% CI", "p-Value"]
    assert table.rows[0].cells[1:3] == ["10", "6"]
    assert "hazard ratio" in table.footnotes[0]


def test_p_values_below_the_threshold_are_bold(cohort):
    frame = regression_analysis(cohort, SPEC).to_frame()
    exposed_p = frame.loc[
        (frame["analysis"] == "univariable") & (frame["term"] == "exposed"), "p_value"
    ].iloc[0]
    table = build_regression_table(frame, _layout({}), bold_p_below=exposed_p + 1e-12)
    assert table.rows[0].bold[5] and not any(row.bold and row.bold[5] for row in table.rows[1:])
    assert any(f.startswith("p-values below") for f in table.footnotes)
    assert not any(row.bold and any(row.bold) for row in build_regression_table(frame, _layout({})).rows)


def test_model_errors_name_the_model_and_config_key(cohort):
    constant = cohort.assign(flat=1.0)
    with pytest.raises(InputError) as err:
        regression_analysis(
            constant, {"kind": "logistic", "outcome": "response", "predictors": ["exposed", "flat"]}
        )
    assert err.value.summary.startswith("univariable model of 'flat' (regression.predictors/1): ")
    assert err.value.problems[0].column == "flat"


def test_per_k_units_rescales_a_number_predictor_exactly(cohort):
    """``per: {age: 10}``: the age ratio is per 10 years, exp(10 * beta) of the unscaled fit, and z, p,
    the other terms and n are unchanged (found on the Rotterdam cohort: receptors per fmol/L printed
    HR 1.00 (1.00-1.00))."""
    plain = regression_analysis(cohort, SPEC)
    per10 = regression_analysis(cohort, {**SPEC, "per": {"age": 10}})
    for model in ("univariable", "multivariable"):
        a = plain.univariable["age"] if model == "univariable" else plain.multivariable
        b = per10.univariable["age"] if model == "univariable" else per10.multivariable
        assert b.term("age").coefficient == pytest.approx(10 * a.term("age").coefficient, rel=1e-9)
        assert b.term("age").ratio == pytest.approx(math.exp(10 * a.term("age").coefficient), rel=1e-9)
        assert b.term("age").p_value == pytest.approx(a.term("age").p_value, rel=1e-9)
        assert b.n == a.n
    assert per10.multivariable.term("exposed").ratio == pytest.approx(
        plain.multivariable.term("exposed").ratio, rel=1e-9
    )
    frame = per10.to_frame()
    assert frame.loc[frame["variable"] == "age", "per"].tolist() == [10.0, 10.0]
    assert "per" not in plain.to_frame()


def test_per_k_units_label_and_refusal_of_a_category():
    from retrocohort.config.declared_tables import declared_table_problems
    from retrocohort.tables.declared_tables import regression_spec

    config = {
        "variables": {
            "er": {"label": "Oestrogen receptors", "kind": "continuous", "unit": "fmol/L"},
            "size": {"label": "Size", "kind": "categorical", "categories": ["a", "b"]},
            "died": {"label": "Died", "kind": "binary"},
        }
    }
    spec = {"kind": "regression", "model": "logistic", "outcome": "died", "predictors": ["er", "size"]}
    labels = regression_spec({**spec, "per": {"er": 100}}, config)["labels"]
    assert labels["er"] == "Oestrogen receptors (per 100 fmol/L)"
    # a table's own label keeps the scale: "ER (fmol/L)" beside a ratio per 100 read as per unit
    # (user trial, flchain: "Age (years) 2.87" was the hazard ratio per 10 years)
    own = regression_spec({**spec, "per": {"er": 100}, "labels": {"er": "ER (fmol/L)"}}, config)["labels"]
    assert own["er"] == "ER (fmol/L) (per 100 fmol/L)"
    said = regression_spec({**spec, "per": {"er": 100}, "labels": {"er": "ER, per 100 fmol/L"}}, config)
    assert said["labels"]["er"] == "ER, per 100 fmol/L"  # already says it: kept as written
    config["tables"] = {"t": {**spec, "per": {"size": 2, "age": 10}}}
    problems = declared_table_problems(config, set(config["variables"]), "config.yaml")
    columns = {p.column for p in problems}
    assert {"tables/t/per/size", "tables/t/per/age"} <= columns
