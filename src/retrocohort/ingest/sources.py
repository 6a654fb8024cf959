"""Map one site's raw files into the canonical tables, as the study config declares.

Canonical tables (everything downstream reads only these):

* ``patients``: one row per patient: ``patient_id``, ``site`` and one column per
  patient-level variable (nullable dtypes: ``boolean``, ``Float64``, ``string``);
* ``measurements``: long: ``patient_id, site, day, variable, value, unit`` with values in the
  variable's canonical unit;
* ``treatments``: ``patient_id, site, line, agent`` (one row per agent per treatment line);
* ``events``: long: ``patient_id, site, day, event, status, file, row`` (one row per patient and
  event, from ``table: events`` sources: :mod:`retrocohort.ingest.events`);
* ``sources``: which raw file (and whether it is synthetic) each variable came from.

Values are typed column by column, vectorised; every cell that cannot be typed, mapped or
converted is reported with file, row (1-based, header = row 1), column, value and expectation.
Cell typing lives in :mod:`retrocohort.ingest.cells`, long measurement files in
:mod:`retrocohort.ingest.measurements`, treatment lines in :mod:`retrocohort.ingest.treatments`;
their public names are re-exported here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from retrocohort.config.agents import agent_vocabulary, named_agents
from retrocohort.config.paths import resolve_inside
from retrocohort.config.time_points import day_range
from retrocohort.errors import ConfigError, InputError, Problem
from retrocohort.ingest.cells import (
    FORMULA_PATTERN,
    map_values,
    parse_dates,
    parse_numbers,
    patient_ids,
    plausible_bounds,
    range_problems,
    row_number,
    stripped_categories,
    text_values,
)
from retrocohort.ingest.events import (
    baseline_source,
    concat_events,
    empty_events,
    ingest_event_source,
    orphan_problems,
)
from retrocohort.ingest.measurements import (
    DAY_RANGE,
    MEASUREMENT_COLUMNS,
    ingest_measurement_source,
    repeated_keys,
)
from retrocohort.ingest.policies import Adjustment, check_policies, set_out_of_range_missing
from retrocohort.ingest.repeated import aggregate, repeated, summary
from retrocohort.ingest.repeats import declared, patient_repeats, refused_patient_ids
from retrocohort.ingest.screening import screen_source
from retrocohort.ingest.treatments import TREATMENT_COLUMNS, parse_treatment_lines
from retrocohort.io.raw import ROW_ID_COLUMN, read_raw_table, require_columns, with_row_ids

__all__ = [  # the workflow, validation, the HScore sheet and tests import these from here
    "DAY_RANGE",
    "FORMULA_PATTERN",
    "MEASUREMENT_COLUMNS",
    "TREATMENT_COLUMNS",
    "CanonicalTables",
    "ingest_measurement_source",
    "ingest_patient_source",
    "ingest_site",
    "map_values",
    "merge_sites",
    "parse_dates",
    "parse_numbers",
    "parse_treatment_lines",
    "plausible_bounds",
    "range_problems",
    "repeated_keys",
    "stripped_categories",
    "text_values",
]

#: Codes of a binary patient column without a `map:` (any other cell, 0.5 or "yes", is an error).
BINARY_CODES = {"1": True, "0": False}


@dataclass
class CanonicalTables:
    """The canonical tables of one site (or of all sites once merged)."""

    patients: pd.DataFrame
    measurements: pd.DataFrame
    treatments: pd.DataFrame
    sources: pd.DataFrame
    #: values changed by declared policies (:meth:`retrocohort.ingest.policies.Adjustment.record`)
    adjustments: list[dict] = dataclasses.field(default_factory=list)
    #: long events (:data:`retrocohort.ingest.events.EVENT_COLUMNS`)
    events: pd.DataFrame = dataclasses.field(default_factory=empty_events)


def _typed(values: pd.Series, kind: str) -> pd.Series:
    if kind == "binary":
        return values.astype("boolean")
    if kind in ("continuous", "count"):
        return values.astype("Float64")
    return values.astype("string")


def ingest_patient_source(
    frame: pd.DataFrame,
    source: dict,
    variables: dict,
    file: str,
    missing: list[str],
    agents: Mapping[str, str] | None = None,
    derived_agents: Collection[str] = (),
    spellings: Mapping[str, str] | None = None,
    adjustments: list[Adjustment] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame | None, list[Problem]]:
    """One patient-level raw file -> (patients columns, treatments or None, problems).

    The source's ``duplicates``/``conflicts`` and each variable's ``out_of_range`` policy are
    applied by :mod:`retrocohort.ingest.policies`; the values they change are appended to
    ``adjustments`` (when given).

    ``agents`` (folded spelling -> code) and ``derived_agents`` are passed to
    :func:`retrocohort.ingest.treatments.parse_treatment_lines`; ``spellings`` (the study's
    ``unit_spellings``) extend the accepted unit spellings of ``columns: {var: {unit: ...}}``, as
    they do for measurement files.
    """
    # pint's registry (~0.3 s): not needed by the merge/validate jobs
    from retrocohort.ingest.units import SIGNIFICANT_DIGITS, convert, located_unit_problems

    mapping = source.get("columns", {})
    id_col = source["id_column"]
    treat = source.get("treatments")
    require_columns(
        frame, [id_col] + [m["column"] for m in mapping.values()] + ([treat["column"]] if treat else []), file
    )
    ids, problems = patient_ids(frame, id_col, file, missing)
    problems += [
        dataclasses.replace(p, message="spreadsheet formula as a patient id", expected="a plain identifier")
        for p in text_values(ids, file=file, column=id_col, missing=missing)[1]
    ]
    check_policies(source, variables, file)
    if not declared(source):
        problems += refused_patient_ids(ids, file, id_col)
    changed: list[Adjustment] = []
    out = pd.DataFrame({"patient_id": ids})
    for var, spec in mapping.items():
        vspec = variables[var]
        raw = frame[spec["column"]]
        if "map" in spec or vspec["kind"] == "binary":
            values, probs = map_values(
                raw,
                spec.get("map", BINARY_CODES),
                file=file,
                column=spec["column"],
                missing=missing,
                key_hint=f", or add the code under `columns: {{{var}: {{map: ...}}}}` of this source",
            )
        elif vspec["kind"] in ("continuous", "count"):
            values, probs = parse_numbers(
                raw,
                file=file,
                column=spec["column"],
                missing=missing,
                decimal=source["decimal"],
                integer=vspec["kind"] == "count",
                percent=spec.get("unit", vspec.get("unit")) == "%",
            )
            if "unit" in spec and "unit" not in vspec:
                problems.append(
                    Problem(
                        f"a raw unit is declared for {var}, which has no canonical unit to convert to",
                        file=file,
                        column=spec["column"],
                        value=spec["unit"],
                        expected=f"`variables: {{{var}: {{unit: ...}}}}` (the unit values are converted to), "
                        f"or no `unit:` under `columns: {{{var}: ...}}` of this source",
                    )
                )
            elif "unit" in spec:
                try:
                    converted = convert(
                        values.to_numpy(),
                        spec["unit"],
                        vspec["unit"],
                        molar_mass=vspec.get("molar_mass"),
                        spellings=spellings,
                        significant=SIGNIFICANT_DIGITS,
                    )
                except InputError as exc:
                    problems += located_unit_problems(exc, file, spec["column"], var)
                    continue
                values = pd.Series(converted, index=values.index)
            numbers = values.to_numpy(dtype="float64", na_value=np.nan)
            checked, dropped = set_out_of_range_missing(numbers, var, variables, file)
            changed += dropped
            values = pd.Series(checked, index=values.index) if dropped else values
            probs += range_problems(checked, var, variables, raw, file=file, column=spec["column"])
        else:
            values, probs = text_values(raw, file=file, column=spec["column"], missing=missing)
        problems += probs
        out[var] = _typed(values, vspec["kind"])
    if declared(source):
        out, probs, merged = patient_repeats(
            out,
            frame[treat["column"]] if treat else None,
            source,
            [v for v in mapping if variables[v]["kind"] in ("continuous", "count")],
            file,
        )
        problems += probs
        changed += merged
        ids = ids[out.index]
    if adjustments is not None:
        adjustments += changed
    treatments = None
    if treat:
        treatments, probs = parse_treatment_lines(
            frame[treat["column"]][ids.index],
            ids,
            file=file,
            column=treat["column"],
            missing=missing,
            vocabulary=agents,
            named=derived_agents,
        )
        problems += probs
    return out, treatments, problems


def ingest_site(site: str, spec: dict, config: dict, base_dir: Path = Path(".")) -> CanonicalTables:
    """Read and map every source of one site; raise one :class:`InputError` listing all problems.

    ``config`` is a loaded study's (:func:`retrocohort.config.study.load_study`): the reading
    options (``missing_values``, ``input_limits``, each source's ``encoding``, ``separator``,
    ``decimal``, ``hidden_rows``) are the study's or the schema's defaults, filled at load."""
    variables = config["variables"]
    missing = config["missing_values"]
    spellings = config.get("unit_spellings")
    limits = config["input_limits"]
    patients: pd.DataFrame | None = None
    measurements, treatments, provenance, problems = [], [], [], []
    events: list[tuple[dict, pd.DataFrame]] = []
    adjustments: list[Adjustment] = []
    for source in spec["sources"]:
        file = source["path"]
        frame = read_raw_table(
            resolve_inside(base_dir, file),
            fmt=source.get("format"),
            encoding=source["encoding"],
            separator=source["separator"],
            sheet=source.get("sheet"),
            max_bytes=limits["max_bytes"],
            decimal=source["decimal"],
            hidden_rows=source["hidden_rows"],
        )
        if source.get("id_from_row"):  # one row per patient, no id column: the row number
            frame, source = with_row_ids(frame), {**source, "id_column": ROW_ID_COLUMN}
        max_rows = limits["max_rows"]
        if len(frame) > max_rows:
            raise InputError(
                f"Too many rows in {file}",
                [
                    Problem(
                        f"{len(frame)} data rows, above the limit of {max_rows}",
                        file=file,
                        expected="split the file, or raise `input_limits.max_rows`",
                    )
                ],
            )
        frame, privacy = screen_source(frame, source, variables, file)
        problems += privacy
        if source["table"] == "patients":
            part, treat, probs = ingest_patient_source(
                frame,
                source,
                variables,
                file,
                missing,
                agent_vocabulary(config),
                [agent for _, agent in named_agents(config)],
                spellings,
                adjustments,
            )
            problems += probs
            patients = _merge_patient_parts(patients, part, file, problems)
            if treat is not None:
                treatments.append(treat)
            provenance += [(v, file, bool(source.get("synthetic", False))) for v in source.get("columns", {})]
        elif source["table"] == "events":
            part, probs = ingest_event_source(frame, source, file, missing)
            problems += probs
            events.append((source, part))
            if source.get("columns"):  # baseline columns repeated on every event row
                part, _, probs = ingest_patient_source(
                    frame, baseline_source(source), variables, file, missing, spellings=spellings
                )
                problems += probs
                patients = _merge_patient_parts(patients, part, file, problems)
                provenance += [(v, file, bool(source.get("synthetic", False))) for v in source["columns"]]
        else:
            part, probs = ingest_measurement_source(
                frame,
                source,
                variables,
                file,
                missing,
                spellings,
                day_range=day_range(config),
                adjustments=adjustments,
            )
            problems += probs
            measurements.append(part)
            provenance += [
                (v, file, bool(source.get("synthetic", False)))
                for v in sorted(part["variable"].dropna().unique())
            ]
    if patients is not None:
        known = pd.Index(patients["patient_id"].dropna().unique())
        for source, part in zip([s for s in spec["sources"] if s["table"] == "measurements"], measurements):
            orphan = known.get_indexer(part["patient_id"]) < 0
            problems += repeated(
                "measurement for a patient absent from the site's patient files",
                file=source["path"],
                column=source["id_column"],
                rows=part["_row"][orphan].to_numpy(),
                values=part["patient_id"][orphan],
                expected="a patient id listed in a `table: patients` source of this site",
            )
        for source, part in events:
            problems += orphan_problems(part, known, source)
    measurements = [part.drop(columns="_row") for part in measurements]
    if problems:
        problems = aggregate(problems)
        raise InputError(f"{summary(problems)} in the raw data of site {site!r}", problems)
    if patients is None:
        raise ConfigError(
            f"Site {site!r} has no patient-level source",
            [Problem("every site needs a `table: patients` source", column=f"sites/{site}/sources")],
        )
    patients.insert(1, "site", pd.Series(site, index=patients.index, dtype="string"))
    meas = (
        pd.concat(measurements, ignore_index=True)
        if measurements
        else pd.DataFrame(
            {
                c: pd.Series(dtype=t)
                for c, t in zip(
                    ["patient_id", "day", "variable", "value", "unit"],
                    ["string", "Int64", "string", "float64", "string"],
                )
            }
        )
    )
    meas.insert(1, "site", pd.Series(site, index=meas.index, dtype="string"))
    treat = (
        pd.concat(treatments, ignore_index=True)
        if treatments
        else pd.DataFrame(
            {
                "patient_id": pd.Series(dtype="string"),
                "line": pd.Series(dtype="int64"),
                "agent": pd.Series(dtype="string"),
            }
        )
    )
    treat.insert(1, "site", pd.Series(site, index=treat.index, dtype="string"))
    sources = pd.DataFrame(provenance, columns=["variable", "file", "synthetic"])
    sources.insert(0, "site", site)
    return CanonicalTables(
        patients.reset_index(drop=True),
        meas[MEASUREMENT_COLUMNS],
        treat[TREATMENT_COLUMNS],
        sources,
        [a.record(site) for a in adjustments],
        concat_events([part for _, part in events], site),
    )


def _merge_patient_parts(
    current: pd.DataFrame | None, part: pd.DataFrame, file: str, problems: list[Problem]
) -> pd.DataFrame:
    """Join a patient-level source onto the first one; unknown patients are problems."""
    if current is None:
        return part
    overlap = sorted(set(current.columns) & set(part.columns) - {"patient_id"})
    if overlap:
        raise ConfigError(
            "A variable is mapped by two sources",
            [Problem("variable already provided by an earlier source", file=file, column=v) for v in overlap],
        )
    orphans = ~part["patient_id"].isin(current["patient_id"])
    problems += repeated(
        "patient not present in the site's first patient file",
        file=file,
        column="patient id",
        rows=row_number(part.index[orphans]),
        values=part["patient_id"][orphans],
        expected="a patient id listed in the first patient source",
    )
    return (
        current.merge(part, on="patient_id", how="left", validate="one_to_one")
        if not part["patient_id"].duplicated().any()
        else current
    )


def merge_sites(parts: list[CanonicalTables]) -> CanonicalTables:
    """Concatenate per-site canonical tables (patient ids must be unique across sites)."""

    def cat(frames: list[pd.DataFrame]) -> pd.DataFrame:
        return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]

    return CanonicalTables(
        cat([p.patients for p in parts]),
        cat([p.measurements for p in parts]),
        cat([p.treatments for p in parts]),
        cat([p.sources for p in parts]),
        [a for p in parts for a in p.adjustments],
        cat([p.events for p in parts]),
    )
