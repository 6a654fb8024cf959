"""Draft the variables and the source entry of each export (:class:`DraftSource`).

Names: a variable is named after its header without the unit (``ferritin_ng_ml`` ->
``ferritin``), lower-cased with ``_`` for other characters; a name taken by an earlier file
gets the suffix ``_2``, ``_3``... and a note saying which file has it already.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.config.draft.columns import Guess, guess_values, plausible_range, shown
from retrocohort.config.draft.copies import identical_columns, identical_long_variables
from retrocohort.config.draft.layout import RawFile, name_key
from retrocohort.config.draft.rules import IngestRules
from retrocohort.config.draft.units import header_unit, pint_expression
from retrocohort.io.raw import ROW_ID_COLUMN

#: Names the canonical tables use for their own columns.
RESERVED = {"patient_id", "site", "day", "variable", "value", "unit", "line", "agent"}


@dataclass
class DraftVariable:
    """One drafted variable: its ``variables:`` entry, how its source reads it, and notes.

    ``reason`` set: the column is written commented out, with the reason.
    """

    name: str
    table: str
    raw: str
    spec: dict[str, Any] = field(default_factory=dict)
    column: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    reason: str | None = None


@dataclass
class DraftSource:
    """One export: its ``sources:`` entry, its variables, and comments for the user."""

    path: str
    layout: str
    entry: dict[str, Any]
    entry_notes: dict[str, str] = field(default_factory=dict)
    variables: list[DraftVariable] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)
    days: tuple[float, float] | None = None


class Names:
    """Unique canonical variable names across the files of one draft."""

    def __init__(self) -> None:
        self.origin: dict[str, str] = {}

    def take(self, text: str, path: str) -> tuple[str, str | None]:
        """(a free name for ``text``, a note when it had to be renamed)."""
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
        base = re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_") or "column"
        base = f"v_{base}" if not base[0].isalpha() else base
        base = f"{base}_raw" if base in RESERVED else base
        name, n = base, 1
        while name in self.origin:
            n += 1
            name = f"{base}_{n}"
        self.origin[name] = path
        note = None if n == 1 else f"renamed: {base!r} is already a variable of {self.origin[base]}"
        return name, note


def readable(header: str) -> str:
    """A label from a header: ``time_to_diagnosis`` -> ``Time to diagnosis``; a header with
    spaces or capitals is kept as written."""
    if " " in header or header != header.lower():
        return header.strip()
    words = re.sub(r"[_.]+", " ", header).strip()
    return words[:1].upper() + words[1:] if words else header


def _variable_spec(guess: Guess, table: str, label: str, unit: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"label": label, "kind": guess.kind, "table": table}
    if unit:
        spec["unit"] = unit
    if guess.value_range is not None:
        spec["range"] = guess.value_range
    if guess.categories is not None:
        spec["categories"] = guess.categories
    return spec


def draft_wide(raw: RawFile, path: str, names: Names, missing: set[str], rules: IngestRules) -> DraftSource:
    """A one-row-per-patient export -> a ``table: patients`` source and its variables."""
    id_col = raw.roles["id"]
    entry: dict[str, Any] = {"path": path, "table": "patients", "id_column": id_col, **raw.options}
    source = DraftSource(path, "wide", entry)
    source.entry_notes["id_column"] = "the patient id: unique in every row of this file"
    if id_col == ROW_ID_COLUMN:  # no id column: each row one patient, numbered 1..n
        entry = {"path": path, "table": "patients", "id_from_row": True, **raw.options}
        source = DraftSource(path, "wide", entry)
        source.entry_notes["id_from_row"] = (
            "no column is named like a patient id and the first column repeats: each row is taken "
            "as one patient, numbered from 1 (add an id column if the rows are not patients, or to "
            "join another file)"
        )
    texts = draft_columns(
        raw, [str(c) for c in raw.frame.columns if str(c) != id_col], source, names, missing, rules
    )
    if texts and rules.embedded_identifiers(raw.frame[texts], path):
        entry["free_text_identifiers"] = "redact"
        source.entry_notes["free_text_identifiers"] = (
            "some text cells hold an e-mail, phone number or date: replaced by [redacted] when read"
        )
    _duplicates(raw, source)
    for a, b, _ in identical_columns(raw.frame, [str(c) for c in raw.frame.columns if str(c) != id_col]):
        source.todo.append(copy_note(a, b, shared_days=False))
    if "synthetic" in Path(path).name.lower():
        entry["synthetic"] = True
        source.entry_notes["synthetic"] = "the file name says synthetic: labelled so in every output"
    return source


def draft_columns(
    raw: RawFile,
    columns: list[str],
    source: DraftSource,
    names: Names,
    missing: set[str],
    rules: IngestRules,
) -> list[str]:
    """Draft the patient-level ``columns`` of ``raw`` into ``source``: one ``table: patients``
    variable each (kind, range, categories and codes read off the values, the unit off the
    header), identifiers and calendar dates dropped under ``identifiers:`` with a TODO line.

    Used by a patient file (:func:`draft_wide`) and by the baseline ``columns:`` of an events
    file (:func:`draft_events`). Returns the columns of free text (for the identifier scan).
    """
    path = source.path
    identifiers: dict[str, str] = {}
    texts = []
    for column in columns:
        values = raw.frame[column]
        unit = header_unit(column, rules)
        guess = guess_values(values, missing, raw.options.get("decimal", "."), codes=unit.unit is None)
        kind = rules.identifier_by_name(column) or (
            None
            if guess.kind in ("continuous", "binary")
            else (rules.identifier_by_values(values) or [None])[0]
        )
        if kind or guess.is_date:
            identifiers[column] = "drop"
            why = (
                f"looks like a {kind}"
                if kind
                else "calendar dates (retrocohort analyses days, and refuses dates of birth)"
            )
            source.todo.append(
                f"column {column!r}: {why}: dropped when the file is read (`identifiers:`); "
                "compute days (e.g. follow-up) in the export if you need them"
            )
            continue
        label = readable(unit.name if unit.unit else column)
        name, renamed = names.take(unit.name if unit.unit else column, path)
        variable = DraftVariable(name, "patients", column, notes=[n for n in (renamed,) if n])
        if guess.kind is None:
            variable.reason = guess.reason
            source.variables.append(variable)
            continue
        taken_unit = "%" if guess.percent else unit.unit if guess.kind == "continuous" else None
        variable.spec = _variable_spec(guess, "patients", label, taken_unit)
        variable.column = {"column": column}
        if taken_unit:
            variable.column["unit"] = taken_unit
            if not guess.percent:
                variable.notes.append(f"unit {taken_unit!r} read from the header")
        elif guess.kind == "continuous":
            variable.notes.append(
                unit.note
                or "no unit in the header: add `unit:` here and under the source's `columns:` if it has one"
            )
        if guess.code_map is not None:
            variable.column["map"] = guess.code_map
        variable.notes += guess.notes
        if guess.kind == "text":
            texts.append(column)
        if guess.numbered_lines:
            source.todo.append(
                f'column {column!r} looks like numbered treatment lines ("1. CTC, 2. ANA"): to analyse '
                f"them, add `treatments: {{column: {column}, format: numbered_lines}}` to this source "
                "(and `agents:`, config/README.md)"
            )
        source.variables.append(variable)
    if identifiers:
        source.entry["identifiers"] = identifiers
        source.entry_notes["identifiers"] = "columns dropped when read: see the TODO lines below"
    return texts


def _numbers(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text.astype("string").str.strip(), errors="coerce")


def draft_long(
    raw: RawFile, path: str, names: Names, missing: set[str], rules: IngestRules, spellings: dict[str, str]
) -> DraftSource:
    """A long measurement export -> a ``table: measurements`` source and one variable per
    distinct name of its variable column. ``spellings`` collects the ``unit_spellings`` needed."""
    roles = raw.roles
    entry: dict[str, Any] = {
        "path": path,
        "table": "measurements",
        "layout": "long",
        "id_column": roles["id"],
    }
    entry.update({f"{r}_column": roles[r] for r in ("day", "variable", "value", "unit") if r in roles})
    entry.update(raw.options)
    source = DraftSource(path, "long", entry)
    source.entry_notes["id_column"] = (
        "columns read as patient id, day (relative to diagnosis), variable, value"
        + (", unit" if "unit" in roles else "; no unit column")
    )
    frame = raw.frame
    days = _numbers(frame[roles["day"]]).dropna()
    source.days = (float(days.min()), float(days.max())) if len(days) else None
    raw_names = frame[roles["variable"]].astype("string").str.strip()
    variable_names: dict[str, str] = {}
    for raw_name in sorted(raw_names[raw_names.notna() & ~raw_names.isin(missing)].unique()):
        rows = raw_names == raw_name
        values = frame.loc[rows.fillna(False).to_numpy(), roles["value"]]
        guess = guess_values(values, missing, raw.options.get("decimal", "."), codes=False)
        name, renamed = names.take(raw_name, path)
        variable = DraftVariable(name, "measurements", raw_name, notes=[n for n in (renamed,) if n])
        if guess.kind not in ("continuous", "binary"):
            variable.reason = guess.reason or "values that are not numbers (a long file holds numbers only)"
            source.variables.append(variable)
            source.todo.append(
                f"the rows of {raw_name!r} hold {variable.reason}: they are refused as an unknown "
                "variable until you drop them from the export or name the variable under `variable_names:`"
            )
            continue
        variable_names[raw_name] = name
        unit = None
        if "unit" in roles and guess.kind == "continuous":
            unit = _long_unit(
                frame.loc[rows.fillna(False).to_numpy()], roles, variable, missing, rules, spellings
            )
        if unit and guess.value_range is not None:
            guess.value_range, guess.notes = _converted_range(
                frame.loc[rows.fillna(False).to_numpy()], roles, unit, rules, spellings, guess.notes
            )
        variable.spec = _variable_spec(guess, "measurements", readable(raw_name), unit)
        variable.notes += guess.notes
        source.variables.append(variable)
    entry["variable_names"] = variable_names
    source.entry_notes["variable_names"] = "raw name -> variable"
    _duplicates(raw, source)
    keys = [roles["id"], roles["day"], roles["variable"]]
    conflicting = int(frame.drop_duplicates().duplicated(subset=keys).sum())
    if conflicting:
        source.todo.append(
            f"{conflicting} rows share patient, day and variable with another row but not its value: "
            "fix the export, or declare `conflicts: first | last | mean | max | min` (config/README.md)"
        )
    for a, b, _ in identical_long_variables(frame, *(roles[r] for r in ("id", "day", "variable", "value"))):
        source.todo.append(copy_note(a, b, shared_days=True))
    return source


def copy_note(a: str, b: str, *, shared_days: bool) -> str:
    """The TODO line of two raw variables holding the same values (:mod:`.copies`)."""
    where = "patient-day where both are recorded" if shared_days else "row where both have a value"
    return (
        f"{a!r} and {b!r} have the same value in every {where}: an export that copied one "
        "variable into the other? Check the source before analysing either"
    )


def _duplicates(raw: RawFile, source: DraftSource) -> None:
    """``duplicates: collapse_identical`` when rows repeat an earlier row exactly."""
    if raw.copies:
        source.entry["duplicates"] = "collapse_identical"
        source.entry_notes["duplicates"] = (
            f"{raw.copies} rows repeat an earlier row exactly: each kept once (the number dropped "
            "is in the validation report)"
        )


def _long_unit(
    rows: pd.DataFrame,
    roles: dict,
    variable: DraftVariable,
    missing: set[str],
    rules: IngestRules,
    spellings: dict[str, str],
) -> str | None:
    """The canonical unit of one long-file variable: its most frequent raw unit, made known
    under ``unit_spellings`` when the ingest does not accept the spelling."""
    units = rows[roles["unit"]].astype("string").str.strip()
    counts = units[units.notna() & ~units.isin(missing)].value_counts()
    if counts.empty:
        return None
    unit = str(counts.index[0])
    if not rules.known_unit(unit, spellings):
        expression = pint_expression(unit)
        if expression is None:
            variable.notes.append(
                f"unit {unit!r} is unknown: declare it under `unit_spellings:` (a pint expression)"
            )
            return None
        spellings[unit] = expression
    if len(counts) > 1:
        variable.notes.append(
            "several units in the unit column: "
            + ", ".join(f"{u!r} ({n} rows)" for u, n in counts.items())
            + f"; converted to the most frequent, {unit!r}"
        )
    return unit


def _converted_range(
    rows: pd.DataFrame,
    roles: dict,
    unit: str,
    rules: IngestRules,
    spellings: dict[str, str],
    notes: list[str],
) -> tuple[list[float] | None, list[str]]:
    """The plausible range of one variable after converting every row to ``unit``."""
    values = _numbers(rows[roles["value"]]).to_numpy(dtype="float64", na_value=np.nan)
    units = rows[roles["unit"]].astype("string").str.strip().fillna("").to_numpy(dtype=object)
    converted = np.full(len(values), np.nan)
    for raw_unit in set(units):
        at = units == raw_unit
        try:
            converted[at] = rules.convert(values[at], raw_unit or unit, unit, spellings)
        except Exception as exc:  # noqa: BLE001 - any refusal is said in the note
            notes = [
                *notes,
                f"rows in {raw_unit!r} do not convert to {unit!r} ({' '.join(str(exc).split())[:120]})",
            ]
    kept = converted[~np.isnan(converted)]
    if not len(kept):
        return None, notes
    low, high = float(kept.min()), float(kept.max())
    notes = [n for n in notes if not n.startswith("range widened")]
    return plausible_range(low, high), [
        *notes,
        f"range widened from the observed [{shown(low)}, {shown(high)}] {unit}",
    ]


def draft_events(
    raw: RawFile,
    path: str,
    names: Names,
    missing: set[str],
    rules: IngestRules,
    read_elsewhere: frozenset[str] = frozenset(),
) -> DraftSource:
    """A long events export -> a ``table: events`` source.

    With an event-type column: ``event_column`` and ``event_types`` (one type per code). Without
    one (a file of one kind of event, e.g. R's ``survival::cgd`` in counting-process form):
    ``event_type: event``, to be named by the user. The columns constant within every patient
    (baseline columns repeated on each row) become the source's ``columns:``, drafted as a patient
    file's (:func:`draft_columns`); the interval columns (:data:`INTERVAL_NAMES`) and the columns
    that vary within a patient are left out, named in a TODO line, and so are the columns
    ``read_elsewhere`` (headers already read from a patient file), named in another.
    """
    roles = raw.roles
    entry: dict[str, Any] = {
        "path": path,
        "table": "events",
        "id_column": roles["id"],
        "day_column": roles["day"],
    }
    source = DraftSource(path, "events", entry)
    if "event" in roles:
        codes = raw.frame[roles["event"]].astype("string").str.strip()
        codes = sorted(codes[codes.notna() & ~codes.isin(missing)].unique())
        types = Names()
        entry["event_column"] = roles["event"]
        entry["event_types"] = {c: types.take(c, path)[0] for c in codes}
    else:
        entry["event_type"] = "event"
        source.entry_notes["event_type"] = (
            "no event-type column: every row is one kind of event"
            + (" (status 1) or a censoring (status 0)" if "status" in roles else "")
            + "; name it (e.g. infection, relapse)"
        )
    if "status" in roles:
        entry["status_column"] = roles["status"]
        source.entry_notes["status_column"] = "1 = the event happened on the row's day, 0 = censored"
    entry.update(raw.options)
    days = _numbers(raw.frame[roles["day"]]).dropna()
    source.days = (float(days.min()), float(days.max())) if len(days) else None
    baseline, varying = _constant_columns(raw, [c for c in raw.frame.columns if c not in roles.values()])
    draft_columns(raw, [c for c in baseline if c not in read_elsewhere], source, names, missing, rules)
    if set(baseline) & read_elsewhere:
        source.todo.append(
            "columns "
            + ", ".join(repr(c) for c in baseline if c in read_elsewhere)
            + " are read from the patient file already: not read again here"
        )
    if varying:
        source.todo.append(
            "columns "
            + ", ".join(repr(c) for c in varying)
            + " vary within a patient (interval start, row number...): not read; the event day is "
            + repr(roles["day"])
        )
    types = list(entry.get("event_types", {}).values()) or [entry["event_type"]]
    # without a status column nothing in this file says when follow-up ended: the example names
    # a patient variable that does (a follow-up time already drafted), else says it is needed
    end = (
        ""
        if "status" in roles
        else f", end_of_follow_up: {follow_up_variable(names) or '<day follow-up ended>'}"
    )
    source.todo.append(
        "endpoints from this file are derived variables (config/README.md, `time_to_event`), e.g. "
        f"`derived: {{days_to_{types[0]}: {{time_to_event: {{events: [{types[0]}]{end}}}}}, "
        f"n_{types[0]}: {{event_count: {{events: [{types[0]}]}}}}}}`"
    )
    return source


#: Names of a patient's follow-up time (the day follow-up ended), compared lower-cased
#: without separators, most specific first.
FOLLOW_UP_NAMES = (
    "futime", "followup", "followupdays", "fudays", "fu", "lastfollowup", "lastfu", "lastvisit",
    "lastcontact", "survtime", "time", "days",
)  # fmt: skip


def follow_up_variable(names: Names) -> str | None:
    """The drafted variable that looks like a follow-up time (:data:`FOLLOW_UP_NAMES`), if any.

    >>> names = Names(); _ = names.take("age", "p.csv"); _ = names.take("futime", "p.csv")
    >>> follow_up_variable(names)
    'futime'
    """
    keyed = {re.sub(r"[^a-z0-9]", "", n): n for n in names.origin}
    return next((keyed[k] for k in FOLLOW_UP_NAMES if k in keyed), None)


#: Interval columns of a counting-process file (start time, row number), never baseline
#: columns (compared by :func:`~retrocohort.config.draft.layout.name_key`).
INTERVAL_NAMES = ("tstart", "start", "starttime", "time1", "enum")


def _constant_columns(raw: RawFile, columns: list) -> tuple[list[str], list[str]]:
    """(columns with one value within every patient, the others): a missing cell counts as a
    value of its own; :data:`INTERVAL_NAMES` are among the others whatever their values."""
    by_patient = raw.frame.groupby(raw.roles["id"], sort=False)
    constant, varying = [], []
    for column in map(str, columns):
        interval = name_key(column) in INTERVAL_NAMES
        same = bool((by_patient[column].nunique(dropna=False) <= 1).all())
        (constant if same and not interval else varying).append(column)
    return constant, varying
