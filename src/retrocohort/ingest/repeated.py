"""Repeated problems as one line: the same fault in many rows is one message, with the true count.

A file that breaks one rule in 389,000 rows (a long file without a unit column, a code list
without its ``map:``) must not print 389,000 near-identical lines, nor a sample whose count
hides the size of the fault. Every ingestion and validation problem is therefore grouped by
(file, column, message, expected): one line per group giving

* the **true** number of rows affected (every failing row is counted, none is capped away);
* the first :data:`FIRST_ROWS` rows with their values, each value shown through
  :func:`retrocohort.ingest.privacy.mask_identifiers` (an identifier is never echoed);
* what was expected, which names the config key to change where there is one.

Emitters that can fire on every row of a large file build their group directly with
:func:`repeated` (one object, not one per row); :func:`aggregate` groups whatever else arrives
as one problem per row, so a new per-row emitter is aggregated too.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.errors import Problem
from retrocohort.ingest.privacy import mask_identifiers

#: Rows shown (with their values) for a problem repeated in many rows.
FIRST_ROWS = 3


@dataclass(frozen=True)
class RepeatedProblem(Problem):
    """One problem found in ``count`` rows; ``row`` and ``value`` are those of the first row and
    ``examples`` describes the first :data:`FIRST_ROWS` (``"row 2 '23x9'"``)."""

    count: int = 1
    examples: tuple[str, ...] = ()

    def render(self) -> str:
        """``file, column 'C': message: 389,112 rows (first: row 2 '', row 3 '', ...) (expected: E)``."""
        where = ", ".join(
            part
            for part in (self.file, f"column '{self.column}'" if self.column is not None else None)
            if part
        )
        more = ", ..." if self.count > len(self.examples) else ""
        text = f"{where}{': ' if where else ''}{self.message}: {self.count:,} row{'s' if self.count != 1 else ''}"
        if self.examples:
            text += f" (first: {', '.join(self.examples)}{more})"
        if self.expected:
            text += f" (expected: {self.expected})"
        return text


def shown_value(value: Any) -> Any:
    """A cell as a message shows it: missing -> ``None``, numpy scalars as Python values, text
    with every identifier masked."""
    if value is None or (
        not isinstance(value, (str, bytes)) and pd.api.types.is_scalar(value) and pd.isna(value)
    ):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return mask_identifiers(value) if isinstance(value, str) else value


def _example(row: int | None, value: Any) -> str:
    parts = ([f"row {row}"] if row is not None else []) + ([repr(value)] if value is not None else [])
    return " ".join(parts) or "(no row)"


def repeated(
    message: str,
    *,
    file: str | None,
    column: str | None,
    rows: Sequence[int] | np.ndarray,
    values: Iterable[Any] | None = None,
    expected: str | None = None,
) -> list[Problem]:
    """The problem ``message`` found in ``rows`` (1-based file rows) of ``column``: ``[]`` when
    no row, one located :class:`Problem` for one row, else one :class:`RepeatedProblem` counting
    every row and showing the first :data:`FIRST_ROWS` with their (masked) ``values``."""
    rows = np.asarray(rows)
    if len(rows) == 0:
        return []
    first = [int(r) for r in rows[:FIRST_ROWS]]
    shown = (
        [None] * len(first)
        if values is None
        else [shown_value(v) for v in itertools.islice(iter(values), len(first))]
    )
    if len(rows) == 1:
        return [Problem(message, file=file, row=first[0], column=column, value=shown[0], expected=expected)]
    return [
        RepeatedProblem(
            message,
            file=file,
            row=first[0],
            column=column,
            value=shown[0],
            expected=expected,
            count=len(rows),
            examples=tuple(_example(r, v) for r, v in zip(first, shown)),
        )
    ]


def by_label(
    message: str,
    *,
    file: str | None,
    column: str | None,
    cases: Sequence[tuple[str, Any]],
    expected: str | None = None,
    n: int | None = None,
) -> list[Problem]:
    """:func:`repeated` for problems located by a label, not a file row (a canonical table's
    ``"patient p7, day 3"``): ``cases`` are (label, value) pairs of the failing rows, all of them
    or (for a large table) the first :data:`FIRST_ROWS` with ``n`` the number of failing rows."""
    n = len(cases) if n is None else n
    if not n:
        return []
    shown = [(label, shown_value(v)) for label, v in cases[:FIRST_ROWS]]
    if n == 1:
        label, value = shown[0]
        return [Problem(f"{message} ({label})", file=file, column=column, value=value, expected=expected)]
    return [
        RepeatedProblem(
            message,
            file=file,
            column=column,
            value=shown[0][1],
            expected=expected,
            count=n,
            examples=tuple(f"{label}: {v!r}" if v is not None else label for label, v in shown),
        )
    ]


def count(problem: Problem) -> int:
    """Rows a problem stands for (1 for a single located problem)."""
    return problem.count if isinstance(problem, RepeatedProblem) else 1


def total(problems: Iterable[Problem]) -> int:
    """The true number of problems (every row of a repeated one counted)."""
    return sum(count(p) for p in problems)


def aggregate(problems: Iterable[Problem]) -> list[Problem]:
    """One problem per (file, column, message, expected), in order of first appearance.

    Counts add up (a :class:`RepeatedProblem` brings its own); the first :data:`FIRST_ROWS`
    rows are kept as examples; every shown value is masked (:func:`shown_value`).
    """
    groups: dict[tuple, list[Problem]] = {}
    for p in problems:
        groups.setdefault((p.file, p.column, p.message, p.expected), []).append(p)
    out: list[Problem] = []
    for members in groups.values():
        head = members[0]
        if len(members) == 1 and not isinstance(head, RepeatedProblem):
            out.append(replace(head, value=shown_value(head.value)))
            continue
        examples = [
            e
            for p in members
            for e in (
                p.examples if isinstance(p, RepeatedProblem) else (_example(p.row, shown_value(p.value)),)
            )
        ][:FIRST_ROWS]
        out.append(
            RepeatedProblem(
                head.message,
                file=head.file,
                row=head.row,
                column=head.column,
                value=shown_value(head.value),
                expected=head.expected,
                count=total(members),
                examples=tuple(examples),
            )
        )
    return out


def first_rows(problem: Problem) -> str:
    """The rows shown for a problem: ``"row 2 '23x9', row 3 'x', ..."`` (values masked)."""
    if isinstance(problem, RepeatedProblem):
        return ", ".join(problem.examples) + (", ..." if problem.count > len(problem.examples) else "")
    return _example(problem.row, shown_value(problem.value))


def summary(problems: Sequence[Problem]) -> str:
    """``"389,120 problem(s) (3 kinds)"``: the true total, and the number of lines when fewer."""
    n = total(problems)
    kinds = f" ({len(problems)} kind{'s' if len(problems) != 1 else ''})" if n != len(problems) else ""
    return f"{n:,} problem(s){kinds}"
