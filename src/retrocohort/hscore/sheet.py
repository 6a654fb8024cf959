"""Read a clinician's one-row-per-patient sheet of HScore items (``retrocohort hscore``).

The sheet (CSV, or anything :func:`retrocohort.io.raw.read_raw_table` reads) has one row per
patient and one column per HScore input. :data:`ACCEPTED_COLUMNS` lists the accepted column
names and spellings; headers are matched case-insensitively with spaces, hyphens and
underscores treated alike. Laboratory columns need a unit, given either in the header
(``ferritin [ng/mL]``) or per row in a ``<column>_unit`` column (``ferritin_unit``); units
are spellings of :data:`retrocohort.ingest.units.UNIT_SPELLINGS` and are converted to the HScore's
canonical units with :func:`retrocohort.ingest.units.conversion` (pint; never guessed). Mass <->
substance conversions use :data:`DEFAULT_MOLAR_MASSES` unless told otherwise. Optional
plausible ranges (from a study config, :func:`study_limits`) reject converted values that
betray a wrong unit. Yes/no columns take :data:`FLAG_VALUES`.

Every cell that cannot be read is reported at once, with file, row (header = row 1), column,
value and what was expected. Scoring itself is :func:`retrocohort.hscore.score.score_hscore`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from retrocohort.errors import InputError, Problem
from retrocohort.hscore.cutoff import DEFAULT_OPERATOR, FARDET_CUTOFF, CutoffOperator
from retrocohort.hscore.items import INPUTS, REPORTED
from retrocohort.hscore.score import score_hscore
from retrocohort.ingest.sources import map_values, parse_numbers
from retrocohort.ingest.units import conversion, round_significant
from retrocohort.io.raw import read_raw_table

Kind = Literal["id", "flag", "number", "organomegaly", "points"]

#: Cell spellings that mean "not available".
MISSING_VALUES: list[str] = ["", "NA", "N/A", "na", "n/a", "ND", "nd", "missing", "unknown"]

_YES = ("yes", "y", "true", "1")
_NO = ("no", "n", "false", "0")
#: Yes/no spellings (any letter case) -> 1.0 / 0.0.
FLAG_VALUES: Mapping[str, float] = {
    v: float(s in _YES) for s in (*_YES, *_NO) for v in {s, s.upper(), s.capitalize()}
}

#: One organomegaly column: value (any letter case) -> (hepatomegaly, splenomegaly).
#: "yes" means at least one organ, so splenomegaly stays unknown and the item is bounded
#: between 23 and 38 points; "1" means exactly one organ (which one does not change the score).
ORGANOMEGALY_VALUES: Mapping[str, tuple[float, float]] = {
    v: pair
    for s, pair in {
        "none": (0.0, 0.0),
        "no": (0.0, 0.0),
        "0": (0.0, 0.0),
        "hepatomegaly": (1.0, 0.0),
        "splenomegaly": (0.0, 1.0),
        "1": (1.0, 0.0),
        "both": (1.0, 1.0),
        "hepatosplenomegaly": (1.0, 1.0),
        "2": (1.0, 1.0),
        "yes": (1.0, np.nan),
    }.items()
    for v in {s, s.upper(), s.capitalize()}
}

#: Molar masses for mass <-> substance conversions (mg/dL <-> mmol/L): triglycerides as
#: triolein (885.7 g/mol, the usual laboratory convention); haemoglobin per haem-bearing
#: monomer (16 114 g/mol, the convention of Hb in mmol/L). The study config uses the same.
DEFAULT_MOLAR_MASSES: Mapping[str, str] = {"triglycerides": "885.7 g/mol", "hemoglobin": "16114 g/mol"}


@dataclass(frozen=True)
class AcceptedColumn:
    """One accepted column of the sheet: its name, other spellings, kind and HScore input."""

    name: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    variable: str | None = None  # canonical HScore input (None for id and organomegaly)
    description: str = ""

    @property
    def unit(self) -> str | None:
        """Canonical unit of a laboratory column (what its values are converted to)."""
        return INPUTS[self.variable].unit if self.kind == "number" and self.variable else None


#: Accepted columns, in the order of the HScore items (drives reading, --help and docs/cli.md).
ACCEPTED_COLUMNS: tuple[AcceptedColumn, ...] = (
    AcceptedColumn(
        "patient_id",
        "id",
        ("patient", "id", "patient id"),
        description="patient identifier (required, unique)",
    ),
    AcceptedColumn(
        "immunosuppression",
        "flag",
        ("immunodepression",),
        "immunodepression",
        "known immunosuppression (HIV or long-term immunosuppressive therapy)",
    ),
    AcceptedColumn(
        "temperature",
        "number",
        ("temperature_max", "tmax", "max temperature"),
        "temperature_max",
        "maximal temperature",
    ),
    AcceptedColumn("hepatomegaly", "flag", (), "hepatomegaly", "hepatomegaly"),
    AcceptedColumn("splenomegaly", "flag", (), "splenomegaly", "splenomegaly"),
    AcceptedColumn(
        "organomegaly",
        "organomegaly",
        (),
        None,
        "instead of hepatomegaly + splenomegaly: none / hepatomegaly / splenomegaly "
        "/ both (or 0 / 1 / 2 organs; yes = at least one)",
    ),
    AcceptedColumn("hemoglobin", "number", ("haemoglobin", "hb", "hgb"), "hemoglobin", "haemoglobin"),
    AcceptedColumn(
        "leukocytes",
        "number",
        ("leucocytes", "wbc", "white blood cells"),
        "leukocytes",
        "leukocytes (white blood cells)",
    ),
    AcceptedColumn("platelets", "number", ("plt",), "platelets", "platelets"),
    AcceptedColumn("ferritin", "number", (), "ferritin", "ferritin"),
    AcceptedColumn("triglycerides", "number", ("tg",), "triglycerides", "triglycerides"),
    AcceptedColumn("fibrinogen", "number", (), "fibrinogen", "fibrinogen"),
    AcceptedColumn(
        "ast", "number", ("asat", "sgot", "aspartate aminotransferase"), "ast", "aspartate aminotransferase"
    ),
    AcceptedColumn(
        "hemophagocytosis",
        "flag",
        ("haemophagocytosis", "hemophagocytosis_marrow"),
        "hemophagocytosis_marrow",
        "haemophagocytosis features on bone-marrow aspirate",
    ),
    AcceptedColumn(
        "hscore_reported",
        "points",
        ("reported_hscore", "hscore"),
        REPORTED,
        "optional: the score as reported, compared with the recomputed one",
    ),
)

#: Accepted column name -> the canonical HScore inputs it provides.
_FEEDS: Mapping[str, tuple[str, ...]] = {
    col.name: (
        (col.variable,) if col.variable else () if col.kind == "id" else ("hepatomegaly", "splenomegaly")
    )
    for col in ACCEPTED_COLUMNS
}

_HEADER_UNIT = re.compile(r"^(?P<name>.*?)\s*\[(?P<unit>[^\]]*)\]\s*$")


def normalise_header(text: str) -> str:
    """Lower case, runs of spaces/hyphens/underscores -> one underscore."""
    return re.sub(r"[\s_\-]+", "_", text.strip().lower()).strip("_")


_BY_SPELLING: Mapping[str, AcceptedColumn] = {
    normalise_header(s): col for col in ACCEPTED_COLUMNS for s in (col.name, *col.aliases)
}


@dataclass
class HScoreSheet:
    """A read sheet: canonical inputs for :func:`score_hscore` and the cells as given."""

    file: str
    #: Indexed by patient id: every HScore input in canonical units (NaN = missing).
    canonical: pd.DataFrame
    #: Indexed by patient id: accepted column name -> cell text as given (stripped).
    given: pd.DataFrame
    #: Indexed by patient id: laboratory column name -> unit as given ("" when none).
    units: pd.DataFrame
    #: Accepted column name -> header in the file.
    headers: dict[str, str] = field(default_factory=dict)
    #: Headers that are not accepted columns (left out).
    ignored: list[str] = field(default_factory=list)
    #: Accepted item columns that the file lacks (scored as missing for every patient).
    absent: list[str] = field(default_factory=list)

    def columns_of_item(self, item_columns: tuple[str, ...]) -> list[str]:
        """Accepted columns present in the file that feed an item's canonical inputs."""
        return [name for name in self.headers if set(_FEEDS[name]) & set(item_columns)]


@dataclass(frozen=True)
class _Header:
    """How one header of the sheet was understood."""

    text: str
    column: AcceptedColumn | None  # None: not an accepted column (ignored)
    is_unit_column: bool = False  # a '<column>_unit' column
    unit: str | None = None  # unit written in the header, 'ferritin [ng/mL]'


def _parse_header(text: str) -> _Header:
    m = _HEADER_UNIT.match(text)
    name, unit = (m["name"], m["unit"].strip()) if m else (text, None)
    key = normalise_header(name)
    if key.endswith("_unit") and key[:-5] in _BY_SPELLING:
        return _Header(text, _BY_SPELLING[key[:-5]], True, unit)
    return _Header(text, _BY_SPELLING.get(key), False, unit)


def _match_headers(
    frame: pd.DataFrame, file: str
) -> tuple[dict[str, _Header], dict[str, str], list[str], list[Problem]]:
    """(accepted name -> value header, accepted name -> unit-column header, ignored, problems)."""
    values: dict[str, _Header] = {}
    unit_columns: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for header in map(_parse_header, map(str, frame.columns)):
        if header.column is None:
            ignored.append(header.text)
            continue
        name = header.column.name
        first = (
            unit_columns.get(name)
            if header.is_unit_column
            else (values[name].text if name in values else None)
        )
        if first is not None:
            problems.append(
                Problem(
                    f"column given twice (also as {first!r})",
                    file=file,
                    row=1,
                    column=header.text,
                    expected="each HScore input once",
                )
            )
        elif header.is_unit_column:
            unit_columns[name] = header.text
        else:
            values[name] = header
    if "organomegaly" in values and {"hepatomegaly", "splenomegaly"} & set(values):
        problems.append(
            Problem(
                "both an organomegaly column and hepatomegaly/splenomegaly",
                file=file,
                row=1,
                column=values["organomegaly"].text,
                expected="either 'organomegaly' or 'hepatomegaly' and 'splenomegaly'",
            )
        )
    problems += [
        Problem(
            f"unit column without its value column {name!r}",
            file=file,
            row=1,
            column=header,
            expected=f"a {name!r} column",
        )
        for name, header in unit_columns.items()
        if name not in values
    ]
    return values, unit_columns, ignored, problems


def _row_numbers(index: pd.Index) -> np.ndarray:
    return np.asarray(index) + 2  # header is row 1


def _lab_values(
    frame: pd.DataFrame,
    col: AcceptedColumn,
    header: _Header,
    unit_header: str | None,
    file: str,
    molar_masses: Mapping[str, str],
    plausible: tuple[float, float] | None,
) -> tuple[np.ndarray, pd.Series, list[Problem]]:
    """One laboratory column: values converted to the canonical unit, each row's unit, and
    problems (bad number, missing or unknown unit, value outside the plausible range)."""
    values, problems = parse_numbers(
        frame[header.text], file=file, column=header.text, missing=MISSING_VALUES
    )
    no_units = pd.Series("", index=frame.index, dtype="string")
    if header.unit is not None and unit_header is not None:
        return (
            values.to_numpy(),
            no_units,
            problems
            + [
                Problem(
                    f"unit given both in the header and in column {unit_header!r}",
                    file=file,
                    row=1,
                    column=header.text,
                    value=header.unit,
                    expected="one of the two",
                )
            ],
        )
    if header.unit is None and unit_header is None:
        return (
            values.to_numpy(),
            no_units,
            problems
            + [
                Problem(
                    "no unit given",
                    file=file,
                    row=1,
                    column=header.text,
                    expected=f"a unit in the header, e.g. '{col.name} [{col.unit}]', "
                    f"or a '{col.name}_unit' column",
                )
            ],
        )
    if unit_header is None:
        units = pd.Series(header.unit, index=frame.index, dtype="string")
        unit_cell = {"column": header.text, "row": lambda r: 1}
    else:
        units = frame[unit_header].astype("string").str.strip().fillna("")
        unit_cell = {"column": unit_header, "row": lambda r: r}
    present = values.notna()
    no_unit = present & (units == "")
    problems += [
        Problem(
            "value without a unit",
            file=file,
            row=int(r),
            column=unit_header,
            value="",
            expected=f"a unit convertible to {col.unit!r}",
        )
        for r in _row_numbers(frame.index[no_unit.to_numpy()])
    ]
    converted = np.full(len(frame), np.nan)
    for unit in sorted(set(units[present & ~no_unit])):
        rows = (present & (units == unit)).to_numpy()
        try:
            scale, offset = conversion(unit, col.unit, molar_mass=molar_masses.get(col.variable))
        except InputError as exc:
            cells = sorted({unit_cell["row"](int(r)) for r in _row_numbers(frame.index[rows])})
            problems += [
                Problem(
                    f"{exc.summary} for {col.name}",
                    file=file,
                    row=r,
                    column=unit_cell["column"],
                    value=unit,
                    expected=exc.problems[0].expected,
                )
                for r in cells
            ]
            continue
        raw = values.to_numpy()[rows]
        converted[rows] = raw if (scale, offset) == (1, 0) else round_significant(raw * scale + offset)
    if plausible is not None:
        lo, hi = plausible
        outside = ~np.isnan(converted) & ((converted < lo) | (converted > hi))
        problems += [
            Problem(
                f"implausible {col.name} ({c:.4g} {col.unit} after conversion)",
                file=file,
                row=int(r),
                column=header.text,
                value=f"{frame[header.text].iloc[k]} {units.iloc[k]}",
                expected=f"{col.name} within [{lo:g}, {hi:g}] {col.unit}: check the value and its unit",
            )
            for k, r, c in zip(
                np.flatnonzero(outside), _row_numbers(frame.index[outside]), converted[outside]
            )
        ]
    return converted, units.where(present, ""), problems


def _coded_values(
    frame: pd.DataFrame, col: AcceptedColumn, header: _Header, file: str
) -> tuple[dict[str, np.ndarray], list[Problem]]:
    """A yes/no, organomegaly or points column -> canonical input arrays, and problems."""
    problems = (
        []
        if header.unit is None
        else [
            Problem(
                "a yes/no or points column takes no unit",
                file=file,
                row=1,
                column=header.text,
                value=header.unit,
                expected=f"header {col.name!r}",
            )
        ]
    )
    if col.kind == "points":
        values, more = parse_numbers(
            frame[header.text], file=file, column=header.text, missing=MISSING_VALUES, integer=True
        )
        return {REPORTED: values.to_numpy()}, problems + more
    table = ORGANOMEGALY_VALUES if col.kind == "organomegaly" else FLAG_VALUES
    codes, more = map_values(
        frame[header.text], {k: k for k in table}, file=file, column=header.text, missing=MISSING_VALUES
    )
    if col.kind == "flag":
        return {col.variable: codes.map(table).astype("float64").to_numpy()}, problems + more
    pairs = [table.get(c, (np.nan, np.nan)) if isinstance(c, str) else (np.nan, np.nan) for c in codes]
    return {
        "hepatomegaly": np.array([p[0] for p in pairs], dtype="float64"),
        "splenomegaly": np.array([p[1] for p in pairs], dtype="float64"),
    }, problems + more


def _patient_ids(frame: pd.DataFrame, header: str, file: str) -> tuple[pd.Series, list[Problem]]:
    ids = frame[header].astype("string").str.strip()
    blank = ids.isna() | ids.isin(MISSING_VALUES)
    problems = [
        Problem("missing patient id", file=file, row=int(r), column=header, expected="a non-empty patient id")
        for r in _row_numbers(ids.index[blank])
    ]
    dup = ids.duplicated(keep=False) & ~blank
    problems += [
        Problem(
            "duplicate patient id",
            file=file,
            row=int(r),
            column=header,
            value=v,
            expected="one row per patient",
        )
        for r, v in zip(_row_numbers(ids.index[dup]), ids[dup])
    ]
    return ids, problems


def study_limits(config: Mapping) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """Plausible ranges and molar masses of the HScore inputs declared in a study config
    (``variables.<name>.range`` / ``.molar_mass``, canonical variable names)."""
    variables = config.get("variables") or {}
    ranges = {
        v: tuple(variables[v]["range"])
        for v in INPUTS
        if isinstance(variables.get(v), dict) and "range" in variables[v]
    }
    masses = {
        v: variables[v]["molar_mass"]
        for v in INPUTS
        if isinstance(variables.get(v), dict) and "molar_mass" in variables[v]
    }
    return ranges, masses


def read_hscore_sheet(
    path: str | Path,
    *,
    molar_masses: Mapping[str, str] | None = None,
    plausible_ranges: Mapping[str, tuple[float, float]] | None = None,
) -> HScoreSheet:
    """Read one sheet and convert it to canonical HScore inputs.

    ``molar_masses`` (canonical variable -> ``"885.7 g/mol"``) override
    :data:`DEFAULT_MOLAR_MASSES`; ``plausible_ranges`` (canonical variable -> (low, high) in
    the canonical unit, e.g. from :func:`study_limits`) reject implausible values, typically a
    wrong unit. One :class:`InputError` lists every problem (file, row, column, value,
    expectation); nothing is scored from a sheet with problems.
    """
    file = str(path)
    frame = read_raw_table(path)
    masses = {**DEFAULT_MOLAR_MASSES, **(molar_masses or {})}
    found, unit_columns, ignored, problems = _match_headers(frame, file)
    id_column = ACCEPTED_COLUMNS[0]
    if id_column.name not in found:
        raise InputError(
            f"No patient id column in {file}",
            [
                Problem(
                    "column not found",
                    file=file,
                    row=1,
                    expected="a column named "
                    + " or ".join(repr(s) for s in (id_column.name, *id_column.aliases)),
                )
            ],
        )
    ids, more = _patient_ids(frame, found[id_column.name].text, file)
    problems += more
    canonical = pd.DataFrame(np.nan, index=frame.index, columns=[*INPUTS])
    given = pd.DataFrame(index=frame.index)
    units = pd.DataFrame(index=frame.index)
    for col in ACCEPTED_COLUMNS[1:]:
        header = found.get(col.name)
        if header is None:
            continue
        if col.kind == "number":
            canonical[col.variable], units[col.name], more = _lab_values(
                frame,
                col,
                header,
                unit_columns.get(col.name),
                file,
                masses,
                (plausible_ranges or {}).get(col.variable),
            )
        else:
            arrays, more = _coded_values(frame, col, header, file)
            for variable, array in arrays.items():
                canonical[variable] = array
        given[col.name] = frame[header.text].astype("string").str.strip()
        problems += more
    if problems:
        raise InputError(f"{len(problems)} problem(s) in {file}", problems)
    canonical.index = given.index = units.index = pd.Index(ids, name="patient_id")
    fed = {variable for name in found for variable in _FEEDS[name]}
    absent = [c.name for c in ACCEPTED_COLUMNS if c.kind in ("flag", "number") and c.variable not in fed]
    return HScoreSheet(file, canonical, given, units, {k: h.text for k, h in found.items()}, ignored, absent)


def score_sheet(
    sheet: HScoreSheet, *, cutoff: float = FARDET_CUTOFF, operator: CutoffOperator = DEFAULT_OPERATOR
) -> pd.DataFrame:
    """:func:`retrocohort.hscore.score.score_hscore` of the sheet's canonical inputs."""
    frame = sheet.canonical
    if REPORTED in frame.columns and frame[REPORTED].isna().all():
        frame = frame.drop(columns=REPORTED)
    return score_hscore(frame, cutoff=cutoff, operator=operator)
