"""Derived variables whose inputs cannot give the operation a meaning, refused at load.

The JSON Schema checks each entry's shape; these checks need the other entries: a comparison
(``less_than``, ``greater_than``, ``at_least``, ``at_most``, ``between``) or an ``earliest_of``
time on a variable that is not a number, ``between`` bounds in the wrong order, ``not`` or an
``earliest_of`` event on a variable that is not yes/no, ``equals_column`` on two variables that
can never be equal (a number and a category, disjoint values, one variable twice), and
``event_of`` naming anything but an ``earliest_of`` variable, a ``cause_of`` whose time is not an
``earliest_of`` variable or whose levels miss, repeat or add a component's event, and a survival analysis or Cox
table pairing a composite time with another endpoint's event (or the reverse). Each problem names its key path
(``derived/<name>/<operation>/...``). Unknown variables are reported by
:mod:`retrocohort.config.unknown`, not here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from retrocohort.config.analysis_entries import family_entries
from retrocohort.config.derived_expression import (
    ExpressionError,
    expression_names,
    expression_unit,
    parse_expression,
)
from retrocohort.config.derived_spec import (
    COMPARISON_OPS,
    NUMERIC_OPS,
    OPTION_KEYS,
    TIME_OPS,
    derived_operation,
    earliest_of_pairs,
    operation_inputs,
)
from retrocohort.config.values import is_boolean, value_domain
from retrocohort.errors import Problem

#: Built-in per-patient numbers (the HScore stage).
BUILTIN_NUMBERS = ("hscore", "hscore_recomputed", "hscore_probability_pct")


def _kind(config: Mapping[str, Any], name: str) -> str | None:
    """``number``, ``yes/no``, ``category`` or None (unknown name: reported elsewhere)."""
    declared = (config.get("variables") or {}).get(name)
    if isinstance(declared, Mapping):
        kind = declared.get("kind")
        return {"continuous": "number", "count": "number", "binary": "yes/no"}.get(kind, "category")
    if name in BUILTIN_NUMBERS:
        return "number"
    if name == "site":
        return "category"
    spec = (config.get("derived") or {}).get(name)
    if not (isinstance(spec, Mapping) and spec):
        return None
    if is_boolean(config, name):
        return "yes/no"
    return "number" if derived_operation(spec) in NUMERIC_OPS else "category"


def _refuse(file: str, key: str, message: str, value: Any, expected: str) -> Problem:
    return Problem(message, file=file, column=key, value=value, expected=expected)


def _need(config, file, key: str, name: str, want: str, expected: str) -> Iterable[Problem]:
    kind = _kind(config, name)
    if kind is not None and kind != want:
        yield _refuse(
            file,
            key,
            f"{name!r} is not a {'number' if want == 'number' else 'yes/no variable'} (it is a {kind})",
            name,
            expected,
        )


def _equals_column(config, file, key: str, arg: list[str]) -> Iterable[Problem]:
    a, b = arg
    if a == b:
        yield _refuse(
            file, f"{key}/1", "a column compared with itself is always equal", b, "two different variables"
        )
        return
    ka, kb = _kind(config, a), _kind(config, b)
    if None in (ka, kb):
        return
    if "number" in (ka, kb) and ka != kb:
        yield _refuse(
            file,
            f"{key}/1",
            f"{a!r} is a {ka} and {b!r} a {kb}: they are never equal",
            b,
            "two variables of the same kind (two numbers, two categories or two yes/no variables)",
        )
        return
    da, db = value_domain(config, a), value_domain(config, b)
    if da is not None and db is not None and not set(da) & set(db):
        yield _refuse(
            file,
            f"{key}/1",
            f"{a!r} ({', '.join(da)}) and {b!r} ({', '.join(db)}) share no value: they are never equal",
            b,
            "two variables with values in common",
        )


def _time_and_event(config, file, key: str, time: str, event: str) -> Iterable[Problem]:
    """A (time, event) pair: the time a number, the event yes/no."""
    yield from _need(
        config, file, f"{key}/time", time, "number", "a time: a continuous or count variable (e.g. months)"
    )
    yield from _need(
        config,
        file,
        f"{key}/event",
        event,
        "yes/no",
        "a yes/no variable (true = the event happened at `time`, false = censored)",
    )


def _earliest_of(config, file, key: str, arg: list[dict]) -> Iterable[Problem]:
    for i, (time, event) in enumerate(earliest_of_pairs(arg)):
        yield from _time_and_event(config, file, f"{key}/{i}", time, event)


def _cause_of(config, file, key: str, arg: Mapping[str, Any]) -> Iterable[Problem]:
    """``cause_of``: its time an ``earliest_of`` variable, each component's event given exactly
    one level, no other event, and the censored level not also a cause."""
    spec = (config.get("derived") or {}).get(arg["time"])
    if arg["time"] in (config.get("variables") or {}) or (
        isinstance(spec, Mapping) and "earliest_of" not in spec
    ):
        yield _refuse(
            file,
            f"{key}/time",
            f"{arg['time']!r} is not a composite time (`earliest_of`)",
            arg["time"],
            "the name of a derived `earliest_of` variable, whose first event this is",
        )
        return
    if not isinstance(spec, Mapping):
        return  # an unknown name: reported by retrocohort.config.unknown
    components = [event for _, event in earliest_of_pairs(spec["earliest_of"])]
    if len(set(components)) < len(components):
        yield _refuse(
            file,
            f"{key}/time",
            f"components of {arg['time']!r} share an event variable: which came first is undefined",
            components,
            "an `earliest_of` whose components have distinct event variables",
        )
        return
    seen: dict[str, str] = {}
    for level, event in arg["causes"].items():
        if event not in components:
            yield _refuse(
                file,
                f"{key}/causes/{level}",
                f"{event!r} is not the event of a component of {arg['time']!r}",
                event,
                f"one of {components}",
            )
        elif event in seen:
            yield _refuse(
                file,
                f"{key}/causes/{level}",
                f"{event!r} already has the level {seen[event]!r}",
                event,
                "each component's event named once (one level per cause)",
            )
        seen.setdefault(event, str(level))
    for event in components:
        if event not in seen:
            yield _refuse(
                file,
                f"{key}/causes",
                f"the component event {event!r} of {arg['time']!r} has no level",
                sorted(arg["causes"]),
                f"a level for every component event: {components}",
            )
    if str(arg["censored"]) in {str(level) for level in arg["causes"]}:
        yield _refuse(
            file,
            f"{key}/censored",
            f"{arg['censored']!r} is also the level of a cause",
            arg["censored"],
            "a level of its own for the censored patients",
        )


def variable_unit(config: Mapping[str, Any], name: str) -> str:
    """The declared ``unit`` of a variable, or of a derived ``expression`` from its terms
    (:func:`~retrocohort.config.derived_expression.expression_unit`); ``""`` when none."""
    declared = (config.get("variables") or {}).get(name)
    if isinstance(declared, Mapping):
        return str(declared.get("unit") or "")
    spec = (config.get("derived") or {}).get(name)
    if isinstance(spec, Mapping) and isinstance(spec.get("expression"), str):
        try:
            unit = expression_unit(parse_expression(spec["expression"]), lambda v: variable_unit(config, v))
        except ExpressionError:
            return ""
        return unit or ""
    return ""


def _expression(config, file, key: str, text: str) -> Iterable[Problem]:
    """``expression``: + - * / of numbers and variables that are numbers, terms of a sum in one unit."""
    try:
        tree = parse_expression(text)
    except ExpressionError as exc:
        yield _refuse(
            file, key, str(exc), text, "+ - * / of numeric variables and numbers, e.g. `kappa + lambda`"
        )
        return
    for name in expression_names(text):
        yield from _need(
            config, file, key, name, "number", "variables that are numbers (continuous or count)"
        )
    try:
        expression_unit(tree, lambda v: variable_unit(config, v))
    except ExpressionError as exc:
        yield _refuse(
            file,
            key,
            str(exc),
            text,
            "terms in the same unit (declare the variables in one unit under `variables:`)",
        )


def _operation_problems(config, file: str, name: str, op: str, arg: Any) -> Iterable[Problem]:
    key = f"derived/{name}/{op}"
    if op in COMPARISON_OPS:
        yield from _need(
            config,
            file,
            f"{key}/variable",
            arg["variable"],
            "number",
            "a continuous or count variable (compare a category with `equals` or `in`)",
        )
    if op == "between" and arg["low"] > arg["high"]:
        yield _refuse(
            file,
            f"{key}/low",
            f"low {arg['low']} is above high {arg['high']}: no value is between",
            arg["low"],
            "low <= high (both inclusive)",
        )
    elif op == "not":
        yield from _need(config, file, key, arg, "yes/no", "a yes/no variable")
    elif op == "equals_column":
        yield from _equals_column(config, file, key, arg)
    elif op == "earliest_of":
        yield from _earliest_of(config, file, key, arg)
    elif op == "cause_of":
        yield from _cause_of(config, file, key, arg)
    elif op == "event_before":
        yield from _time_and_event(config, file, key, arg["time"], arg["event"])
    elif op == "event_of":
        spec = (config.get("derived") or {}).get(arg)
        if arg in (config.get("variables") or {}) or (
            isinstance(spec, Mapping) and not any(t in spec for t in TIME_OPS)
        ):
            yield _refuse(
                file,
                key,
                f"{arg!r} is not a composite time (`earliest_of`) nor a `time_to_event`",
                arg,
                "the name of a derived `earliest_of` or `time_to_event` variable, whose event this is",
            )
    elif op == "expression":
        yield from _expression(config, file, key, arg)
    elif op == "quantile_groups":
        yield from _need(
            config,
            file,
            f"{key}/variable",
            arg["variable"],
            "number",
            "a continuous or count variable, cut at its sample quantiles",
        )
    elif op == "time_to_event" and "end_of_follow_up" in arg:
        yield from _need(
            config,
            file,
            f"{key}/end_of_follow_up",
            arg["end_of_follow_up"],
            "number",
            "the day of the end of follow-up: a continuous or count variable, in days",
        )


def derived_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """Every derived entry without exactly one operation, or whose inputs do not fit its
    operation (see the module docstring)."""
    problems: list[Problem] = []
    for name, spec in (config.get("derived") or {}).items():
        if not (isinstance(spec, Mapping) and spec):
            continue  # an entry the schema found broken is emptied (config.check.without_broken)
        ops = [k for k in spec if k not in OPTION_KEYS]
        if len(ops) != 1:
            problems.append(
                _refuse(
                    file,
                    f"derived/{name}",
                    f"{len(ops)} operations: a derived variable is computed by exactly one",
                    ops or sorted(spec),
                    "one operation (e.g. `at_least: {variable, value}`) besides `label`",
                )
            )
            continue
        problems += _operation_problems(config, file, name, ops[0], spec[ops[0]])
        problems += _order_problems(config, file, name, ops[0], spec[ops[0]])
    return problems


def _order_problems(config: Mapping[str, Any], file: str, name: str, op: str, arg: Any) -> list[Problem]:
    """Derived variables are computed in the order written: an input derived below (or the
    variable itself) has no values yet."""
    order = list(config.get("derived") or {})
    below = set(order[order.index(name) :])
    return [
        _refuse(
            file,
            f"derived/{name}/{op}" + (f"/{sub}" if sub else ""),
            f"{var!r} is derived below {name!r} (derived variables are computed in the order written)",
            var,
            f"declare {var!r} above {name!r} under `derived:`",
        )
        for sub, var in operation_inputs(op, arg)
        if var in below
    ]


def _time_event_entries(config: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    """(key path, entry) of every survival analysis and Cox table (both name ``time``, ``event``)."""
    yield from family_entries(config, "survival")
    for tid, spec in (config.get("tables") or {}).items():
        if isinstance(spec, Mapping) and spec.get("kind") == "regression" and spec.get("model") == "cox":
            yield f"tables/{tid}", spec


def composite_pair_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """A composite time analysed with an event that is not its own ``event_of`` (or an
    ``event_of`` with another time): the pair would count events at times they did not happen."""
    derived = config.get("derived") or {}
    event_of = {n: s["event_of"] for n, s in derived.items() if isinstance(s, Mapping) and "event_of" in s}
    composite = {n for n, s in derived.items() if isinstance(s, Mapping) and any(t in s for t in TIME_OPS)}
    problems = []
    for where, entry in _time_event_entries(config):
        time, event = entry.get("time"), entry.get("event")
        own = [e for e, t in event_of.items() if t == time]
        if event in event_of and time != event_of[event]:
            problems.append(
                _refuse(
                    file,
                    f"{where}/time",
                    f"{event!r} is the event of the composite time {event_of[event]!r}, not of {time!r}",
                    time,
                    f"`time: {event_of[event]}`",
                )
            )
        elif time in composite and event is not None and event not in own:
            problems.append(
                _refuse(
                    file,
                    f"{where}/event",
                    f"{time!r} is a composite time: its event is the first of its components, not {event!r}",
                    event,
                    f"`event: {own[0]}`" if own else f"a derived `<name>_event: {{event_of: {time}}}`",
                )
            )
    return problems
