"""Regenerate each published number from the validated per-patient data, under every method.

For one published entry this module returns the value(s) the pipeline computes under the
configured method first (Hyndman-Fan quantile type and tests from config ``statistics:``),
then under named alternatives: other quantile types, other definitions of the variable
(``regenerate:`` in the published file), other signed-rank / McNemar variants and unpaired
tests wrongly applied to paired margins. It also says which variables the value rests on, so
the audit can label it real (independent evidence) or synthetic, and, when the data cannot
produce the number, exactly what is missing. Comparison with the print is in ``compare``.

The data model lives in ``regen_model``, the evaluation of a published definition in
``regen_definitions``, the paired entries in ``regen_paired`` and the subgroup entries in
``groups``; their public names are re-exported here so existing imports keep working.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from retrocohort.audit.published import PublishedNumber, PublishedStudy
from retrocohort.audit.regen.groups import group_p, group_summary
from retrocohort.audit.regen.regen_definitions import definition_series, definitions_for, describe
from retrocohort.audit.regen.regen_model import (
    COUNT_STATS,
    DEFAULT_QUANTILE_TYPES,
    SUMMARY_STATS,
    AuditData,
    Method,
    Regenerated,
    build_audit_data,
    count_values,
    input_files,
    is_synthetic,
    quantile_type_name,
    resolve_inputs,
    summary_methods,
)
from retrocohort.audit.regen.regen_paired import mcnemar_methods, paired_p, paired_value, signed_rank_methods

__all__ = [
    "DEFAULT_QUANTILE_TYPES",
    "AuditData",
    "Method",
    "Regenerated",
    "build_audit_data",
    "count_values",
    "definition_series",
    "definitions_for",
    "describe",
    "input_files",
    "is_synthetic",
    "mcnemar_methods",
    "quantile_type_name",
    "regenerate_entry",
    "regenerate_study",
    "resolve_inputs",
    "signed_rank_methods",
    "summary_methods",
]


def _table1_differences(column: str, values: Mapping[str, float], data: AuditData) -> list[str]:
    """Notes where the pipeline's own Table 1 row (results/stats/table1.csv) disagrees."""
    row = data.table1.get(column)
    if row is None:
        return []
    return [
        f"pipeline Table 1 {k} = {float(row[k]):.6g} differs from the audit's {v:.6g}"
        for k, v in values.items()
        if k in row and pd.notna(row[k]) and not np.isclose(float(row[k]), v, rtol=1e-12, atol=0)
    ]


def _is_binary(s: pd.Series) -> bool:
    return str(s.dtype) in ("boolean", "bool")


def _patient_level(
    entry: PublishedNumber, study: PublishedStudy, data: AuditData, types: Sequence[int]
) -> Regenerated:
    keys = tuple(entry.values)
    methods: list[Method] = []
    inputs: set[str] = set()
    reasons, labels, notes = [], [], []
    n = None
    for i, d in enumerate(definitions_for(entry, study)):
        series, ins, why = definition_series(d, data)
        if series is None:
            reasons.append(why or "not computable")
            continue
        label = describe(d)
        primary = i == 0
        if entry.statistic in COUNT_STATS:
            if not _is_binary(series):
                reasons.append(f"{label} is not a yes/no variable, so it has no count")
                continue
            values, den = count_values(series, keys)
            methods.append(Method(label if not primary else f"{label} (primary definition)", values, primary))
            if primary:
                n = den
                if entry.denominator and den != entry.denominator:
                    notes.append(f"denominator {den} in the data vs {entry.denominator} printed or implied")
        else:
            x = pd.to_numeric(series, errors="coerce").astype("float64").dropna().to_numpy()
            if _is_binary(series) or x.size == 0:
                reasons.append(f"{label} has no numeric values")
                continue
            methods += summary_methods(
                x, keys, data.quantile_type, types, label="" if primary else label, configured=primary
            )
            if primary and d.op == "variable":
                notes += _table1_differences(d.arg, methods[0].values, data)
            if primary:
                n = int(x.size)
                missing = int(series.isna().sum())
                if missing:
                    notes.append(
                        f"{missing} patient(s) with no value: "
                        + ", ".join(map(str, series[series.isna()].index.tolist()))
                    )
        inputs |= set(resolve_inputs(ins, data))
        labels.append(label)
    if not methods:
        return Regenerated(entry.id, missing="; ".join(reasons) or "no definition")
    if not methods[0].configured:
        notes.append("primary definition not computable: " + "; ".join(reasons))
    return Regenerated(
        entry.id, tuple(methods), None, tuple(sorted(inputs)), n, " | ".join(labels), tuple(notes)
    )


# --- dispatch ---------------------------------------------------------------------------------


def regenerate_entry(
    entry: PublishedNumber,
    study: PublishedStudy,
    data: AuditData,
    types: Sequence[int] = DEFAULT_QUANTILE_TYPES,
) -> Regenerated:
    """Regenerate one published entry (see module docstring); never raises for missing data."""
    entries = study.by_id()
    if entry.statistic == "value":
        return Regenerated(
            entry.id, missing="a single reported value or setting, not a statistic of per-patient data"
        )
    if entry.statistic == "p_value":
        compared = [entries[c] for c in entry.compares]
        groups = sorted({c.group for c in compared if c.group})
        if entry.design == "paired" and compared and all(c.timepoint for c in compared):
            return paired_p(entry, data)
        if groups:
            return group_p(entry, study, data, [c.group for c in compared if c.group])
        return Regenerated(
            entry.id,
            missing=f"{entry.design or 'unstated'} comparison without per-patient data to recompute it",
        )
    if entry.group:
        return group_summary(entry, study, data, types)
    if entry.timepoint:
        return paired_value(entry, data, types)
    if entry.statistic in COUNT_STATS or entry.statistic in SUMMARY_STATS:
        return _patient_level(entry, study, data, types)
    return Regenerated(
        entry.id,
        missing=f"statistic '{entry.statistic}' is not recomputed from "
        "per-patient data (checked from the printed numbers alone)",
    )


def regenerate_study(
    study: PublishedStudy, data: AuditData | None, types: Sequence[int] = DEFAULT_QUANTILE_TYPES
) -> list[Regenerated]:
    """Every entry of a study in file order; a study without patient data (``data`` None, e.g.
    count-only) gets "not recomputable" rows saying so."""
    if data is None:
        return [Regenerated(e.id, missing="count-only study: no per-patient data") for e in study.numbers]
    return [regenerate_entry(e, study, data, types) for e in study.numbers]
