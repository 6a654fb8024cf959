"""Ingest one long measurement file (patient, day, variable, value, unit) into canonical rows."""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
import pandas as pd

from retrocohort.config.time_points import schema_default
from retrocohort.errors import InputError, Problem
from retrocohort.ingest.cells import (
    missing_cells,
    parse_dates,
    parse_numbers,
    patient_ids,
    range_problems,
    row_number,
    stripped_categories,
)
from retrocohort.ingest.policies import Adjustment, check_policies, set_out_of_range_missing
from retrocohort.ingest.repeated import repeated, shown_value
from retrocohort.ingest.repeats import resolve_measurement_repeats
from retrocohort.io.raw import require_columns

MEASUREMENT_COLUMNS = ["patient_id", "site", "day", "variable", "value", "unit"]
#: Default plausible measurement days relative to diagnosis: the schema default of the study's
#: ``day_range`` (checked at ingestion and validation).
DAY_RANGE: tuple[int, int] = tuple(schema_default("day_range"))  # type: ignore[assignment]


def ingest_measurement_source(
    frame: pd.DataFrame,
    source: dict,
    variables: dict,
    file: str,
    missing: list[str],
    spellings: Mapping[str, str] | None = None,
    day_range: tuple[int, int] = DAY_RANGE,
    adjustments: list[Adjustment] | None = None,
) -> tuple[pd.DataFrame, list[Problem]]:
    """One long measurement file -> canonical long rows in canonical units, and problems.

    Days outside ``day_range`` (the study's ``day_range``, inclusive) are problems. Without a
    unit column, the source's ``units: {variable: unit}`` or ``unit:`` gives each row its raw
    unit. The source's ``duplicates``/``conflicts`` and each variable's ``out_of_range`` policy
    are applied by :mod:`retrocohort.ingest.policies`; the values they change are appended to
    ``adjustments`` (when given) as :class:`~retrocohort.ingest.policies.Adjustment`."""
    from retrocohort.ingest.units import (
        SIGNIFICANT_DIGITS,
        UNIT_SPELLINGS_HINT,
        convert,
        is_known_unit,
        unknown_unit_message,
    )

    check_policies(source, variables, file)
    cols = {k: source[f"{k}_column"] for k in ("day", "variable", "value", "unit") if f"{k}_column" in source}
    id_col = source["id_column"]
    require_columns(frame, [id_col] + list(cols.values()), file)
    ids, problems = patient_ids(frame, id_col, file, missing)
    names = source.get("variable_names") or {v: v for v in variables}
    raw_names = stripped_categories(frame[cols["variable"]])
    canon_of = {str(k): v for k, v in names.items()}
    canon = pd.Series(raw_names.map(canon_of, na_action="ignore"), index=frame.index).astype("string")
    var_raw = pd.Series(raw_names, index=frame.index)
    bad = canon.isna()
    problems += _per_value(
        "unknown measurement variable {name}",
        file=file,
        column=cols["variable"],
        mask=bad.to_numpy(dtype=bool),
        raw=var_raw,
        expected="one of " + ", ".join(repr(k) for k in names) + " (or name it under `variable_names:` of "
        "this source)",
    )
    is_meas = {k: variables.get(v, {}).get("table") == "measurements" for k, v in canon_of.items()}
    not_meas = canon.notna() & ~pd.Series(
        raw_names.map(is_meas, na_action="ignore"), index=frame.index
    ).astype("boolean").fillna(False)
    problems += _per_value(
        "variable {name} is not declared as a measurement",
        file=file,
        column=cols["variable"],
        mask=not_meas.to_numpy(dtype=bool),
        raw=var_raw,
        expected="table: measurements in config",
    )
    day, probs = parse_numbers(
        frame[cols["day"]], file=file, column=cols["day"], missing=missing, integer=True
    )
    problems += probs
    no_day = missing_cells(frame[cols["day"]], missing)
    problems += repeated(
        "missing day",
        file=file,
        column=cols["day"],
        rows=row_number(day.index[no_day]),
        expected="an integer day relative to diagnosis",
    )
    far = ((day < day_range[0]) | (day > day_range[1])).to_numpy(dtype=bool)
    problems += repeated(
        "day outside the study window",
        file=file,
        column=cols["day"],
        rows=row_number(day.index[far]),
        values=frame[cols["day"]][far],
        expected=f"an integer day within {list(day_range)} relative to diagnosis (config key `day_range`)",
    )
    unit_code, unit_names = _unit_codes(_raw_units(frame, cols, source, canon), len(frame))
    value, probs = parse_numbers(
        frame[cols["value"]],
        file=file,
        column=cols["value"],
        missing=missing,
        decimal=source["decimal"],
        percent=(unit_names == "%")[unit_code],
    )
    problems += probs
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
            problems += repeated(
                f"missing unit for {var}",
                file=file,
                column=cols.get("unit", "(no unit column)"),
                rows=row_number(pd.Index(idx)),
                expected=f"a unit convertible to {target!r}"
                + (
                    ""
                    if "unit" in cols
                    else " in a unit column named by `unit_column:` of this source, or a fixed unit "
                    f"declared by `units: {{{var}: ...}}` (or `unit:`) of this source"
                ),
            )
            continue
        if not is_known_unit(unit, spellings):
            problems += repeated(
                unknown_unit_message(unit, spellings),
                file=file,
                column=cols.get("unit"),
                rows=row_number(pd.Index(idx)),
                values=itertools.repeat(unit),
                expected=f"a unit convertible to {target!r}, {UNIT_SPELLINGS_HINT}",
            )
            continue
        try:
            converted[rows] = convert(
                converted[rows],
                unit,
                target,
                molar_mass=vspec.get("molar_mass"),
                spellings=spellings,
                significant=SIGNIFICANT_DIGITS,
            )
        except InputError as exc:
            problems += [
                q
                for p in exc.problems
                for q in repeated(
                    p.message,
                    file=file,
                    column=cols.get("unit") if p.column is None else p.column,
                    rows=row_number(pd.Index(idx)),
                    values=itertools.repeat(unit if p.value is None else p.value),
                    expected=p.expected,
                )
            ]
        out_units.append(vspec.get("unit", "1"))
        out_code[rows] = len(out_units) - 1
    out_unit = pd.Series(
        pd.array(np.asarray(out_units, dtype=object)[out_code], dtype="string"), index=frame.index
    )
    out = pd.DataFrame(
        {
            "patient_id": ids.astype("string"),
            "day": day.astype("Int64"),
            "variable": canon.astype("string"),
            "value": pd.Series(converted, index=frame.index, dtype="float64"),
            "unit": out_unit,
        }
    )
    converted_ok = valid.to_numpy() & (out_unit != "").to_numpy()
    checked, dropped = set_out_of_range_missing(
        np.where(converted_ok, converted, np.nan), canon.where(valid), variables, file
    )
    out["value"] = np.where(converted_ok, checked, out["value"].to_numpy())
    problems += range_problems(
        checked,
        canon.where(valid),
        variables,
        frame[cols["value"]],
        file=file,
        column=cols["value"],
    )
    keep, out["value"], probs, merged = resolve_measurement_repeats(
        out, valid.to_numpy() & out["day"].notna().to_numpy(), source, variables, file, cols["value"]
    )
    problems += probs
    if adjustments is not None:
        adjustments += dropped + merged
    out["_row"] = row_number(frame.index)
    if "date_column" in source:
        problems += _day_date_problems(frame, out, source["date_column"], cols["day"], file, missing)
    return out[valid.to_numpy() & keep].reset_index(drop=True), problems


def _raw_units(frame: pd.DataFrame, cols: dict, source: dict, canon: pd.Series) -> pd.Series | None:
    """The raw unit of each row: the unit column, else the source's fixed ``units:`` per
    variable (then ``unit:`` for the others), else None (no unit)."""
    if "unit" in cols:
        return frame[cols["unit"]]
    if "units" not in source and "unit" not in source:
        return None
    fixed = pd.Series(
        canon.map(source.get("units", {}), na_action="ignore"), index=frame.index, dtype="string"
    )
    return fixed.fillna(source["unit"]) if "unit" in source else fixed


def _per_value(
    message: str, *, file: str, column: str, mask: np.ndarray, raw: pd.Series, expected: str
) -> list[Problem]:
    """One :func:`repeated` problem per distinct raw value of the failing rows, the value named
    in the message at ``{name}`` (a long file's unknown variable names: each name once, every
    row counted)."""
    if not mask.any():
        return []
    failing = raw[mask].astype("string")
    codes, uniques = pd.factorize(failing, sort=False)
    rows = row_number(failing.index)
    return [
        p
        for i, name in enumerate(uniques)
        for p in repeated(
            message.format(name=repr(shown_value(name))),
            file=file,
            column=column,
            rows=rows[codes == i],
            values=itertools.repeat(name),
            expected=expected,
        )
    ]


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

    The three codes are packed into one int64 (days offset by their smallest value, so any
    day range packs) and sorted once (no multi-column string hash).
    """
    if len(patient) == 0:
        return np.zeros(0, dtype=bool)
    first = int(day.min())
    span = int(day.max()) - first + 1
    n_var = int(variable.max()) + 1
    key = (patient.astype(np.int64) * span + (day.astype(np.int64) - first)) * n_var + variable
    ordered = np.sort(key)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    return np.isin(key, repeated) if len(repeated) else np.zeros(len(key), dtype=bool)


def _day_date_problems(
    frame: pd.DataFrame, out: pd.DataFrame, date_column: str, day_column: str, file: str, missing: list[str]
) -> list[Problem]:
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
    problems += repeated(
        "day inconsistent with the patient's other rows (its date minus the day is not the patient's Day 0)",
        file=file,
        column=day_column,
        rows=row_number(bad),
        values=[
            f"day {d}, dated {(dt - a).days:+d} days from Day 0"
            for d, dt, a in zip(out["day"][bad], dates[bad], first[bad])
        ],
        expected="day = date - Day 0 date for every row of a patient (Day 7 after Day 0)",
    )
    return problems
