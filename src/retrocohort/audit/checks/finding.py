"""One data-free audit result (:class:`Finding`) and its status from the matching rounding rules.

Status: "ok" (a standard rounding rule reproduces the print), "warning" (only truncation does,
or the check rests on a stated assumption that may not hold), "inconsistent" (no rule / no
admissible data can produce the print).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from retrocohort.audit.checks.rounding import STANDARD_RULES

Status = Literal["ok", "inconsistent", "warning"]


@dataclass(frozen=True)
class Finding:
    """One audit result about one published entry (or a group of entries)."""

    check: str
    entry_id: str
    status: Status
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)


def plural(n: int, word: str, many: str | None = None) -> str:
    """ "1 warning", "2 warnings", "1 decimal", "0 decimals" (``many``: an irregular plural).

    >>> plural(1, "warning"), plural(2, "decimal"), plural(1, "is", "are"), plural(3, "is", "are")
    ('1 warning', '2 decimals', '1 is', '3 are')
    """
    return f"{n} {word if n == 1 else many or word + 's'}"


def status_from_rules(rules: Iterable[str]) -> Status:
    """Status of a match: ok for a standard rounding rule or a "<" bound, warning for truncation only."""
    rules = set(rules)
    if rules & {*STANDARD_RULES, "bound"}:
        return "ok"
    return "warning" if rules else "inconsistent"
