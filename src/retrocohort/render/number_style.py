"""Digit grouping decided once per table row and once per column, for the formatting functions
of :mod:`retrocohort.format.numbers`.

A journal table must not print "10,044.0" beside "2014.0" in a row, nor "13,835.0
[6,072.5–27,001.0]" above "635.0 [314.0–1263.0]" in a column. Two steps:

* :meth:`NumberStyle.row` looks at all the numbers a row prints (each rounded to its own
  decimals, with :func:`~retrocohort.format.numbers.round_decimal`) and returns one set of
  keyword arguments for all its cells (the builders format each row with them);
* :meth:`NumberStyle.table` then decides per column on the built table: a column (or row) in
  which a printed number reaches ``thousands_min`` is *grouped*, and every number from 1000 up in
  a grouped column or row is printed with ``thousands_sep`` -- counts included ("12,345 (41%)").
  A number grouped that way makes its row and column grouped too, until nothing changes (the
  closure), so no row and no column mixes grouped and ungrouped numbers of four digits or more.
  The label column (the first), headers and section headings are left as they are.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from decimal import Decimal

from retrocohort.format.numbers import is_missing, round_decimal
from retrocohort.render.model import Marked, Table, split_mark

GROUP_FROM = 1000  # in a grouped column or row, numbers from here up are grouped


@dataclass(frozen=True)
class NumberStyle:
    """Rounding rule and digit grouping of a table (grouping decided per row and per column)."""

    rule: str = "half_up"
    thousands_sep: str = ","
    thousands_min: float = 10000

    def row(self, numbers: list[tuple[object, int]]) -> dict:
        """Keyword arguments for the formatting functions of every cell of one row, given all
        the row's ``(value, decimals)`` pairs: if any number (rounded to its decimals) reaches
        ``thousands_min``, all are grouped, so "10,044.0" never stands beside "2014.0"."""
        big = any(
            not is_missing(v) and abs(round_decimal(v, d, self.rule)) >= self.thousands_min
            for v, d in numbers
        )
        return {
            "thousands_sep": self.thousands_sep,
            "rule": self.rule,
            "thousands_min": 0 if big and self.thousands_sep else self.thousands_min,
        }

    def cell(self, values: list, decimals: int) -> dict:
        """:meth:`row` for numbers that share ``decimals`` (one cell, or a row of such cells)."""
        return self.row([(v, decimals) for v in values])

    def table(self, table: Table) -> Table:
        """``table`` with its digit grouping decided per column and row (see the module
        docstring); the same table when nothing changes or ``thousands_sep`` is empty."""
        if not self.thousands_sep:
            return table
        pattern = _number_pattern(self.thousands_sep)
        values = {
            (i, j): [_value(m, self.thousands_sep) for m in pattern.finditer(split_mark(cell)[0])]
            for i, row in enumerate(table.rows)
            if not row.section
            for j, cell in enumerate(row.cells)
            if j > 0
        }
        big = {key for key, vs in values.items() if any(v >= Decimal(str(self.thousands_min)) for v in vs)}
        rows, cols = {i for i, _ in big}, {j for _, j in big}
        while True:  # the closure: a grouped number groups its row and its column
            grouped = {
                key
                for key, vs in values.items()
                if (key[0] in rows or key[1] in cols) and any(v >= GROUP_FROM for v in vs)
            }
            new_rows, new_cols = rows | {i for i, _ in grouped}, cols | {j for _, j in grouped}
            if (new_rows, new_cols) == (rows, cols):
                break
            rows, cols = new_rows, new_cols
        if not grouped:
            return table
        body = [
            dataclasses.replace(
                row,
                cells=[
                    _regroup(cell, pattern, self.thousands_sep) if (i, j) in grouped else cell
                    for j, cell in enumerate(row.cells)
                ],
            )
            if any((i, j) in grouped for j in range(len(row.cells)))
            else row
            for i, row in enumerate(table.rows)
        ]
        return dataclasses.replace(table, rows=body)


def _number_pattern(sep: str) -> re.Pattern[str]:
    """A printed number: digits grouped by ``sep`` or not, optional decimals; not part of a
    word, a date (2021-03-04) or an identifier."""
    s = re.escape(sep)
    return re.compile(rf"(?<![\w.{s}])(?<!\d-)(\d{{1,3}}(?:{s}\d{{3}})+|\d+)(\.\d+)?(?![\w{s}]|-\d)")


def _value(match: re.Match[str], sep: str) -> Decimal:
    return Decimal(match.group(1).replace(sep, "") + (match.group(2) or ""))


def _regroup(cell: str, pattern: re.Pattern[str], sep: str) -> str:
    """``cell`` with every number from ``GROUP_FROM`` up grouped by ``sep`` (its mark kept)."""
    body, mark, _ = split_mark(cell)

    def group(match: re.Match[str]) -> str:
        digits = match.group(1).replace(sep, "")
        if int(digits) < GROUP_FROM:
            return match.group(0)
        return f"{int(digits):,}".replace(",", sep) + (match.group(2) or "")

    text = pattern.sub(group, body)
    return Marked(text, mark) if mark else text
