"""Reader faults found on out-of-sample papers (issue 25), each on invented text: comma decimals
and dot thousands by the paper's style, labels and units around an interval's bracket,
footnote markers that define a cell's statistic, cells run together, transposed tables, and a
draft that always loads."""

from __future__ import annotations

from retrocohort.audit import audit_study
from retrocohort.audit.draft.cells import parse_cell, parse_cells
from retrocohort.audit.draft.draft import draft_entries, draft_study, draft_yaml
from retrocohort.audit.published import load_study

# an invented decimal-comma paper: "12,5%" and "(p<0,01)" in prose, dot-grouped counts in its table
COMMA_PAPER = """Results

Of the 80 children, 10 (12,5%) were admitted, more often in the older group (p<0,01).

Table 1. Children with a viral load >1.000 copies/ml.

Median viral load\t45.000 copies/ml (IQR: 12.000–90.000)
Girls\t41 (51,3%)
"""


def _load(tmp_path, text):
    path = tmp_path / "draft.yaml"
    path.write_text(draft_yaml(draft_study(text, "invented.txt")), encoding="utf-8")
    return load_study(path)


def test_comma_decimals_in_prose_are_read_and_the_draft_loads(tmp_path):
    study = _load(tmp_path, COMMA_PAPER)
    p = [n for n in study.numbers if n.statistic == "p_value"]
    assert [(n.values["p"], n.relation) for n in p] == [(0.01, "<")]
    assert any(
        n.statistic == "count_pct" and dict(n.values) == {"count": 10, "pct": 12.5} for n in study.numbers
    )
    assert not any(n.statistic == "count" and n.values.get("count") == 1 for n in study.numbers)


def test_dot_thousands_in_a_decimal_comma_paper_only():
    entries = draft_entries(COMMA_PAPER)
    vl = [e for e in entries if e["where"] == "Table 1" and e["statistic"] == "median_iqr"]
    assert [e["values"] for e in vl] == [{"median": 45000, "q1": 12000, "q3": 90000}]
    assert vl[0]["unit"] == "copies/ml" and "printed as" in vl[0]["note"]
    # the caption's ">1.000 copies/ml" is a threshold, not a result
    assert not [e for e in entries if e["where"] == "Table 1" and e["statistic"] == "count"]
    dot_paper = COMMA_PAPER.replace("12,5%", "12.5%").replace("0,01", "0.01").replace("51,3%", "51.3%")
    vl = [
        e for e in draft_entries(dot_paper.replace("copies/ml (", "mg/L (")) if e["statistic"] == "median_iqr"
    ]
    assert vl[0]["values"]["median"] == 45.0  # a dot-decimal paper, no count unit: 45 at 3 decimals


def test_a_label_inside_the_bracket_decides_the_statistic_and_a_unit_is_kept():
    c = parse_cell("210 cells/µl (IQR: 88–310)", ["CD4 count"])
    assert (c.statistic, c.values, c.unit) == ("median_iqr", {"median": 210, "q1": 88, "q3": 310}, "cells/µl")
    c = parse_cell("22.4 weeks (range: 10–40)", ["Mean gestation"])
    assert (c.statistic, c.values, c.unit) == ("mean", {"mean": 22.4, "min": 10, "max": 40}, "weeks")
    c = parse_cell("15.9 (95% CI: 13.6–18.4)", ["Incidence"])
    assert (c.statistic, c.values) == ("value", {"value": 15.9, "ci_low": 13.6, "ci_high": 18.4})
    # the label beats a hint that names another statistic
    assert parse_cell("12 (range: 3–40)", ["Median (IQR)"]).statistic == "median"


def test_cells_run_together_are_read_one_by_one():
    cells = parse_cells("40 (80.0%)10 (20.0%)", ["Arm: A B"])
    assert [c.values for c, _, _ in cells] == [{"count": 40, "pct": 80.0}, {"count": 10, "pct": 20.0}]


# an invented transposed table: rows are clinics, columns variables, footnotes define the statistics
TRANSPOSED = """Results

Table 2. Clinics of the 21 patients.

Clinic\tPatients\tWeight (kg)†\tSex‡\tVisits
North\t13\t71.5 (52–90)\t8/5\t40
South\t8\t66 (50–81)\t3/5\t19

† Median (range)

‡ Male/Female

The rest of the results.
"""


def test_footnote_markers_define_the_statistic_and_a_named_pair_is_two_counts(tmp_path):
    entries = [e for e in draft_entries(TRANSPOSED) if e["where"] == "Table 2"]
    weight = [e for e in entries if "weight" in e.get("group", "")]
    assert [(e["statistic"], e["values"]) for e in weight] == [
        ("median", {"median": 71.5, "min": 52, "max": 90}),
        ("median", {"median": 66, "min": 50, "max": 81}),
    ]
    sex = [(e["values"]["count"], e["group"]) for e in entries if "sex" in e.get("group", "")]
    assert sex == [(8, "sex_male"), (5, "sex_female"), (3, "sex_male"), (5, "sex_female")]
    study = _load(tmp_path, TRANSPOSED)  # "3/5" is 3 men and 5 women, not 3 of 5: no alarm
    assert not [f for f in audit_study(study) if f.status == "inconsistent"]


def test_a_transposed_tables_patients_column_is_the_n_of_its_summary_cells():
    entries = [e for e in draft_entries(TRANSPOSED) if e["where"] == "Table 2"]
    by_group = {(e["variable"], e.get("group")): e for e in entries}
    assert by_group[("north", "weight_kg")]["n"] == 13
    assert by_group[("south", "sex_female")]["n"] == 8
    assert "n" not in by_group[("north", "visits")]  # visits need not count patients


def test_an_entry_the_loader_refuses_is_left_out_with_a_warning(tmp_path):
    from retrocohort.audit.draft.output import loadable

    good = {
        "id": "a",
        "where": "abstract",
        "printed": "12",
        "statistic": "count",
        "values": {"count": 12},
        "decimals": {"count": 0},
        "variable": "a",
        "note": "source line 3, column 1",
    }
    bad = {**good, "id": "b", "printed": "05", "values": {"count": 5}, "note": "source line 4, column 9"}
    doc = {"source": {"citation": "x", "note": "y"}, "numbers": [good, bad]}
    kept, dropped = loadable(doc)
    assert [e["id"] for e in kept["numbers"]] == ["a"]
    assert len(dropped) == 1 and "entry b (printed '05', source line 4" in dropped[0]


def test_a_single_spaced_row_keeps_a_value_with_its_unit_and_iqr_out_of_the_label():
    text = "Results\n\nTable 1. Patients.\n\nMedian CD4 count 210 cells/µl (IQR: 88–310)\nGirls 41 (51.3%)\n"
    rows = [e for e in draft_entries(text) if e["where"] == "Table 1" and e["statistic"] == "median_iqr"]
    assert [(e["variable"], e["values"], e["unit"]) for e in rows] == [
        ("cd4_count", {"median": 210, "q1": 88, "q3": 310}, "cells/µl")
    ]


def test_dot_thousands_before_a_count_unit_in_a_dot_decimal_paper(tmp_path):
    text = "Results\n\nTable 1. Patients.\n\nMedian viral load\t45.000 copies/ml (IQR: 12.000–90.000)\nAge\t41.5 (30.250–52.000)\n"
    study = _load(tmp_path, text)  # loads: the rewritten printed text shows 45000
    values = [dict(n.values) for n in study.numbers if n.where == "Table 1"]
    assert {"median": 45000, "q1": 12000, "q3": 90000} in values
    assert {"median": 41.5, "q1": 30.25, "q3": 52.0} in values  # no count unit: decimals


def test_prose_keeps_a_digit_glued_to_a_unit_out_of_a_median():
    from retrocohort.audit.draft.draft_numbers import find_numbers

    found = [
        (n.statistic, n.values) for n in find_numbers("The median CD4 count was 210 cells/mm3 (IQR: 88–310).")
    ]
    assert ("median_iqr", {"median": 210.0, "q1": 88.0, "q3": 310.0}) in found
    assert not any(v.get("median") == 3.0 for _, v in found)  # not "mm3 (IQR..." as a median of 3
