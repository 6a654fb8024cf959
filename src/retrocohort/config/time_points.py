"""The study's time points: named visit windows resolved from the config, and their checks.

A time point (config ``time_points:``) names a target ``day``, a ``window`` of accepted days
(default ``[day, day]``), a ``rule`` choosing one measurement in the window (``closest``,
``first``, ``last`` or ``worst``) and a ``tie`` rule (``earlier``, ``later`` or ``mean``).
Without ``time_points``, ``paired_days: [a, b]`` implies two exact-day time points named
``day<a>`` and ``day<b>`` (window ``[a, a]``), so studies written before time points existed
keep their column names (``day0_median``, ``day7_median``) and their numbers.

The selection itself is :func:`retrocohort.analysis.time_points.select_time_point`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from retrocohort.config.analysis_entries import family_entries
from retrocohort.config.row_time_points import (
    is_long_format,
    long_format_problems,
    row_time_point_name,
    table_time_point_names,
    table_variable_uses,
)
from retrocohort.config.unknown import unknown_name_problems
from retrocohort.errors import Problem

RULES = ("closest", "first", "last", "worst")
TIES = ("earlier", "later", "mean")
_SCHEMA = Path(__file__).resolve().with_name("schemas") / "config.schema.yaml"


@dataclass(frozen=True)
class TimePoint:
    """One named time point: the target ``day``, accepted days ``window`` (inclusive), the
    selection ``rule``, the ``tie`` rule and the display ``label`` (default "Day <day>")."""

    name: str
    day: int
    window: tuple[int, int]
    rule: str = "closest"
    tie: str = "earlier"
    label: str = ""

    @property
    def title(self) -> str:
        """Column heading: the configured label, else "Day <day>"."""
        return self.label or f"Day {self.day}"


def exact_day(day: int) -> TimePoint:
    """The implied time point of one paired day: named ``day<d>``, window ``[d, d]``."""
    return TimePoint(name=f"day{day}", day=int(day), window=(int(day), int(day)))


@cache
def schema_default(key: str) -> Any:
    """The ``default`` of a top-level key in the study-config schema (the only home of defaults)."""
    from retrocohort.config.yaml_strict import read_yaml_strict

    return read_yaml_strict(_SCHEMA).data["properties"][key]["default"]


def day_range(config: dict) -> tuple[int, int]:
    """Accepted measurement days ``(lo, hi)``: the config's ``day_range`` or the schema default."""
    lo, hi = config.get("day_range") or schema_default("day_range")
    return int(lo), int(hi)


def _point(name: str, spec: dict) -> TimePoint:
    day = int(spec["day"])
    window = spec.get("window") or [day, day]
    return TimePoint(
        name=name,
        day=day,
        window=(int(window[0]), int(window[1])),
        rule=spec.get("rule", "closest"),
        tie=spec.get("tie", "earlier"),
        label=spec.get("label", ""),
    )


def time_points(config: dict) -> dict[str, TimePoint]:
    """Every time point of the study by name: the declared ``time_points`` plus the exact-day
    points implied by ``paired_days`` (``day<d>``) unless a declared one has that name."""
    days = config.get("paired_days") or schema_default("paired_days")
    points = {p.name: p for p in (exact_day(d) for d in days)}
    points.update({name: _point(name, spec) for name, spec in (config.get("time_points") or {}).items()})
    return points


def paired_time_points(config: dict) -> tuple[TimePoint, TimePoint]:
    """The (first, second) time points of the paired table: ``paired_time_points`` when given,
    else the ``day<a>``, ``day<b>`` points of ``paired_days``."""
    points = time_points(config)
    days = config.get("paired_days") or schema_default("paired_days")
    names = config.get("paired_time_points") or [f"day{d}" for d in days]
    return points[names[0]], points[names[1]]


def repeated_time_points(config: dict) -> tuple[TimePoint, ...]:
    """The time points of the repeated-measures test (``repeated_time_points``; empty if absent)."""
    points = time_points(config)
    return tuple(points[n] for n in config.get("repeated_time_points") or [])


def worst_directions(config: dict) -> dict[str, str]:
    """Variable -> ``worst`` direction (``max`` or ``min``) of the variables that declare one."""
    return {name: spec["worst"] for name, spec in config.get("variables", {}).items() if "worst" in spec}


def _named(config: dict) -> Iterable[tuple[str, str]]:
    """(key path, time point name) of every place the config names a time point."""
    for i, name in enumerate(config.get("paired_time_points") or []):
        yield f"paired_time_points/{i}", name
    for i, name in enumerate(config.get("repeated_time_points") or []):
        yield f"repeated_time_points/{i}", name
    for tid, spec in (config.get("tables") or {}).items():
        if isinstance(spec, Mapping) and spec.get("kind") == "paired":
            for i, name in enumerate(spec.get("time_points") or []):
                yield f"tables/{tid}/time_points/{i}", name
    yield from table_time_point_names(config)


def table_time_points(config: dict, tid: str) -> dict[str, TimePoint]:
    """{key path: time point} of every long-format variable of table ``tid`` (resolved by
    :func:`row_time_point_name`; the load-time check guarantees each exists)."""
    spec = config["tables"][tid]
    points = time_points(config)
    return {
        key: points[row_time_point_name(config, spec, row)]  # type: ignore[index]
        for key, name, row in table_variable_uses(tid, spec)
        if is_long_format(config, name)
    }


#: A row's long-format value: (frame column, variable, time point).
RowColumn = tuple[str, str, TimePoint]


def row_columns(config: dict, table_id: str) -> dict[str, RowColumn]:
    """{key path of the row: (frame column, variable, time point)} of every long-format variable
    of table ``table_id`` (see :func:`retrocohort.config.time_points.table_time_points`).

    The column is the variable's name when the table takes it at one time point only, else
    ``<variable>@<time point>`` (one column per time point of the same variable)."""
    points = table_time_points(config, table_id)
    names = {key: name for key, name, _ in table_variable_uses(table_id, config["tables"][table_id])}
    seen: dict[str, set[str]] = {}
    for key, point in points.items():
        seen.setdefault(names[key], set()).add(point.name)
    return {
        key: (names[key] if len(seen[names[key]]) == 1 else f"{names[key]}@{p.name}", names[key], p)
        for key, p in points.items()
    }


def with_frame_columns(items: list, prefix: str, columns: Mapping[str, RowColumn]) -> list[dict]:
    """Rows (or listing columns) whose ``variable`` is replaced by the frame column of their
    time point (``columns`` from :func:`row_columns`, keyed ``<prefix>/<i>``)."""
    return [
        {**item, "variable": columns[f"{prefix}/{i}"][0]} if f"{prefix}/{i}" in columns else item
        for i, item in enumerate(items)
    ]


def describe_time_point(point: TimePoint) -> str:
    """How a time point chooses a value, as a noun phrase: "value closest to day 0 within days
    -3 to 0 (ties: earlier)", "first value within days ...", or "value on day 0" for an
    exact-day point (printed after "the" in table footnotes)."""
    lo, hi = point.window
    if lo == hi:
        return f"value on day {lo}"
    rule = {
        "closest": f"value closest to day {point.day}",
        "first": "first value",
        "last": "last value",
        "worst": "worst value (highest or lowest, as the variable declares)",
    }[point.rule]
    return f"{rule} within days {lo} to {hi} (ties: {point.tie})"


def _in_range(key: str, value: Any, lo: int, hi: int, file: str) -> list[Problem]:
    if value is None or lo <= value <= hi:
        return []
    return [
        Problem(
            "day outside the study window",
            file=file,
            column=key,
            value=value,
            expected=f"an integer day within [{lo}, {hi}] relative to diagnosis",
        )
    ]


def time_point_problems(config: dict, file: str) -> list[Problem]:
    """Cross-reference checks of the time point keys, each located by its key path.

    An ordered ``day_range``; windows ordered and containing their day, inside ``day_range``;
    ``paired_time_points`` / ``repeated_time_points`` naming declared (or implied) time points;
    ``paired_days`` changed from its default together with ``paired_time_points``; the
    ``worst`` rule on a variable without a ``worst`` direction.
    """
    problems: list[Problem] = []
    lo, hi = day_range(config)
    if lo > hi:
        problems.append(
            Problem(
                "day range starts after it ends",
                file=file,
                column="day_range",
                value=[lo, hi],
                expected="[first day, last day] with first <= last",
            )
        )
    for name, spec in (config.get("time_points") or {}).items():
        key = f"time_points/{name}"
        point = _point(name, spec)
        w_lo, w_hi = point.window
        if w_lo > w_hi:
            problems.append(
                Problem(
                    "time point window starts after it ends",
                    file=file,
                    column=f"{key}/window",
                    value=list(point.window),
                    expected="[first day, last day] with first <= last",
                )
            )
        elif not w_lo <= point.day <= w_hi:
            problems.append(
                Problem(
                    "time point day outside its window",
                    file=file,
                    column=f"{key}/day",
                    value=point.day,
                    expected=f"a day within the window {list(point.window)}",
                )
            )
        problems += _in_range(f"{key}/day", point.day, lo, hi, file)
        if "window" in spec:
            problems += [
                q for i, d in enumerate(point.window) for q in _in_range(f"{key}/window/{i}", d, lo, hi, file)
            ]
    known = time_points(config)
    problems += unknown_name_problems(
        _named(config),
        known,
        file,
        "time point",
        "a name declared under `time_points:` (or day<d> of paired_days): " + ", ".join(known),
    )
    pair = config.get("paired_time_points")
    if pair and pair[0] == pair[1]:
        problems.append(
            Problem(
                "the two paired time points are the same",
                file=file,
                column="paired_time_points",
                value=pair,
                expected="two different time points (first, second)",
            )
        )
    paired_days = config.get("paired_days")
    if pair and paired_days is not None and list(paired_days) != list(schema_default("paired_days")):
        problems.append(
            Problem(
                "both paired_days and paired_time_points declare the tested pair",
                file=file,
                column="paired_time_points",
                value={"paired_days": paired_days, "paired_time_points": pair},
                expected="either paired_days or paired_time_points (with time_points), not both",
            )
        )
    problems += _worst_problems(config, file) + long_format_problems(config, file)
    return problems


def _worst_problems(config: dict, file: str) -> list[Problem]:
    """The ``worst`` rule needs each tested variable's ``worst: max|min``."""
    worst_points = [n for n, s in (config.get("time_points") or {}).items() if s.get("rule") == "worst"]
    if not worst_points:
        return []
    used = {n for _, n in _named(config)}
    tested = list(dict.fromkeys(p["variable"] for _, p in family_entries(config, "paired")))
    directions = worst_directions(config)
    return [
        Problem(
            "the worst rule needs the variable's worst direction",
            file=file,
            column=f"time_points/{point}/rule",
            value=var,
            expected=f"`worst: max` or `worst: min` under variables/{var}",
        )
        for point in worst_points
        if point in used
        for var in tested
        if var not in directions
    ]


def window_days(points: Iterable[TimePoint]) -> tuple[int, ...]:
    """Every day inside the windows of ``points`` (sorted), to filter measurements before selecting."""
    return tuple(sorted({d for p in points for d in range(p.window[0], p.window[1] + 1)}))
