"""Pandera validation of the canonical tables, all errors at once (lazy).

Fixed columns are :class:`pandera.pandas.DataFrameModel` classes; the study's own variables
(ranges, categories, dtypes) are added from the config at run time. Cross-table rules
(every measurement's patient exists, one value per patient x day x variable, plausible values
per variable) are pandera checks too. A failure becomes one :class:`ValidationFailed` whose
problems name the raw file, the patient, the column, the value and the rule broken.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from .errors import Problem, ValidationFailed
from .ingest import CanonicalTables

DAY_RANGE = (-365, 3650)


class PatientsModel(pa.DataFrameModel):
    """One row per patient; study variables are added from the config."""

    patient_id: Series[pd.StringDtype] = pa.Field(unique=True, nullable=False)
    site: Series[pd.StringDtype] = pa.Field(nullable=False)

    class Config:
        strict = False


class MeasurementsModel(pa.DataFrameModel):
    """Long measurements in canonical units."""

    patient_id: Series[pd.StringDtype] = pa.Field(nullable=False)
    site: Series[pd.StringDtype] = pa.Field(nullable=False)
    day: Series[pd.Int64Dtype] = pa.Field(ge=DAY_RANGE[0], le=DAY_RANGE[1], nullable=False)
    variable: Series[pd.StringDtype] = pa.Field(nullable=False)
    value: Series[float] = pa.Field(nullable=True)
    unit: Series[pd.StringDtype] = pa.Field(nullable=False)

    class Config:
        strict = True
        unique = ["patient_id", "day", "variable"]


class TreatmentsModel(pa.DataFrameModel):
    """One row per agent per treatment line."""

    patient_id: Series[pd.StringDtype] = pa.Field(nullable=False)
    site: Series[pd.StringDtype] = pa.Field(nullable=False)
    line: Series[int] = pa.Field(ge=1, le=20)
    agent: Series[pd.StringDtype] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True


_DTYPES = {"binary": "boolean", "continuous": "Float64", "count": "Float64",
           "categorical": "string", "text": "string"}


def patients_schema(variables: dict) -> pa.DataFrameSchema:
    """PatientsModel plus one column per patient-level study variable (dtype, range, categories)."""
    columns = {}
    for name, spec in variables.items():
        if spec["table"] != "patients":
            continue
        checks = []
        if "range" in spec:
            checks.append(pa.Check.in_range(*spec["range"], error=f"plausible range {spec['range']}"))
        if spec["kind"] == "categorical" and "categories" in spec:
            checks.append(pa.Check.isin(spec["categories"], error=f"one of {spec['categories']}"))
        columns[name] = pa.Column(_DTYPES[spec["kind"]], checks, nullable=True, required=False)
    return PatientsModel.to_schema().add_columns(columns)


def measurements_schema(variables: dict, patient_ids: pd.Series) -> pa.DataFrameSchema:
    """MeasurementsModel plus: declared variable, known patient, value in the variable's range."""
    meas_vars = {k: v for k, v in variables.items() if v["table"] == "measurements"}
    lo = {k: v.get("range", [-np.inf, np.inf])[0] for k, v in meas_vars.items()}
    hi = {k: v.get("range", [-np.inf, np.inf])[1] for k, v in meas_vars.items()}
    for k, v in meas_vars.items():
        if v["kind"] == "binary":
            lo[k], hi[k] = 0.0, 1.0
    known = set(patient_ids.astype(str))

    def in_variable_range(df: pd.DataFrame) -> pd.Series:
        low = df["variable"].map(lo).astype("float64")
        high = df["variable"].map(hi).astype("float64")
        return df["value"].isna() | ((df["value"] >= low) & (df["value"] <= high))

    base = MeasurementsModel.to_schema().update_columns({
        "variable": {"checks": [pa.Check.isin(sorted(meas_vars), error="a declared measurement variable")]},
        "patient_id": {"checks": [pa.Check.isin(sorted(known), error="a patient in the patients table")]},
    })
    return pa.DataFrameSchema(
        base.columns, unique=base.unique, strict=base.strict, name="measurements",
        checks=[pa.Check(in_variable_range, error="value within the variable's plausible range")])


_CHECK_TEXT = {"multiple_fields_uniqueness": "one value per patient, day and variable",
               "field_uniqueness": "each patient id once"}


def _expected(check: str, variable: str | None, variables: dict) -> str:
    check = _CHECK_TEXT.get(check, check)
    spec = variables.get(variable or "", {})
    if "plausible range" in check and "range" in spec:
        lo, hi = spec["range"]
        return f"{variable} within [{lo}, {hi}] {spec.get('unit', '')}".rstrip()
    return check


def _problems(exc: pa.errors.SchemaErrors, table: str, frame: pd.DataFrame,
              sources: pd.DataFrame, variables: dict) -> list[Problem]:
    """Pandera failure cases -> one located problem per (row, check); raw file looked up per variable."""
    file_of = dict(zip(sources["variable"], sources["file"])) if len(sources) else {}
    out, seen = [], set()
    for case in exc.failure_cases.to_dict("records"):
        idx, column, check = case["index"], case["column"], str(case["check"])
        key = (idx, column if case["schema_context"] == "Column" else None, check)
        if key in seen:
            continue
        seen.add(key)
        row = frame.loc[idx] if idx is not None and not pd.isna(idx) and idx in frame.index else None
        long_table = row is not None and "variable" in frame.columns
        variable = row["variable"] if long_table else column
        value = case["failure_case"]
        if long_table and case["schema_context"] != "Column":
            value = row["value"]
        where = ""
        if row is not None:
            where = f" (patient {row['patient_id']}" + (f", day {row['day']})" if "day" in frame.columns else ")")
        if hasattr(value, "item"):
            value = value.item()
        out.append(Problem(f"{table}: fails '{_CHECK_TEXT.get(check, check)}'{where}",
                           file=file_of.get(variable, f"canonical table '{table}'"),
                           column=None if variable is None else str(variable), value=value,
                           expected=_expected(check, variable, variables)))
    return out


def validate_tables(tables: CanonicalTables, variables: dict) -> CanonicalTables:
    """Validate all canonical tables lazily; raise :class:`ValidationFailed` listing every failure."""
    problems: list[Problem] = []
    checks = [
        ("patients", tables.patients, patients_schema(variables)),
        ("measurements", tables.measurements, measurements_schema(variables, tables.patients["patient_id"])),
        ("treatments", tables.treatments, TreatmentsModel.to_schema()),
    ]
    for name, frame, schema in checks:
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            problems += _problems(exc, name, frame, tables.sources, variables)
    orphan_treat = ~tables.treatments["patient_id"].isin(tables.patients["patient_id"])
    problems += [Problem("treatment line for a patient not in the patients table",
                         column="patient_id", value=v) for v in tables.treatments["patient_id"][orphan_treat]]
    if problems:
        raise ValidationFailed(f"Validation failed: {len(problems)} problem(s); no analysis was run",
                               problems)
    return tables


def validation_report(error: ValidationFailed | None, tables: CanonicalTables | None) -> str:
    """Markdown report: the problems, or the table sizes that passed."""
    if error is not None:
        lines = ["# Validation failed", "", error.summary, "",
                 "| # | file | column | value | problem |", "|---|---|---|---|---|"]
        lines += [f"| {i} | {p.file or ''} | {p.column or ''} | {p.value!r} | {p.message}; expected {p.expected} |"
                  for i, p in enumerate(error.problems, 1)]
        return "\n".join(lines) + "\n"
    assert tables is not None
    return ("# Validation passed\n\n"
            f"- patients: {len(tables.patients)} rows, {tables.patients.shape[1]} columns\n"
            f"- measurements: {len(tables.measurements)} rows\n"
            f"- treatments: {len(tables.treatments)} rows\n")
