"""Read a clinician's one-row-per-patient sheet of HScore items (``retrocohort hscore``).

The sheet (CSV, or anything :func:`retrocohort.io.raw.read_raw_table` reads) has one row per
patient and one column per HScore input.
:data:`retrocohort.hscore.sheet_columns.ACCEPTED_COLUMNS` lists the accepted column names and
spellings; headers are matched case-insensitively with spaces, hyphens and underscores treated
alike (:func:`retrocohort.hscore.sheet_columns.match_headers`). Laboratory columns need a unit,
given either in the header (``ferritin [ng/mL]``) or per row in a ``<column>_unit`` column
(``ferritin_unit``); units are spellings of :data:`retrocohort.ingest.units.UNIT_SPELLINGS` and
are converted to the HScore's canonical units with :func:`retrocohort.ingest.units.conversion`
(pint; never guessed). Mass <-> substance conversions use :data:`DEFAULT_MOLAR_MASSES` unless
told otherwise. Optional plausible ranges (from a study config, :func:`study_limits`) reject
converted values that betray a wrong unit. Yes/no columns take
:data:`retrocohort.hscore.sheet_columns.FLAG_VALUES`.

Every cell that cannot be read is reported at once, with file, row (header = row 1), column,
value and what was expected. Scoring itself is :func:`retrocohort.hscore.score.score_hscore`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from retrocohort.errors import InputError, Problem
from retrocohort.hscore.cutoff import DEFAULT_OPERATOR, FARDET_CUTOFF, CutoffOperator
from retrocohort.hscore.items import BUILT_IN_RANGES, BUILT_IN_RANGES_SOURCE, INPUTS, REPORTED
from retrocohort.hscore.score import score_hscore
from retrocohort.hscore.sheet_columns import (
    ACCEPTED_COLUMNS,
    FEEDS,
    FLAG_VALUES,
    MISSING_VALUES,
    ORGANOMEGALY_VALUES,
    AcceptedColumn,
    SheetHeader,
    match_headers,
)
from retrocohort.ingest.repeated import aggregate, summary
from retrocohort.ingest.sources import map_values, parse_numbers
from retrocohort.ingest.units import conversion, round_significant, unit_key
from retrocohort.io.raw import read_raw_table

#: Molar masses for mass <-> substance conversions (mg/dL <-> mmol/L): triglycerides as
#: triolein (885.7 g/mol, the usual laboratory convention); haemoglobin per haem-bearing
#: monomer (16 114 g/mol, the convention of Hb in mmol/L). The study config uses the same.
DEFAULT_MOLAR_MASSES: Mapping[str, str] = {"triglycerides": "885.7 g/mol", "hemoglobin": "16114 g/mol"}


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
        return [name for name in self.headers if set(FEEDS[name]) & set(item_columns)]


def _row_numbers(index: pd.Index) -> np.ndarray:
    return np.asarray(index) + 2  # header is row 1


def _lab_values(
    frame: pd.DataFrame,
    col: AcceptedColumn,
    header: SheetHeader,
    unit_header: str | None,
    file: str,
    molar_masses: Mapping[str, str],
    plausible: tuple[float, float] | None,
    range_source: str = "",
) -> tuple[np.ndarray, pd.Series, list[Problem]]:
    """One laboratory column: values converted to the canonical unit, each row's unit, and
    problems (bad number, missing or unknown unit, value outside the plausible range, with
    the range's ``range_source`` and :func:`unit_hint`)."""
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
        source = f" ({range_source})" if range_source else ""
        problems += [
            Problem(
                f"implausible {col.name} ({c:.4g} {col.unit} after conversion)",
                file=file,
                row=int(r),
                column=header.text,
                value=f"{frame[header.text].iloc[k]} {units.iloc[k]}",
                expected=f"{col.name} within [{lo:g}, {hi:g}] {col.unit}{source}: check the value and its unit"
                + unit_hint(values.iloc[k], units.iloc[k], col, plausible, molar_masses),
            )
            for k, r, c in zip(
                np.flatnonzero(outside), _row_numbers(frame.index[outside]), converted[outside]
            )
        ]
    return converted, units.where(present, ""), problems


def unit_hint(
    value: float,
    unit: str,
    col: AcceptedColumn,
    plausible: tuple[float, float],
    molar_masses: Mapping[str, str],
) -> str:
    """Why an implausible value may be plausible after all: the first of the input's
    ``usual_units`` (:class:`retrocohort.hscore.items.HScoreInput`) other than the one given in
    which ``value`` falls inside ``plausible`` ("; 101.3 °F would be 38.5 °C: is the unit °F?"),
    else ""."""
    lo, hi = plausible
    for usual in INPUTS[col.variable].usual_units:
        if unit_key(usual) == unit_key(unit):
            continue
        try:
            scale, offset = conversion(usual, col.unit, molar_mass=molar_masses.get(col.variable))
        except InputError:
            continue
        reading = value * scale + offset
        if lo <= reading <= hi:
            return f"; {value:g} {usual} would be {reading:.4g} {col.unit}: is the unit {usual}?"
    return ""


def _coded_values(
    frame: pd.DataFrame, col: AcceptedColumn, header: SheetHeader, file: str
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


def plausible_ranges(
    config: Mapping, config_path: str | None
) -> tuple[dict[str, tuple[float, float]], dict[str, str]]:
    """(canonical variable -> plausible range, variable -> where the range comes from): the study
    config's ``variables.<name>.range`` where it gives one, else the built-in clinical ranges
    (:data:`retrocohort.hscore.items.BUILT_IN_RANGES`, defined with the items)."""
    declared, _ = study_limits(config)
    ranges = {**BUILT_IN_RANGES, **declared}
    sources = {
        v: (f"range of variables.{v} in {config_path}" if v in declared else BUILT_IN_RANGES_SOURCE)
        for v in ranges
    }
    return ranges, sources


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
    range_sources: Mapping[str, str] | None = None,
) -> HScoreSheet:
    """Read one sheet and convert it to canonical HScore inputs.

    ``molar_masses`` (canonical variable -> ``"885.7 g/mol"``) override
    :data:`DEFAULT_MOLAR_MASSES`; ``plausible_ranges`` (canonical variable -> (low, high) in
    the canonical unit, e.g. from :func:`plausible_ranges`) reject implausible values, typically a
    wrong unit, each problem naming its range's source (``range_sources``) and, when another usual
    unit would make it plausible, that unit. One :class:`InputError` lists every problem (file, row, column, value,
    expectation); nothing is scored from a sheet with problems.
    """
    file = str(path)
    frame = read_raw_table(path)
    masses = {**DEFAULT_MOLAR_MASSES, **(molar_masses or {})}
    found, unit_columns, ignored, problems = match_headers(frame, file)
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
                (range_sources or {}).get(col.variable, ""),
            )
        else:
            arrays, more = _coded_values(frame, col, header, file)
            for variable, array in arrays.items():
                canonical[variable] = array
        given[col.name] = frame[header.text].astype("string").str.strip()
        problems += more
    if problems:
        problems = aggregate(problems)
        raise InputError(f"{summary(problems)} in {file}", problems)
    canonical.index = given.index = units.index = pd.Index(ids, name="patient_id")
    fed = {variable for name in found for variable in FEEDS[name]}
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
