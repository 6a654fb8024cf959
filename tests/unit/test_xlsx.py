"""XLSX fidelity: what Excel shows is what is read, or a located error (io/xlsx.py)."""

import datetime as dt

import openpyxl
import pytest

from retrocohort.errors import InputError
from retrocohort.io.raw import read_raw_table
from retrocohort.io.xlsx import cell_text


def _book(tmp_path, rows, *, name="data", extra=None, build=None):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = name
    for row in rows:
        ws.append(row)
    if extra:
        other = wb.create_sheet(extra[0])
        for row in extra[1]:
            other.append(row)
    if build:
        build(wb)
    path = tmp_path / "book.xlsx"
    wb.save(path)
    return path


ROWS = [["patient", "age", "ferritin"], ["p1", 38, 14835], ["p2", 61.5, 2000], ["p3", 45, 900]]


def _error(path, **kw) -> str:
    with pytest.raises(InputError) as err:
        read_raw_table(path, **kw)
    return str(err.value)


def test_plain_sheet_is_read_as_shown(tmp_path):
    frame = read_raw_table(_book(tmp_path, ROWS))
    assert frame.columns.tolist() == ["patient", "age", "ferritin"]
    assert frame["age"].tolist() == ["38", "61.5", "45"]
    assert read_raw_table(_book(tmp_path, ROWS), decimal=",")["age"].tolist() == ["38", "61,5", "45"]


def test_formula_without_cached_value_is_an_error_naming_the_cell(tmp_path):
    path = _book(tmp_path, ROWS + [["p4", "=B2+1", 10]])
    text = _error(path)
    assert "row 5" in text and "column 'age'" in text and "'=B2+1'" in text and "B5" in text
    assert "no computed value" in text


def test_merged_range_is_an_error_naming_it(tmp_path):
    path = _book(tmp_path, ROWS, build=lambda wb: wb.active.merge_cells("C2:C3"))
    text = _error(path)
    assert "merged cells C2:C3" in text and "row 2" in text and "column 'ferritin'" in text


def test_hidden_rows_are_refused_unless_declared(tmp_path):
    def hide(wb):
        wb.active.row_dimensions[3].hidden = True

    path = _book(tmp_path, ROWS, build=hide)
    text = _error(path)
    assert "1 hidden row(s): 3" in text and "hidden_rows: include" in text
    assert len(read_raw_table(path, hidden_rows="include")) == 3


def test_several_non_empty_sheets_need_a_declared_sheet(tmp_path):
    path = _book(tmp_path, [["Notes"], ["exported 2022"]], name="notes", extra=("data", ROWS))
    text = _error(path)
    assert "2 non-empty sheets: 'notes', 'data'" in text and "`sheet: <name>`" in text
    assert read_raw_table(path, sheet="data")["patient"].tolist() == ["p1", "p2", "p3"]
    assert "no sheet 'Data'" in _error(path, sheet="Data")


def test_data_on_a_hidden_sheet_is_refused_unless_declared(tmp_path):
    def hide(wb):
        wb.create_sheet("empty")
        wb["data"].sheet_state = "hidden"
        wb.active = 1

    path = _book(tmp_path, ROWS, build=hide)
    assert "sheet 'data' is hidden" in _error(path)
    assert len(read_raw_table(path, sheet="data")) == 3


def test_excel_error_values_are_refused(tmp_path):
    text = _error(_book(tmp_path, ROWS + [["p4", "#N/A", 10]]))
    assert "Excel error value in cell B5" in text and "'#N/A'" in text


@pytest.mark.parametrize(
    "value, fmt, decimal, shown",
    [
        (0.126, "0.0%", ".", "12.6%"),
        (0.126, "0.0%", ",", "12,6%"),
        (0.0001, "0.00%", ".", "0.01%"),
        (3.5200000000000005, "General", ".", "3.5200000000000005"),
        (38.0, "General", ".", "38"),
        (1e-07, "General", ".", "0.0000001"),
        (12, "0%", ".", "1200%"),
        (True, "General", ".", "TRUE"),
        (dt.datetime(1986, 2, 1), "yyyy-mm-dd", ".", "1986-02-01"),
        (None, "General", ".", ""),
        (dt.datetime(2022, 4, 1, 8, 30), "yyyy-mm-dd hh:mm", ".", "2022-04-01 08:30:00"),
    ],
)
def test_cell_text_is_exact(value, fmt, decimal, shown):
    assert cell_text(value, fmt, decimal) == shown


def test_percent_and_date_cells_reach_the_frame_as_shown(tmp_path):
    def fmt(wb):
        wb.active["C2"].number_format = "0.0%"
        wb.active["B3"].number_format = "yyyy-mm-dd"

    rows = [ROWS[0], ["p1", 38, 0.126], ["p2", dt.datetime(1986, 2, 1), 1]]
    frame = read_raw_table(_book(tmp_path, rows, build=fmt))
    assert frame["ferritin"].tolist() == ["12.6%", "1"]
    assert frame["age"].tolist() == ["38", "1986-02-01"]
