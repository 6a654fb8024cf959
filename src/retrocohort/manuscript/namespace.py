"""The placeholder namespace: every number a template may print, with where it comes from.

An :class:`Entry` holds the full-precision value (a number, or a mapping of numbers for a
compound such as ``median [Q1–Q3]``), a formatter that prints it with the study's rounding and
digit grouping (the functions of :mod:`retrocohort.format.numbers` and
:mod:`retrocohort.format.pvalues`, exactly as the tables use them), the decimals the study's
table uses, and its source: file, 0-based record index in that file (CSV data row or JSON list
item) and column(s). Values computed from synthetic data carry the dagger the tables use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from retrocohort.errors import ConfigError, Problem
from retrocohort.format.numbers import (
    EN_DASH,
    format_count_pct,
    format_number,
    format_percent,
    format_range,
    is_missing,
)
from retrocohort.format.pvalues import p_value_format, printed_p, printed_p_relation
from retrocohort.render.number_style import NumberStyle
from retrocohort.tables.cells import DAGGER, number_style

Formatter = Callable[[int], str]


#: What the text prints where a statistic does not exist for these data (e.g. a percentage of
#: nobody, a median of an empty group): visible, so the author sees it; the reason is recorded.
NOT_COMPUTED_TEXT = "[not computed]"


@dataclass(frozen=True)
class Entry:
    """One resolvable number: value, formatter, default decimals and source."""

    value: object
    formatter: Formatter
    decimals: int
    file: str
    row: int
    column: str
    synthetic: bool = False

    def text(self, decimals: int | None = None) -> str:
        """The printed value (``decimals`` overrides the table's), with † when synthetic."""
        printed = self.formatter(self.decimals if decimals is None else decimals)
        return printed + (DAGGER if self.synthetic else "")


def _spaced(relation: str) -> str:
    return "< " + relation[1:] if relation.startswith("<") else relation


@dataclass(frozen=True)
class TextStyle:
    """How numbers print in the text: the study's table style and p-value settings."""

    numbers: NumberStyle
    p_format: dict

    @classmethod
    def from_config(cls, config: Mapping) -> TextStyle:
        """From ``statistics.rounding``, ``statistics.p_value`` and Table 1's digit grouping."""
        return cls(number_style(config, "table1"), p_value_format(config["statistics"]))

    def grouping(self, values: list[object], decimals: int) -> dict:
        """Keyword arguments of the format functions: one grouping decision for ``values``."""
        return self.numbers.cell(values, decimals)

    def number(self, value: object) -> Formatter:
        return lambda d: format_number(value, d, **self.grouping([value], d))

    def row_number(self, value: object, row: list[object]) -> Formatter:
        """``value`` grouped as in its table row: one decision for all the numbers of ``row``
        (:meth:`NumberStyle.cell`), so the text says "from 10,044 to 2,014" as Table 3 prints
        "10,044.0" and "2,014.0", never "10,044 to 2014"."""
        return lambda d: format_number(value, d, **self.grouping(row, d))

    def integer(self, value: object) -> Formatter:
        """A count as the tables print it: grouped from ``thousands_min`` up ("17,549")."""
        return lambda d: format_number(value, 0, **self.grouping([value], 0))

    def interval(self, low: object, high: object, sep: str = EN_DASH) -> Formatter:
        """``low–high``; pass ``sep=" to "`` where a bound may be negative."""
        return lambda d: format_range(low, high, d, sep=sep, **self.grouping([low, high], d))

    def count_pct(self, count: int, denominator: int, cohort_n: int, pct_decimals: int) -> Formatter:
        # decimals here are the percentage's (the count is an integer)
        if denominator == 0:  # nobody with a known value: no percentage exists
            return lambda d: f"0/0 {NOT_COMPUTED_TEXT}"
        return lambda d: format_count_pct(
            count, denominator, cohort_n, pct_decimals=d, rule=self.numbers.rule
        )

    def percent(self, count: int, denominator: int) -> Formatter:
        if denominator == 0:
            return lambda d: NOT_COMPUTED_TEXT
        return lambda d: format_percent(count, denominator, d, rule=self.numbers.rule)  # never "0%" for 1

    def p_relation(self, p: object) -> Formatter:
        """After "p" in running text: "= 0.011", or "< 0.001" (the relation of
        :func:`~retrocohort.format.pvalues.printed_p_relation`, spaced as in a sentence)."""
        return lambda d: _spaced(printed_p_relation(p, self.p_format))  # type: ignore[arg-type]

    def p_value(self, p: object) -> Formatter:
        return lambda d: printed_p(p, self.p_format)  # type: ignore[arg-type]


@dataclass
class Namespace:
    """Placeholder key -> :class:`Entry`; refuses a key defined twice."""

    entries: dict[str, Entry] = field(default_factory=dict)
    records: set[str] = field(default_factory=set)

    def add(self, key: str, entry: Entry) -> None:
        if key in self.entries:
            first = self.entries[key]
            raise ConfigError(
                f"placeholder key {key!r} defined twice",
                [
                    Problem(
                        "two statistics records give the same placeholder key",
                        file=entry.file,
                        row=entry.row,
                        column=entry.column,
                        value=key,
                        expected=f"one record per key (first: {first.file}, row {first.row})",
                    )
                ],
            )
        self.entries[key] = entry

    def add_all(self, prefix: str, entries: Mapping[str, Entry]) -> None:
        """Add a record's statistics under ``prefix``; the record is known even with none (its
        statistics were not computed), so its keys print as not computed, not as unknown."""
        self.records.add(prefix)
        for name, entry in entries.items():
            self.add(f"{prefix}.{name}", entry)

    def __contains__(self, key: str) -> bool:
        return key in self.entries

    def __getitem__(self, key: str) -> Entry:
        return self.entries[key]

    def keys(self) -> list[str]:
        return sorted(self.entries)


def key_part(text: object) -> str:
    """``text`` as one segment of a placeholder key: lower case, runs of other characters than
    letters, digits, ``_`` and ``-`` replaced by ``_`` (group value "True" -> "true")."""
    return re.sub(r"[^a-z0-9_\-]+", "_", str(text).strip().lower()).strip("_") or "_"


def present(*values: object) -> bool:
    """True when every value is a number (not None/NaN)."""
    return all(not is_missing(v) for v in values)
