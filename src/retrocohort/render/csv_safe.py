"""Neutralise spreadsheet formula injection in CSV/XLSX text cells (OWASP CSV injection)."""

from __future__ import annotations

import re

import pandas as pd

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_formula(value: str) -> str:
    """Prefix ``'`` to text starting with ``= + - @``, tab or CR, as OWASP recommends.

    Strings that are plain decimal numbers (``"-1.5"``, ``"+3"``, ``"-2e-3"``) are
    returned unchanged, as is any other text. Raises ``TypeError`` for non-strings.
    """
    if not isinstance(value, str):
        raise TypeError(f"neutralise_formula expects str, got {type(value).__name__} {value!r}")
    if value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def _neutralise_cell(value: object) -> object:
    return neutralise_formula(value) if isinstance(value, str) else value


def safe_text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with :func:`neutralise_formula` applied to str cells of text columns.

    Only object and string-dtype columns are touched (their dtype is kept); numeric,
    boolean, datetime and categorical columns, missing values, column names and the
    index are left as they are.
    """
    out = df.copy()
    for position, dtype in enumerate(df.dtypes):
        if dtype == object or isinstance(dtype, pd.StringDtype):
            column = df.iloc[:, position]
            out.isetitem(position, column.map(_neutralise_cell).astype(dtype))
    return out
