"""A Table 1 declared `kind: descriptive` (issue 22 item 1): the keys the classic Table 1 had
that the descriptive kind lacked (section rows and indentation, the statistic in a header
instead of each label, a configurable overall header, per-row pct_decimals, the dagger of
synthetic rows, the double dagger of rows differing from the paper), the classic readers'
view of its statistics, and the refused mistakes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from loaded_sections import edited_flagship, filled

from retrocohort.analysis.declared_tables import declared_table_statistics
from retrocohort.analysis.descriptive import summary_records, table1_statistics
from retrocohort.errors import ConfigError
from retrocohort.tables.declared_tables import build_declared_table
from retrocohort.tables.published_marks import PrintedRow, mark_published

VARIABLES = {
    "age": {"kind": "continuous", "unit": "years", "label": "Age"},
    "male": {"kind": "binary", "label": "Male"},
    "crp": {"kind": "continuous", "unit": "mg/L", "label": "CRP", "reference": [0, 8]},
}
DERIVED = {"n_conditions": {"count": ["male"]}}
ROWS = [
    {"variable": "male", "label": "Gender (male)", "pct_decimals": 1},
    {"section": "Laboratory"},
    {"variable": "crp", "indent": 1},
    {"variable": "age", "indent": 1, "stat": "median"},
    {"variable": "n_conditions", "decimals": 0},
]


@pytest.fixture
def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "male": [True, False, True, True, None],
            "crp": [12.0, 4.0, 150.0, np.nan, 33.0],
            "age": [30.0, 40.0, 50.0, 60.0, 70.0],
            "n_conditions": [1, 1, 1, 1, 0],
        }
    )


def _config(**spec) -> dict:
    table = {"kind": "descriptive", "title": "Table 1. {n} patients.", "rows": ROWS, **spec}
    return filled(
        {
            "variables": VARIABLES,
            "derived": DERIVED,
            "study": {"synthetic_note": "Synthetic values."},
            "statistics": {"rounding": "half_up"},
            "tables": {"table1": table},
        }
    )


def _stats(frame: pd.DataFrame, config: dict, synthetic=()) -> pd.DataFrame:
    stats = declared_table_statistics(
        frame, "table1", config["tables"]["table1"], VARIABLES, config["statistics"], derived=DERIVED
    )
    return stats.assign(synthetic=stats["variable"].isin(synthetic))


def test_classic_table1_layout_as_declared_keys(frame):
    config = _config(
        characteristic_header="",
        overall_header="Number of Patients (%) or Median [IQR] (N = {n})",
        label_statistic=False,
        reference_range=True,
        missing="no",
        p_value=False,
    )
    table = build_declared_table(_stats(frame, config, {"crp"}), "table1", config, n_patients=5)
    assert table.title == "Table 1. 5 patients."
    assert table.columns == ["", "Reference values", "Number of Patients (%) or Median [IQR] (N = 5)"]
    cells = [(row.cells, row.indent, row.section) for row in table.rows]
    assert cells[0] == (["Gender (male)", "", "3/4 (75.0%)"], 0, False)  # the row's pct_decimals
    assert cells[1] == (["Laboratory"], 0, True)
    assert cells[2][0][0].text == "CRP (mg/L)" and cells[2][0][0].mark == "†"  # synthetic
    assert cells[2][0][1:] == ["0.0–8.0", "22.5 [10.0–62.3] (n = 4)"] and cells[2][1] == 1
    assert cells[3][0] == ["Age (years)", "", "50.0"] and cells[3][1] == 1  # stat: median
    assert cells[4][0] == ["n_conditions", "", "1 [1–1]"]
    text = " ".join(str(f) for f in table.footnotes)
    assert "Synthetic values." in text and "p-values" not in text  # no p column: no p sentence


def test_the_default_layout_is_unchanged(frame):
    table = build_declared_table(_stats(frame, _config()), "table1", _config(), n_patients=5)
    assert table.columns[:2] == ["Characteristic", "Overall (n = 5)"]
    assert table.rows[0].cells[0] == "Gender (male), n (%)"
    # one column of all patients compares nothing: no p-Value column, no word of p-values
    assert "p-Value" not in table.columns and "p-values" not in " ".join(map(str, table.footnotes))


def test_a_derived_count_is_summarised_as_a_number_not_inferred_binary(frame):
    """n_conditions holds only 0/1 here: inferred from its values it would be binary."""
    stats = _stats(frame, _config())
    row = stats[stats["variable"] == "n_conditions"].iloc[0]
    assert (row["kind"], row["stat"]) == ("continuous", "median_iqr")


def test_summary_records_of_a_declared_table_equal_the_classic_statistics(frame):
    """Readers of a classic Table 1 (audit, manuscript, the double-dagger marks) read the same
    numbers from a declared one."""
    config = _config(missing="no", p_value=False)
    declared = summary_records(_stats(frame, config), 7)
    classic_rows = [{k: v for k, v in r.items() if k in ("variable", "section")} for r in ROWS]
    classic_rows[3]["stat"] = "median"
    classic = table1_statistics(frame, classic_rows, VARIABLES, DERIVED, 7, set())
    pd.testing.assert_frame_equal(
        declared.drop(columns=["note", "synthetic"]),
        classic.drop(columns=["note", "synthetic"]),
        check_dtype=False,
    )


def test_rows_differing_from_the_paper_get_the_double_dagger(frame):
    config = _config(missing="no", p_value=False)
    stats = _stats(frame, config)
    table = build_declared_table(stats, "table1", config, n_patients=5)
    printed = [
        PrintedRow("male", "count_pct", {"count": 4}, {}, "4 (80%)"),
        PrintedRow("age", "median_iqr", {"median": 50.0}, {"median": 1}, "50.0"),
    ]
    marked = mark_published(table, stats, printed, "half_up", 7, "results/audit/audit.md")
    assert marked.rows[0].cells[0].mark == "‡" and "4 (80%) for Gender (male)" in str(marked.footnotes[-1])
    assert not getattr(marked.rows[3].cells[0], "mark", None)  # the median agrees


def _load(root, tmp_path, monkeypatch, edit):
    return edited_flagship(root, tmp_path, monkeypatch, edit)


def test_the_flagship_table1_is_declared_descriptive(root, tmp_path, monkeypatch):
    spec = _load(root, tmp_path, monkeypatch, lambda c: None).data["tables"]["table1"]
    assert spec["kind"] == "descriptive" and {"section": "Underlying condition"} in spec["rows"]


@pytest.mark.parametrize(
    "edit, key",
    [
        (lambda t: t["rows"].append({"section": "Labs", "variable": "crp"}), "tables/table1/rows/"),
        (lambda t: t.update(overall_header=""), "tables/table1/overall_header"),
        (lambda t: t["rows"][0].update(pct_decimals=5), "tables/table1/rows/0/pct_decimals"),
        (lambda t: t.update(label_statistic="no"), "tables/table1/label_statistic"),
    ],
)
def test_refused_table1_keys_name_the_key(root, tmp_path, monkeypatch, edit, key):
    with pytest.raises(ConfigError) as err:
        _load(root, tmp_path, monkeypatch, lambda c: edit(c["tables"]["table1"]))
    assert key in str(err.value)


def test_published_table_needs_the_papers_numbers(root, tmp_path, monkeypatch):
    with pytest.raises(ConfigError) as err:
        _load(root, tmp_path, monkeypatch, lambda c: c["study"].pop("published"))
    assert "tables/table1/published_table" in str(err.value) and "study.published" in str(err.value)


def test_a_label_that_already_states_its_unit_gets_no_second_one(frame):
    variables = {**VARIABLES, "crp": {**VARIABLES["crp"], "unit": "%", "label": "CRP (% of normal)"}}
    config = {**_config(), "variables": variables}
    table = build_declared_table(_stats(frame, config), "table1", config, n_patients=5)
    labels = [str(row.cells[0]) for row in table.rows]
    assert "CRP (% of normal), median [Q1–Q3]" in labels


def test_values_json_names_the_rule_and_columns_of_a_declared_table1():
    """values.json traces each number to its file, column and rule: a declared Table 1's CSV is
    written by cohort_table and holds the Overall column as <statistic>@Overall."""
    from retrocohort.manuscript.results_files import statistics_inputs
    from retrocohort.manuscript.sources_descriptive import _in_file

    inputs = {
        "flow": "f.csv",
        "table1": "results/stats/table1.csv",
        "declared_table1": "results/stats/table1.json",
    }
    tables = {"table1": {"kind": "descriptive"}}
    assert statistics_inputs(inputs, tables)[2]["results/stats/table1.csv"] == "cohort_table"
    assert statistics_inputs({"flow": "f.csv", "table1": "t1.csv"}, {})[2]["t1.csv"] == "table1_statistics"
    assert _in_file("denominator-count", "@Overall") == "denominator@Overall-count@Overall"
    assert _in_file("median,q1,q3", "") == "median,q1,q3"


def test_a_categorical_row_of_a_declared_table1_gives_one_key_per_level(frame):
    """The Results text of a declared one-column Table 1 with a categorical row: keys
    table1.<variable>.<level>.*, never the same key twice (a ConfigError before)."""
    from retrocohort.manuscript.namespace import TextStyle
    from retrocohort.manuscript.sources_descriptive import table1_entries

    variables = {
        **VARIABLES,
        "grade": {"kind": "categorical", "categories": ["low", "high"], "label": "Grade"},
    }
    rows = [{"variable": "grade"}, {"variable": "age"}]
    config = filled(
        {
            "variables": variables,
            "derived": {},
            "statistics": {"rounding": "half_up"},
            "tables": {"table1": {"kind": "descriptive", "rows": rows}},
        }
    )
    data = frame.assign(grade=["low", "high", "high", None, "low"])
    stats = declared_table_statistics(
        data, "table1", config["tables"]["table1"], variables, config["statistics"]
    )
    records = summary_records(stats.assign(synthetic=False), 7)
    space = table1_entries(records, "t1.csv", config, 5, TextStyle.from_config(config), "@Overall")
    assert space["table1.grade.high.count"].value == 2 and space["table1.grade.low.count"].value == 2
    assert space["table1.grade.high.count"].column == "count@Overall"
    assert space["table1.age.median"].value == 50.0
