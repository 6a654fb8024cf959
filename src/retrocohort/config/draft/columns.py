"""Guess one variable from its raw values: kind, categories or code map, plausible range.

Each guess carries the notes the user must confirm (``# CONFIRM:`` in the draft); a column the
draft cannot use as a variable (empty, calendar dates) carries the reason instead.

* numbers that are all 0/1: ``binary``, with the map ``{"0": false, "1": true}``;
* at most :data:`MAX_CODES` distinct whole (or half) numbers, each seen on average at least
  three times: coded ``categorical`` ("1", "2", "3"), with an identity code map to rename;
* other numbers: ``continuous``, with a plausible range (:func:`plausible_range`);
* yes/no words ("Yes"/"No", "oui"/"non", "true"/"false"): ``binary`` with their map; M/F:
  ``categorical`` male/female with its map;
* at most :data:`MAX_LEVELS` distinct texts, each seen on average at least twice (three times
  above two levels): ``categorical`` with the observed categories;
* other text: ``text`` (listed, never summarised).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Most distinct numeric codes read as categories (more: a number).
MAX_CODES = 6
#: Most distinct texts read as categories (more: free text).
MAX_LEVELS = 12
#: Share of non-numbers in a column of numbers taken for missing-value codes ("###", "ND").
STRAY_SHARE = 0.1
YES = {"yes", "y", "true", "oui", "positive", "present"}
NO = {"no", "n", "false", "non", "negative", "absent"}
SEXES = {
    "m": "male",
    "f": "female",
    "male": "male",
    "female": "female",
    "h": "male",
    "homme": "male",
    "femme": "female",
}
_DATE = re.compile(r"\s*(\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?|\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4})\s*")
_NUMBERED_LINES = re.compile(r"\s*1\s*[.)]\s*\S")


@dataclass
class Guess:
    """What the draft says about one column's values.

    Attributes
    ----------
    kind : str or None
        The variable kind; None when the column is not drafted as a variable (see ``reason``).
    categories, code_map, value_range
        ``categories:``, the source's ``map:`` (raw text -> category or true/false) and
        ``range:``; None when not applicable.
    notes : list of str
        Guesses to confirm.
    reason : str or None
        Why the column is not a variable.
    missing_codes : dict
        Non-numbers of a column of numbers ("###": 1 row), proposed as ``missing_values``.
    numbered_lines : bool
        Text cells like "1. CTC, 2. ANA": a treatment-lines column.
    is_date : bool
        Calendar dates (a direct identifier for the ingest unless dropped).
    percent : bool
        Numbers written with a trailing ``%`` (the variable's unit is ``%``).
    """

    kind: str | None
    categories: list[str] | None = None
    code_map: dict[str, Any] | None = None
    value_range: list[float] | None = None
    notes: list[str] = field(default_factory=list)
    reason: str | None = None
    missing_codes: dict[str, int] = field(default_factory=dict)
    numbered_lines: bool = False
    is_date: bool = False
    percent: bool = False


def nice(value: float, step: float, up: bool) -> float:
    """``value`` rounded outward to a multiple of ``step``."""
    rounded = (math.ceil if up else math.floor)(value / step) * step
    decimals = max(0, -math.floor(math.log10(step)))
    return float(round(rounded, decimals)) if decimals else float(int(rounded))


def plausible_range(low: float, high: float) -> list[float]:
    """The observed [low, high] widened by half its span on each side (not below 0 when no
    value is negative), rounded outward to the span's order of magnitude.

    Examples
    --------
    >>> plausible_range(26, 78)
    [0.0, 110.0]
    >>> plausible_range(36.1, 41.2)
    [33.0, 44.0]
    """
    span = high - low if high > low else max(abs(high), 1.0)
    step = 10.0 ** math.floor(math.log10(span))
    lo, hi = low - span / 2, high + span / 2
    if low >= 0:
        lo = max(lo, 0.0)
    return [nice(lo, step, up=False), nice(hi, step, up=True)]


def shown(number: float) -> str:
    """A number as written in the config (no trailing .0 on whole numbers)."""
    if float(number).is_integer():
        return f"{int(number)}"
    return np.format_float_positional(
        float(number), precision=12, trim="-"
    )  # never "1e-05": YAML would read a string


def _numbers(present: pd.Series, decimal: str) -> pd.Series:
    text = present.str.replace(decimal, ".", regex=False) if decimal != "." else present
    return pd.to_numeric(
        text.where(text.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")), errors="coerce"
    )


def guess_values(values: pd.Series, missing: set[str], decimal: str = ".", *, codes: bool = True) -> Guess:
    """The draft's guess for one column (or one variable of a long file), from its raw text.

    ``codes=False`` (a long file's values, numbers only): few distinct numbers stay a number."""
    text = values.astype("string").str.strip()
    present = text[~text.isin(missing) & text.notna()]
    if present.empty:
        return Guess(None, reason="no value in any row")
    if present.str.endswith("%").all():  # "12.6%": a percentage (XLSX percent cells read so)
        guess = guess_values(present.str.removesuffix("%"), missing, decimal, codes=False)
        if guess.kind == "continuous":
            guess.percent = True
            guess.notes.append("values written with %: unit %")
            return guess
    numbers = _numbers(present, decimal)
    stray = present[numbers.isna()]
    if len(stray) and len(stray) <= STRAY_SHARE * len(present) and numbers.notna().any():
        return _numeric(present[numbers.notna()], numbers.dropna(), stray.value_counts().to_dict(), codes)
    if stray.empty:
        return _numeric(present, numbers, {}, codes)
    return _textual(present)


def _numeric(present: pd.Series, numbers: pd.Series, stray: dict[str, int], codes_allowed: bool) -> Guess:
    value_of = dict(zip(present, numbers))
    codes = sorted(value_of, key=value_of.get)
    whole = bool(np.all(np.isclose(numbers * 2, np.round(numbers * 2))))
    notes = []
    if stray:
        notes.append(
            "non-numbers read as missing: "
            + ", ".join(f"{k!r} ({v} row{'s' * (v > 1)})" for k, v in stray.items())
            + " (see missing_values)"
        )
    if set(numbers.unique()) <= {0.0, 1.0}:
        return Guess(
            "binary",
            code_map={c: bool(value_of[c]) for c in codes},
            notes=[*notes, "yes/no: " + ", ".join(f"{c} = {'yes' if value_of[c] else 'no'}" for c in codes)],
            missing_codes=stray,
        )
    if codes_allowed and whole and len(codes) <= MAX_CODES and len(present) >= 3 * len(codes):
        return Guess(
            "categorical",
            categories=list(codes),
            code_map={c: c for c in codes},
            notes=[
                *notes,
                f"{len(codes)} numeric codes read as categories: name them in the source's `map:` "
                "(and `categories:`), or make it `kind: continuous` if it is a number",
            ],
            missing_codes=stray,
        )
    low, high = float(numbers.min()), float(numbers.max())
    notes.append(f"range widened from the observed [{shown(low)}, {shown(high)}]")
    if numbers.eq(numbers.round()).all():
        notes.append("whole numbers only: `kind: count` if it counts something")
    return Guess("continuous", value_range=plausible_range(low, high), notes=notes, missing_codes=stray)


def _textual(present: pd.Series) -> Guess:
    if present.str.fullmatch(_DATE).mean() > 0.5:
        return Guess(None, reason="calendar dates", is_date=True)
    distinct = sorted(present.unique())
    folded = {d.casefold() for d in distinct}
    if folded <= YES | NO and len(folded) <= 2 and folded & YES or folded <= NO and len(folded) == 1:
        return Guess(
            "binary",
            code_map={d: d.casefold() in YES for d in distinct},
            notes=[
                "yes/no: " + ", ".join(f"{d} = {'yes' if d.casefold() in YES else 'no'}" for d in distinct)
            ],
        )
    if folded <= set(SEXES) and len({SEXES[f] for f in folded}) == len(folded) and len(folded) <= 2:
        mapped = {d: SEXES[d.casefold()] for d in distinct}
        return Guess(
            "categorical",
            categories=sorted(set(mapped.values())),
            code_map=mapped,
            notes=["sex: " + ", ".join(f"{k} = {v}" for k, v in mapped.items())],
        )
    per_level = 2 if len(distinct) <= 2 else 3
    if len(distinct) <= MAX_LEVELS and len(present) >= per_level * len(distinct):
        return Guess(
            "categorical",
            categories=distinct,
            notes=[f"{len(distinct)} categories observed (a new spelling in a later export is refused)"],
        )
    lines = bool(present.str.match(_NUMBERED_LINES).mean() > 0.5)
    return Guess("text", notes=["free text: listed, never summarised"], numbered_lines=lines)
