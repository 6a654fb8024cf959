"""Config checks of source keys at load: long event sources (``table: events``), the derived
endpoints read from them, and the per-source keys that were checked only at ingestion (or not
at all): ``unit``/``units``, long-file keys on a patient file, ``pseudonym_salt_env``.

Everything here runs at config load (``retrocohort validate``, the Snakefile at parse time), so a
mistake is one config error naming its key path before any file is read. No pandas (the
Snakefile imports this at parse time).

Checks:

* an events source without ``event_column``, ``event_types`` or its day (``day_column``, or
  ``date_column`` with ``origin_date_column``; not both ways); a key of
  patient or measurement files on an events source (``variable_column``, ``unit``, ``duplicates``...); an
  events key (``event_column``, ``event_types``, ``status_column``) on another source;
* two raw codes of ``event_types`` (in any events source of the study) given the same name is
  allowed (several codes for one type); an event type named like a variable is refused (the
  two name spaces would be confused in messages);
* ``time_to_event``, ``event_count``, ``first_event_day`` naming an event type no events source
  declares (the declared ones listed), or with no events source at all; ``time_to_event``
  without ``end_of_follow_up`` when an events source giving one of its types has no
  ``status_column`` (nothing would give the censoring day);
* ``unit:``/``units:`` (fixed units of a long file): both with ``unit_column:``, ``units:``
  naming no measurement variable, either on a patient source;
* a long-file key (``day_column``, ``variable_column``, ``date_column``...) on a patient file
  (silently ignored before); ``identifiers: {column: pseudonymise}`` without
  ``pseudonym_salt_env`` (found before only when the file was read).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from retrocohort.config.derived_spec import EVENT_OPS
from retrocohort.errors import Problem

#: Keys an events source must have (and its day: ``day_column``, or :data:`DATE_KEYS`).
EVENT_SOURCE_KEYS = ("event_column", "event_types")
#: An events source's calendar dates: the event's date and the patient's Day 0 date (day = the
#: days between them), instead of a ``day_column``.
DATE_KEYS = ("date_column", "origin_date_column")
#: Keys only an events source may have.
EVENT_ONLY_KEYS = ("event_column", "event_types", "event_type", "status_column", "origin_date_column")
#: Keys of patient or measurement sources that mean nothing on an events source.
NOT_FOR_EVENTS = (
    "treatments",
    "variable_column",
    "value_column",
    "unit_column",
    "unit",
    "units",
    "variable_names",
    "conflicts",
    "duplicates",
)


def _sources(config: Mapping[str, Any]) -> Iterable[tuple[str, dict]]:
    """(key path, source) of every source of every site."""
    for site, spec in (config.get("sites") or {}).items():
        for j, src in enumerate((spec or {}).get("sources") or []):
            if isinstance(src, Mapping):
                yield f"sites/{site}/sources/{j}", src


def event_type_names(src: Mapping[str, Any]) -> list[str]:
    """The event type names an events source gives: its ``event_types`` values, or its one
    ``event_type`` (a file of one kind of event, with no event-type column).

    >>> event_type_names({"event_type": "infection"}), event_type_names({"event_types": {"1": "relapse"}})
    (['infection'], ['relapse'])
    """
    if "event_type" in src:
        return [src["event_type"]]
    return list(dict.fromkeys((src.get("event_types") or {}).values()))


def declared_event_types(config: Mapping[str, Any]) -> dict[str, bool]:
    """Every event type name declared by an events source -> whether every events source giving
    it has a ``status_column`` (status rows give its censoring day)."""
    out: dict[str, bool] = {}
    for _, src in _sources(config):
        if src.get("table") == "events":
            for name in event_type_names(src):
                out[name] = out.get(name, True) and "status_column" in src
    return out


def policy_problems(
    source: Mapping[str, Any], variables: Mapping[str, Any], file: str, where: str = ""
) -> list[Problem]:
    """Mistakes of a source's fixed-unit keys (``unit``, ``units``), each naming ``where`` +
    the key: both with ``unit_column:``; ``units:`` naming no measurement variable; either on a
    patient source (its columns carry their own ``unit:``)."""
    problems = []
    if source.get("table") == "measurements":
        if "unit_column" in source:
            problems += [
                Problem(
                    f"`{key}:` and `unit_column:` both declared",
                    file=file,
                    column=f"{where}{key}",
                    expected=f"a unit column (`unit_column:`) or a fixed unit (`{key}:`), not both",
                )
                for key in ("unit", "units")
                if key in source
            ]
        for var in source.get("units") or {}:
            if (variables.get(var) or {}).get("table") != "measurements":
                problems.append(
                    Problem(
                        "`units:` names no measurement variable",
                        file=file,
                        column=f"{where}units/{var}",
                        value=var,
                        expected="a variable declared with `table: measurements` under `variables:`",
                    )
                )
    elif source.get("table") == "patients":
        problems += [
            Problem(
                f"`{key}:` on a patient source",
                file=file,
                column=f"{where}{key}",
                expected="`columns: {variable: {column: ..., unit: ...}}` (a unit per column of a patient file)",
            )
            for key in ("unit", "units")
            if key in source
        ]
    return problems


#: Keys of long measurement files that a patient file would silently ignore.
MEASUREMENT_ONLY_KEYS = (
    "day_column",
    "variable_column",
    "value_column",
    "unit_column",
    "variable_names",
    "date_column",
    "layout",
)


def other_source_problems(src: Mapping[str, Any], file: str, where: str) -> list[Problem]:
    """Keys read only at ingestion until now: long-file keys on a patient file (ignored there),
    and ``identifiers: {column: pseudonymise}`` without ``pseudonym_salt_env`` (the key's
    variable name; its value is read from the environment at ingestion)."""
    problems = []
    if src.get("table") == "patients":
        problems += [
            Problem(
                f"`{key}` is for long measurement files (table: measurements), not a patient file",
                file=file,
                column=f"{where}/{key}",
                expected="`columns: {variable: {column: ...}}` on a patient file, or `table: measurements`",
            )
            for key in MEASUREMENT_ONLY_KEYS
            if key in src
        ]
    if "pseudonymise" in (src.get("identifiers") or {}).values() and "pseudonym_salt_env" not in src:
        problems.append(
            Problem(
                "`identifiers` asks to pseudonymise but `pseudonym_salt_env` is not set",
                file=file,
                column=f"{where}/pseudonym_salt_env",
                expected="the name of an environment variable holding the key (e.g. RETROCOHORT_SALT)",
            )
        )
    return problems


def row_id_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """``id_from_row: true`` (the data row's number as the patient id) where it cannot name the
    patients: beside an ``id_column``, on a file that is not one row per patient (``table:
    patients``), or in a study with other sources (their rows could not be joined to row
    numbers)."""
    sources = list(_sources(config))
    problems = []
    for where, src in sources:
        if not src.get("id_from_row"):
            continue
        if "id_column" in src:
            problems.append(
                Problem(
                    "`id_from_row` and `id_column` both declared",
                    file=file,
                    column=f"{where}/id_from_row",
                    expected="`id_column:` when the file has a patient id column, else `id_from_row: true`",
                )
            )
        if src.get("table") != "patients":
            problems.append(
                Problem(
                    f"`id_from_row` on a `table: {src.get('table')}` source",
                    file=file,
                    column=f"{where}/id_from_row",
                    expected="a patient file (one row per patient); a long file repeats its patients, so "
                    "its rows are not patients",
                )
            )
        if len(sources) > 1:
            problems.append(
                Problem(
                    f"`id_from_row` in a study with {len(sources)} sources",
                    file=file,
                    column=f"{where}/id_from_row",
                    value=", ".join(str(s.get("path")) for _, s in sources),
                    expected="a patient id column shared by the files (`id_column:` in each): a row "
                    "number of one file names no row of another",
                )
            )
    return problems


def event_source_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """Events-source keys missing, misplaced or clashing, the fixed-unit keys of every source
    (:func:`policy_problems`) and the other keys checked only at ingestion until now
    (:func:`other_source_problems`), each naming its key path."""
    problems: list[Problem] = []
    variables = config.get("variables") or {}
    problems += row_id_problems(config, file)
    for where, src in _sources(config):
        problems += policy_problems(src, variables, file, f"{where}/")
        problems += other_source_problems(src, file, where)
        if src.get("table") != "events":
            problems += [
                Problem(
                    f"`{key}` is for events sources (table: events)",
                    file=file,
                    column=f"{where}/{key}",
                    expected="`table: events` for a long file of events (patient, day, event type)",
                )
                for key in EVENT_ONLY_KEYS
                if key in src
            ]
            continue
        problems += _event_type_key_problems(src, file, where)
        problems += event_day_problems(src, file, where)
        problems += [
            Problem(
                f"`{key}` is not a key of an events source",
                file=file,
                column=f"{where}/{key}",
                expected="an events source reads id_column, day_column, event_column, event_types, "
                "and optionally status_column and `columns:` (baseline columns repeated on each row)",
            )
            for key in NOT_FOR_EVENTS
            if key in src
        ]
        problems += [
            Problem(
                f"event type {name!r} is also the name of a variable",
                file=file,
                column=f"{where}/event_types/{code}" if "event_types" in src else f"{where}/event_type",
                value=name,
                expected="an event type name that is not a variable name (e.g. `relapse` for the "
                "event and `relapse_time` for the derived time)",
            )
            for code, name in (src.get("event_types") or {"event_type": src.get("event_type")}).items()
            if name in variables or name in (config.get("derived") or {})
        ]
    return problems


def _event_type_key_problems(src: Mapping[str, Any], file: str, where: str) -> list[Problem]:
    """How an events source names its events: ``event_column`` with ``event_types`` (several
    kinds, a column saying which), or ``event_type`` (one kind, every row of it: e.g. R's
    ``survival::cgd``, one row per infection interval with a status), never both ways."""
    both = [key for key in EVENT_SOURCE_KEYS if key in src]
    if "event_type" in src:
        return [
            Problem(
                f"an events source names its events twice: `event_type` and `{key}`",
                file=file,
                column=f"{where}/{key}",
                expected="`event_type: <name>` for a file of one kind of event, or `event_column` with "
                "`event_types` for a file with a column of event codes",
            )
            for key in both
        ]
    return [
        Problem(
            f"an events source needs `{key}`",
            file=file,
            column=where,
            expected={
                "event_column": "`event_column`: the raw column holding the event type (or, for a file of "
                "one kind of event with no such column, `event_type: <name>` instead)",
                "event_types": '`event_types`: raw code -> event type name, e.g. {"1": recurrence}',
            }[key],
        )
        for key in EVENT_SOURCE_KEYS
        if key not in src
    ]


def event_day_problems(src: Mapping[str, Any], file: str, where: str) -> list[Problem]:
    """How an events source gives each row's day: a ``day_column``, or a ``date_column`` with
    an ``origin_date_column`` (the patient's Day 0 date), never both ways and never half of the
    second, each mistake naming its key path."""
    dates = [key for key in DATE_KEYS if key in src]
    if "day_column" in src and dates:
        return [
            Problem(
                "an events source gives its day twice: `day_column` and "
                + " and ".join(f"`{k}`" for k in dates),
                file=file,
                column=f"{where}/{dates[0]}",
                expected="either `day_column` (days since Day 0) or `date_column` with `origin_date_column`",
            )
        ]
    if "day_column" not in src and not dates:
        return [
            Problem(
                "an events source needs `day_column` (or `date_column` with `origin_date_column`)",
                file=file,
                column=where,
                expected="`day_column`: the raw column holding the day of each event; or the event's "
                "date (`date_column`) and the patient's Day 0 date (`origin_date_column`), both YYYY-MM-DD",
            )
        ]
    return [
        Problem(
            f"`{dates[0]}` without `{key}`",
            file=file,
            column=f"{where}/{key}",
            expected="`date_column` (the event's date) and `origin_date_column` (the patient's Day 0 "
            "date): the day is the number of days between them",
        )
        for key in DATE_KEYS
        if len(dates) == 1 and key not in dates
    ]


def event_endpoint_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """Derived endpoints of the events table naming undeclared event types, declared with no
    events source, or with no way to know the censoring day (module docstring)."""
    types = declared_event_types(config)
    # an events source whose event types are not declared yet has its own problem: no echo here
    has_events_source = any(src.get("table") == "events" for _, src in _sources(config))
    problems: list[Problem] = []
    for name, spec in (config.get("derived") or {}).items():
        if not isinstance(spec, Mapping):
            continue
        for op in (o for o in EVENT_OPS if o in spec):
            arg = spec[op] or {}
            key = f"derived/{name}/{op}"
            if not types and has_events_source:
                continue
            if not types:
                problems.append(
                    Problem(
                        f"`{op}` reads the events table, but no source is an events file",
                        file=file,
                        column=key,
                        expected="a source with `table: events` (id_column, day_column, and event_column with "
                        "event_types, or event_type)",
                    )
                )
                continue
            wanted = arg.get("events") or []
            problems += [
                Problem(
                    f"unknown event type {t!r}",
                    file=file,
                    column=f"{key}/events/{i}",
                    value=t,
                    expected="one of the event types declared by `event_types:` of an events source: "
                    + ", ".join(sorted(types)),
                )
                for i, t in enumerate(wanted)
                if t not in types
            ]
            if op == "time_to_event" and "end_of_follow_up" not in arg:
                problems += [
                    Problem(
                        f"no end of follow-up for event type {t!r}: its events source has no `status_column`",
                        file=file,
                        column=key,
                        value=t,
                        expected="`end_of_follow_up: <variable>` (the day follow-up ended), or a "
                        "`status_column` (1 = event, 0 = censored that day) in the events source",
                    )
                    for t in wanted
                    if t in types and not types[t]
                ]
    return problems
