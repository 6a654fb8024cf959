"""Map one site's raw files into the canonical tables, as the study config declares.

Canonical tables (everything downstream reads only these):

* ``patients``: one row per patient: ``patient_id``, ``site`` and one column per
  patient-level variable (nullable dtypes: ``boolean``, ``Float64``, ``string``);
* ``measurements``: long: ``patient_id, site, day, variable, value, unit`` with values in the
  variable's canonical unit;
* ``treatments``: ``patient_id, site, line, agent`` (one row per agent per treatment line);
* ``sources``: which raw file (and whether it is synthetic) each variable came from.

Values are typed column by column, vectorised; every cell that cannot be typed, mapped or
converted is reported with file, row (1-based, header = row 1), column, value and expectation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd

from retrocohort.errors import ConfigError, InputError, Problem
from retrocohort.ingest.privacy import apply_identifier_policy, scan_identifiers
from retrocohort.io.raw import DEFAULT_MAX_BYTES, read_raw_table, require_columns

MEASUREMENT_COLUMNS = ["patient_id", "site", "day", "variable", "value", "unit"]
#: Plausible measurement days relative to diagnosis (checked at ingestion and validation).
DAY_RANGE = (-365, 3650)
TREATMENT_COLUMNS = ["patient_id", "site", "line", "agent"]
_LINE_PATTERN = re.compile(r"(\d+)\.\s*(.+?)\s*(?=,\s*\d+\.|$)")
#: A text cell a spreadsheet would evaluate: '=...', or '+ - @' followed by a function call.
FORMULA_PATTERN = r"\s*(=.*|[+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\(.*)"
#: Default row guard per raw file (override with ``input_limits.max_rows``).
DEFAULT_MAX_ROWS = 50_000_000


@dataclass
class CanonicalTables:
    """The canonical tables of one site (or of all sites once merged)."""

    patients: pd.DataFrame
    measurements: pd.DataFrame
    treatments: pd.DataFrame
    sources: pd.DataFrame


def _row_number(index: pd.Index) -> np.ndarray:
    return np.asarray(index) + 2  # header is row 1


def _missing_mask(text: pd.Series, missing: list[str]) -> pd.Series:
    return text.isna() | text.str.strip().isin(missing)


def parse_numbers(text: pd.Series, *, file: str, column: str, missing: list[str],
                  decimal: str = ".", integer: bool = False) -> tuple[pd.Series, list[Problem]]:
    """Text -> float64 (NaN for missing tokens). Bad cells become located problems.

    Thousands separators, units inside cells, 'inf' and 'nan' spellings are all rejected:
    a missing value must be spelled as one of the study's ``missing_values``.
    """
    if _typed_number_column(text):
        return _typed_numbers(text, file=file, column=column, missing=missing, decimal=decimal,
                              integer=integer)
    text = text.astype("string")
    miss = _missing_mask(text, missing)
    cleaned = text.str.strip()
    if decimal != ".":
        cleaned = cleaned.str.replace(decimal, ".", regex=False)
    plain = cleaned.str.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?").fillna(False)
    values = pd.to_numeric(cleaned.where(plain & ~miss), errors="coerce").astype("float64")
    bad = ~miss & ~plain.astype(bool)
    if integer:
        frac = ~miss & plain.astype(bool) & (values.round() != values)
        bad = bad | frac
    problems = [
        Problem("not a number", file=file, row=int(r), column=column, value=v,
                expected=("an integer" if integer else "a plain number") + f" with '{decimal}' as "
                "decimal mark and no thousands separator, or a missing-value token "
                + "/".join(repr(m) for m in missing))
        for r, v in zip(_row_number(text.index[bad]), text[bad])
    ]
    return values.where(~miss), problems


def _typed_number_column(values: pd.Series) -> bool:
    """A column already typed as numbers (Parquet): integers or floats, not booleans."""
    return pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)


def _typed_numbers(values: pd.Series, *, file: str, column: str, missing: list[str],
                   decimal: str, integer: bool) -> tuple[pd.Series, list[Problem]]:
    """:func:`parse_numbers` for an already-numeric column, without turning it into text.

    Same result as the text path: a null cell is missing; infinities (and fractions when
    ``integer``) are "not a number" problems, reported with the cell as text.
    """
    num = values.to_numpy(dtype="float64", na_value=np.nan, copy=True)
    with np.errstate(invalid="ignore"):
        bad = np.isinf(num)
        if integer:
            bad |= ~np.isnan(num) & (np.round(num) != num)
    shown = values[bad].astype("string")
    problems = [
        Problem("not a number", file=file, row=int(r), column=column, value=v,
                expected=("an integer" if integer else "a plain number") + f" with '{decimal}' as "
                "decimal mark and no thousands separator, or a missing-value token "
                + "/".join(repr(m) for m in missing))
        for r, v in zip(_row_number(values.index[bad]), shown)
    ]
    num[bad] = np.nan
    return pd.Series(num, index=values.index, dtype="float64"), problems


def _missing_cells(raw: pd.Series, missing: list[str]) -> np.ndarray:
    """Mask of missing cells: nulls, or (text columns) a missing-value token."""
    if _typed_number_column(raw):
        return raw.isna().to_numpy(dtype=bool)
    return _missing_mask(raw.astype("string"), missing).to_numpy(dtype=bool)


def stripped_categories(raw: pd.Series) -> pd.Categorical:
    """Raw text cells, stripped, as a categorical (nulls stay missing).

    Name and unit columns hold a handful of distinct values over millions of rows: the strip
    runs on the distinct values only (one factorize), not on every row.
    """
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    stripped = pd.Index(uniques, dtype=object).astype("string").str.strip()
    merged, labels = pd.factorize(stripped, use_na_sentinel=True)
    lookup = np.append(merged, -1)
    return pd.Categorical.from_codes(lookup[codes], categories=pd.Index(labels, dtype="string"))


def map_values(text: pd.Series, mapping: Mapping[Any, Any], *, file: str, column: str,
               missing: list[str]) -> tuple[pd.Series, list[Problem]]:
    """Map raw codes to canonical values; unmapped non-missing codes are problems."""
    text = text.astype("string")
    table = {str(k): v for k, v in mapping.items()}
    miss = _missing_mask(text, missing)
    stripped = text.str.strip()
    known = stripped.isin(list(table))
    bad = ~miss & ~known
    problems = [
        Problem("unknown category", file=file, row=int(r), column=column, value=v,
                expected="one of " + ", ".join(repr(k) for k in table))
        for r, v in zip(_row_number(text.index[bad]), text[bad])
    ]
    mapped = stripped.where(known).map(table)
    return mapped, problems


def plausible_bounds(spec: dict) -> tuple[float, float]:
    """The plausible [low, high] of a variable: its ``range``; binary 0..1; counts >= 0."""
    if spec["kind"] == "binary":
        return 0.0, 1.0
    low, high = spec.get("range", [-np.inf, np.inf])
    if spec["kind"] == "count":
        low = max(low, 0.0)
    return float(low), float(high)


def range_problems(values: np.ndarray, variable: pd.Series | str, variables: dict, raw: pd.Series,
                   *, file: str, column: str) -> list[Problem]:
    """Values (canonical units) outside their variable's plausible range, located in the raw file.

    ``values`` align with ``raw`` (the raw cells, whose index gives the file row); ``variable``
    is one variable name or a per-row series of names (long files).
    """
    names = pd.Series(variable, index=raw.index, dtype="string") if isinstance(variable, str) else variable
    codes, uniques = pd.factorize(names, use_na_sentinel=True)
    bounds = {v: plausible_bounds(variables[v]) for v in uniques if v in variables}
    low = np.array([bounds.get(v, (np.nan, np.nan))[0] for v in uniques] + [np.nan])[codes]
    high = np.array([bounds.get(v, (np.nan, np.nan))[1] for v in uniques] + [np.nan])[codes]
    with np.errstate(invalid="ignore"):
        bad = ~np.isnan(values) & ((values < low) | (values > high))
    problems = []
    for r, text, v, x in zip(_row_number(raw.index[bad]), raw[bad], names[bad], values[bad]):
        lo, hi = bounds[v]
        unit = variables[v].get("unit", "")
        shown = f" (= {x:g} {unit} after unit conversion)" if str(text).strip() != f"{x:g}" else ""
        problems.append(Problem(f"implausible {v}{shown}", file=file, row=int(r), column=column,
                                value=text, expected=f"{v} within [{lo:g}, {hi:g}] {unit}".rstrip()))
    return problems


def text_values(raw: pd.Series, *, file: str, column: str, missing: list[str]
                ) -> tuple[pd.Series, list[Problem]]:
    """Free text (missing tokens -> NA); cells that a spreadsheet would run as formulas are problems."""
    text = raw.astype("string")
    text = text.where(~_missing_mask(text, missing))
    formula = text.str.fullmatch(FORMULA_PATTERN).fillna(False).to_numpy(dtype=bool)
    problems = [Problem("spreadsheet formula in a text cell", file=file, row=int(r), column=column,
                        value=v, expected="plain text (export values, not formulas)")
                for r, v in zip(_row_number(text.index[formula]), text[formula])]
    return text, problems


def parse_dates(text: pd.Series, *, file: str, column: str, missing: list[str]
                ) -> tuple[pd.Series, list[Problem]]:
    """ISO dates (YYYY-MM-DD) -> datetime64; Excel serials and other spellings are problems."""
    text = text.astype("string").str.strip()
    miss = _missing_mask(text, missing)
    iso = text.str.fullmatch(r"\d{4}-\d{2}-\d{2}").fillna(False).to_numpy(dtype=bool)
    dates = pd.to_datetime(text.where(iso), format="%Y-%m-%d", errors="coerce")
    serial = text.str.fullmatch(r"\d{4,5}(\.\d+)?").fillna(False).to_numpy(dtype=bool)
    bad = ~miss.to_numpy(dtype=bool) & dates.isna().to_numpy()
    problems = [
        Problem("Excel date serial number, not a date" if is_serial else "not an ISO date",
                file=file, row=int(r), column=column, value=v,
                expected="a date written YYYY-MM-DD (format the column as text/ISO before export)")
        for r, v, is_serial in zip(_row_number(text.index[bad]), text[bad], serial[bad])]
    return dates, problems


def _typed(values: pd.Series, kind: str) -> pd.Series:
    if kind == "binary":
        return values.astype("boolean")
    if kind in ("continuous", "count"):
        return values.astype("Float64")
    return values.astype("string")


def parse_treatment_lines(text: pd.Series, ids: pd.Series, *, file: str, column: str,
                          missing: list[str]) -> tuple[pd.DataFrame, list[Problem]]:
    """Parse "1. CTC, 2. VP16, 3. ANA + CTC" into (patient_id, line, agent) rows.

    Lines must be numbered 1, 2, 3... in order; '+' separates agents combined in one line.
    """
    rows: list[tuple[str, int, str]] = []
    problems: list[Problem] = []
    text = text.astype("string")
    for idx, pid, cell in zip(text.index, ids, text):
        if pd.isna(cell) or cell.strip() in missing:
            continue
        found = _LINE_PATTERN.findall(cell.strip())
        numbers = [int(n) for n, _ in found]
        if not found or numbers != list(range(1, len(found) + 1)):
            problems.append(Problem("cannot parse treatment lines", file=file,
                                    row=int(idx) + 2, column=column, value=cell,
                                    expected="'1. AGENT, 2. AGENT + AGENT, ...' numbered from 1"))
            continue
        rows += [(pid, n, a.strip()) for n, agents in found for a in agents.split("+")]
    frame = pd.DataFrame(rows, columns=["patient_id", "line", "agent"])
    return frame.astype({"patient_id": "string", "line": "int64", "agent": "string"}), problems


def _ids(frame: pd.DataFrame, column: str, file: str, missing: list[str]) -> tuple[pd.Series, list[Problem]]:
    ids = frame[column].astype("string").str.strip()
    miss = _missing_mask(ids, missing)
    problems = [Problem("missing patient identifier", file=file, row=int(r), column=column,
                        expected="a non-empty patient id")
                for r in _row_number(ids.index[miss])]
    return ids, problems


def ingest_patient_source(frame: pd.DataFrame, source: dict, variables: dict, file: str,
                          missing: list[str]) -> tuple[pd.DataFrame, pd.DataFrame | None, list[Problem]]:
    """One patient-level raw file -> (patients columns, treatments or None, problems)."""
    from retrocohort.ingest.units import convert  # pint's registry (~0.3 s); not needed by the merge/validate jobs

    mapping = source.get("columns", {})
    id_col = source["id_column"]
    treat = source.get("treatments")
    require_columns(frame, [id_col] + [m["column"] for m in mapping.values()]
                     + ([treat["column"]] if treat else []), file)
    ids, problems = _ids(frame, id_col, file, missing)
    problems += [Problem("spreadsheet formula as a patient id", file=file, row=p.row, column=id_col,
                         value=p.value, expected="a plain identifier")
                 for p in text_values(ids, file=file, column=id_col, missing=missing)[1]]
    dup = ids.duplicated(keep=False) & ids.notna()
    problems += [Problem("duplicate patient id", file=file, row=int(r), column=id_col, value=v,
                         expected="each patient once per file")
                 for r, v in zip(_row_number(ids.index[dup]), ids[dup])]
    out = pd.DataFrame({"patient_id": ids})
    for var, spec in mapping.items():
        vspec = variables[var]
        raw = frame[spec["column"]]
        if "map" in spec:
            values, probs = map_values(raw, spec["map"], file=file, column=spec["column"],
                                       missing=missing)
        elif vspec["kind"] in ("continuous", "count"):
            values, probs = parse_numbers(raw, file=file, column=spec["column"], missing=missing,
                                          decimal=source.get("decimal", "."),
                                          integer=vspec["kind"] == "count")
            if "unit" in spec and "unit" in vspec:
                values = pd.Series(convert(values.to_numpy(), spec["unit"], vspec["unit"],
                                           molar_mass=vspec.get("molar_mass")), index=values.index)
            probs += range_problems(values.to_numpy(dtype="float64"), var, variables, raw,
                                    file=file, column=spec["column"])
        else:
            values, probs = text_values(raw, file=file, column=spec["column"], missing=missing)
        problems += probs
        out[var] = _typed(values, vspec["kind"])
    treatments = None
    if treat:
        treatments, probs = parse_treatment_lines(frame[treat["column"]], ids, file=file,
                                                  column=treat["column"], missing=missing)
        problems += probs
    return out, treatments, problems


def ingest_measurement_source(frame: pd.DataFrame, source: dict, variables: dict, file: str,
                              missing: list[str], spellings: Mapping[str, str] | None = None,
                              ) -> tuple[pd.DataFrame, list[Problem]]:
    """One long measurement file -> canonical long rows in canonical units, and problems."""
    from retrocohort.ingest.units import convert, is_known_unit

    cols = {k: source[f"{k}_column"] for k in ("day", "variable", "value", "unit")
            if f"{k}_column" in source}
    id_col = source["id_column"]
    require_columns(frame, [id_col] + list(cols.values()), file)
    ids, problems = _ids(frame, id_col, file, missing)
    names = source.get("variable_names") or {v: v for v in variables}
    raw_names = stripped_categories(frame[cols["variable"]])
    canon_of = {str(k): v for k, v in names.items()}
    canon = pd.Series(raw_names.map(canon_of, na_action="ignore"), index=frame.index).astype("string")
    var_raw = pd.Series(raw_names, index=frame.index)
    bad = canon.isna()
    problems += [Problem("unknown measurement variable", file=file, row=int(r),
                         column=cols["variable"], value=v,
                         expected="one of " + ", ".join(repr(k) for k in names))
                 for r, v in zip(_row_number(var_raw.index[bad]), var_raw[bad].astype("string"))]
    is_meas = {k: variables.get(v, {}).get("table") == "measurements" for k, v in canon_of.items()}
    not_meas = canon.notna() & ~pd.Series(raw_names.map(is_meas, na_action="ignore"),
                                          index=frame.index).astype("boolean").fillna(False)
    problems += [Problem("variable is not declared as a measurement", file=file, row=int(r),
                         column=cols["variable"], value=v, expected="table: measurements in config")
                 for r, v in zip(_row_number(var_raw.index[not_meas]), var_raw[not_meas].astype("string"))]
    day, probs = parse_numbers(frame[cols["day"]], file=file, column=cols["day"], missing=missing,
                               integer=True)
    problems += probs
    no_day = _missing_cells(frame[cols["day"]], missing)
    problems += [Problem("missing day", file=file, row=int(r), column=cols["day"],
                         expected="an integer day relative to diagnosis")
                 for r in _row_number(day.index[no_day])]
    far = ((day < DAY_RANGE[0]) | (day > DAY_RANGE[1])).to_numpy(dtype=bool)
    problems += [Problem("day outside the study window", file=file, row=int(r), column=cols["day"],
                         value=v, expected=f"an integer day within {list(DAY_RANGE)} relative to diagnosis")
                 for r, v in zip(_row_number(day.index[far]), frame[cols["day"]][far])]
    value, probs = parse_numbers(frame[cols["value"]], file=file, column=cols["value"],
                                 missing=missing, decimal=source.get("decimal", "."))
    problems += probs
    unit_code, unit_names = _unit_codes(frame[cols["unit"]] if "unit" in cols else None, len(frame))
    converted = value.to_numpy(copy=True)
    out_units = [""]  # canonical unit per code; code 0 = no unit (not converted)
    out_code = np.zeros(len(frame), dtype=np.int64)
    valid = ~bad & ~not_meas
    # (variable, raw unit) groups in sorted order, on integer codes of the few distinct values
    var_code, var_names = pd.factorize(canon, sort=True)
    group = np.where(valid.to_numpy(dtype=bool), var_code * len(unit_names) + unit_code, -1)
    order = np.argsort(group, kind="stable")
    starts = np.searchsorted(group[order], np.unique(group[group >= 0]))
    for position, start in enumerate(starts):
        end = starts[position + 1] if position + 1 < len(starts) else len(order)
        rows = order[start:end]
        var, unit = var_names[group[rows[0]] // len(unit_names)], unit_names[group[rows[0]] % len(unit_names)]
        idx = frame.index[rows]
        vspec = variables[var]
        target = vspec.get("unit", "1")
        if vspec["kind"] == "binary":
            target = unit or "1"
        if unit == "" and target not in ("", "1") and vspec["kind"] != "binary":
            rows = _row_number(pd.Index(idx))
            problems += [Problem(f"missing unit for {var}", file=file, row=int(r),
                                 column=cols.get("unit", "(no unit column)"), value="",
                                 expected=f"a unit convertible to {target!r}")
                         for r in rows[:20]]
            continue
        if not is_known_unit(unit, spellings):
            rows = _row_number(pd.Index(idx))
            problems += [Problem("unknown unit", file=file, row=int(r), column=cols.get("unit"),
                                 value=unit, expected=f"a unit convertible to {target!r}")
                         for r in rows[:20]]
            continue
        try:
            converted[rows] = convert(
                converted[rows], unit, target, molar_mass=vspec.get("molar_mass"),
                spellings=spellings)
        except InputError as exc:
            first = int(_row_number(pd.Index(idx))[0])
            problems += [Problem(p.message, file=file, row=first, column=cols.get("unit"),
                                 value=unit, expected=p.expected) for p in exc.problems]
        out_units.append(vspec.get("unit", "1"))
        out_code[rows] = len(out_units) - 1
    out_unit = pd.Series(pd.array(np.asarray(out_units, dtype=object)[out_code], dtype="string"),
                         index=frame.index)
    out = pd.DataFrame({
        "patient_id": ids.astype("string"),
        "day": day.astype("Int64"),
        "variable": canon.astype("string"),
        "value": pd.Series(converted, index=frame.index, dtype="float64"),
        "unit": out_unit,
    })
    converted_ok = valid.to_numpy() & (out_unit != "").to_numpy()
    problems += range_problems(np.where(converted_ok, converted, np.nan), canon.where(valid),
                               variables, frame[cols["value"]], file=file, column=cols["value"])
    problems += _duplicate_measurements(out, file, cols, valid)
    out["_row"] = _row_number(frame.index)
    if "date_column" in source:
        problems += _day_date_problems(frame, out, source["date_column"], cols["day"], file, missing)
    return out[valid.to_numpy()].reset_index(drop=True), problems


def _unit_codes(raw: pd.Series | None, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, sorted distinct stripped units) of a raw unit column; a missing cell (or
    no unit column) is the unit "". Works on the distinct values only."""
    if raw is None:
        return np.zeros(n, dtype=np.int64), np.array([""], dtype=object)
    units = stripped_categories(raw)
    labels = np.append(np.asarray(units.categories, dtype=object), "")
    names, inverse = np.unique(labels.astype(str), return_inverse=True)
    codes = units.codes.astype(np.int64)
    return inverse.ravel()[np.where(codes >= 0, codes, len(labels) - 1)], names.astype(object)


def repeated_keys(patient: np.ndarray, day: np.ndarray, variable: np.ndarray) -> np.ndarray:
    """Mask of rows whose integer-coded (patient, day, variable) occurs more than once.

    The three codes are packed into one int64 and sorted once (no multi-column string hash);
    days must lie in :data:`DAY_RANGE` (others are clipped, and reported separately).
    """
    if len(patient) == 0:
        return np.zeros(0, dtype=bool)
    span = DAY_RANGE[1] - DAY_RANGE[0] + 1
    n_var = int(variable.max()) + 1
    key = (patient.astype(np.int64) * span + (np.clip(day, *DAY_RANGE) - DAY_RANGE[0])) * n_var + variable
    ordered = np.sort(key)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    return np.isin(key, repeated) if len(repeated) else np.zeros(len(key), dtype=bool)


def _duplicate_measurements(out: pd.DataFrame, file: str, cols: dict, valid: pd.Series) -> list[Problem]:
    """Rows repeating a (patient, day, variable) of the same file; conflicting values named."""
    keys = ["patient_id", "day", "variable"]
    ok = valid.to_numpy() & out["day"].notna().to_numpy()
    dup = np.zeros(len(out), dtype=bool)
    dup[ok] = repeated_keys(pd.factorize(out["patient_id"][ok])[0], out["day"][ok].to_numpy(dtype="int64"),
                            pd.factorize(out["variable"][ok])[0])
    if not dup.any():
        return []
    rows = out[dup]
    n_values = rows.groupby(keys, sort=False, dropna=False)["value"].transform("nunique")
    return [Problem(("conflicting values" if n > 1 else "repeated row") + " for the same "
                    f"(patient {pid}, day {d}, variable {var})", file=file, row=int(r),
                    column=cols["value"], value=v, expected="one value per patient, day and variable")
            for r, pid, d, var, v, n in zip(_row_number(rows.index), rows["patient_id"], rows["day"],
                                            rows["variable"], rows["value"], n_values)]


def _day_date_problems(frame: pd.DataFrame, out: pd.DataFrame, date_column: str, day_column: str,
                       file: str, missing: list[str]) -> list[Problem]:
    """Days must agree with calendar dates: ``date - day`` is the same anchor (Day 0) per patient.

    So Day 7 dated before Day 0, or two rows of one patient whose day offsets disagree with
    their dates, are reported. The dates themselves never reach the canonical tables.
    """
    require_columns(frame, [date_column], file)
    dates, problems = parse_dates(frame[date_column], file=file, column=date_column, missing=missing)
    anchor = dates - pd.to_timedelta(out["day"].astype("float64"), unit="D")
    ok = anchor.notna().to_numpy()
    first = anchor[ok].groupby(out["patient_id"][ok], sort=False).transform("first")
    bad = first.index[(anchor[ok] != first).to_numpy()]
    problems += [Problem(f"day {d} is dated {dt.date()}, inconsistent with the patient's other rows "
                         f"(Day 0 = {a.date()})", file=file, row=int(r), column=day_column, value=int(d),
                         expected="day = date - Day 0 date for every row of a patient (Day 7 after Day 0)")
                 for r, d, dt, a in zip(_row_number(bad), out["day"][bad], dates[bad], first[bad])]
    return problems


def ingest_site(site: str, spec: dict, config: dict, base_dir: Path = Path(".")) -> CanonicalTables:
    """Read and map every source of one site; raise one :class:`InputError` listing all problems."""
    variables = config["variables"]
    missing = config.get("missing_values", ["", "NA"])
    spellings = config.get("unit_spellings")
    limits = config.get("input_limits", {})
    patients: pd.DataFrame | None = None
    measurements, treatments, provenance, problems = [], [], [], []
    for source in spec["sources"]:
        file = source["path"]
        frame = read_raw_table(base_dir / file, fmt=source.get("format"),
                               encoding=source.get("encoding", "utf-8"),
                               separator=source.get("separator", ","), sheet=source.get("sheet", 0),
                               max_bytes=limits.get("max_bytes", DEFAULT_MAX_BYTES))
        max_rows = limits.get("max_rows", DEFAULT_MAX_ROWS)
        if len(frame) > max_rows:
            raise InputError(f"Too many rows in {file}", [Problem(
                f"{len(frame)} data rows, above the limit of {max_rows}", file=file,
                expected="split the file, or raise `input_limits.max_rows`")])
        frame = apply_identifier_policy(frame, source, file)
        problems += scan_identifiers(frame, file, declared=_declared_columns(source),
                                     value_scan_skip=_numeric_columns(source, variables))
        if source["table"] == "patients":
            part, treat, probs = ingest_patient_source(frame, source, variables, file, missing)
            problems += probs
            patients = _merge_patient_parts(patients, part, file, problems)
            if treat is not None:
                treatments.append(treat)
            provenance += [(v, file, bool(source.get("synthetic", False))) for v in source.get("columns", {})]
        else:
            part, probs = ingest_measurement_source(frame, source, variables, file, missing, spellings)
            problems += probs
            measurements.append(part)
            provenance += [(v, file, bool(source.get("synthetic", False)))
                           for v in sorted(part["variable"].dropna().unique())]
    if patients is not None:
        known = pd.Index(patients["patient_id"].dropna().unique())
        for source, part in zip([s for s in spec["sources"] if s["table"] == "measurements"], measurements):
            orphan = known.get_indexer(part["patient_id"]) < 0
            problems += [Problem("measurement for a patient absent from the site's patient files",
                                 file=source["path"], row=int(r), column=source["id_column"], value=v,
                                 expected="a patient id listed in a `table: patients` source of this site")
                         for r, v in zip(part["_row"][orphan], part["patient_id"][orphan])]
    measurements = [part.drop(columns="_row") for part in measurements]
    if problems:
        raise InputError(f"{len(problems)} problem(s) in the raw data of site {site!r}", problems)
    if patients is None:
        raise ConfigError(f"Site {site!r} has no patient-level source",
                          [Problem("every site needs a `table: patients` source",
                                   column=f"sites/{site}/sources")])
    patients.insert(1, "site", pd.Series(site, index=patients.index, dtype="string"))
    meas = (pd.concat(measurements, ignore_index=True) if measurements
            else pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
                ["patient_id", "day", "variable", "value", "unit"],
                ["string", "Int64", "string", "float64", "string"])}))
    meas.insert(1, "site", pd.Series(site, index=meas.index, dtype="string"))
    treat = (pd.concat(treatments, ignore_index=True) if treatments
             else pd.DataFrame({"patient_id": pd.Series(dtype="string"),
                                "line": pd.Series(dtype="int64"),
                                "agent": pd.Series(dtype="string")}))
    treat.insert(1, "site", pd.Series(site, index=treat.index, dtype="string"))
    sources = pd.DataFrame(provenance, columns=["variable", "file", "synthetic"])
    sources.insert(0, "site", site)
    return CanonicalTables(patients.reset_index(drop=True), meas[MEASUREMENT_COLUMNS],
                           treat[TREATMENT_COLUMNS], sources)


def _declared_columns(source: dict) -> set[str]:
    """Columns the config has already classified: identifiers (after the policy) and dates."""
    return set(source.get("identifiers") or {}) | ({source["date_column"]} if "date_column" in source else set())


def _numeric_columns(source: dict, variables: dict) -> set[str]:
    """Columns typed as numbers (or, in long files, joined to the patients) whose values are not
    scanned for identifiers: a non-number there is already an error, and an identifier that
    parses as a number (a 13-digit NIR) falls outside every plausible range."""
    if source["table"] != "measurements":
        return {m["column"] for v, m in source.get("columns", {}).items()
                if "map" not in m and variables.get(v, {}).get("kind") in ("continuous", "count")}
    return {source[k] for k in ("id_column", "day_column", "value_column") if k in source}


def _merge_patient_parts(current: pd.DataFrame | None, part: pd.DataFrame, file: str,
                         problems: list[Problem]) -> pd.DataFrame:
    """Join a patient-level source onto the first one; unknown patients are problems."""
    if current is None:
        return part
    overlap = sorted(set(current.columns) & set(part.columns) - {"patient_id"})
    if overlap:
        raise ConfigError("A variable is mapped by two sources", [
            Problem("variable already provided by an earlier source", file=file, column=v)
            for v in overlap])
    orphans = ~part["patient_id"].isin(current["patient_id"])
    problems += [Problem("patient not present in the site's first patient file", file=file,
                         row=int(r), column="patient id", value=v,
                         expected="a patient id listed in the first patient source")
                 for r, v in zip(_row_number(part.index[orphans]), part["patient_id"][orphans])]
    return current.merge(part, on="patient_id", how="left", validate="one_to_one") \
        if not part["patient_id"].duplicated().any() else current


def merge_sites(parts: list[CanonicalTables]) -> CanonicalTables:
    """Concatenate per-site canonical tables (patient ids must be unique across sites)."""
    def cat(frames: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    return CanonicalTables(
        cat([p.patients for p in parts]), cat([p.measurements for p in parts]),
        cat([p.treatments for p in parts]), cat([p.sources for p in parts]))
