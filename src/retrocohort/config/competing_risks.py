"""What a ``competing_risks`` table's analyses declare, checked when the config is loaded (no
pandas): the variables they name exist and fit their role, the cause levels are levels of the
status variable, the cause of interest is not also a competing or censoring level, and the
tabulated times increase. Each problem names its config key path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from retrocohort.config.unknown import unknown_variable_problems
from retrocohort.config.values import printed, value_domain
from retrocohort.errors import Problem

KIND = "competing_risks"
NUMERIC_KINDS = ("continuous", "count")


def analysis_causes(spec: Mapping[str, Any]) -> list[Any]:
    """The causes of an analysis in code order: the cause of interest, then the competing ones.

    >>> analysis_causes({"cause": "progression", "competing": ["death"]})
    ['progression', 'death']
    """
    return [spec["cause"], *spec.get("competing", [])]


def competing_analyses(config: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(key path, analysis) of every analysis of the ``competing_risks`` tables."""
    for tid, spec in (config.get("tables") or {}).items():
        if isinstance(spec, Mapping) and spec.get("kind") == KIND:
            for i, entry in enumerate(spec.get("analyses") or []):
                if isinstance(entry, Mapping):
                    yield f"tables/{tid}/analyses/{i}", entry


def _level_problems(
    where: str, spec: Mapping[str, Any], config: Mapping[str, Any], file: str
) -> list[Problem]:
    """Cause, competing and censored levels: known levels of ``status``, each in one role."""
    problems: list[Problem] = []
    domain = value_domain(config, spec["status"])
    roles = [("cause", spec["cause"])]
    roles += [(f"competing/{i}", v) for i, v in enumerate(spec.get("competing", []))]
    roles += [(f"censored/{i}", v) for i, v in enumerate(spec.get("censored", []))]
    seen: dict[str, str] = {}
    for key, value in roles:
        level = printed(value)
        if domain is not None and level not in domain:
            problems.append(
                Problem(
                    f"not a level of the status variable {spec['status']!r}",
                    file=file,
                    column=f"{where}/{key}",
                    value=value,
                    expected=f"one of {list(domain)}",
                )
            )
        if level in seen:
            problems.append(
                Problem(
                    f"level already given as {seen[level]}: a level has one role",
                    file=file,
                    column=f"{where}/{key}",
                    value=value,
                    expected="the cause of interest, a competing cause and a censoring level all different",
                )
            )
        seen.setdefault(level, key.split("/")[0] if key != "cause" else "the cause of interest")
    causes = {printed(c) for c in analysis_causes(spec)}
    problems += [
        Problem(
            "label for a level that is not a cause of the analysis",
            file=file,
            column=f"{where}/cause_labels/{name}",
            value=name,
            expected=f"one of {sorted(causes)}",
        )
        for name in spec.get("cause_labels") or {}
        if printed(name) not in causes
    ]
    return problems


def _increasing_problems(where: str, spec: Mapping[str, Any], file: str) -> list[Problem]:
    """``times`` and ``at_risk_times`` strictly increasing."""
    return [
        Problem(
            "times not increasing",
            file=file,
            column=f"{where}/{key}",
            value=list(spec[key]),
            expected="strictly increasing times (e.g. [12, 24, 60])",
        )
        for key in ("times", "at_risk_times")
        if key in spec and any(b <= a for a, b in zip(spec[key], spec[key][1:]))
    ]


def competing_risks_problems(config: Mapping[str, Any], known: set[str], file: str) -> list[Problem]:
    """Every problem of the ``competing_risks`` analyses, each located by its key path."""
    variables = config.get("variables") or {}
    problems: list[Problem] = []
    for where, spec in competing_analyses(config):
        names = [(f"{where}/{key}", spec[key]) for key in ("time", "status", "group_variable") if key in spec]
        unknown = unknown_variable_problems(names, known, file)
        problems += unknown
        if unknown:
            continue
        kind = (variables.get(spec["time"]) or {}).get("kind")
        if kind is not None and kind not in NUMERIC_KINDS:
            problems.append(
                Problem(
                    f"a {kind} variable cannot be a follow-up time",
                    file=file,
                    column=f"{where}/time",
                    value=spec["time"],
                    expected="a continuous or count variable (time from the origin to the event or censoring)",
                )
            )
        problems += _level_problems(where, spec, config, file) + _increasing_problems(where, spec, file)
    return problems
