"""Digit grouping decided per column and row (retrocohort.render.number_style.NumberStyle.table)."""

from __future__ import annotations

from retrocohort.render import Marked, Row, Table
from retrocohort.render.number_style import NumberStyle


def _table(*rows: list[str]) -> Table:
    return Table("T", ["Characteristic", "A", "B"], [Row(list(r)) for r in rows], [], "t")


def _cells(table: Table) -> list[list[str]]:
    return [list(row.cells) for row in table.rows]


def test_a_column_with_a_grouped_number_groups_every_number_from_1000():
    """Failed before (no column decision): a large cohort printed "13,835.0 [6,072.5–27,001.0]"
    above "635.0 [314.0–1263.0]" in one column."""
    table = _table(
        ["Ferritin", "13,835.0 [6,072.5–27,001.0]", "12.0"],
        ["ALP", "635.0 [314.0–1263.0]", "1.0"],
    )
    assert _cells(NumberStyle().table(table)) == [
        ["Ferritin", "13,835.0 [6,072.5–27,001.0]", "12.0"],
        ["ALP", "635.0 [314.0–1,263.0]", "1.0"],
    ]


def test_large_counts_get_separators_and_the_decision_spreads_over_rows_and_columns():
    table = _table(
        ["Women", "12345 (41%)", "300 (2%)"],
        ["Platelets", "1263 [872–1980]", "2014.0"],
        ["ALP", "12.0", "1500 (n = 20)"],
        ["Since 2014", "5", "6"],
    )
    assert _cells(NumberStyle().table(table)) == [
        ["Women", "12,345 (41%)", "300 (2%)"],
        ["Platelets", "1,263 [872–1,980]", "2,014.0"],  # its column is grouped: its row too
        ["ALP", "12.0", "1,500 (n = 20)"],  # column B is grouped through row 2
        ["Since 2014", "5", "6"],  # the label column is left as it is
    ]


def test_numbers_below_the_threshold_everywhere_are_left_alone():
    table = _table(["A", "1263.0", "6072.5"], ["B", "2021-03-04", "ID 9044"])
    assert NumberStyle().table(table) is table


def test_marks_custom_separators_and_no_grouping():
    table = Table(
        "T",
        ["", "Day 0", "Day 7"],
        [Row(["CRP", Marked("10\u202f044.0", "†"), "2014.0"]), Row(["Age", "1234", "3"])],
        [],
        "t",
    )
    grouped = NumberStyle(thousands_sep="\u202f").table(table)
    first = grouped.rows[0].cells[1]
    assert isinstance(first, Marked) and first.text == "10\u202f044.0" and first.mark == "†"
    assert _cells(grouped)[0][2] == "2\u202f014.0"
    assert _cells(grouped)[1] == ["Age", "1\u202f234", "3"]
    assert NumberStyle(thousands_sep="").table(table) is table


def test_a_higher_threshold_leaves_ten_thousands_ungrouped():
    table = _table(["A", "12345 (41%)", "1"])
    assert NumberStyle(thousands_min=100000).table(table) is table
