"""The one problem every cross-reference check reports: a key naming something (a variable, a
time point, an agent) that the config does not declare."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from retrocohort.errors import Problem

DECLARE = "a name declared under `variables:` or `derived:`"


def unknown_name_problems(
    references: Iterable[tuple[str, str]], known: Collection[str], file: str, what: str, expected: str
) -> list[Problem]:
    """One "unknown <what>" :class:`Problem` per (key path, name) whose name is not ``known``."""
    return [
        Problem(f"unknown {what}", file=file, column=path, value=name, expected=expected)
        for path, name in references
        if name not in known
    ]


def unknown_variable_problems(
    references: Iterable[tuple[str, str]], known: set[str], file: str, also: dict[str, str] | None = None
) -> list[Problem]:
    """Unknown variables; ``also`` adds, per key path, what else that key accepts (e.g.
    ``selection/score``: `recomputed`)."""
    also = also or {}
    return [
        problem
        for path, name in references
        for problem in unknown_name_problems(
            [(path, name)], known, file, "variable", DECLARE + (f" (or {also[path]})" if path in also else "")
        )
    ]
