"""Validation of the long measurements table by vectorised numpy checks (no pandera).

The table can hold ~16 M rows, where pandera's per-check overhead dominates; the rules are
those of :class:`MeasurementsModel` plus the study's variables (see
:func:`measurement_problems`). Used per site by :func:`retrocohort.validate.canonical.validate_site`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from retrocohort.errors import Problem
from retrocohort.ingest.repeated import FIRST_ROWS, by_label
from retrocohort.ingest.sources import DAY_RANGE, plausible_bounds, repeated_keys


class MeasurementsModel(pa.DataFrameModel):
    """Long measurements in canonical units."""

    patient_id: Series[pd.StringDtype] = pa.Field(nullable=False)
    site: Series[pd.StringDtype] = pa.Field(nullable=False)
    day: Series[pd.Int64Dtype] = pa.Field(
        nullable=False
    )  # within the study's day_range: measurement_problems
    variable: Series[pd.StringDtype] = pa.Field(nullable=False)
    value: Series[float] = pa.Field(nullable=True)
    unit: Series[pd.StringDtype] = pa.Field(nullable=False)

    class Config:
        strict = True
        unique = ["patient_id", "day", "variable"]


def _located(mask: np.ndarray, frame: pd.DataFrame, check: str, file_of: dict, expected) -> list[Problem]:
    """One problem per variable failing ``check``, counting every failing row (the canonical
    table has no raw file row: the first rows are shown as patient, day and value)."""
    if not mask.any():
        return []
    failing = frame.loc[mask, ["patient_id", "day", "variable", "value"]]
    codes, names = pd.factorize(failing["variable"], use_na_sentinel=False)
    problems: list[Problem] = []
    for i, var in enumerate(names):
        rows = failing[codes == i]
        first = rows.head(FIRST_ROWS)
        problems += by_label(
            f"measurements: fails '{check}'",
            file=file_of.get(var, "canonical table 'measurements'"),
            column=str(var),
            cases=[
                (f"patient {pid}, day {day}", None if pd.isna(val) else float(val))
                for pid, day, val in zip(first["patient_id"], first["day"], first["value"])
            ],
            expected=expected(var),
            n=len(rows),
        )
    return problems


def category_positions(values: pd.Series, categories: pd.Index) -> np.ndarray:
    """Position of each value in ``categories`` (-1 when absent or missing), via one factorize."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = categories.get_indexer(pd.Index(uniques, dtype=object))
    return np.where(codes >= 0, lookup[codes] if len(lookup) else -1, -1)


def measurement_problems(
    meas: pd.DataFrame,
    variables: dict,
    patient_ids: pd.Series,
    sources: pd.DataFrame,
    day_range: tuple[int, int] = DAY_RANGE,
) -> list[Problem]:
    """Vectorised checks of the long measurements table (no per-row Python, no pandera).

    Columns and dtypes exactly as :class:`MeasurementsModel`; no missing keys; day within
    ``day_range`` (the study's, default :data:`DAY_RANGE`); a declared measurement variable; a patient of the patients table
    (no orphan measurements); one value per (patient, day, variable); the value within the
    variable's plausible range (binary: 0/1). Keys are integer-coded once (``factorize``) so
    uniqueness is one sort of an int64 array, not a multi-column hash of strings.
    """
    file_of = dict(zip(sources["variable"], sources["file"])) if len(sources) else {}
    expected_cols = list(MeasurementsModel.to_schema().columns)
    if list(meas.columns) != expected_cols:
        return [
            Problem(
                "measurements: wrong columns",
                column=", ".join(map(str, meas.columns)),
                expected=", ".join(expected_cols),
            )
        ]
    meas_vars = sorted(k for k, v in variables.items() if v["table"] == "measurements")
    lo = np.array([plausible_bounds(variables[v])[0] for v in meas_vars] + [np.nan])
    hi = np.array([plausible_bounds(variables[v])[1] for v in meas_vars] + [np.nan])
    var_code = category_positions(meas["variable"], pd.Index(meas_vars))
    pid_code = category_positions(meas["patient_id"], pd.Index(patient_ids.dropna().unique()))
    day = meas["day"].to_numpy(dtype="float64", na_value=np.nan)
    value = meas["value"].to_numpy(dtype="float64", na_value=np.nan)
    problems: list[Problem] = []

    def rng_text(var: str) -> str:
        spec = variables.get(var, {})
        if "range" in spec:
            return f"{var} within [{spec['range'][0]}, {spec['range'][1]}] {spec.get('unit', '')}".rstrip()
        return "0 or 1" if spec.get("kind") == "binary" else "a plausible value"

    nulls = meas[["patient_id", "site", "variable", "unit"]].isna().any(axis=1).to_numpy() | np.isnan(day)
    problems += _located(
        nulls, meas, "no missing key", file_of, lambda v: "patient, site, day, variable, unit all present"
    )
    first_day, last_day = day_range
    bad_day = ~np.isnan(day) & ((day < first_day) | (day > last_day))
    within = f"day within [{first_day}, {last_day}]"
    problems += _located(bad_day, meas, within, file_of, lambda v: f"{within} (config key day_range)")
    problems += _located(
        var_code < 0,
        meas,
        "a declared measurement variable",
        file_of,
        lambda v: "one of " + ", ".join(meas_vars),
    )
    problems += _located(
        pid_code < 0,
        meas,
        "a patient in the patients table",
        file_of,
        lambda v: "a patient_id present in the site's patient file (orphan measurement)",
    )
    low, high = lo[var_code], hi[var_code]
    with np.errstate(invalid="ignore"):
        out_of_range = (var_code >= 0) & ~np.isnan(value) & ((value < low) | (value > high))
    problems += _located(out_of_range, meas, "value within the variable's plausible range", file_of, rng_text)
    keyed = (pid_code >= 0) & (var_code >= 0) & ~np.isnan(day)
    dup = np.zeros(len(meas), dtype=bool)
    dup[keyed] = repeated_keys(pid_code[keyed], day[keyed].astype(np.int64), var_code[keyed])
    if dup.any():
        problems += _located(
            dup,
            meas,
            "one value per patient, day and variable",
            file_of,
            lambda v: "one value per patient, day and variable",
        )
    return problems
