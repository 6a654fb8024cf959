"""Read one raw export and tell its layout and the roles of its columns.

* **wide** (``table: patients``): one row per patient, the id unique;
* **long measurements** (``table: measurements, layout: long``): patient, day, variable, value
  and optionally unit columns, several rows per patient;
* **long events**: patient, day and event-type columns without a value column (the ``events``
  source kind); or, for a file of one kind of event, patient, day and status columns without an
  event-type column (counting-process form, R's ``survival::cgd``: ``id, ..., tstart, tstop,
  status``, the stop time being the day).

Roles are found by column name (:data:`ROLE_NAMES`, compared lower-cased without separators);
of several columns named like an id, the first unique one is the patient's (a one-row-per-patient
file), and the first column when no name says so; ``retrocohort init --id-column`` names it. A file whose id repeats but which
has no variable/value, event or status columns, or a long file without a day column, is refused
naming the file and the columns it lacks: the draft never guesses a layout.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from retrocohort.errors import InputError, Problem
from retrocohort.io.raw import ROW_ID_COLUMN, file_format, read_raw_table, with_row_ids

#: Column names per role (lower case, separators removed), most specific first.
ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "id": (
        "patientid",
        "patient",
        "patientno",
        "subjectid",
        "subject",
        "participantid",
        "participant",
        "studyid",
        "recordid",
        "caseid",
        "case",
        "patid",
        "pid",
        "id",
    ),
    "day": (
        "day",
        "days",
        "studyday",
        "visitday",
        "dayssincediagnosis",
        "dayofvisit",
        "time",
        "t",
        "tstop",
        "stop",
        "stoptime",
        "time2",
    ),
    "variable": (
        "variable",
        "parameter",
        "param",
        "analyte",
        "test",
        "lab",
        "measure",
        "item",
        "name",
        "code",
    ),
    "value": ("value", "result", "val", "measurement", "valuenum"),
    "unit": ("unit", "units", "uom"),
    "event": ("eventtype", "event", "type", "eventcode", "etype"),
    "status": ("status", "eventstatus", "censor", "censored"),
    "date": ("date", "visitdate", "sampledate", "eventdate"),
}
#: Encodings tried in turn on a CSV export (UTF-8, then the Windows Western code page).
ENCODINGS = ("utf-8", "cp1252")


@dataclass
class RawFile:
    """One export as read, with what the draft found out about it.

    Attributes
    ----------
    path : Path
        The file.
    frame : DataFrame
        Every cell as text (:func:`retrocohort.io.raw.read_raw_table`).
    layout : str
        ``wide``, ``long`` or ``events``.
    roles : dict
        Role (``id``, ``day``, ``variable``, ``value``, ``unit``, ``event``, ``status``,
        ``date``) -> column name, for the roles found.
    options : dict
        Source keys read off the file (``encoding``, ``separator``, ``decimal``), each to confirm.
    copies : int
        Rows that repeat an earlier row exactly (all cells equal): ``duplicates: collapse_identical``.
    """

    path: Path
    frame: pd.DataFrame
    layout: str
    roles: dict[str, str] = field(default_factory=dict)
    options: dict[str, str] = field(default_factory=dict)
    copies: int = 0


def name_key(name: str) -> str:
    """A column name compared by role: lower-cased, separators removed (``Patient ID`` -> ``patientid``)."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def find_role(columns: list[str], role: str, exclude: set[str] = frozenset()) -> str | None:
    """The first column whose name is one of the role's names (in :data:`ROLE_NAMES` order)."""
    found = role_columns(columns, role, exclude)
    return found[0] if found else None


def role_columns(columns: list[str], role: str, exclude: set[str] = frozenset()) -> list[str]:
    """Every column whose name is one of the role's names, in :data:`ROLE_NAMES` order."""
    keyed = {name_key(c): c for c in reversed(columns) if c not in exclude}
    return [keyed[n] for n in ROLE_NAMES[role] if n in keyed]


def _unique(frame: pd.DataFrame, column: str) -> bool:
    """Whether ``column`` identifies the rows that are not exact copies of an earlier row."""
    kept = frame.loc[~frame.duplicated(), column].astype("string").str.strip()
    kept = kept[kept.notna() & (kept != "")]
    return bool(len(kept)) and not kept.duplicated().any()


def patient_id_column(frame: pd.DataFrame, id_column: str | None = None) -> str | None:
    """The column naming the patient: ``id_column`` when the file has it; else, of the columns
    named like an id (:data:`ROLE_NAMES`), the first that is unique (a file of one row per
    patient: ``id`` rather than a repeating ``case.id`` that links a control to its case),
    else the first of them; None when no name says so.
    """
    columns = [str(c) for c in frame.columns]
    if id_column is not None and id_column in columns:
        return id_column
    named = role_columns(columns, "id")
    return next((c for c in named if _unique(frame, c)), named[0] if named else None)


def _csv_options(path: Path) -> dict[str, str]:
    """Encoding and separator of a CSV export, sniffed from its first 64 KiB."""
    head = path.read_bytes()[: 1 << 16]
    options: dict[str, str] = {}
    for encoding in ENCODINGS:
        try:
            sample = codecs.getincrementaldecoder(encoding)().decode(head)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly every byte
        raise InputError(
            f"Cannot decode {path}",
            [Problem("neither UTF-8 nor Windows-1252 text", file=str(path), expected="a UTF-8 CSV file")],
        )
    if encoding != "utf-8":
        options["encoding"] = encoding
    try:
        separator = csv.Sniffer().sniff("\n".join(sample.splitlines()[:20]), delimiters=",;\t|").delimiter
    except csv.Error:
        separator = ","
    if separator != ",":
        options["separator"] = separator
    return options


def _decimal_comma(frame: pd.DataFrame) -> bool:
    """True when some column holds only numbers written with a decimal comma ("12,5")."""
    for column in frame.columns:
        text = frame[column].astype("string").str.strip()
        text = text[text.notna() & (text != "")]
        if len(text) and text.str.fullmatch(r"-?\d+(,\d+)?").all() and text.str.contains(",").any():
            return True
    return False


def read_export(path: Path, id_column: str | None = None) -> RawFile:
    """Read one export (CSV or XLSX) and tell its layout; unreadable files are refused by
    :func:`retrocohort.io.raw.read_raw_table`, naming the file. ``id_column``: the patient id's
    column where the file has it (``retrocohort init --id-column``), else guessed
    (:func:`patient_id_column`)."""
    path = Path(path)
    options: dict[str, str] = {}
    if path.is_file() and file_format(path) == "csv":
        options = _csv_options(path)
    frame = read_raw_table(
        path, encoding=options.get("encoding", "utf-8"), separator=options.get("separator", ",")
    )
    if options.get("separator") not in (None, ",") and _decimal_comma(frame):
        options["decimal"] = ","
    columns = [str(c) for c in frame.columns]
    named_id = patient_id_column(frame, id_column)
    roles = {"id": named_id or columns[0]}
    for role in ("day", "variable", "value", "unit", "event", "status", "date"):
        found = find_role(columns, role, exclude=set(roles.values()))
        if found:
            roles[role] = found
    if named_id is None and not {"variable", "event", "status"} & roles.keys():
        # no column named like a patient id, none of a long file's: one row per patient whose
        # id is its row number (an R data frame written without row names), unless its first
        # column is a unique id under another name
        if frame[columns[0]].astype("string").str.strip().duplicated().any() and ROW_ID_COLUMN not in columns:
            frame = with_row_ids(frame)
            return RawFile(path, frame, "wide", {"id": ROW_ID_COLUMN}, options, int(frame.duplicated().sum()))
    ids = frame[roles["id"]].astype("string").str.strip()
    ids = ids[ids.notna() & (ids != "")]
    copies = int(frame.duplicated().sum())
    if not ids.duplicated().any() or not ids[~frame.duplicated().loc[ids.index]].duplicated().any():
        return RawFile(path, frame, "wide", {"id": roles["id"]}, options, copies)
    if "variable" in roles and "value" in roles:
        layout = "long"
    elif "event" in roles or "status" in roles:
        layout = "events"
    else:
        raise InputError(
            f"Cannot tell the layout of {path}",
            [
                Problem(
                    f"the patient id column {roles['id']!r} repeats ({ids.duplicated().sum()} repeated "
                    "rows), but the file has no variable and value columns (a long measurement file) "
                    "and no event or status column (a long events file)",
                    file=str(path),
                    column=roles["id"],
                    expected="one row per patient; or columns named like "
                    + ", ".join(
                        f"{r}: {'/'.join(ROLE_NAMES[r][:3])}"
                        for r in ("day", "variable", "value", "event", "status")
                    ),
                )
            ],
        )
    if "day" not in roles:
        raise InputError(
            f"No day column in {path}",
            [
                Problem(
                    f"read as a long ({'measurement' if layout == 'long' else 'events'}) file because its "
                    f"patient id column {roles['id']!r} repeats and it has "
                    + (
                        f"variable and value columns ({roles['variable']!r}, {roles['value']!r})"
                        if layout == "long"
                        else f"an event or status column ({roles.get('event') or roles.get('status')!r})"
                    )
                    + "; a long file needs the day of each row",
                    file=str(path),
                    column=roles["id"],
                    expected="a column named "
                    + " or ".join(repr(n) for n in ROLE_NAMES["day"][:4])
                    + " holding the day relative to diagnosis; or, if the file has one row per "
                    "patient, its id column named with `retrocohort init --id-column NAME`",
                )
            ],
        )
    keep = (
        ("id", "day", "variable", "value", "unit", "date")
        if layout == "long"
        else ("id", "day", "event", "status", "date")
    )
    return RawFile(path, frame, layout, {r: c for r, c in roles.items() if r in keep}, options, copies)
