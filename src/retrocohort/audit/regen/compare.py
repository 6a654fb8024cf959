"""Published number vs regenerated values: one rounding-aware status per entry.

Statuses:

- ``reproduced``: the configured method (first in ``Regenerated.methods``) under the configured
  rounding rule prints every value of the entry exactly as published;
- ``reproduced_other_method``: only another named method (quantile type, definition, test
  variant) and/or the other standard rounding rule (half-up vs half-even) does; all are named;
- ``not_reproduced``: no method/rule prints it; both numbers are shown;
- ``not_recomputable``: the data cannot produce it; ``Regenerated.missing`` says why;
- ``impossible``: no data can produce the printed number (set after the comparison by
  :func:`retrocohort.audit.checks.impossible.mark_impossible_rows`, whatever the data regenerate).

Printed "<0.001" is matched by any p below 0.001. Truncation is never accepted here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from retrocohort.audit.checks.rounding import STANDARD_RULES, Rule, matching_rules, printed_match_rules
from retrocohort.audit.published import PublishedNumber
from retrocohort.audit.regen.regenerated import Method, Regenerated

Status = Literal["reproduced", "reproduced_other_method", "not_reproduced", "not_recomputable", "impossible"]
STATUSES: tuple[Status, ...] = (
    "reproduced",
    "reproduced_other_method",
    "not_reproduced",
    "not_recomputable",
    "impossible",
)
RULE_NAMES = {"half_up": "half-up rounding", "half_even": "half-even rounding"}


@dataclass(frozen=True)
class Comparison:
    """Status of one entry, the configured values, and every (method, rule) that prints it."""

    entry_id: str
    status: Status
    configured: Mapping[str, float] | None
    matches: tuple[tuple[str, str], ...]
    message: str


def method_rules(
    entry: PublishedNumber, method: Method, rules: tuple[Rule, ...] = STANDARD_RULES
) -> tuple[str, ...]:
    """Rounding rules under which every value of ``method`` prints as the entry's values."""
    ok: set[str] | None = None
    for key, printed in entry.values.items():
        value = method.values.get(key)
        if value is None or value != value:  # missing or NaN
            return ()
        if key == "p":
            got = set(printed_match_rules(value, entry.printed_p, rules))
            got = set(rules) if "bound" in got else got
        else:
            got = set(matching_rules(value, printed, entry.decimals[key], rules))
        ok = got if ok is None else ok & got
        if not ok:
            return ()
    return tuple(r for r in rules if r in (ok or ()))


def describe_matches(matches: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> list[str]:
    """ "method (half-up or half-even rounding)" per method, in first-seen order."""
    rules: dict[str, list[str]] = {}
    for m, r in matches:
        rules.setdefault(m, []).append(r.replace("_", "-"))
    return [f"{m} ({' or '.join(rs)} rounding)" for m, rs in rules.items()]


def _show(values: Mapping[str, float]) -> str:
    return ", ".join(f"{k}={v:.6g}" for k, v in values.items())


def compare_entry(entry: PublishedNumber, regen: Regenerated, rule: str) -> Comparison:
    """Classify one entry (see module docstring); ``rule`` is the configured rounding rule."""
    if regen.missing or not regen.methods:
        return Comparison(entry.id, "not_recomputable", None, (), regen.missing or "no method")
    first = regen.methods[0]
    configured = dict(first.values) if first.configured else None
    matches = []
    for m in regen.methods:
        for r in method_rules(entry, m):
            matches.append((m.name, r))
    if configured is not None and (first.name, rule) in matches:
        return Comparison(
            entry.id,
            "reproduced",
            configured,
            tuple(matches),
            f"{_show(first.values)} prints as published under {first.name}, {RULE_NAMES.get(rule, rule)}",
        )
    if matches:
        named = "; ".join(describe_matches(matches))
        return Comparison(
            entry.id, "reproduced_other_method", configured, tuple(matches), f"reproduced only under: {named}"
        )
    shown = _show(first.values)
    return Comparison(
        entry.id,
        "not_reproduced",
        configured,
        (),
        f"printed {entry.printed!r}; regenerated {shown} ({first.name})",
    )
