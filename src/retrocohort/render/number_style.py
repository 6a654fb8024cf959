"""Digit grouping decided once per table row, for the formatting functions of
:mod:`retrocohort.format.numbers`.

A row of a journal table must not print "10,044.0" beside "2014.0": either every number of the
row is grouped or none is. :meth:`NumberStyle.row` looks at all the numbers a row prints (each
rounded to its own decimals, with :func:`~retrocohort.format.numbers.round_decimal`) and returns
one set of keyword arguments for all its cells.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrocohort.format.numbers import is_missing, round_decimal


@dataclass(frozen=True)
class NumberStyle:
    """Rounding rule and digit grouping of a table (grouping decided once per row)."""

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
