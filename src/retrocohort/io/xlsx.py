"""Read an XLSX sheet cell by cell, so that what Excel shows is what the pipeline reads, or it stops.

``pandas.read_excel(dtype=str)`` loses the cell semantics a spreadsheet user relies on; this
reader keeps them, with openpyxl (https://openpyxl.readthedocs.io), and returns every cell as
text (typing happens in :mod:`retrocohort.ingest`). Rules, each documented in config/README.md:

* **Sheet choice**: with ``sheet:`` declared, that sheet (by name or 0-based position; a hidden
  sheet may be declared). Without it, the only non-empty sheet; several non-empty sheets, or a
  hidden one, are an error naming the sheets.
* **Formulas**: a formula cell is read as its cached value (what Excel last computed); a formula
  without a cached value (a workbook written by a program and never opened in Excel) is an
  error naming the cell, never a missing value.
* **Merged ranges** in the table (including the header) are an error naming the range: only
  the first cell of a merged range holds a value, the others would read as missing.
* **Hidden rows** are an error listing them, unless ``hidden_rows: include`` is declared.
* **Excel error values** (``#N/A``, ``#DIV/0!``...) are an error naming the cell.
* **Percent-formatted numbers** are written as Excel shows them: ``0.126`` formatted ``0.0%``
  becomes ``12.6%`` (an exact decimal shift, no float noise); the ingestion accepts the ``%``
  only for a variable whose unit is ``%`` (:func:`retrocohort.ingest.numbers.parse_numbers`).
* **Dates** become ISO text (``1986-02-01``; with the time when it is not midnight), so a date
  in a numeric column is reported as "not a number" with the date shown.
* **Numbers** are written in their shortest round-trip form with the source's decimal mark.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from retrocohort.errors import InputError, Problem

#: Show at most this many cells per problem kind (the count is always given).
MAX_LISTED = 20


def _number_text(value: float, percent: bool, decimal: str) -> str:
    """Shortest round-trip text of a cell number; ``percent``: times 100, exactly, plus ``%``."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int) and not percent:
        text = str(value)
    else:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        text = format(exact.scaleb(2) if percent else exact, "f")  # never an exponent
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if decimal != ".":
        text = text.replace(".", decimal)
    return text + ("%" if percent else "")


def cell_text(value: Any, number_format: str, decimal: str = ".") -> str:
    """One cell value (openpyxl, cached values) as the text the pipeline reads.

    Parameters
    ----------
    value
        ``cell.value`` from a workbook loaded with ``data_only=True``.
    number_format
        ``cell.number_format``; a ``%`` in it marks a percent-formatted number.
    decimal
        Decimal mark used to write numbers (the source's ``decimal``).
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return _number_text(value, "%" in number_format.replace('"%"', ""), decimal)
    return str(value)


def _non_empty(ws: Any) -> bool:
    return any(c.value not in (None, "") for row in ws.iter_rows() for c in row)


def choose_sheet(workbook: Any, sheet: str | int | None, file: str) -> Any:
    """The worksheet to read (see the module rules); :class:`InputError` naming the sheets."""
    names = workbook.sheetnames
    described = ", ".join(
        f"{n!r}" + (" (hidden)" if workbook[n].sheet_state != "visible" else "") for n in names
    )
    if sheet is not None:
        if isinstance(sheet, int) and 0 <= sheet < len(names):
            return workbook[names[sheet]]
        if isinstance(sheet, str) and sheet in names:
            return workbook[sheet]
        raise InputError(
            f"Sheet not found in {file}",
            [
                Problem(
                    f"no sheet {sheet!r} in the workbook",
                    file=file,
                    value=sheet,
                    expected=f"`sheet:` one of {described} (or its 0-based position)",
                )
            ],
        )
    filled = [n for n in names if _non_empty(workbook[n])]
    if len(filled) > 1:
        raise InputError(
            f"Several sheets hold data in {file}",
            [
                Problem(
                    f"{len(filled)} non-empty sheets: " + ", ".join(repr(n) for n in filled),
                    file=file,
                    expected="`sheet: <name>` for this source, naming the sheet with the table",
                )
            ],
        )
    chosen = workbook[filled[0] if filled else names[0]]
    if chosen.sheet_state != "visible":
        raise InputError(
            f"The data of {file} are on a hidden sheet",
            [
                Problem(
                    f"sheet {chosen.title!r} is hidden",
                    file=file,
                    expected=f"unhide it, or declare `sheet: {chosen.title!r}` to read it knowingly",
                )
            ],
        )
    return chosen


def _located(file: str, header: list[str], row: int, col: int) -> dict:
    name = header[col - 1] if col - 1 < len(header) and header[col - 1] else f"#{col}"
    return {"file": file, "row": row, "column": name}


def _dedupe(names: list[str]) -> list[str]:
    """Repeated header names become ``x``, ``x.1``... (as pandas does; reported by the caller)."""
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name}.{seen[name]}")
        else:
            seen[name] = 0
            out.append(name)
    return out


def read_xlsx_cells(
    path: str | Path, *, sheet: str | int | None = None, decimal: str = ".", hidden_rows: str = "refuse"
) -> pd.DataFrame:
    """Read one sheet as text cells (row 1 = header; frame index = Excel row - 2).

    Raises :class:`InputError` for every rule in the module docstring, each problem naming the
    file, Excel row, column header and cell reference.
    """
    import openpyxl

    file = str(path)
    formulas = openpyxl.load_workbook(path, data_only=False)
    ws_f = choose_sheet(formulas, sheet, file)
    values = openpyxl.load_workbook(path, data_only=True)[ws_f.title]
    rows = [[cell_text(c.value, c.number_format, decimal) for c in row] for row in values.iter_rows()]
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    while width and not any(len(r) >= width and r[width - 1] for r in rows):
        width -= 1
    header = [str(v).strip() if i < len(rows[0]) else "" for i, v in enumerate(rows[0][:width])]
    header += [""] * (width - len(header))
    problems: list[Problem] = []
    for rng in ws_f.merged_cells.ranges:
        if rng.min_row <= len(rows) and rng.min_col <= width:
            problems.append(
                Problem(
                    f"merged cells {rng.coord}: only the first cell holds a value",
                    **_located(file, header, rng.min_row, rng.min_col),
                    expected="unmerged cells, the value repeated in every row",
                )
            )
    missing_cache, errors = [], []
    for row_f, row_v in zip(
        ws_f.iter_rows(min_row=1, max_row=len(rows), max_col=width),
        values.iter_rows(min_row=1, max_row=len(rows), max_col=width),
    ):
        for c, v in zip(row_f, row_v):
            if c.data_type == "f" and v.value is None:
                missing_cache.append((c, str(c.value)))
            elif v.data_type == "e":
                errors.append((c, v.value))
    problems += [
        Problem(
            f"formula {text!r} in cell {c.coordinate} has no computed value",
            **_located(file, header, c.row, c.column),
            expected="open and save the workbook in Excel or LibreOffice (so values are "
            "computed), or paste values instead of formulas",
        )
        for c, text in missing_cache[:MAX_LISTED]
    ]
    problems += [
        Problem(
            f"Excel error value in cell {c.coordinate}",
            **_located(file, header, c.row, c.column),
            value=v,
            expected="a value, or a declared missing-value token",
        )
        for c, v in errors[:MAX_LISTED]
    ]
    problems += [
        Problem(
            f"... and {len(cells) - MAX_LISTED:,} more {what} ({len(cells):,} in all)",
            file=file,
            expected=expected,
        )
        for cells, what, expected in (
            (missing_cache, "formulas without a computed value", "computed values (see above)"),
            (errors, "Excel error values", "a value, or a declared missing-value token"),
        )
        if len(cells) > MAX_LISTED
    ]
    hidden = [r for r in range(2, len(rows) + 1) if ws_f.row_dimensions[r].hidden]
    if hidden and hidden_rows != "include":
        shown = ", ".join(map(str, hidden[:MAX_LISTED])) + (" ..." if len(hidden) > MAX_LISTED else "")
        problems.append(
            Problem(
                f"{len(hidden)} hidden row(s): {shown}",
                file=file,
                expected="unhide or delete them, or declare `hidden_rows: include` to analyse them",
            )
        )
    if problems:
        raise InputError(
            f"Spreadsheet cells of {file} (sheet {ws_f.title!r}) cannot be read as shown", problems
        )
    body = [r[:width] + [""] * (width - len(r[:width])) for r in rows[1:]]
    return pd.DataFrame(body, columns=_dedupe(header), dtype="string").astype(object)
