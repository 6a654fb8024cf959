"""Values the config writes for a variable (a variable's own ``level_labels``, group labels, levels,
reference levels, event levels,
``equals`` and ``in`` values of derived variables, selection values, listing maps) checked against the values the variable can
take, at load.

Policy (one place, config/README.md "Values of a variable"): a value written in the config is a
**canonical** value, the one the analysis sees after the sources' ``map:``, spelled as printed
(``True``/``False`` for a yes/no variable, a category, ``"1"`` for a whole number). A raw code of
a ``map:`` (``"1"`` for ``trt`` when the source maps ``"1": d_penicillamine``) is refused with
the key path, the value it maps to and the valid values; it is never translated silently (two
sites may map one code to different values) and never matched against nothing (an empty
table). A variable whose values are not known before the data are read (a count, a text
column without ``map:`` or ``categories``) is not checked here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from retrocohort.config.analysis_entries import family_entries
from retrocohort.config.derived_spec import BOOLEAN_OPS, category_levels, derived_operation
from retrocohort.errors import Problem

BOOLEAN_VALUES = ("True", "False")
#: Selection operators comparing a value for equality.
EQUALITY_OPERATORS = ("==", "!=", "in")


def printed(value: Any) -> str:
    """A config value as the analysis prints it: ``True``/``False``, whole numbers without
    ``.0``, text as written (the spelling of :func:`retrocohort.analysis.groups.group_key`)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sources(config: Mapping[str, Any]) -> Iterable[tuple[str, Mapping[str, Any]]]:
    for site, spec in (config.get("sites") or {}).items():
        if not isinstance(spec, Mapping):
            continue
        for j, src in enumerate(spec.get("sources") or []):
            if isinstance(src, Mapping):
                yield f"sites/{site}/sources/{j}", src


def raw_codes(config: Mapping[str, Any], name: str) -> dict[str, tuple[str, str]]:
    """{raw code: (mapped value, key path of the map)} over every source mapping ``name``."""
    codes: dict[str, tuple[str, str]] = {}
    for where, src in _sources(config):
        column = (src.get("columns") or {}).get(name)
        if isinstance(column, Mapping) and isinstance(column.get("map"), Mapping):
            for code, value in column["map"].items():
                codes.setdefault(printed(code), (printed(value), f"{where}/columns/{name}/map"))
    return codes


def is_boolean(config: Mapping[str, Any], name: str) -> bool:
    """A patient-level yes/no variable: declared ``kind: binary`` (patients table) or derived by a
    yes/no operation."""
    declared = (config.get("variables") or {}).get(name)
    if isinstance(declared, Mapping):
        return declared.get("kind") == "binary" and declared.get("table") == "patients"
    spec = (config.get("derived") or {}).get(name)
    return isinstance(spec, Mapping) and bool(spec) and derived_operation(spec) in BOOLEAN_OPS


def value_domain(config: Mapping[str, Any], name: str) -> tuple[str, ...] | None:
    """The printed values ``name`` can take, or None when they are not known before the data.

    Yes/no variables: ``True``, ``False`` (measurements: ``0``, ``1``); the built-in ``site``: the keys of ``sites:``; categorical variables: their ``categories``, else the
    values of their sources' ``map:``; ``first_of`` variables: their rules' values; ``cause_of``
    variables: their causes and censored level.
    """
    if is_boolean(config, name):
        return BOOLEAN_VALUES
    if name == "site" and name not in (config.get("variables") or {}):
        return tuple(config.get("sites") or {}) or None
    declared = (config.get("variables") or {}).get(name)
    if isinstance(declared, Mapping) and declared.get("kind") == "binary":
        return ("0", "1")  # a yes/no measurement: 0/1 (checked at ingestion)
    if isinstance(declared, Mapping):
        if declared.get("table") != "patients" or declared.get("kind") not in ("categorical", "text"):
            return None
        if declared.get("categories"):
            return tuple(printed(c) for c in declared["categories"])
        mapped = {value for value, _ in raw_codes(config, name).values()}
        return tuple(sorted(mapped)) or None
    spec = (config.get("derived") or {}).get(name)
    if isinstance(spec, Mapping) and category_levels(spec) is not None:
        return tuple(category_levels(spec))
    return None


def _written_values(config: Mapping[str, Any]) -> Iterable[tuple[str, str, Any]]:
    """(key path, variable, value written for it) of every key holding a variable's value."""
    for name, spec in (config.get("variables") or {}).items():
        for value in (spec.get("level_labels") or {}) if isinstance(spec, Mapping) else ():
            yield f"variables/{name}/level_labels/{value}", name, value
    for key, g in family_entries(config, "comparison"):
        for value in g.get("groups") or {}:
            yield f"{key}/groups/{value}", g["group_variable"], value
    for key, s in family_entries(config, "survival"):
        if "group_variable" in s:
            for value in s.get("groups") or {}:
                yield f"{key}/groups/{value}", s["group_variable"], value
    for i, c in enumerate((config.get("selection") or {}).get("criteria") or []):
        if isinstance(c, Mapping) and c.get("operator") in EQUALITY_OPERATORS and "value" in c:
            yield from _condition_values(f"selection/criteria/{i}", c)
    for name, spec in (config.get("derived") or {}).items():
        if isinstance(spec, Mapping) and isinstance(spec.get("equals"), Mapping):
            yield f"derived/{name}/equals/value", spec["equals"]["variable"], spec["equals"]["value"]
        if isinstance(spec, Mapping) and isinstance(spec.get("in"), Mapping):
            for j, value in enumerate(spec["in"]["values"]):
                yield f"derived/{name}/in/values/{j}", spec["in"]["variable"], value
    for tid, spec in (config.get("tables") or {}).items():
        if isinstance(spec, Mapping) and "kind" in spec:
            yield from _table_values(f"tables/{tid}", spec)


def _condition_values(where: str, c: Mapping[str, Any]) -> Iterable[tuple[str, str, Any]]:
    """(key path, variable, value) of an equality condition (selection criterion, ``where:``)."""
    values = c["value"] if isinstance(c["value"], list) else [c["value"]]
    for j, value in enumerate(values):
        yield f"{where}/value" + (f"/{j}" if isinstance(c["value"], list) else ""), c["column"], value


def _table_values(where: str, spec: Mapping[str, Any]) -> Iterable[tuple[str, str, Any]]:
    if "by" in spec:
        for value in spec.get("group_labels") or {}:
            yield f"{where}/group_labels/{value}", spec["by"], value
    for i, row in enumerate(spec.get("rows") or []):
        if row.get("kind", "categorical") in ("categorical", "binary"):
            for j, value in enumerate(row.get("levels") or []):
                yield f"{where}/rows/{i}/levels/{j}", row["variable"], value
            for value in row.get("level_labels") or {}:
                yield f"{where}/rows/{i}/level_labels/{value}", row["variable"], value
    for i, col in enumerate(spec.get("columns") or []):
        for value in col.get("map") or {}:
            yield f"{where}/columns/{i}/map/{value}", col["variable"], value
    for name, value in (spec.get("reference_levels") or {}).items():
        yield f"{where}/reference_levels/{name}", name, value
    for name, levels in (spec.get("level_labels") or {}).items() if spec.get("kind") == "regression" else ():
        for value in levels or {}:
            yield f"{where}/level_labels/{name}/{value}", name, value
    if "event_level" in spec and "outcome" in spec:
        yield f"{where}/event_level", spec["outcome"], spec["event_level"]
    for i, c in enumerate(spec.get("where") or []):
        if isinstance(c, Mapping) and c.get("operator") in EQUALITY_OPERATORS and "value" in c:
            yield from _condition_values(f"{where}/where/{i}", c)


def value_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """Every written value outside its variable's values; a raw ``map:`` code named as such."""
    problems = []
    for key, name, value in _written_values(config):
        domain = value_domain(config, name)
        if domain is None or printed(value) in domain:
            continue
        code = raw_codes(config, name).get(printed(value))
        if code is not None:
            message = (
                f"{value!r} is a raw code of {name!r}: {code[1]} maps it to {code[0]!r}; the config "
                "names the mapped (canonical) value"
            )
        else:
            message = f"{value!r} is not a value of {name!r}"
        problems.append(
            Problem(message, file=file, column=key, value=value, expected=f"one of {', '.join(domain)}")
        )
    return problems


def event_level_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """A logistic outcome that is not yes/no needs ``event_level`` (a yes/no outcome counts
    ``True`` as the event unless ``event_level`` says otherwise)."""
    problems = []
    for tid, spec in (config.get("tables") or {}).items():
        if not (isinstance(spec, Mapping) and spec.get("kind") == "regression"):
            continue
        outcome = spec.get("outcome")
        if spec.get("model") != "logistic" or outcome is None or "event_level" in spec:
            continue
        declared = (config.get("variables") or {}).get(outcome)
        if is_boolean(config, outcome) or (
            isinstance(declared, Mapping) and declared.get("kind") == "binary"
        ):
            continue
        domain = value_domain(config, outcome)
        problems.append(
            Problem(
                f"the outcome {outcome!r} is not a yes/no variable: which value is the event?",
                file=file,
                column=f"tables/{tid}/event_level",
                value=outcome,
                expected="`event_level: <value>`"
                + (f", one of {', '.join(domain)}" if domain else " (a value of the outcome)"),
            )
        )
    return problems
