"""Errors that carry enough context to fix the input without a traceback.

Every user-facing failure in retrocohort is a :class:`RetrocohortError`. Its message names
the file, row, column, offending value and what was expected, so the CLI and Snakemake
scripts can print one clear paragraph instead of a stack trace.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One located problem in an input: where it is, what was found, what was expected."""

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: str | None = None

    def render(self) -> str:
        """One line: ``file, row R, column 'C': value 'V': message (expected: E)``."""
        where = [
            part
            for part in (
                self.file,
                f"row {self.row}" if self.row is not None else None,
                f"column '{self.column}'" if self.column is not None else None,
            )
            if part
        ]
        text = ", ".join(where)
        if self.value is not None:
            text += f"{': ' if text else ''}value {self.value!r}"
        text += f"{': ' if text else ''}{self.message}"
        if self.expected:
            text += f" (expected: {self.expected})"
        return text


@dataclass
class RetrocohortError(Exception):
    """A user-facing error made of one or more located :class:`Problem` entries."""

    summary: str
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.summary)

    def __str__(self) -> str:
        lines = [self.summary]
        lines += [f"  - {p.render()}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more problems")
        return "\n".join(lines)


class InputError(RetrocohortError):
    """Raw data that cannot be read, mapped or converted."""


class ValidationFailed(RetrocohortError):
    """Canonical tables that break a validation rule."""


class ConfigError(RetrocohortError):
    """A study configuration that is malformed or inconsistent."""
