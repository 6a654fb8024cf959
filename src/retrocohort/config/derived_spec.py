"""What a ``derived:`` config entry reads: its operations and input variables (no pandas).

Kept apart from :mod:`retrocohort.cohort.derive` (which computes the variables with pandas) because
the Snakefile checks the config at parse time, where importing pandas would cost every
``snakemake`` call ~0.4 s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrocohort.config.derived_expression import expression_names

FLAG_OPS = ("any_of", "all_of", "count_of")
#: Operations on one variable (``{variable, ...}``).
VARIABLE_OPS = ("equals", "less_than", "greater_than", "at_least", "at_most", "between", "in")
#: Operations comparing a variable with numbers (the variable must be a number).
COMPARISON_OPS = ("less_than", "greater_than", "at_least", "at_most", "between")
#: Derived operations giving a yes/no value.
BOOLEAN_OPS = (
    "any_of",
    "all_of",
    *VARIABLE_OPS,
    "equals_column",
    "not",
    "event_of",
    "event_before",
    "first_line",
    "monotherapy",
)
#: Derived operations giving a number.
NUMERIC_OPS = (
    "count_of",
    "points",
    "treatment_line_of",
    "earliest_of",
    "time_to_event",
    "event_count",
    "first_event_day",
    "expression",
)
#: Operations reading the events table (a ``table: events`` source; see
#: :mod:`retrocohort.cohort.event_endpoints`).
EVENT_OPS = ("time_to_event", "event_count", "first_event_day")
#: Operations giving a time whose event is a second entry ``{event_of: <name>}``.
TIME_OPS = ("earliest_of", "time_to_event")
#: Derived operations giving a category with levels declared in the entry.
CATEGORY_OPS = ("first_of", "cause_of", "quantile_groups")
#: Keys of a derived entry that are options, not its operation.
OPTION_KEYS = ("label", "missing_items", "level_labels")


def derived_operation(spec: dict) -> str:
    """The operation of a derived entry (its one key that is neither the label nor an option)."""
    return next(k for k in spec if k not in OPTION_KEYS)


def points_items(arg: list[dict]) -> list[str]:
    """Variables a ``points`` score reads, in item order."""
    return [item["variable"] for item in arg]


def first_of_rules(arg: list[dict]) -> list[tuple[list[str], str]]:
    """``first_of`` rules as (flag variables, value); ``variable`` may be one name or a list."""
    return [
        ([r["variable"]] if isinstance(r["variable"], str) else list(r["variable"]), str(r["value"]))
        for r in arg
    ]


def earliest_of_pairs(arg: list[dict]) -> list[tuple[str, str]]:
    """``earliest_of`` components as (time variable, event variable)."""
    return [(c["time"], c["event"]) for c in arg]


def cause_of_levels(arg: dict) -> list[str]:
    """Levels of a ``cause_of`` variable: its causes as written, then ``censored``."""
    return [*(str(level) for level in arg["causes"]), str(arg["censored"])]


def quantile_group_levels(arg: dict) -> list[str]:
    """Levels of a ``quantile_groups`` variable, lowest first: ``Q1`` ... ``Q<groups>``.

    Examples
    --------
    >>> quantile_group_levels({"variable": "flc", "groups": 4})
    ['Q1', 'Q2', 'Q3', 'Q4']
    """
    return [f"Q{i}" for i in range(1, int(arg["groups"]) + 1)]


def category_levels(spec: dict) -> list[str] | None:
    """The declared levels of a ``first_of``, ``cause_of`` or ``quantile_groups`` variable (None
    for other operations)."""
    if "quantile_groups" in spec:
        return quantile_group_levels(spec["quantile_groups"])
    if "first_of" in spec:
        return list(dict.fromkeys(value for _, value in first_of_rules(spec["first_of"])))
    if "cause_of" in spec:
        return list(dict.fromkeys(cause_of_levels(spec["cause_of"])))
    return None


def operation_inputs(op: str, arg) -> list[tuple[str, str]]:
    """(key path below the operation, variable) for every variable an operation reads.

    ``event_of`` and ``cause_of`` name a derived variable (an ``earliest_of`` or ``time_to_event``
    time), listed like any input, and ``cause_of`` the event variables of its causes; the event types of the :data:`EVENT_OPS` are not variables.
    """
    if op in FLAG_OPS:
        return [("", v) for v in arg]
    if op == "equals_column":
        return [(str(i), v) for i, v in enumerate(arg)]
    if op in VARIABLE_OPS or op == "quantile_groups":
        return [("variable", arg["variable"])]
    if op == "expression":
        return [("", name) for name in expression_names(arg)]
    if op in ("not", "event_of"):
        return [("", arg)]
    if op == "first_of":
        return [(f"{i}/variable", v) for i, (names, _) in enumerate(first_of_rules(arg)) for v in names]
    if op == "points":
        return [(f"{i}/variable", v) for i, v in enumerate(points_items(arg))]
    if op == "event_before":
        return [("time", arg["time"]), ("event", arg["event"])]
    if op == "time_to_event" and "end_of_follow_up" in arg:
        return [("end_of_follow_up", arg["end_of_follow_up"])]
    if op == "cause_of":
        return [("time", arg["time"])] + [
            (f"causes/{level}", event) for level, event in arg["causes"].items()
        ]
    if op == "earliest_of":
        return [
            (f"{i}/{role}", v)
            for i, pair in enumerate(earliest_of_pairs(arg))
            for role, v in zip(("time", "event"), pair)
        ]
    return []


def derived_inputs(spec: dict) -> list[str]:
    """Variables a derived variable is computed from (patient-level; agents are not variables)."""
    out = [v for op, arg in spec.items() if op not in OPTION_KEYS for _, v in operation_inputs(op, arg)]
    return list(dict.fromkeys(out))


def uses_quantile_groups(derived: Mapping[str, Any]) -> bool:
    """Whether a derived variable cuts quantile groups, the one derivation that reads the study's
    sample-quantile definition (``statistics.quantile_type``).

    >>> uses_quantile_groups({"q": {"quantile_groups": {"variable": "x", "groups": 4}}})
    True
    >>> uses_quantile_groups({"old": {"at_least": {"variable": "age", "value": 65}}})
    False
    """
    return any(isinstance(spec, Mapping) and "quantile_groups" in spec for spec in derived.values())
