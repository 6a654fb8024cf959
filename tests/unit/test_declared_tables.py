"""Stages and tables a study declares (issue 15): the HScore stage only with a `hscore:` key,
tables by kind (descriptive overall or by a group, regression), points-based scores, and config
errors that name the key to change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from loaded_sections import edited_flagship, filled, statistics, table

from retrocohort.analysis.declared_tables import declared_table_statistics, reference_levels
from retrocohort.cohort.derive import derive_variables, points_score
from retrocohort.errors import ConfigError
from retrocohort.render.markdown import to_markdown
from retrocohort.stats import logistic_regression
from retrocohort.tables.declared_tables import build_declared_table


def _load(root, tmp_path, monkeypatch, edit):
    return edited_flagship(root, tmp_path, monkeypatch, edit)


DESCRIPTIVE = {
    "kind": "descriptive",
    "title": "Table 4. By line.",
    "by": "anakinra_first_line",
    "group_labels": {"True": "First line", "False": "Later line"},
    "smd": True,
    "rows": [{"variable": "age"}, {"variable": "sex"}],
}
LOGISTIC = {
    "kind": "regression",
    "model": "logistic",
    "outcome": "anakinra_efficacy",
    "predictors": ["age", "sex"],
}


def test_declared_tables_pass_the_schema_and_get_their_defaults(root, tmp_path, monkeypatch):
    study = _load(
        root, tmp_path, monkeypatch, lambda c: c["tables"].update(by_line=DESCRIPTIVE, efficacy=LOGISTIC)
    )
    assert study.data["tables"]["by_line"]["missing"] == "ifany"
    assert study.data["tables"]["by_line"]["p_value"] is True
    assert study.data["tables"]["efficacy"]["decimals"] == 2


@pytest.mark.parametrize(
    "edit, key",
    [
        (lambda c: c["tables"].update(t4={**DESCRIPTIVE, "by": "no_such"}), "tables/t4/by"),
        (
            lambda c: c["tables"].update(t4={**DESCRIPTIVE, "rows": [{"variable": "nope"}]}),
            "tables/t4/rows/0/variable",
        ),
        (
            lambda c: c["tables"].update(t4={**LOGISTIC, "predictors": ["age", "nope"]}),
            "tables/t4/predictors/1",
        ),
        (lambda c: c["tables"].update(t4={**LOGISTIC, "time": "age"}), "tables/t4"),  # logistic has no time
        (lambda c: c["tables"].update(t4={**LOGISTIC, "model": "cox"}), "tables/t4"),  # cox needs time, event
        (lambda c: c["tables"].update(t4={**LOGISTIC, "kind": "funnel"}), "tables/t4/kind"),
        (lambda c: c["tables"].update(groups={**LOGISTIC}), "tables/groups"),  # a reserved layout key
        (lambda c: c["tables"].update(flow=LOGISTIC), "tables"),  # reserved: another rule's output
        (
            lambda c: c["tables"].update(t4={**LOGISTIC, "reference_levels": {"ferritin": 1}}),
            "tables/t4/reference_levels/ferritin",
        ),
        (lambda c: c.pop("hscore"), "selection/criteria/0/operator"),  # hscore_cutoff needs the stage
        (lambda c: c["tables"].update(t4={**DESCRIPTIVE, "by": "age"}), "tables/t4/by"),  # a number
        (lambda c: c["tables"].update(t4={**LOGISTIC, "outcome": "age"}), "tables/t4/outcome"),
        (
            lambda c: c["tables"].update(t4={**DESCRIPTIVE, "rows": [{"variable": "outcome_text"}]}),
            "tables/t4/rows/0/variable",  # free text
        ),
        (
            lambda c: c["tables"].update(t4={**LOGISTIC, "predictors": ["age", "anakinra_efficacy"]}),
            "tables/t4/predictors/1",  # the model's own outcome
        ),
        (
            # the same variable twice: its numbers would be cited under one placeholder key
            lambda c: c["tables"].update(
                t4={**DESCRIPTIVE, "rows": [{"variable": "age"}, {"variable": "age", "stat": "mean_sd"}]}
            ),
            "tables/t4/rows/1/variable",
        ),
    ],
)
def test_declared_table_and_stage_errors_name_the_key(root, tmp_path, monkeypatch, edit, key):
    with pytest.raises(ConfigError) as err:
        _load(root, tmp_path, monkeypatch, edit)
    assert key in str(err.value)


def test_a_study_without_the_hscore_key_has_no_hscore_stage_or_variables(root, tmp_path, monkeypatch):
    def no_hscore(c):
        del c["hscore"]
        c["selection"] = {"criteria": [c["selection"]["criteria"][1]]}
        c["tables"]["table1"]["rows"] = [r for r in c["tables"]["table1"]["rows"] if "hscore" not in str(r)]

    study = _load(root, tmp_path, monkeypatch, no_hscore)
    assert "hscore" not in study.data
    with pytest.raises(ConfigError, match="hscore_probability_pct"):  # a builtin of the stage only
        _load(
            root,
            tmp_path,
            monkeypatch,
            lambda c: (
                no_hscore(c),
                c["tables"]["table1"]["rows"].append({"variable": "hscore_probability_pct"}),
            ),
        )


def test_points_score_sums_first_matching_bands_and_never_passes_a_partial_sum():
    frame = pd.DataFrame(
        {
            "age": [70, 40, 65, np.nan],
            "urea": [8.0, 5.0, 7.0, 9.0],
            "confusion": [True, False, None, True],
        }
    )
    items = [
        {"variable": "age", "bands": [{"min": 75, "points": 2}, {"min": 65, "points": 1}]},
        {"variable": "urea", "bands": [{"min": 7, "max": 10, "points": 1}]},
        {"variable": "confusion", "bands": [{"equals": True, "points": 1}]},
    ]
    got = points_score(frame, items)
    assert got.tolist()[:2] == [3.0, 0.0]
    assert got.isna().tolist() == [False, False, True, True]
    zero = points_score(frame, items, missing_items="zero")
    assert zero.tolist() == [3.0, 0.0, 2.0, 2.0]  # age 65 is in [65, 75); 7.0 is in [7, 10)


def test_points_is_a_derived_operation():
    patients = pd.DataFrame({"patient_id": ["a", "b"], "age": [80.0, 50.0]})
    derived = {
        "score": {
            "missing_items": "missing",
            "points": [{"variable": "age", "bands": [{"min": 75, "points": 2}]}],
        }
    }
    out = derive_variables(patients, pd.DataFrame(columns=["patient_id", "line", "agent"]), derived)
    assert out["score"].tolist() == [2.0, 0.0]


VARIABLES = {
    "age": {"kind": "continuous", "unit": "years", "label": "Age"},
    "sex": {"kind": "categorical", "categories": ["male", "female"], "label": "Sex"},
    "stage": {"kind": "count", "label": "Stage"},
    "died": {"kind": "binary", "label": "Died"},
}


@pytest.fixture
def cohort() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 40
    return pd.DataFrame(
        {
            "age": rng.normal(50, 10, n).round(1),
            "sex": rng.choice(["female", "male"], n),
            "stage": rng.integers(1, 5, n).astype(float),
            "died": rng.random(n) < 0.4,
            "arm": np.repeat(["1", "2"], n // 2),
        }
    )


def test_descriptive_table_by_group_and_overall_only(cohort):
    spec = {
        "kind": "descriptive",
        "by": "arm",
        "rows": [{"variable": "age"}, {"variable": "sex"}, {"variable": "stage", "kind": "categorical"}],
    }
    stats = declared_table_statistics(cohort, "t1", table(spec), VARIABLES, statistics())
    sex = stats[(stats["variable"] == "sex") & (stats["row_type"] == "level")]
    assert sex["level"].tolist() == ["male", "female"]  # the declared category order
    assert stats.loc[stats["variable"] == "age", "test"].iloc[0] == "Mann-Whitney U"
    assert len(stats[(stats["variable"] == "stage") & (stats["row_type"] == "level")]) == 4
    alone = declared_table_statistics(cohort, "t1", table({**spec, "by": None}), VARIABLES, statistics())
    assert [c for c in alone.columns if c.startswith("n_group@")] == ["n_group@Overall"]
    assert alone["p_value"].isna().all()
    age = alone[alone["variable"] == "age"].iloc[0]
    assert age["median@Overall"] == pytest.approx(float(np.quantile(cohort["age"], 0.5)))


def test_regression_reference_level_defaults_to_the_first_declared_category(cohort):
    spec = {"kind": "regression", "model": "logistic", "outcome": "died", "predictors": ["age", "sex"]}
    assert reference_levels(spec, VARIABLES) == {"sex": "male"}
    stats = declared_table_statistics(cohort, "t5", table(spec), VARIABLES, statistics())
    sex = stats[stats["variable"] == "sex"].iloc[0]
    assert (sex["reference"], sex["level"]) == ("male", "female")


def test_formatted_declared_tables_label_rows_with_units(cohort):
    config = filled(
        {
            "variables": VARIABLES,
            "derived": {},
            "statistics": {"rounding": "half_up", "p_value": {"decimals": 3, "threshold": 0.001}},
            "tables": {
                "t1": {
                    "kind": "descriptive",
                    "by": "arm",
                    "rows": [{"variable": "age"}],
                    "title": "Table 1.",
                },
                "t5": {"kind": "regression", "model": "logistic", "outcome": "died", "predictors": ["age"]},
            },
        }
    )
    stats = declared_table_statistics(cohort, "t1", config["tables"]["t1"], VARIABLES, config["statistics"])
    assert "Age (years), median" in to_markdown(build_declared_table(stats, "t1", config))
    stats = declared_table_statistics(cohort, "t5", config["tables"]["t5"], VARIABLES, config["statistics"])
    assert "| Age (years) |" in to_markdown(build_declared_table(stats, "t5", config))


def test_a_zero_cell_of_a_binary_predictor_is_noted_as_separation():
    frame = pd.DataFrame({"y": [1] * 10 + [1] * 9 + [0] * 2, "x": [1] * 10 + [0] * 11})
    res = logistic_regression(frame, "y", ["x"])
    assert any("no non-events where x = 1" in note for note in res.notes)
    balanced = pd.DataFrame({"y": [1, 0, 1, 0, 1, 1, 0, 0], "x": [1, 1, 1, 0, 0, 0, 1, 0]})
    assert not any("where x" in note for note in logistic_regression(balanced, "y", ["x"]).notes)


def test_a_declared_listing_lists_every_patient_up_to_max_rows(cohort):
    config = {
        "variables": VARIABLES,
        "derived": {},
        "statistics": {"rounding": "half_up", "p_value": {"decimals": 3, "threshold": 0.001}},
        "tables": {
            "deaths": {
                "kind": "listing",
                "title": "Listing 1.",
                "max_rows": 5,
                "columns": [
                    {"variable": "age", "header": "Age", "decimals": 0},
                    {"variable": "sex", "header": "Sex", "map": {"male": "M", "female": "F"}},
                ],
            }
        },
    }
    frame = cohort.rename_axis("patient_id")
    stats = declared_table_statistics(
        frame, "deaths", table(config["tables"]["deaths"]), VARIABLES, statistics()
    )
    assert list(stats.columns) == ["patient_id", "age", "sex"] and len(stats) == len(cohort)
    text = to_markdown(build_declared_table(stats, "deaths", config))
    assert "First 5 of 40 patients listed; the full listing is results/stats/deaths.csv." in text
    assert text.count("\n| ") == 2 + 5  # header, alignment row, 5 patients
    assert (
        f"| {round(cohort['age'].iloc[0]):.0f} | {'M' if cohort['sex'].iloc[0] == 'male' else 'F'} |" in text
    )


def test_descriptive_reference_range_column_from_the_variable_or_the_row(cohort):
    # issue 22: the classic Table 1's reference-range column, as a descriptive-table option
    variables = {**VARIABLES, "age": {**VARIABLES["age"], "reference": [18, 65]}}
    rows = [{"variable": "age"}, {"variable": "stage", "reference": [1, 10000], "reference_decimals": 0}]
    rows.append({"variable": "sex"})
    spec = {"kind": "descriptive", "reference_range": True, "missing": "no", "rows": rows}
    config = filled({"variables": variables, "derived": {}, "statistics": {}, "tables": {"t1": spec}})
    stats = declared_table_statistics(cohort, "t1", config["tables"]["t1"], variables, config["statistics"])
    table = build_declared_table(stats, "t1", config)
    assert table.columns[:2] == ["Characteristic", "Reference values"]
    cells = {str(row.cells[0]).split(",")[0]: row.cells for row in table.rows}
    assert cells["Age (years)"][1] == "18.0–65.0"  # the variable's declared range, 1 decimal
    assert cells["Stage"][1] == "1–10,000"  # the row's own range, grouped as its row
    assert cells["Sex"][1] == "" and all(row.cells[1] == "" for row in table.rows if row.indent)
    assert "Reference values: the laboratory's normal range, in their own column." in table.footnotes
    without = {key: value for key, value in spec.items() if key != "reference_range"}
    plain = build_declared_table(stats, "t1", filled({**config, "tables": {"t1": without}}))
    assert "Reference values" not in plain.columns  # the schema default: no column


def test_a_reference_range_is_declared_as_low_high(root, tmp_path, monkeypatch):
    def edit(cfg):
        cfg["variables"]["crp"]["reference"] = [0, 8, 10]

    with pytest.raises(ConfigError) as err:
        _load(root, tmp_path, monkeypatch, edit)
    assert "variables/crp/reference" in str(err.value)


def test_the_titles_n_is_grouped_as_the_tables_numbers(cohort):
    """ "Table 1. Characteristics of 17549 subjects" above "n = 17,518": the title's {n} is
    grouped from thousands_min up, like every count of the table."""
    spec = {
        "kind": "descriptive",
        "by": "arm",
        "rows": [{"variable": "age"}],
        "title": "Table 1. {n} patients.",
    }
    config = filled(
        {
            "variables": VARIABLES,
            "derived": {},
            "statistics": {"rounding": "half_up", "p_value": {"decimals": 3, "threshold": 0.001}},
            "tables": {"t1": spec},
        }
    )
    stats = declared_table_statistics(cohort, "t1", config["tables"]["t1"], VARIABLES, config["statistics"])
    assert build_declared_table(stats, "t1", config, n_patients=17549).title == "Table 1. 17,549 patients."
    assert build_declared_table(stats, "t1", config, n_patients=2982).title == "Table 1. 2982 patients."
