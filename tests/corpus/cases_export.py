"""Corpus cases drawn from real hospital exports: spreadsheet artefacts in CSV (issue 14, item 9).

Same tuple layout as ``make_corpus.CASES``: (id, fault class, files, config patch, special,
expected fragments). Each fault is one a hospital export tool or a spreadsheet really produces:
Windows-1252 punctuation, Excel error strings and display formats, stripped leading zeros,
missing-value markers nobody declared, units typed into the value cell.
"""

from __future__ import annotations

import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
A_P = (HERE / "base" / "data" / "a_patients.csv").read_text(encoding="utf-8")
A_L = (HERE / "base" / "data" / "a_labs.csv").read_text(encoding="utf-8")
P0 = "sites/a/sources/0"
L0 = "sites/a/sources/1"
EXP = "expected:"


def _edit(text: str, old: str, new: str) -> str:
    """``text`` with the first ``old`` replaced; fails loudly when the base study changes."""
    assert old in text, old
    return text.replace(old, new, 1)


def _patients(old: str, new: str) -> str:
    return _edit(A_P, old, new)


def _labs(old: str, new: str) -> str:
    return _edit(A_L, old, new)


def _xlsx_sheets(sheets: dict[str, str]) -> bytes:
    """A workbook with one sheet per ``{name: csv text}``, numbers typed as numbers."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, text in sheets.items():
        ws = wb.create_sheet(name)
        for line in text.splitlines():
            ws.append([int(c) if c.isdigit() else c for c in line.split(",")])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _ids_with_leading_zeros(text: str) -> str:
    return text.replace("a1,", "007,").replace("a2,", "008,").replace("a3,", "009,")


def _ids_stripped(text: str) -> str:
    return text.replace("a1,", "7,").replace("a2,", "8,").replace("a3,", "9,")


CASES: list[tuple] = [
    (
        "cp1252_smart_quotes",
        "Windows-1252 smart quotes in a text cell (declared UTF-8)",
        {
            "data/a_patients.csv": _patients("Deceased (sepsis)", "Deceased (\u2018sepsis\u2019)").encode(
                "cp1252"
            )
        },
        [],
        None,
        ["data/a_patients.csv", "not valid utf-8", "`encoding:`"],
    ),
    (
        "crlf_trailing_space_header",
        "CRLF line ends and a trailing space in a header name",
        {"data/a_patients.csv": A_P.replace("patient,age,", "patient,age ,").replace("\n", "\r\n")},
        [],
        None,
        ["data/a_patients.csv", "column 'age'", "column not found", "age , sex"],
    ),
    (
        "bom_inside_field",
        "a byte-order mark inside a field (files concatenated)",
        {"data/a_patients.csv": _patients("a2,61,", "a2,\ufeff61,")},
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'age'", "\\ufeff61", "not a number"],
    ),
    (
        "na_slash_undeclared",
        "'N/A' as missing value, not declared",
        {"data/a_patients.csv": _patients("a2,61,", "a2,N/A,")},
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'age'", "value 'N/A'", "missing-value token"],
    ),
    (
        "dash_as_missing",
        "'-' as missing value, not declared",
        {"data/a_labs.csv": _labs("a2,0,tg,4.3", "a2,0,tg,-")},
        [],
        None,
        ["data/a_labs.csv", "row 10", "column 'value'", "value '-'", "missing-value token"],
    ),
    (
        "question_mark_as_missing",
        "'?' as missing value, not declared",
        {"data/a_patients.csv": _patients("a3,45,F,267", "a3,45,F,?")},
        [],
        None,
        ["data/a_patients.csv", "row 4", "column 'h_score'", "value '?'", "missing-value token"],
    ),
    (
        "negative_lab_value",
        "negative laboratory value",
        {"data/a_labs.csv": _labs("a2,7,ferritin,2214", "a2,7,ferritin,-2214")},
        [],
        None,
        ["data/a_labs.csv", "row 12", "value '-2214'", "implausible ferritin", "within [0, 1e+06]"],
    ),
    (
        "day_written_j7",
        "day written 'J7' (French jour)",
        {"data/a_labs.csv": _labs("a1,7,tmax", "a1,J7,tmax")},
        [],
        None,
        ["data/a_labs.csv", "row 5", "column 'day'", "value 'J7'", "an integer"],
    ),
    (
        "unit_in_value_cell",
        "unit typed into the value cell",
        {"data/a_labs.csv": _labs("a1,0,tg,4.2,", "a1,0,tg,4.2 mmol/L,")},
        [],
        None,
        ["data/a_labs.csv", "row 4", "column 'value'", "value '4.2 mmol/L'", "not a number"],
    ),
    (
        "scientific_notation_rounded",
        "scientific notation from an Excel display format (digits lost)",
        {"data/a_labs.csv": _labs("a1,0,ferritin,14835", "a1,0,ferritin,1.48E+04")},
        [],
        None,
        ["data/a_labs.csv", "row 3", "value '1.48E+04'", "scientific notation", "written out in full"],
    ),
    (
        "scientific_notation_count",
        "scientific notation in a count",
        {"data/a_patients.csv": _patients("a1,38,M,244", "a1,38,M,2.44E2")},
        [],
        None,
        ["data/a_patients.csv", "row 2", "column 'h_score'", "value '2.44E2'", "scientific notation"],
    ),
    (
        "header_case_duplicate",
        "two header names differing only by case",
        {
            "data/a_patients.csv": A_P.replace(
                "patient,age,sex,h_score,outcome", "patient,age,sex,h_score,outcome,Age"
            )
            .replace("Favourable evolution\n", "Favourable evolution,39\n")
            .replace("(sepsis)\n", "(sepsis),61\n")
            .replace("267,NA\n", "267,NA,45\n")
        },
        [],
        None,
        [
            "data/a_patients.csv",
            "column 'Age'",
            "'age' and 'Age' differ only by case",
            "distinct column names",
        ],
    ),
    (
        "date_31_february",
        "an impossible date (31/02/2020) in a day column",
        {"data/a_labs.csv": _labs("a1,7,tmax", "a1,31/02/2020,tmax")},
        [],
        None,
        ["data/a_labs.csv", "row 5", "column 'day'", "value '[date]'", "an integer"],
    ),
    (
        "leading_zeros_stripped",
        "patient ids with leading zeros stripped in one file (Excel: 007 -> 7)",
        {"data/a_patients.csv": _ids_with_leading_zeros(A_P), "data/a_labs.csv": _ids_stripped(A_L)},
        [],
        None,
        ["data/a_labs.csv", "column 'patient'", "row 2 '7'", "absent from the site's patient files"],
    ),
    (
        "excel_div0_in_csv",
        "Excel '#DIV/0!' error string in a CSV number column",
        {"data/a_labs.csv": _labs("a3,0,tg,4.4", "a3,0,tg,#DIV/0!")},
        [],
        None,
        ["data/a_labs.csv", "row 16", "column 'value'", "value '#DIV/0!'", "not a number"],
    ),
    (
        "excel_na_in_csv",
        "Excel '#N/A' error string in a CSV number column",
        {"data/a_patients.csv": _patients("a2,61,F,198", "a2,61,F,#N/A")},
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'h_score'", "value '#N/A'", "missing-value token"],
    ),
    (
        "tab_declared_comma",
        "tab-separated file read as comma-separated",
        {"data/a_patients.csv": A_P.replace(",", "\t")},
        [],
        None,
        ["data/a_patients.csv", "separated by '\\t'", "`separator: '\\t'`"],
    ),
    (
        "mixed_decimal_separators",
        "one value with a decimal comma in a dot-decimal column",
        {"data/a_labs.csv": _labs("a2,0,tmax,39.7", 'a2,0,tmax,"39,7"')},
        [],
        None,
        ["data/a_labs.csv", "row 8", "column 'value'", "value '39,7'", "'.' as decimal mark"],
    ),
    (
        "xlsx_empty_sheet_name",
        "XLSX source with an empty sheet name in the config",
        {"data/a_patients.xlsx": _xlsx_sheets({"patients": A_P})},
        [{"set": f"{P0}/path", "value": "data/a_patients.xlsx"}, {"set": f"{P0}/sheet", "value": ""}],
        None,
        ["data/a_patients.xlsx", "value ''", "no sheet ''", "one of 'patients'"],
    ),
    (
        "nbsp_thousands",
        "a non-breaking space as thousands separator (French Excel)",
        {"data/a_labs.csv": _labs("a1,0,ferritin,14835", "a1,0,ferritin,14\u00a0835")},
        [],
        None,
        ["data/a_labs.csv", "row 3", "value '14\\xa0835'", "no thousands separator"],
    ),
    (
        "apostrophe_text_marker",
        "Excel's leading apostrophe (text marker) before a number",
        {"data/a_patients.csv": _patients("a1,38,", "a1,'38,")},
        [],
        None,
        ["data/a_patients.csv", "row 2", "column 'age'", 'value "\'38"', "not a number"],
    ),
    (
        "unicode_minus",
        "a Unicode minus sign in a number",
        {"data/a_labs.csv": _labs("a1,0,tg,4.2", "a1,0,tg,\u22124.2")},
        [],
        None,
        ["data/a_labs.csv", "row 4", "column 'value'", "value '−4.2'", "not a number"],
    ),
    (
        "excel_hash_overflow",
        "Excel '########' (column too narrow) exported as text",
        {"data/a_labs.csv": _labs("a1,7,ferritin,2114", "a1,7,ferritin,########")},
        [],
        None,
        ["data/a_labs.csv", "row 6", "value '########'", "not a number"],
    ),
    (
        "boolean_in_count",
        "a spreadsheet boolean TRUE in a count column",
        {"data/a_patients.csv": _patients("a1,38,M,244", "a1,38,M,TRUE")},
        [],
        None,
        ["data/a_patients.csv", "row 2", "column 'h_score'", "value 'TRUE'", "an integer"],
    ),
    (
        "lowercase_code",
        "a category code in lower case ('m' for M)",
        {"data/a_patients.csv": _patients("a1,38,M,", "a1,38,m,")},
        [],
        None,
        ["data/a_patients.csv", "row 2", "column 'sex'", "value 'm'", "one of 'M', 'F'"],
    ),
    (
        "fullwidth_digits",
        "full-width digits (East Asian input method) in a number",
        {"data/a_patients.csv": _patients("a1,38,", "a1,\uff13\uff18,")},
        [],
        None,
        ["data/a_patients.csv", "row 2", "column 'age'", "value '３８'", "not a number"],
    ),
    (
        "null_byte",
        "a NUL byte in a CSV (corrupted export)",
        {"data/a_patients.csv": _patients("a2,61,", "a2,6\x001,")},
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'age'", "value '6\\x001'", "not a number"],
    ),
    (
        "iso_date_as_day",
        "an ISO date in the day column",
        {"data/a_labs.csv": _labs("a1,7,tmax", "a1,2020-03-07,tmax")},
        [],
        None,
        ["data/a_labs.csv", "row 5", "column 'day'", "value '[date]'", "an integer"],
    ),
    (
        "age_with_unit_word",
        "age written with its unit ('38 ans')",
        {"data/a_patients.csv": _patients("a1,38,", "a1,38 ans,")},
        [],
        None,
        ["data/a_patients.csv", "row 2", "column 'age'", "value '38 ans'", "not a number"],
    ),
    (
        "pipe_separator",
        "pipe-separated file undeclared",
        {"data/a_patients.csv": A_P.replace(",", "|")},
        [],
        None,
        ["data/a_patients.csv", "separated by '|'", "`separator: '|'`"],
    ),
]
