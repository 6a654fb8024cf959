"""Long event files (``table: events``) -> the canonical events table.

One raw row per patient and event: patient id, day, event type (a raw code mapped to a type
name by the source's ``event_types:``) and, optionally, a status (1 = the event happened that
day, 0 = the patient was censored for that event type that day), as R's ``survival::colon``
ships (two rows per patient: recurrence and death, each with its time and status). Several rows
per patient are the point of the layout, so none is a "duplicate patient id".

Canonical events table (:data:`EVENT_COLUMNS`): ``patient_id, site, day, event, status, file,
row``; ``status`` is true for an event row, false for a censoring row (true for every row of a
source without a status column); ``file`` and ``row`` (1-based, header = row 1) locate each row
for the data errors found later, when endpoints are derived
(:mod:`retrocohort.cohort.event_endpoints`).

Every cell that cannot be read is one located problem: a missing patient id or day, a day that
is not a number, an event code not in ``event_types`` (the allowed codes listed), a status other
than 0/1, a patient absent from the site's patient files (:func:`orphan_problems`), and
conflicting status rows of one patient and event type (:func:`status_conflicts`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import pandas as pd

from retrocohort.errors import Problem
from retrocohort.ingest.cells import (
    map_values,
    missing_mask,
    parse_dates,
    parse_numbers,
    patient_ids,
    row_number,
)
from retrocohort.ingest.repeated import repeated
from retrocohort.io.raw import require_columns

#: Columns of the canonical events table.
EVENT_COLUMNS = ["patient_id", "site", "day", "event", "status", "file", "row"]
#: Codes of a status column: 1 = event, 0 = censored.
STATUS_CODES = {"1": True, "0": False}


def empty_events() -> pd.DataFrame:
    """An events table with no row (a study without events source)."""
    return pd.DataFrame(
        {
            "patient_id": pd.Series(dtype="string"),
            "site": pd.Series(dtype="string"),
            "day": pd.Series(dtype="Float64"),
            "event": pd.Series(dtype="string"),
            "status": pd.Series(dtype="boolean"),
            "file": pd.Series(dtype="string"),
            "row": pd.Series(dtype="int64"),
        }
    )


def _event_codes(
    frame: pd.DataFrame, event_col: str, codes: Mapping[str, str], file: str, missing: list[str]
) -> tuple[pd.Series, list[Problem]]:
    """The event type of each row from its code in ``event_col`` (``event_types``); an unknown
    or missing code is a problem listing the allowed codes."""
    allowed = ", ".join(f"{code!r} ({name})" for code, name in codes.items())
    events, probs = map_values(frame[event_col], codes, file=file, column=event_col, missing=missing)
    problems = [dataclasses.replace(p, message="unknown event type") for p in probs]
    problems += missing_cells(
        frame, event_col, "missing event type", f"one of the codes of `event_types`: {allowed}", file, missing
    )
    problems = [
        dataclasses.replace(p, expected=f"one of the codes of `event_types`: {allowed}")
        if p.message == "unknown event type"
        else p
        for p in problems
    ]
    return events, problems


def ingest_event_source(
    frame: pd.DataFrame, source: dict, file: str, missing: list[str]
) -> tuple[pd.DataFrame, list[Problem]]:
    """One long event file -> (canonical events rows without ``site``, problems).

    Parameters
    ----------
    frame : pandas.DataFrame
        The raw file as text cells (:func:`retrocohort.io.raw.read_raw_table`).
    source : dict
        The source's config entry: ``id_column``, ``day_column``, ``event_column`` with
        ``event_types`` (raw code -> type name) or ``event_type`` (one kind of event, no
        event-type column), and optionally ``status_column``.
    file : str
        The file's path as the config writes it (named in every problem).
    missing : list of str
        Missing-value tokens.

    Returns
    -------
    (pandas.DataFrame, list of Problem)
        Rows ``patient_id, day, event, status, file, row``: only the rows without a problem.
    """
    id_col, event_col = source["id_column"], source.get("event_column")
    status_col = source.get("status_column")
    day_cols = [source[k] for k in ("day_column", "date_column", "origin_date_column") if k in source]
    named = [event_col] if event_col else []
    require_columns(frame, [id_col, *day_cols, *named] + ([status_col] if status_col else []), file)
    ids, problems = patient_ids(frame, id_col, file, missing)
    if "day_column" in source:
        days, probs = _numeric_days(frame, source["day_column"], file, missing)
    else:
        days, probs = dated_days(frame, source["date_column"], source["origin_date_column"], file, missing)
    problems += probs
    if event_col is None:  # one kind of event (`event_type`): every row is of it
        events = pd.Series(source["event_type"], index=frame.index, dtype="string")
    else:
        events, probs = _event_codes(frame, event_col, source["event_types"], file, missing)
        problems += probs
    if status_col:
        status, probs = map_values(
            frame[status_col], STATUS_CODES, file=file, column=status_col, missing=missing
        )
        problems += [
            dataclasses.replace(
                p,
                message="unknown status",
                expected="1 (the event happened that day) or 0 (censored that day)",
            )
            for p in probs
        ]
        problems += missing_cells(
            frame,
            status_col,
            "missing status",
            "1 (the event happened that day) or 0 (censored that day)",
            file,
            missing,
        )
        status = status.astype("boolean")
    else:
        status = pd.Series(True, index=frame.index, dtype="boolean")
    out = pd.DataFrame(
        {
            "patient_id": ids.astype("string"),
            "day": days.astype("Float64"),
            "event": events.astype("string"),
            "status": status,
            "file": pd.Series(file, index=frame.index, dtype="string"),
            "row": row_number(frame.index).astype("int64"),
        }
    )
    out = out[out[["patient_id", "day", "event", "status"]].notna().all(axis=1)]
    out = out[~missing_mask(out["patient_id"], missing)]
    problems += repeated_events(out, source)
    problems += status_conflicts(out, source)
    return out.reset_index(drop=True), problems


def missing_cells(
    frame: pd.DataFrame, column: str, message: str, expected: str, file: str, missing: list[str]
) -> list[Problem]:
    """``message`` located at every row of ``column`` holding a missing-value token (one
    problem for one row, one counted problem for several: :func:`retrocohort.ingest.repeated.repeated`)."""
    empty = missing_mask(frame[column].astype("string"), missing)
    return repeated(message, file=file, column=column, rows=row_number(frame.index[empty]), expected=expected)


def _numeric_days(
    frame: pd.DataFrame, column: str, file: str, missing: list[str]
) -> tuple[pd.Series, list[Problem]]:
    """The day column read as numbers; a missing or non-numeric day is a located problem."""
    days, problems = parse_numbers(frame[column], file=file, column=column, missing=missing)
    problems += missing_cells(
        frame, column, "missing day", "the day of the event (or of the censoring), a number", file, missing
    )
    return days, problems


def dated_days(
    frame: pd.DataFrame, date_column: str, origin_column: str, file: str, missing: list[str]
) -> tuple[pd.Series, list[Problem]]:
    """Each row's day from calendar dates: the whole days from the patient's Day 0 date
    (``origin_column``) to the event's date (``date_column``), both ISO YYYY-MM-DD.

    Parameters
    ----------
    frame : pandas.DataFrame
        The raw events file as text cells.
    date_column, origin_column : str
        Raw columns of the event's date and of the patient's Day 0 date.
    file : str
        The file's path as the config writes it.
    missing : list of str
        Missing-value tokens.

    Returns
    -------
    (pandas.Series, list of Problem)
        The days (float; missing where a date is missing or unreadable) and one located problem
        (file, row, column, value) per unreadable date (not YYYY-MM-DD, an Excel serial), missing
        date, or event date before the patient's Day 0 date. Date-like values print masked
        ("[date]"), as every date in a message (it may be a birth date).

    References
    ----------
    ISO 8601-1:2019, Date and time: calendar dates (YYYY-MM-DD). Day 0 counting as in the rest of
    the pipeline: day = date - Day 0 date, in whole days (the Day 0 date itself is day 0).

    Examples
    --------
    >>> raw = pd.DataFrame({"d": ["2020-03-11", "11/03/2020"], "o": ["2020-03-01", "2020-03-01"]})
    >>> days, problems = dated_days(raw, "d", "o", "events.csv", [""])
    >>> days.tolist()[0], problems[0].row, problems[0].column, problems[0].value
    (10.0, 3, 'd', '[date]')
    """
    dates, problems = parse_dates(frame[date_column], file=file, column=date_column, missing=missing)
    origin, probs = parse_dates(frame[origin_column], file=file, column=origin_column, missing=missing)
    problems += probs
    for column in (date_column, origin_column):
        problems += missing_cells(frame, column, "missing date", "a date written YYYY-MM-DD", file, missing)
    days = (dates - origin).dt.days.astype("Float64")
    before = (days < 0).fillna(False).to_numpy(dtype=bool)
    problems += repeated(
        f"event date before the patient's Day 0 date (`{origin_column}`)",
        file=file,
        column=date_column,
        rows=row_number(frame.index[before]),
        values=frame[date_column][before],
        expected=f"a date on or after the row's `{origin_column}` date",
    )
    return days.mask(pd.Series(before, index=days.index)), problems


def baseline_source(source: dict) -> dict:
    """The patient-level reading of an events file's ``columns:`` (baseline columns repeated on
    every event row of a patient, as in ``survival::colon``): a ``table: patients`` source whose
    identical repeats are the layout, not duplicates (collapsed without being reported as a
    cleaning), and whose conflicting repeats (two rows of a patient with different baseline
    values) are refused, both rows named."""
    keep = {
        k: v
        for k, v in source.items()
        if k
        not in (
            "event_column",
            "event_types",
            "status_column",
            "day_column",
            "date_column",
            "origin_date_column",
            "conflicts",
        )
    }
    # no `conflicts:` key: differing rows are refused (an events source has none, see
    # retrocohort.config.source_checks)
    return {**keep, "table": "patients", "duplicates": "collapse_identical"}


def repeated_events(events: pd.DataFrame, source: dict) -> list[Problem]:
    """Rows repeating a patient, event type and day (an event counted twice, or an event and a
    censoring of the same type on the same day), both rows named."""
    dup = events[events.duplicated(["patient_id", "event", "day"], keep=False)]
    return [
        Problem(
            f"event row repeated: patient {pid}, {event} on day {day:g} in rows "
            + ", ".join(str(r) for r in rows["row"]),
            file=str(rows["file"].iloc[0]),
            row=int(rows["row"].iloc[1]),
            column=source.get("day_column") or source["date_column"],
            value=day,
            expected="one row per patient, event type and day",
        )
        for (pid, event, day), rows in dup.groupby(["patient_id", "event", "day"], sort=True)
    ]


def status_conflicts(events: pd.DataFrame, source: dict) -> list[Problem]:
    """Status rows of one patient and event type that contradict each other: two censoring rows,
    or a censoring row on or before the day of an event of the same type (followed up to that
    day without the event, yet the event happened by then). Each names both rows."""
    if "status_column" not in source or events.empty:
        return []
    problems = []
    censor = events[~events["status"].astype(bool)]
    hits = events[events["status"].astype(bool)]
    twice = censor[censor.duplicated(["patient_id", "event"], keep=False)]
    for (pid, event), rows in twice.groupby(["patient_id", "event"], sort=True):
        problems.append(
            Problem(
                f"conflicting status rows: patient {pid} censored twice for {event} "
                f"(rows {', '.join(str(r) for r in rows['row'])})",
                file=str(rows["file"].iloc[0]),
                row=int(rows["row"].iloc[1]),
                column=source["status_column"],
                value=0,
                expected="one censoring row (status 0) per patient and event type",
            )
        )
    pairs = censor.drop_duplicates(["patient_id", "event"]).merge(
        hits, on=["patient_id", "event"], suffixes=("_c", "_e")
    )
    late = pairs[(pairs["day_e"] >= pairs["day_c"]).fillna(False).to_numpy(dtype=bool)]
    for r in late.itertuples(index=False):
        problems.append(
            Problem(
                f"conflicting status rows: patient {r.patient_id} censored for {r.event} on day "
                f"{r.day_c:g} (row {r.row_c}) but has that event on day {r.day_e:g} (row {r.row_e})",
                file=str(r.file_c),
                row=int(r.row_c),
                column=source["status_column"],
                value=0,
                expected="a censoring day after every event day of the same type (or no censoring row)",
            )
        )
    return problems


def orphan_problems(events: pd.DataFrame, known: pd.Index, source: dict) -> list[Problem]:
    """Event rows whose patient is absent from the site's patient files, located in the file."""
    orphan = known.get_indexer(events["patient_id"]) < 0
    return repeated(
        "event for a patient absent from the site's patient files",
        file=source["path"],
        column=source["id_column"],
        rows=events["row"].to_numpy()[orphan],
        values=events["patient_id"][orphan],
        expected="a patient id listed in a `table: patients` source of this site",
    )


def concat_events(parts: list[pd.DataFrame], site: str) -> pd.DataFrame:
    """The site's events rows (all its events sources), with the ``site`` column."""
    out = pd.concat(parts, ignore_index=True) if parts else empty_events().drop(columns="site")
    out.insert(1, "site", pd.Series(site, index=out.index, dtype="string"))
    return out[EVENT_COLUMNS]


__all__ = [
    "EVENT_COLUMNS",
    "baseline_source",
    "repeated_events",
    "concat_events",
    "empty_events",
    "ingest_event_source",
    "orphan_problems",
    "status_conflicts",
]
