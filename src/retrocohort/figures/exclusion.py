"""Why patients were excluded, in words, for the flow diagram's exclusion boxes.

The flow table's ``reason`` column holds the *inclusion* rule as written by
:func:`retrocohort.cohort.selection.reason` (``"hscore_reported > 169.0 (missing: exclude)"``). An
exclusion box must state its negation ("H score not above 169"), never the rule itself.
"""

from __future__ import annotations

import re

#: Inclusion operator -> words for the patients who fail it.
NEGATED = {
    ">": "not above",
    ">=": "below",
    "<": "not below",
    "<=": "above",
    "==": "not equal to",
    "!=": "equal to",
    "in": "not in",
}
_RULE = re.compile(
    r"(?P<column>\S+) (?:(?P<op>>=|<=|==|!=|>|<|in) (?P<value>.+)|(?P<word>is recorded|is true))"
    r" \(missing: (?P<missing>\w+)\)"
)


def _value_text(value: str) -> str:
    """``169.0`` -> ``169``; any other text unchanged."""
    try:
        number = float(value)
    except ValueError:
        return value
    return f"{number:g}" if number.is_integer() else value


def _subject(label: str, column: str, op: str | None) -> str:
    """What the rule tests: the label's text before its operator ("H score > 169" -> "H score"),
    else the column name with underscores as spaces."""
    if op:
        head, sep, _ = str(label).partition(f" {op} ")
        if sep and head.strip():
            return head.strip()
    return column.replace("_", " ")


def exclusion_reasons(label: object, reason: object, n_excluded: int, n_missing: int | None) -> list[str]:
    """One phrase per reason the excluded patients failed, each saying what was excluded.

    A rule written by :func:`retrocohort.cohort.selection.reason` is negated in words (``>`` ->
    "not above", ``is recorded`` -> "not recorded"); with ``missing: exclude`` and ``n_missing``
    (the flow's ``n_excluded_missing``) above zero, the patients lacking the value get their own
    phrase and both carry their counts (a phrase counting nobody is left out). Any other text is taken as already naming an exclusion
    reason and is split on ``;``.
    """
    if not isinstance(reason, str) or not reason.strip():
        return []
    match = _RULE.fullmatch(reason.strip())
    if match is None:
        return [r.strip() for r in reason.split(";") if r.strip()]
    op, word = match["op"], match["word"]
    subject = _subject(str(label), match["column"], op)
    if word == "is recorded":
        return [f"{subject} not recorded"]
    failed = (
        f"{subject} not true"
        if word == "is true"
        else f"{subject} {NEGATED[op]} {_value_text(match['value'])}"
    )
    if match["missing"] != "exclude" or not n_missing:
        return [failed]
    counted = ((failed, n_excluded - n_missing), (f"{subject} not recorded", n_missing))
    return [f"{text} (n = {n:,})" for text, n in counted if n > 0]
