"""Corpus cases for spreadsheet, number, text, vocabulary and privacy fidelity (issue 14, items 2-6).

Same tuple layout as ``make_corpus.CASES``: (id, fault class, files, config patch, special,
expected fragments). XLSX files are built cell by cell with openpyxl (formulas without cached
values, merged ranges, hidden rows and sheets, number formats), as a hospital export would be.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

HERE = Path(__file__).resolve().parent
A_P = (HERE / "base" / "data" / "a_patients.csv").read_text(encoding="utf-8")
A_L = (HERE / "base" / "data" / "a_labs.csv").read_text(encoding="utf-8")
P0 = "sites/a/sources/0"
L0 = "sites/a/sources/1"
XLSX = [{"set": f"{P0}/path", "value": "data/a_patients.xlsx"}]
ROWS = [line.split(",") for line in A_P.splitlines()]


def _xlsx(edit=None, rows=None, notes_first: bool = False) -> bytes:
    """The base patients as a workbook: numbers typed as numbers; ``edit(workbook)`` applies the fault."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "patients"
    if notes_first:
        ws.title = "notes"
        ws.append(["Export of 2022-04-01, see the data sheet"])
        ws = wb.create_sheet("patients")
    for row in rows or ROWS:
        ws.append([int(c) if c.isdigit() else c for c in row])
    if edit:
        edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _cell(ref: str, value=None, number_format: str | None = None):
    def edit(wb):
        ws = wb["patients"]
        if value is not None:
            ws[ref] = value
        if number_format:
            ws[ref].number_format = number_format

    return edit


def _hide_rows(wb):
    wb["patients"].row_dimensions[3].hidden = True


def _hide_sheet(wb):
    wb.create_sheet("readme")
    wb["patients"].sheet_state = "hidden"
    wb.active = 1


def _labs(edit: dict[str, str]) -> str:
    text = A_L
    for old, new in edit.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


_COMMA_LABS = (
    "\n".join(
        ";".join(cells[:3] + [cells[3].replace(".", ",")] + cells[4:])
        for cells in (line.split(",") for line in A_L.splitlines())
    )
    + "\n"
)
_LINES = {"a1": "1. ANA", "a2": "1. CTC; 2. Anakinra", "a3": "1. CTC, 2. Rituximab"}


def _with_column(name: str, values: dict[str, str]) -> str:
    lines = A_P.splitlines()
    out = [f"{lines[0]},{name}"] + [f'{line},"{values[line.split(",")[0]]}"' for line in lines[1:]]
    return "\n".join(out) + "\n"


def _outcome(a2_text: str) -> str:
    return A_P.replace("Deceased (sepsis)", f'"{a2_text}"')


CASES: list[tuple] = [
    (
        "xlsx_formula_without_value",
        "XLSX formula without a cached value",
        {"data/a_patients.xlsx": _xlsx(_cell("B3", "=B2+23"))},
        XLSX,
        None,
        [
            "data/a_patients.xlsx",
            "row 3",
            "column 'age'",
            "formula '=B2+23' in cell B3 has no computed value",
            "open and save the workbook",
        ],
    ),
    (
        "xlsx_merged_cells",
        "XLSX merged cells",
        {"data/a_patients.xlsx": _xlsx(lambda wb: wb["patients"].merge_cells("C3:C4"))},
        XLSX,
        None,
        ["data/a_patients.xlsx", "row 3", "column 'sex'", "merged cells C3:C4", "unmerged cells"],
    ),
    (
        "xlsx_percent_cell",
        "XLSX percent-formatted cell for a variable whose unit is not %",
        {"data/a_patients.xlsx": _xlsx(_cell("B2", 0.38, "0%"))},
        XLSX,
        None,
        [
            "data/a_patients.xlsx",
            "row 2",
            "column 'age'",
            "value '38%'",
            "a percentage for a variable whose unit is not %",
        ],
    ),
    (
        "xlsx_date_in_number",
        "XLSX date cell in a numeric column",
        {"data/a_patients.xlsx": _xlsx(_cell("B2", dt.datetime(1986, 2, 1), "dd/mm/yyyy"))},
        XLSX,
        None,
        ["data/a_patients.xlsx", "row 2", "column 'age'", "value '[date]'", "not a number"],
    ),
    (
        "xlsx_hidden_rows",
        "XLSX hidden rows",
        {"data/a_patients.xlsx": _xlsx(_hide_rows)},
        XLSX,
        None,
        ["data/a_patients.xlsx", "1 hidden row(s): 3", "hidden_rows: include"],
    ),
    (
        "xlsx_hidden_sheet",
        "XLSX data on a hidden sheet",
        {"data/a_patients.xlsx": _xlsx(_hide_sheet)},
        XLSX,
        None,
        ["data/a_patients.xlsx", "sheet 'patients' is hidden", "`sheet: 'patients'`"],
    ),
    (
        "xlsx_several_sheets",
        "XLSX data on the second sheet, notes on the first, no `sheet:`",
        {"data/a_patients.xlsx": _xlsx(notes_first=True)},
        XLSX,
        None,
        ["data/a_patients.xlsx", "2 non-empty sheets: 'notes', 'patients'", "`sheet: <name>`"],
    ),
    (
        "xlsx_unknown_sheet",
        "XLSX declared sheet absent",
        {"data/a_patients.xlsx": _xlsx()},
        XLSX + [{"set": f"{P0}/sheet", "value": "Patients"}],
        None,
        ["data/a_patients.xlsx", "no sheet 'Patients'", "'patients'"],
    ),
    (
        "xlsx_error_value",
        "XLSX Excel error value",
        {"data/a_patients.xlsx": _xlsx(_cell("D3", "#DIV/0!"))},
        XLSX,
        None,
        ["data/a_patients.xlsx", "row 3", "column 'h_score'", "Excel error value in cell D3", "'#DIV/0!'"],
    ),
    (
        "decimal_comma_dotted_value",
        "declared decimal comma, a value only valid with a dot (24.657)",
        {"data/a_labs.csv": _COMMA_LABS.replace("a1;0;ferritin;14835", "a1;0;ferritin;14.835")},
        [{"set": f"{L0}/separator", "value": ";"}, {"set": f"{L0}/decimal", "value": ","}],
        None,
        [
            "data/a_labs.csv",
            "row 3",
            "column 'value'",
            "value '14.835'",
            "'.' in a number of a source declaring ','",
        ],
    ),
    (
        "utf8_declared_latin1",
        "UTF-8 file declared Latin-1 (mojibake)",
        {"data/a_patients.csv": _outcome("Décès (sepsis)").encode("utf-8")},
        [{"set": f"{P0}/encoding", "value": "latin-1"}],
        None,
        [
            "data/a_patients.csv",
            "row 3",
            "column 'outcome'",
            "mis-decoded",
            "U+00C3",
            "`encoding: utf-8`",
            "'Décès (sepsis)'",
        ],
    ),
    (
        "cp1252_declared_latin1",
        "Windows-1252 file declared Latin-1 (C1 control characters)",
        {"data/a_patients.csv": _outcome("Deceased – sepsis").encode("cp1252")},
        [{"set": f"{P0}/encoding", "value": "latin-1"}],
        None,
        ["data/a_patients.csv", "row 3", "column 'outcome'", "U+0096", "`encoding: cp1252`"],
    ),
    (
        "binary_half_patient",
        "binary patient variable coded 0.5",
        {"data/a_patients.csv": _with_column("icu", {"a1": "1", "a2": "0.5", "a3": "0"})},
        [
            {"set": "variables/icu", "value": {"kind": "binary", "table": "patients"}},
            {"set": f"{P0}/columns/icu", "value": {"column": "icu"}},
        ],
        None,
        ["data/a_patients.csv", "row 3", "column 'icu'", "value '0.5'", "unknown category", "'1', '0'"],
    ),
    (
        "binary_half_measurement",
        "binary measurement coded 0.5",
        {"data/a_labs.csv": A_L + "a1,0,fever,0.5,1\n"},
        [
            {"set": "variables/fever", "value": {"kind": "binary", "table": "measurements"}},
            {"set": f"{L0}/variable_names/fever", "value": "fever"},
        ],
        None,
        ["data/a_labs.csv", "row 20", "column 'value'", "value '0.5'", "binary fever must be coded 0 or 1"],
    ),
    (
        "unit_look_alike",
        "unit spelled with a look-alike letter (Cyrillic o)",
        {"data/a_labs.csv": _labs({"a1,0,tg,4.2,mmol/L": "a1,0,tg,4.2,mm\u043el/L"})},
        [],
        None,
        [
            "data/a_labs.csv",
            "row 4",
            "column 'unit'",
            "U+043E CYRILLIC SMALL LETTER O",
            "closest accepted spelling: 'mmol/L'",
        ],
    ),
    (
        "agent_unknown",
        "treatment line with an undeclared agent",
        {"data/a_patients.csv": _with_column("lines", _LINES)},
        [
            {"set": "agents", "value": {"ANA": ["anakinra"], "CTC": ["corticosteroids"]}},
            {"set": f"{P0}/treatments", "value": {"column": "lines", "format": "numbered_lines"}},
        ],
        None,
        [
            "data/a_patients.csv",
            "row 4",
            "column 'lines'",
            "treatment line 2: unknown agent 'Rituximab'",
            "value '1. CTC, 2. Rituximab'",
            "ANA, CTC",
        ],
    ),
    (
        "agent_case_variant",
        "treatment agent in another case than in derived (no agents declared)",
        {
            "data/a_patients.csv": _with_column(
                "lines", {"a1": "1. ANA", "a2": "1. CTC, 2. ana", "a3": "1. CTC"}
            )
        },
        [
            {"set": "derived", "value": {"ana_line": {"treatment_line_of": {"agent": "ANA"}}}},
            {"set": f"{P0}/treatments", "value": {"column": "lines", "format": "numbered_lines"}},
        ],
        None,
        [
            "data/a_patients.csv",
            "row 3",
            "treatment line 2",
            "agent 'ana' spelled differently from 'ANA'",
            "agents:",
        ],
    ),
    (
        "treatment_unparseable",
        "treatment lines not numbered",
        {
            "data/a_patients.csv": _with_column(
                "lines", {"a1": "1. ANA", "a2": "CTC then ANA", "a3": "1. CTC"}
            )
        },
        [{"set": f"{P0}/treatments", "value": {"column": "lines", "format": "numbered_lines"}}],
        None,
        [
            "data/a_patients.csv",
            "row 3",
            "column 'lines'",
            "cannot parse treatment lines",
            "value 'CTC then ANA'",
        ],
    ),
    (
        "config_agent_undeclared",
        "config: derived agent not among the declared agents",
        {},
        [
            {"set": "agents", "value": {"ANA": ["anakinra"]}},
            {"set": "derived", "value": {"ana_line": {"treatment_line_of": {"agent": "anakinra"}}}},
        ],
        None,
        ["config.yaml", "derived/ana_line/treatment_line_of/agent", "value 'anakinra'", "unknown agent"],
    ),
    (
        "free_text_email",
        "e-mail address inside free text",
        {"data/a_patients.csv": _outcome("Deceased (sepsis), contact jean.dupont@chu-rouen.fr")},
        [],
        None,
        [
            "data/a_patients.csv",
            "row 3",
            "column 'outcome'",
            "(e-mail address)",
            "contact [e-mail]",
            "free_text_identifiers: redact",
        ],
    ),
    (
        "free_text_birth_phone",
        "name, date of birth and phone inside free text",
        {"data/a_patients.csv": _outcome("Mme DUPONT Marie, nee le 12/03/1984, tel 06 12 34 56 78")},
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'outcome'", "(date of birth)"],
    ),
    (
        "free_text_phone",
        "French phone number inside free text",
        {"data/a_patients.csv": _outcome("Deceased; family: 06.12.34.56.78")},
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'outcome'", "(phone number)"],
    ),
    (
        "free_text_nir_dots",
        "NIR written with dots after 'NIR:' inside free text",
        {"data/a_patients.csv": _outcome("Deceased (sepsis). NIR: 1.85.05.75.123.456.78")},
        [],
        None,
        ["data/a_patients.csv", "row 3", "column 'outcome'", "(French NIR / INSEE number)"],
    ),
    (
        "path_outside_study",
        "raw path outside the study directory",
        {},
        [{"set": f"{P0}/path", "value": "/etc/hostname"}],
        None,
        ["config.yaml", f"{P0}/path", "outside the study directory"],
    ),
    (
        "path_parent_escape",
        "raw path escaping the study directory with ../",
        {},
        [{"set": f"{P0}/path", "value": "../a_patients.csv"}],
        None,
        ["config.yaml", f"{P0}/path", "outside the study directory"],
    ),
]
