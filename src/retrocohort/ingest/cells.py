"""Type raw text cells column by column: numbers, codes, free text, dates, identifiers.

Vectorised; every cell that cannot be typed or mapped becomes a located :class:`Problem`
(file, row: 1-based with the header as row 1, column, value, expectation).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.errors import Problem
from retrocohort.ingest.repeated import repeated
from retrocohort.ingest.text_checks import misdecoded_problems

#: A text cell a spreadsheet would evaluate: '=...', or '+ - @' followed by a function call.
FORMULA_PATTERN = r"\s*(=.*|[+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(.*)"


def row_number(index: pd.Index) -> np.ndarray:
    return np.asarray(index) + 2  # header is row 1


def missing_mask(text: pd.Series, missing: list[str]) -> pd.Series:
    return text.isna() | text.str.strip().isin(missing)


#: A plain number once the decimal mark is a dot: ASCII digits only (``\\d`` would also take
#: full-width or Arabic-Indic digits), no grouping, no unit, no 'inf'/'nan', no exponent.
PLAIN_NUMBER = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)"
#: Scientific notation in a text cell: what a spreadsheet's display format (``1.48E+04``) exports,
#: often with digits rounded away (14835 shown as 1.48E+04), so refused rather than read.
SCIENTIFIC_NUMBER = r"(?:" + PLAIN_NUMBER + r")[eE][+-]?[0-9]+"


def _number_expectation(integer: bool, decimal: str, missing: list[str]) -> str:
    return (
        ("an integer" if integer else "a plain number") + f" with '{decimal}' as decimal mark and no "
        "thousands separator, or a missing-value token " + "/".join(repr(m) for m in missing)
    )


def parse_numbers(
    text: pd.Series,
    *,
    file: str,
    column: str,
    missing: list[str],
    decimal: str = ".",
    integer: bool = False,
    percent: bool | np.ndarray = False,
) -> tuple[pd.Series, list[Problem]]:
    """Text -> float64 (NaN for missing tokens). Bad cells become located problems.

    Thousands separators, units inside cells, non-ASCII digits, scientific notation (an Excel
    display format such as ``1.48E+04`` that may have rounded 14835), 'inf' and 'nan' spellings are
    all rejected:
    a missing value must be spelled as one of the study's ``missing_values``. With a declared
    decimal comma (``decimal=","``), a cell holding a dot (``24.657``: a dot-decimal 24.657 or a
    grouped 24 657?) is an error, never a guess. ``percent`` (all rows, or a per-row mask) marks
    values whose variable's unit is ``%``: there a trailing ``%`` (``12.6%``, what a
    percent-formatted spreadsheet cell shows) is dropped, the number kept as written (12.6);
    elsewhere ``12.6%`` is an error.
    """
    if _typed_number_column(text):
        return _typed_numbers(
            text, file=file, column=column, missing=missing, decimal=decimal, integer=integer
        )
    text = text.astype("string")
    miss = missing_mask(text, missing).to_numpy(dtype=bool)
    cleaned = text.str.strip()
    foreign = np.zeros(len(text), dtype=bool)
    if decimal != ".":
        foreign = cleaned.str.contains(".", regex=False).fillna(False).to_numpy(dtype=bool) & ~miss
        cleaned = cleaned.str.replace(decimal, ".", regex=False)
    plain = cleaned.str.fullmatch(PLAIN_NUMBER).fillna(False).to_numpy(dtype=bool) & ~foreign
    unplain = ~miss & ~plain & ~foreign
    pct = np.zeros(len(text), dtype=bool)
    scientific = cleaned.str.fullmatch(SCIENTIFIC_NUMBER).fillna(False).to_numpy(dtype=bool) & unplain
    if unplain.any():
        percent_cell = cleaned[unplain].str.fullmatch("(?:" + PLAIN_NUMBER + r")\s*%")
        pct[unplain] = percent_cell.fillna(False).to_numpy(dtype=bool)
        allowed = np.broadcast_to(np.asarray(percent, dtype=bool), pct.shape)
        ok = pct & allowed
        cleaned = cleaned.where(~ok, cleaned.str.rstrip("%").str.rstrip())
        plain = plain | ok
        pct &= ~allowed
    values = pd.to_numeric(cleaned.where(plain & ~miss), errors="coerce").astype("float64")
    bad = ~miss & ~plain
    if integer:
        bad |= ~miss & plain & (values.round() != values).to_numpy(dtype=bool)
    expected = _number_expectation(integer, decimal, missing)
    kinds = (
        (
            foreign,
            f"'.' in a number of a source declaring '{decimal}' as decimal mark (a decimal "
            "dot or a thousands separator?)",
            "; or `decimal: '.'` if the file uses dots",
        ),
        (
            scientific & ~foreign,
            "scientific notation (a spreadsheet display format, which may have rounded digits away)",
            "; the number written out in full (format the column as Number before exporting)",
        ),
        (
            pct & ~foreign & ~scientific,
            "a percentage for a variable whose unit is not %",
            "; a '%' only for a % variable",
        ),
        (~foreign & ~scientific & ~pct, "not a number", ""),
    )
    problems = []
    for kind, message, hint in kinds:
        rows = bad & kind
        problems += repeated(
            message,
            file=file,
            column=column,
            rows=row_number(text.index[rows]),
            values=text[rows],
            expected=expected + hint,
        )
    return values.where(~miss), problems


def _typed_number_column(values: pd.Series) -> bool:
    """A column already typed as numbers (Parquet): integers or floats, not booleans."""
    return pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)


def _typed_numbers(
    values: pd.Series, *, file: str, column: str, missing: list[str], decimal: str, integer: bool
) -> tuple[pd.Series, list[Problem]]:
    """:func:`parse_numbers` for an already-numeric column, without turning it into text.

    Same result as the text path: a null cell is missing; infinities (and fractions when
    ``integer``) are "not a number" problems, reported with the cell as text.
    """
    num = values.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    with np.errstate(invalid="ignore"):
        bad = np.isinf(num)
        if integer:
            bad |= ~np.isnan(num) & (np.round(num) != num)
    problems = repeated(
        "not a number",
        file=file,
        column=column,
        rows=row_number(values.index[bad]),
        values=values[bad].astype("string"),
        expected=_number_expectation(integer, decimal, missing),
    )
    num[bad] = np.nan
    return pd.Series(num, index=values.index, dtype="float64"), problems


def missing_cells(raw: pd.Series, missing: list[str]) -> np.ndarray:
    """Mask of missing cells: nulls, or (text columns) a missing-value token."""
    if _typed_number_column(raw):
        return raw.isna().to_numpy(dtype=bool)
    return missing_mask(raw.astype("string"), missing).to_numpy(dtype=bool)


def stripped_categories(raw: pd.Series) -> pd.Categorical:
    """Raw text cells, stripped, as a categorical (nulls stay missing).

    Name and unit columns hold a handful of distinct values over millions of rows: the strip
    runs on the distinct values only (one factorize), not on every row.
    """
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    stripped = pd.Index(uniques, dtype=object).astype("string").str.strip()
    merged, labels = pd.factorize(stripped, use_na_sentinel=True)
    lookup = np.append(merged, -1)
    return pd.Categorical.from_codes(lookup[codes], categories=pd.Index(labels, dtype="string"))


def map_values(
    text: pd.Series,
    mapping: Mapping[Any, Any],
    *,
    file: str,
    column: str,
    missing: list[str],
    key_hint: str = "",
) -> tuple[pd.Series, list[Problem]]:
    """Map raw codes to canonical values; unmapped non-missing codes are problems (one per
    column, counting every row; ``key_hint`` names the config key to change)."""
    text = text.astype("string")
    table = {str(k): v for k, v in mapping.items()}
    miss = missing_mask(text, missing)
    stripped = text.str.strip()
    known = stripped.isin(list(table))
    bad = ~miss & ~known
    problems = repeated(
        "unknown category",
        file=file,
        column=column,
        rows=row_number(text.index[bad]),
        values=text[bad],
        expected="one of " + ", ".join(repr(k) for k in table) + (f"{key_hint}" if key_hint else ""),
    )
    mapped = stripped.where(known).map(table)
    return mapped, problems


def plausible_bounds(spec: dict) -> tuple[float, float]:
    """The plausible [low, high] of a variable: its ``range``; binary 0..1; counts >= 0."""
    if spec["kind"] == "binary":
        return 0.0, 1.0
    low, high = spec.get("range", [-np.inf, np.inf])
    if spec["kind"] == "count":
        low = max(low, 0.0)
    return float(low), float(high)


def range_problems(
    values: np.ndarray, variable: pd.Series | str, variables: dict, raw: pd.Series, *, file: str, column: str
) -> list[Problem]:
    """Values (canonical units) outside their variable's plausible range, located in the raw file.

    A binary variable accepts only its codes 0 and 1 (0.5 is an error, not "within [0, 1]").

    ``values`` align with ``raw`` (the raw cells, whose index gives the file row); ``variable``
    is one variable name or a per-row series of names (long files).
    """
    names = pd.Series(variable, index=raw.index, dtype="string") if isinstance(variable, str) else variable
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    bounds = {v: plausible_bounds(variables[v]) for v in uniques if v in variables}
    low = np.array([bounds.get(v, (np.nan, np.nan))[0] for v in uniques] + [np.nan])[codes]
    high = np.array([bounds.get(v, (np.nan, np.nan))[1] for v in uniques] + [np.nan])[codes]
    binary = np.array(
        [variables[v]["kind"] == "binary" if v in variables else False for v in uniques] + [False]
    )[codes]
    with np.errstate(invalid="ignore"):
        not_code = binary & ~np.isnan(values) & (values != 0) & (values != 1)
        bad = ~np.isnan(values) & ((values < low) | (values > high)) & ~not_code
    problems: list[Problem] = []
    for i, v in enumerate(uniques):
        if v not in bounds:
            continue
        of_v = codes == i
        coded = not_code & of_v
        problems += repeated(
            f"binary {v} must be coded 0 or 1",
            file=file,
            column=column,
            rows=row_number(raw.index[coded]),
            values=raw[coded],
            expected="0 (no) or 1 (yes), or a missing-value token",
        )
        out = bad & of_v
        if not out.any():
            continue
        lo, hi = bounds[v]
        unit = variables[v].get("unit", "")
        texts = raw[out].astype("string").str.strip()
        shown = [
            t if t == f"{x:g}" else f"{t} (= {x:g} {unit} after unit conversion)".replace(" )", ")")
            for t, x in zip(texts, values[out])
        ]
        problems += repeated(
            f"implausible {v}",
            file=file,
            column=column,
            rows=row_number(raw.index[out]),
            values=shown,
            expected=f"{v} within [{lo:g}, {hi:g}] {unit}".rstrip(),
        )
    return problems


def text_values(
    raw: pd.Series, *, file: str, column: str, missing: list[str]
) -> tuple[pd.Series, list[Problem]]:
    """Free text (missing tokens -> NA).

    Cells that a spreadsheet would run as formulas, and text that looks mis-decoded
    (:func:`retrocohort.ingest.text_checks.misdecoded_problems`), are problems.
    """
    text = raw.astype("string")
    text = text.where(~missing_mask(text, missing))
    formula = text.str.fullmatch(FORMULA_PATTERN).fillna(False).to_numpy(dtype=bool)
    problems = repeated(
        "spreadsheet formula in a text cell",
        file=file,
        column=column,
        rows=row_number(text.index[formula]),
        values=text[formula],
        expected="plain text (export values, not formulas)",
    )
    return text, problems + misdecoded_problems(text, file=file, column=column)


def parse_dates(
    text: pd.Series, *, file: str, column: str, missing: list[str]
) -> tuple[pd.Series, list[Problem]]:
    """ISO dates (YYYY-MM-DD) -> datetime64; Excel serials and other spellings are problems."""
    text = text.astype("string").str.strip()
    miss = missing_mask(text, missing)
    iso = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).to_numpy(dtype=bool)
    dates = pd.to_datetime(text.where(iso), format="%Y-%m-%d", errors="coerce")
    serial = text.str.fullmatch(r"\d{4,5}(\.\d+)?").fillna(False).to_numpy(dtype=bool)
    bad = ~miss.to_numpy(dtype=bool) & dates.isna().to_numpy()
    problems = [
        p
        for message, rows in (
            ("Excel date serial number, not a date", bad & serial),
            ("not an ISO date", bad & ~serial),
        )
        for p in repeated(
            message,
            file=file,
            column=column,
            rows=row_number(text.index[rows]),
            values=text[rows],
            expected="a date written YYYY-MM-DD (format the column as text/ISO before export)",
        )
    ]
    return dates, problems


def patient_ids(
    frame: pd.DataFrame, column: str, file: str, missing: list[str]
) -> tuple[pd.Series, list[Problem]]:
    ids = frame[column].astype("string").str.strip()
    miss = missing_mask(ids, missing)
    problems = repeated(
        "missing patient identifier",
        file=file,
        column=column,
        rows=row_number(ids.index[miss]),
        expected="a non-empty patient id",
    )
    return ids, problems
