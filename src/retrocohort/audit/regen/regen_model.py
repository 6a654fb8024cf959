"""The audit's data model: the validated data it reads, and one entry's regenerated values.

:class:`AuditData` (built by :func:`build_audit_data` from the validated tables), :class:`Method`
(values under one named method) and :class:`Regenerated` (all methods of one entry, or why it
cannot be recomputed); provenance helpers (real vs synthetic inputs) and the quantile/count
summaries every regeneration module shares. Split out of ``regenerated`` (which re-exports it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.analysis.time_points import time_point_pairs
from retrocohort.audit.checks.quantile_checks import QUANTILE_P
from retrocohort.cohort.frames import baseline_frame
from retrocohort.config.study_groups import study_group_comparisons
from retrocohort.config.time_points import TimePoint, exact_day, worst_directions
from retrocohort.kinds.paired import spec_points
from retrocohort.stats.quantiles import quantile

DEFAULT_QUANTILE_TYPES = (2, 6, 7)
COUNT_STATS = ("count", "count_pct", "count_of_total", "percentage")
SUMMARY_STATS = ("median", "median_iqr", "mean", "mean_iqr")


@dataclass(frozen=True)
class AuditData:
    """The validated per-patient data of the selected cohort, as the audit reads them.

    ``frame``: one row per cohort patient (patient variables, baseline-day measurements, the
    HScore used and its HLH probability); ``table3``: the pipeline's main Table 3 row per
    variable; ``synthetic``: variables resting on synthetic files; ``source_files``: variable
    -> raw files it was read from; ``hscore_source``: column behind ``hscore_used``;
    ``group_specs``: the study's group comparisons (config ``groups:``, or ``tables.groups``
    declared ``kind: comparison``); ``group_rows``: their results (records of
    results/stats/groups.json).
    """

    frame: pd.DataFrame
    measurements: pd.DataFrame
    treatments: pd.DataFrame
    synthetic: frozenset[str]
    source_files: Mapping[str, tuple[str, ...]]
    table3: Mapping[str, Mapping[str, Any]]
    statistics: Mapping[str, Any]
    paired_days: tuple[int, int]
    #: the two paired time points (config ``paired_time_points``); None: the exact ``paired_days``
    time_points: tuple[TimePoint, TimePoint] | None = None
    #: variable -> ``worst`` direction (max|min), for the time point rule ``worst``
    worst: Mapping[str, str] = field(default_factory=dict)
    hscore_source: str = "hscore_reported"
    table1: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    group_specs: tuple[Mapping[str, Any], ...] = ()
    group_rows: tuple[Mapping[str, Any], ...] = ()

    @property
    def paired_points(self) -> tuple[TimePoint, TimePoint]:
        """The two paired time points (the exact ``paired_days`` when none are given)."""
        if self.time_points is not None:
            return self.time_points
        return exact_day(self.paired_days[0]), exact_day(self.paired_days[1])

    def paired_pairs(self, variable: str) -> pd.DataFrame:
        """One variable's pairs at the paired time points (columns before, after, before_day,
        after_day; index patient_id), as Table 3 computes them."""
        return time_point_pairs(self.measurements, [variable], self.paired_points, self.worst)[variable]

    @property
    def quantile_type(self) -> int:
        return int(self.statistics["quantile_type"])

    @property
    def rounding(self) -> str:
        return str(self.statistics["rounding"])


@dataclass(frozen=True)
class Method:
    """Values of one entry under one named method; ``configured`` marks the study's own."""

    name: str
    values: Mapping[str, float]
    configured: bool = False


@dataclass(frozen=True)
class Regenerated:
    """Everything the data say about one published entry.

    ``methods`` is empty and ``missing`` says why when the number cannot be recomputed.
    ``inputs`` are the variables the value rests on; ``n`` the patients (or pairs) used.
    """

    entry_id: str
    methods: tuple[Method, ...] = ()
    missing: str | None = None
    inputs: tuple[str, ...] = ()
    n: int | None = None
    definition: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)


def build_audit_data(
    *,
    cohort: Sequence[str],
    patients: pd.DataFrame,
    measurements: pd.DataFrame,
    treatments: pd.DataFrame,
    sources: pd.DataFrame,
    hscore: pd.DataFrame,
    table3_records: Sequence[Mapping[str, Any]],
    synthetic: set[str],
    config: Mapping[str, Any],
    table1: pd.DataFrame | None = None,
    group_records: Sequence[Mapping[str, Any]] = (),
) -> AuditData:
    """Restrict the validated tables to the cohort and assemble :class:`AuditData`."""
    keep = set(cohort)
    patients = patients[patients["patient_id"].isin(keep)].reset_index(drop=True)
    meas = measurements[measurements["patient_id"].isin(keep)]
    extra = hscore.set_index("patient_id")[
        [c for c in ("hscore_used", "hscore_probability_pct") if c in hscore.columns]
    ]
    frame = baseline_frame(patients, meas, int(config["baseline_day"]), extra=extra)
    files: dict[str, set[str]] = {}
    for rec in sources.to_dict("records"):
        files.setdefault(str(rec["variable"]), set()).add(str(rec["file"]))
    used = hscore["hscore_used_source"].dropna().unique().tolist() if "hscore_used_source" in hscore else []
    table3 = {str(r["variable"]): r for r in table3_records if r.get("role") == "main"}
    return AuditData(
        frame=frame,
        measurements=meas,
        treatments=treatments[treatments["patient_id"].isin(keep)],
        synthetic=frozenset(synthetic),
        source_files={k: tuple(sorted(v)) for k, v in sorted(files.items())},
        table3=table3,
        statistics=dict(config["statistics"]),
        paired_days=tuple(config["paired_days"]),  # type: ignore[arg-type]
        time_points=spec_points(config, config.get("tables", {}).get("table3", {})),  # the paired table's
        worst=worst_directions(config),
        hscore_source=str(used[0]) if len(used) == 1 else "recomputed",
        table1={}
        if table1 is None
        else {str(r["variable"]): r for r in table1.to_dict("records") if isinstance(r.get("variable"), str)},
        group_specs=tuple(study_group_comparisons(config)),  # top-level groups: or tables.groups
        group_rows=tuple(group_records),
    )


# --- provenance --------------------------------------------------------------------------------


def resolve_inputs(variables: Sequence[str], data: AuditData) -> tuple[str, ...]:
    """Variables a value rests on, with ``hscore_used``/``hscore_probability_pct`` replaced by
    the score column actually used (every source variable if the score was recomputed)."""
    out: set[str] = set()
    for v in variables:
        if v in ("hscore_used", "hscore_probability_pct"):
            out |= {data.hscore_source} if data.hscore_source != "recomputed" else set(data.source_files)
        else:
            out.add(v)
    return tuple(sorted(out))


def is_synthetic(inputs: Sequence[str], data: AuditData) -> bool:
    """True when any input variable rests on a synthetic file."""
    return any(v in data.synthetic for v in inputs)


def input_files(inputs: Sequence[str], data: AuditData) -> tuple[str, ...]:
    """Raw files behind the inputs (derived variables have none of their own)."""
    return tuple(sorted({f for v in inputs for f in data.source_files.get(v, ())}))


# --- statistics of a series under named methods -------------------------------------------------


def quantile_type_name(hf: int) -> str:
    return f"Hyndman–Fan type {hf}"


def summary_methods(
    x: np.ndarray,
    keys: Sequence[str],
    configured_type: int,
    types: Sequence[int],
    label: str = "",
    configured: bool = True,
) -> list[Method]:
    """Quantiles (and mean) of ``x`` under the configured Hyndman-Fan type, then ``types``."""
    out = []
    for hf in dict.fromkeys([configured_type, *types]):
        values = {}
        for k in keys:
            if k == "mean":
                values[k] = float(np.mean(x))
            else:
                values[k] = float(quantile(x, float(QUANTILE_P[k]), hf))
        name = quantile_type_name(hf) + (f"; {label}" if label else "")
        out.append(Method(name, values, configured and hf == configured_type))
    return out


def count_values(flags: pd.Series, keys: Sequence[str]) -> tuple[dict[str, float], int]:
    """count / total / pct of a boolean series over its non-missing values."""
    known = flags.dropna().astype(bool)
    den = int(len(known))
    count = int(known.sum())
    values = {"count": float(count), "total": float(den), "pct": 100.0 * count / den if den else float("nan")}
    return {k: values[k] for k in keys}, den
