"""Validation of the canonical tables, all errors at once: per site, then across sites.

Fixed columns are :class:`pandera.pandas.DataFrameModel` classes; the study's own variables
(ranges, categories, dtypes) are added from the config at run time. Patients and treatments
are validated by pandera (lazily); the long measurements table (up to ~16 M rows) by
vectorised numpy checks with the same rules (:mod:`retrocohort.validate.measurements`: every
measurement's patient exists, one value per patient x day x variable, plausible values per
variable), because pandera's per-check overhead dominates at that size. :func:`validate_site`
runs in each site's job; :func:`cross_site_problems` (ids unique across sites, per-site scale
agreement) in the merge. A failure becomes one :class:`ValidationFailed` whose problems name the
raw file, the patient, the column, the value and the rule broken.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from retrocohort.errors import Problem, ValidationFailed
from retrocohort.ingest.repeated import (
    aggregate,
    by_label,
    count,
    first_rows,
    summary,
)
from retrocohort.ingest.sources import DAY_RANGE, CanonicalTables
from retrocohort.validate.measurements import category_positions, measurement_problems


class PatientsModel(pa.DataFrameModel):
    """One row per patient; study variables are added from the config."""

    patient_id: Series[pd.StringDtype] = pa.Field(unique=True, nullable=False)
    site: Series[pd.StringDtype] = pa.Field(nullable=False)

    class Config:
        strict = False


class TreatmentsModel(pa.DataFrameModel):
    """One row per agent per treatment line."""

    patient_id: Series[pd.StringDtype] = pa.Field(nullable=False)
    site: Series[pd.StringDtype] = pa.Field(nullable=False)
    line: Series[int] = pa.Field(ge=1, le=20)
    agent: Series[pd.StringDtype] = pa.Field(str_length={"min_value": 1})

    class Config:
        strict = True


_DTYPES = {
    "binary": "boolean",
    "continuous": "Float64",
    "count": "Float64",
    "categorical": "string",
    "text": "string",
}


def patients_schema(variables: dict) -> pa.DataFrameSchema:
    """PatientsModel plus one column per patient-level study variable (dtype, range, categories)."""
    columns = {}
    for name, spec in variables.items():
        if spec["table"] != "patients":
            continue
        checks = []
        if "range" in spec:
            checks.append(pa.Check.in_range(*spec["range"], error=f"plausible range {spec['range']}"))
        if spec["kind"] == "count":
            checks.append(pa.Check.ge(0, error="a non-negative count"))
        if spec["kind"] == "categorical" and "categories" in spec:
            checks.append(pa.Check.isin(spec["categories"], error=f"one of {spec['categories']}"))
        columns[name] = pa.Column(_DTYPES[spec["kind"]], checks, nullable=True, required=False)
    return PatientsModel.to_schema().add_columns(columns)


_CHECK_TEXT = {
    "multiple_fields_uniqueness": "one value per patient, day and variable",
    "field_uniqueness": "each patient id once",
}


def _expected(check: str, variable: str | None, variables: dict) -> str:
    check = _CHECK_TEXT.get(check, check)
    spec = variables.get(variable or "", {})
    if "plausible range" in check and "range" in spec:
        lo, hi = spec["range"]
        return f"{variable} within [{lo}, {hi}] {spec.get('unit', '')}".rstrip()
    return check


def _problems(
    exc: pa.errors.SchemaErrors, table: str, frame: pd.DataFrame, sources: pd.DataFrame, variables: dict
) -> list[Problem]:
    """Pandera failure cases -> one problem per (variable, check), counting every failing row
    (each (row, check) once) and showing the first rows as patient (and day) with the value;
    the raw file is looked up per variable."""
    file_of = dict(zip(sources["variable"], sources["file"])) if len(sources) else {}
    groups: dict[tuple, list[tuple[str, object]]] = {}
    seen = set()
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
            where = f"patient {row['patient_id']}" + (f", day {row['day']}" if "day" in frame.columns else "")
        groups.setdefault((variable, check), []).append((where, value))
    return [
        p
        for (variable, check), cases in groups.items()
        for p in by_label(
            f"{table}: fails '{_CHECK_TEXT.get(check, check)}'",
            file=file_of.get(variable, f"canonical table '{table}'"),
            column=None if variable is None else str(variable),
            cases=cases,
            expected=_expected(check, variable, variables),
        )
    ]


def validate_site(
    tables: CanonicalTables, variables: dict, day_range: tuple[int, int] = DAY_RANGE
) -> CanonicalTables:
    """Validate one site's canonical tables; raise :class:`ValidationFailed` listing every failure.

    Patients and treatments through pandera (lazy: all failures at once); measurements (the
    big table) through :func:`measurement_problems`.
    """
    problems: list[Problem] = []
    for name, frame, schema in (
        ("patients", tables.patients, patients_schema(variables)),
        ("treatments", tables.treatments, TreatmentsModel.to_schema()),
    ):
        try:
            schema.validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            problems += _problems(exc, name, frame, tables.sources, variables)
    problems += measurement_problems(
        tables.measurements, variables, tables.patients["patient_id"], tables.sources, day_range
    )
    orphan_treat = (
        category_positions(tables.treatments["patient_id"], pd.Index(tables.patients["patient_id"].dropna()))
        < 0
    )
    problems += aggregate(
        Problem("treatment line for a patient not in the patients table", column="patient_id", value=v)
        for v in tables.treatments["patient_id"][orphan_treat]
    )
    _raise_if(problems)
    return tables


#: Cross-site scale check: a variable whose per-site medians differ by this factor or more
#: (each site with at least SITE_MEDIAN_MIN_N values) is reported as a likely unit mismatch.
SITE_MEDIAN_RATIO = 5.0
SITE_MEDIAN_MIN_N = 3


def cross_site_problems(
    tables: CanonicalTables, variables: dict, site_medians: pd.DataFrame | None = None
) -> list[Problem]:
    """Checks only the merged cohort can make: patient ids unique across sites; per-site
    medians of each continuous measurement within a factor :data:`SITE_MEDIAN_RATIO` (a larger
    gap almost always means one site's raw unit is declared wrongly, e.g. mg/dL read as mmol/L).

    ``site_medians`` (from :func:`site_median_table`, computed in the per-site jobs) spares
    re-reading every site's measurements; without it they come from ``tables.measurements``.
    """
    pats = tables.patients
    dup = pats["patient_id"].duplicated(keep=False).to_numpy()
    problems = [
        Problem(
            "patient id appears in more than one site",
            column="patient_id",
            value=pid,
            file=f"site {site}",
            expected="ids unique across sites (prefix them per site)",
        )
        for pid, site in zip(pats["patient_id"][dup], pats["site"][dup])
    ]
    stats = (
        site_medians
        if site_medians is not None
        else _site_medians(tables.measurements, continuous_measurements(variables))
    )
    if stats.index.get_level_values("site").nunique() > 1:
        stats = stats[stats["size"] >= SITE_MEDIAN_MIN_N]
        file_of = dict(zip(tables.sources["variable"], tables.sources["file"])) if len(tables.sources) else {}
        for var, per_site in stats.groupby(level="variable", sort=True):
            med = per_site["median"].droplevel("variable")
            low, high = med.min(), med.max()
            if len(med) > 1 and low > 0 and high / low >= SITE_MEDIAN_RATIO:
                problems.append(
                    Problem(
                        f"site medians differ {high / low:.0f}-fold ("
                        + ", ".join(f"{s}: {m:g}" for s, m in med.items())
                        + f" {variables[var].get('unit', '')}"
                        + "): a raw unit is probably declared wrongly at one site",
                        file=file_of.get(var),
                        column=str(var),
                        value=f"{med.idxmax()} vs {med.idxmin()}",
                        expected=f"per-site medians within a factor {SITE_MEDIAN_RATIO:g} after unit conversion",
                    )
                )
    return problems


def continuous_measurements(variables: dict) -> pd.Index:
    """Names of the continuous measurement variables, sorted (the scale check's variables)."""
    return pd.Index(
        sorted(k for k, v in variables.items() if v["table"] == "measurements" and v["kind"] == "continuous")
    )


def site_median_records(meas: pd.DataFrame, variables: dict) -> list[dict]:
    """One site's (or several sites') medians for the scale check, as JSON-ready records:
    variable, site, median, size (number of non-missing values)."""
    stats = _site_medians(meas, continuous_measurements(variables))
    return [
        {"variable": v, "site": s, "median": float(m), "size": int(n)}
        for (v, s), m, n in zip(stats.index, stats["median"], stats["size"])
    ]


def site_median_table(records: list[dict]) -> pd.DataFrame:
    """Records of :func:`site_median_records` (all sites) as :func:`_site_medians`' frame."""
    frame = pd.DataFrame.from_records(records, columns=["variable", "site", "median", "size"])
    return frame.sort_values(["variable", "site"]).set_index(["variable", "site"])


def _site_medians(meas: pd.DataFrame, variables: pd.Index) -> pd.DataFrame:
    """Median and count of the non-missing values per (variable, site), sorted by both.

    Grouped on one int64 key built from the codes of the (few) variables and sites, not on two
    string or categorical columns of 10^7 rows."""
    var_code = category_positions(meas["variable"], variables)
    site_code, sites = pd.factorize(meas["site"], sort=True)
    value = meas["value"].to_numpy(dtype="float64", na_value=np.nan)
    keep = (var_code >= 0) & (site_code >= 0) & ~np.isnan(value)
    key = var_code[keep].astype(np.int64) * len(sites) + site_code[keep]
    stats = pd.Series(value[keep]).groupby(key, sort=True).agg(["median", "size"])
    stats.index = pd.MultiIndex.from_arrays(
        [variables[stats.index // len(sites)], pd.Index(sites, dtype=object)[stats.index % len(sites)]],
        names=["variable", "site"],
    )
    return stats


def validate_tables(
    tables: CanonicalTables, variables: dict, day_range: tuple[int, int] = DAY_RANGE
) -> CanonicalTables:
    """Per-site checks on every site of merged tables (measurement days within the study's
    ``day_range``), then the cross-site checks."""
    problems: list[Problem] = []
    for site in sorted(tables.patients["site"].unique()):
        part = CanonicalTables(
            *(
                t[t["site"] == site]
                for t in (tables.patients, tables.measurements, tables.treatments, tables.sources)
            )
        )
        try:
            validate_site(part, variables, day_range)
        except ValidationFailed as exc:
            problems += exc.problems
    problems += cross_site_problems(tables, variables)
    _raise_if(problems)
    return tables


def _raise_if(problems: list[Problem]) -> None:
    """Raise one :class:`ValidationFailed` with the problems aggregated (true totals)."""
    if problems:
        problems = aggregate(problems)
        raise ValidationFailed(f"Validation failed: {summary(problems)}; no analysis was run", problems)


def _cell(text: object) -> str:
    """A Markdown table cell: empty for None, pipes escaped, one line."""
    return "" if text is None else str(text).replace("|", "\\|").replace("\n", " ")


def validation_report(
    error: ValidationFailed | None,
    tables: CanonicalTables | None,
    measurement_rows: int | None = None,
    adjustments: list[dict] | None = None,
) -> str:
    """Markdown report: the problems, or the table sizes that passed (``measurement_rows``
    when the measurements were gathered as files, not loaded), then the values changed by
    declared policies (``adjustments``, records of
    :meth:`retrocohort.ingest.policies.Adjustment.record`), one row each with its count."""
    if error is not None:
        lines = [
            "# Validation failed",
            "",
            error.summary,
            "",
            "| # | file | column | rows | first rows (value) | problem |",
            "|---|---|---|---|---|---|",
        ]
        lines += [
            f"| {i} | {_cell(p.file)} | {_cell(p.column)} | {count(p):,} | {_cell(first_rows(p))} | "
            f"{_cell(p.message)}; expected {_cell(p.expected)} |"
            for i, p in enumerate(aggregate(error.problems), 1)
        ]
        return "\n".join(lines) + "\n"
    assert tables is not None
    return (
        "# Validation passed\n\n"
        f"- patients: {len(tables.patients)} rows, {tables.patients.shape[1]} columns\n"
        f"- measurements: {measurement_rows if measurement_rows is not None else len(tables.measurements)} rows\n"
        f"- treatments: {len(tables.treatments)} rows\n"
    ) + adjustments_section(adjustments or [])


def adjustments_section(adjustments: list[dict]) -> str:
    """Markdown section listing each value change a declared policy made (empty when none):
    site, file, variable, policy key and value, count, and the sentence tables footnote."""
    if not adjustments:
        return ""
    lines = [
        "",
        "## Values changed by declared policies",
        "",
        "| site | file | variable | policy | count | change |",
        "|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {_cell(a['site'])} | {_cell(a['file'])} | {_cell(a['variable'])} | {_cell(a['policy'])} | "
        f"{a['count']:,} | {_cell(a['sentence'])} |"
        for a in adjustments
    ]
    return "\n".join(lines) + "\n"
