"""Marks of p-value cells: the superscript letter of the test that produced each p-value (one
footnote per test, lettered a, b, ... in order of first use) and bold for p below a threshold
(:func:`bold_threshold`: config ``tables.<table>.bold_p_below``, or an explicit parameter)."""

from __future__ import annotations

from retrocohort.errors import ConfigError, Problem
from retrocohort.format.numbers import is_missing
from retrocohort.render.model import Footnote, Row

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def method_letter(letters: dict[str, str], method: str) -> str:
    """Letter of a method sentence (a, b, ...), assigned in order of first use; ``letters`` (method
    -> letter) is updated in place."""
    if method not in letters and len(letters) >= len(LETTERS):
        raise ValueError(f"more than {len(LETTERS)} test methods in one table: {method!r}")
    return letters.setdefault(method, LETTERS[len(letters)])


def method_footnotes(letters: dict[str, str]) -> list[str]:
    """One :class:`Footnote` per method, led by its superscript letter."""
    return [Footnote(letter, method) for method, letter in letters.items()]


def is_bold_p(p: object, threshold: float | None) -> bool:
    """Whether a p-value is printed in bold: a known p strictly below ``threshold`` (None: never)."""
    return threshold is not None and not is_missing(p) and float(p) < threshold  # type: ignore[arg-type]


def bold_footnote(threshold: float | None, rows: list[Row]) -> list[str]:
    """["p-values below 0.05 are in bold."] when some cell of ``rows`` is bold, else []."""
    if threshold is None or not any(row.bold and any(row.bold) for row in rows):
        return []
    return [f"p-values below {threshold:g} are in bold."]


def bold_threshold(config: dict, table: str, bold_p_below: float | None = None) -> float | None:
    """The p-value below which a table prints p in bold: the explicit ``bold_p_below`` if given,
    else config ``tables.<table>.bold_p_below`` (None: never bold).

    Raises
    ------
    ConfigError
        If the threshold is not a number in (0, 1].
    """
    value = (
        bold_p_below
        if bold_p_below is not None
        else config.get("tables", {}).get(table, {}).get("bold_p_below")
    )
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise ConfigError(
            "invalid bold p-value threshold",
            [
                Problem(
                    "threshold for bold p-values",
                    column=f"tables.{table}.bold_p_below",
                    value=value,
                    expected="a number in (0, 1], e.g. 0.05",
                )
            ],
        )
    return float(value)
