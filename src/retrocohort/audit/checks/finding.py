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
from retrocohort.format.words import plural  # noqa: F401 (re-exported: the audit's sentences use it)

Status = Literal["ok", "inconsistent", "warning"]


@dataclass(frozen=True)
class Finding:
    """One audit result about one published entry (or a group of entries)."""

    check: str
    entry_id: str
    status: Status
    message: str
    details: Mapping[str, Any] = field(default_factory=dict)


def status_from_rules(rules: Iterable[str]) -> Status:
    """Status of a match: ok for a standard rounding rule or a "<" bound, warning for truncation only."""
    rules = set(rules)
    if rules & {*STANDARD_RULES, "bound"}:
        return "ok"
    return "warning" if rules else "inconsistent"
