"""Neutralise spreadsheet formula injection in CSV/XLSX text cells (OWASP CSV injection)."""

from __future__ import annotations

import re

import numpy as np
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


def _cell(value: object) -> object:
    return neutralise_formula(value) if isinstance(value, str) else value


def _triggered(text: pd.Series) -> np.ndarray:
    """Vectorised: which string cells :func:`neutralise_formula` would prefix."""
    starts = text.str.startswith(FORMULA_TRIGGERS).fillna(False).to_numpy(dtype=bool)
    number = text.str.fullmatch(_PLAIN_NUMBER.pattern).fillna(False).to_numpy(dtype=bool)
    return starts & ~number


def _neutralised(column: pd.Series) -> pd.Series:
    """One text column neutralised; vectorised when every non-missing cell is a str."""
    if isinstance(column.dtype, pd.StringDtype) or pd.api.types.infer_dtype(column, skipna=True) in (
        "string",
        "empty",
    ):
        hit = _triggered(column.astype("string"))
        if not hit.any():
            return column
        out = column.copy()
        out[hit] = "'" + column[hit].astype(str)
        return out
    return column.map(_cell).astype(column.dtype)


def safe_text_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Copy of ``df`` with :func:`neutralise_formula` applied to str cells of text columns.

    Only object and string-dtype columns are touched (their dtype is kept); numeric,
    boolean, datetime and categorical columns, missing values, column names and the
    index are left as they are.
    """
    out = df.copy()
    for position, dtype in enumerate(df.dtypes):
        if pd.api.types.is_object_dtype(dtype) or isinstance(dtype, pd.StringDtype):
            out.isetitem(position, _neutralised(df.iloc[:, position]))
    return out


def safe_csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`safe_text_frame` plus categorical columns (their category labels neutralised)
    and column names: everything a CSV writer turns into a spreadsheet cell."""
    out = safe_text_frame(df)
    for position, dtype in enumerate(out.dtypes):
        if (
            isinstance(dtype, pd.CategoricalDtype)
            and len(dtype.categories)
            and pd.api.types.infer_dtype(dtype.categories) == "string"
        ):
            column = out.iloc[:, position]
            out.isetitem(
                position,
                column.cat.rename_categories(
                    {c: neutralise_formula(c) for c in dtype.categories if neutralise_formula(c) != c}
                ),
            )
    out.columns = [neutralise_formula(c) if isinstance(c, str) else c for c in out.columns]
    return out
