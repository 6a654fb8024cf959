"""Spreadsheet-export faults the readers now refuse (issue 14, item 9): exponents, non-ASCII
digits, and header names that differ only by case or surrounding spaces."""

from __future__ import annotations

import pandas as pd
import pytest

from retrocohort.errors import InputError
from retrocohort.ingest.cells import parse_numbers
from retrocohort.io.raw import read_raw_table


@pytest.mark.parametrize("cell", ["1.48E+04", "2.44E2", "5e-3", "1,48E+04"])
def test_scientific_notation_is_refused_not_read(cell):
    decimal = "," if "," in cell else "."
    values, problems = parse_numbers(
        pd.Series([cell]), file="f.csv", column="c", missing=["NA"], decimal=decimal
    )
    assert values.isna().all()
    assert len(problems) == 1
    text = problems[0].render()
    assert "scientific notation" in text and "row 2" in text and repr(cell) in text


@pytest.mark.parametrize("cell", ["\uff13\uff18", "\u0663\u0668"])  # full-width and Arabic-Indic 38
def test_non_ascii_digits_are_not_a_number(cell):
    values, problems = parse_numbers(pd.Series([cell]), file="f.csv", column="c", missing=["NA"])
    assert values.isna().all() and "not a number" in problems[0].render()


def test_plain_numbers_still_read_exactly():
    values, problems = parse_numbers(
        pd.Series(["14835", "-4.2", ".5", "NA"]), file="f", column="c", missing=["NA"]
    )
    assert problems == []
    assert values.iloc[:3].tolist() == [14835.0, -4.2, 0.5] and pd.isna(values.iloc[3])


@pytest.mark.parametrize("header", ["id,age,Age", "id,age,age ", "id,AGE,age"])
def test_header_names_equal_up_to_case_or_spaces_are_refused(tmp_path, header):
    path = tmp_path / "x.csv"
    path.write_text(header + "\n1,2,3\n", encoding="utf-8")
    with pytest.raises(InputError, match="differ only by case or surrounding spaces") as err:
        read_raw_table(path)
    assert "x.csv" in str(err.value)


def test_distinct_header_names_pass(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("id,age,age_at_onset\n1,2,3\n", encoding="utf-8")
    assert list(read_raw_table(path).columns) == ["id", "age", "age_at_onset"]


def test_many_excel_error_cells_are_counted_in_full(tmp_path):
    """Issue 21: a capped list of located cells also gives the true total."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["id", "age"])
    for i in range(1, 1201):
        ws.append([f"p{i}", "#DIV/0!"])
        ws.cell(row=i + 1, column=2).data_type = "e"
    path = tmp_path / "errors.xlsx"
    wb.save(path)
    with pytest.raises(InputError) as err:
        read_raw_table(path)
    text = str(err.value)
    assert "... and 1,180 more Excel error values (1,200 in all)" in text
