"""Missing per-patient values as parameters, applied to a study's published medians [IQR].

For every published median / median [IQR] of a patient-level column that has missing values
in the cohort, and whose printed or implied denominator counts those patients (so the paper
summarised a value we cannot read, e.g. an illegible "###" cell), run
:func:`retrocohort.audit.unknowns.missing_value_report`: the statistic with the missing
values excluded, its attainable range with them free within the variable's plausible range,
and, for one missing value, the exact set of values that print as published (per quartile and
jointly). Every published entry using the same variable is listed as depending on it.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import pandas as pd

from retrocohort.audit.consistency import QUANTILE_P
from retrocohort.audit.published import PublishedStudy
from retrocohort.audit.regenerated import AuditData, definitions_for, is_synthetic, resolve_inputs
from retrocohort.audit.unknowns import Target, missing_value_report, quantile_stat


def _intervals(ivs: Any) -> list[str]:
    return [str(iv) for iv in ivs] if ivs is not None else []


def unknown_value_analyses(study: PublishedStudy, data: AuditData,
                           ranges: Mapping[str, tuple[float, float]]) -> list[dict[str, Any]]:
    """One record per (published median [IQR], column with missing values) pair; see module doc."""
    out = []
    for e in study.numbers:
        if e.statistic not in ("median", "median_iqr") or e.timepoint or e.group:
            continue
        defs = definitions_for(e, study)
        if defs[0].op != "variable" or defs[0].arg not in data.frame.columns:
            continue
        column = defs[0].arg
        series = pd.to_numeric(data.frame[column], errors="coerce").astype("float64")
        missing = series[series.isna()].index.tolist()
        if not missing or e.denominator != len(series):
            continue
        qtype = e.quantile_type or data.quantile_type
        keys = [k for k in ("median", "q1", "q3") if k in e.values]
        targets = [Target(quantile_stat(QUANTILE_P[k], qtype, k), e.values[k], e.decimals[k]) for k in keys]
        bounds = tuple(ranges.get(column, (-math.inf, math.inf)))
        rep = missing_value_report(series.tolist(), targets, bounds=bounds)  # type: ignore[arg-type]
        out.append({
            "entry_id": e.id, "variable": column, "printed": e.printed,
            "missing_patients": [str(p) for p in missing], "bounds": [float(b) for b in bounds],
            "quantile_type": qtype,
            "synthetic": is_synthetic(resolve_inputs([column], data), data),
            "depends": sorted(x.id for x in study.numbers if x.variable == e.variable),
            "targets": [{
                "statistic": t.statistic, "printed": t.printed, "decimals": t.decimals,
                "excluded_value": t.excluded_value, "excluded_matches": list(t.excluded_rules),
                "attainable_range": list(t.attainable_range),
                "solutions": _intervals(t.solutions), "feasible": t.feasible,
            } for t in rep.targets],
            "joint_solutions": _intervals(rep.joint), "feasible": rep.feasible,
        })
    return out


def describe_unknown(rec: Mapping[str, Any]) -> str:
    """One plain sentence for a record of :func:`unknown_value_analyses`."""
    who = ", ".join(rec["missing_patients"])
    parts = []
    for t in rec["targets"]:
        lo, hi = t["attainable_range"]
        sol = " ∪ ".join(t["solutions"]) if t["solutions"] else "none"
        parts.append(f"{t['statistic']} {t['printed']:g}: attainable {lo:g}–{hi:g}"
                     + (f", missing value in {sol}" if len(rec["missing_patients"]) == 1 else "")
                     + ("" if t["feasible"] else " (NOT attainable)"))
    joint = ("; no value of the missing entry reproduces all of them" if not rec["feasible"]
             else "; consistent values: " + (" ∪ ".join(rec["joint_solutions"]) or "see targets"))
    return (f"{rec['variable']} of patient(s) {who} unknown; {rec['entry_id']} ({rec['printed']!r}) "
            f"treats it as a parameter in [{rec['bounds'][0]:g}, {rec['bounds'][1]:g}]: "
            + "; ".join(parts) + joint + ". Published numbers depending on it: "
            + ", ".join(rec["depends"]) + ".")
