"""Missing per-patient values as parameters, applied to a study's published medians [IQR].

For every published median / median [IQR] of a patient-level column that has missing values
in the cohort, and whose printed or implied denominator counts those patients (so the paper
summarised a value we cannot read, e.g. an illegible "###" cell), run
:func:`retrocohort.audit.regen.unknowns.missing_value_report`: the statistic with the missing
values excluded, its attainable range with them free within the variable's plausible range,
and, for one missing value, the exact set of values that print as published (per quartile and
jointly). Subgroup medians and the p-value between two subgroups (published ``groups:``) get
the same treatment over their primary memberships; the Mann-Whitney p is a rank statistic,
solved piece by piece for one missing value. Each record lists the published entries whose
value rests on the missing patients.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from retrocohort.audit.checks.quantile_checks import QUANTILE_P
from retrocohort.audit.published import PublishedNumber, PublishedStudy
from retrocohort.audit.regen.groups import MW_VARIANTS, members, memberships, outcome_values
from retrocohort.audit.regen.regenerated import (
    AuditData,
    definitions_for,
    describe,
    is_synthetic,
    resolve_inputs,
)
from retrocohort.audit.regen.unknowns import (
    MissingReport,
    Target,
    intersect_sets,
    mann_whitney_p_stat,
    missing_value_report,
    quantile_stat,
)


def _intervals(ivs: Any) -> list[str]:
    return [str(iv) for iv in ivs] if ivs is not None else []


def _may_hold(group: str, patients: list[str], study: PublishedStudy, data: AuditData) -> bool:
    """Whether a subgroup's primary membership holds (or, undefined, may hold) a patient."""
    defs = memberships(group, study, data)
    if not defs or defs[0][1] is None:
        return True  # membership unknown: the subgroup number may rest on them
    return bool(set(patients) & set(members(defs[0][1])))


def dependent_entries(
    study: PublishedStudy, data: AuditData, variable: str, patients: list[str]
) -> list[str]:
    """Published entries of ``variable`` whose value rests on ``patients``: whole-cohort ones, and
    subgroup ones (and p-values between subgroups) whose primary membership holds one of them
    or is not defined."""
    by_id, out = study.by_id(), []
    for e in study.numbers:
        if e.variable != variable or e.timepoint:
            continue
        groups = [e.group] if e.group else [by_id[c].group for c in e.compares if by_id[c].group]
        if not groups or any(_may_hold(g, patients, study, data) for g in groups if g):
            out.append(e.id)
    return sorted(out)


def _record(
    e: PublishedNumber,
    variable: str,
    missing: list,
    bounds: tuple,
    rep: MissingReport,
    synthetic: bool,
    depends: list[str],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "entry_id": e.id,
        "variable": variable,
        "printed": e.printed,
        "missing_patients": [str(p) for p in missing],
        "bounds": [float(b) for b in bounds],
        **extra,
        "synthetic": synthetic,
        "depends": depends,
        "targets": [
            {
                "statistic": t.statistic,
                "printed": t.printed,
                "decimals": t.decimals,
                "excluded_value": t.excluded_value,
                "excluded_matches": list(t.excluded_rules),
                "attainable_range": list(t.attainable_range),
                "solutions": _intervals(t.solutions),
                "feasible": t.feasible,
            }
            for t in rep.targets
        ],
        "joint_solutions": _intervals(rep.joint),
        "feasible": rep.feasible,
    }


def _quantile_targets(e: PublishedNumber, qtype: int) -> list[Target]:
    keys = [k for k in ("median", "q1", "q3") if k in e.values]
    return [Target(quantile_stat(QUANTILE_P[k], qtype, k), e.values[k], e.decimals[k]) for k in keys]


def _p_alternatives(e: PublishedNumber, defs: list, bounds: tuple, data: AuditData) -> list[dict[str, Any]]:
    """The printed p under every Mann-Whitney variant and pair of membership definitions (one
    missing value): attainable range and the missing value's solution set (Interval objects in
    ``joint``, dropped before output)."""
    out = []
    for d1, f1, _, _ in defs[0]:
        for d2, f2, _, _ in defs[1]:
            if f1 is None or f2 is None:
                continue
            samples = [outcome_values(e.variable, f, data) for f in (f1, f2)]
            gaps = [s[s.isna()].index for s in samples]
            if sum(map(len, gaps)) != 1:
                continue
            side = 0 if len(gaps[0]) else 1
            for name, kw in MW_VARIANTS:
                stat = mann_whitney_p_stat(samples[1 - side].dropna().tolist(), name=name, **kw)
                try:
                    rep = missing_value_report(
                        samples[side].tolist(), [Target(stat, e.values["p"], e.decimals["p"])], bounds=bounds
                    )  # type: ignore[arg-type]
                except ValueError:  # variant undefined for some value (all tied: zero null variance)
                    continue
                t = rep.targets[0]
                out.append(
                    {
                        "method": f"{name}; {describe(d1)} vs {describe(d2)}",
                        "attainable_range": list(t.attainable_range),
                        "solutions": _intervals(t.solutions),
                        "joint": rep.joint,
                    }
                )
    return out


def group_unknown_analyses(
    study: PublishedStudy, data: AuditData, ranges: Mapping[str, tuple[float, float]]
) -> list[dict[str, Any]]:
    """Subgroup medians and subgroup p-values whose primary members include missing values.

    With one missing value shared by several of these numbers, each record also gives the
    values reproducing all of them at once (``joint_all_solutions``), and a p-value record the
    same under every Mann-Whitney variant and pair of membership definitions (``alternatives``).
    """
    out, by_id = [], study.by_id()
    joints: dict[str, tuple[tuple[str, ...], Any]] = {}
    alternatives: dict[str, list[dict[str, Any]]] = {}
    for e in study.numbers:
        if e.variable not in data.frame.columns:
            continue
        bounds = tuple(ranges.get(e.variable, (-math.inf, math.inf)))
        if e.group and e.statistic in ("median", "median_iqr"):
            defs = memberships(e.group, study, data)
            if not defs or defs[0][1] is None:
                continue
            values = outcome_values(e.variable, defs[0][1], data)
            missing = [str(p) for p in values[values.isna()].index]
            if not missing:
                continue
            qtype = e.quantile_type or data.quantile_type
            rep = missing_value_report(values.tolist(), _quantile_targets(e, qtype), bounds=bounds)  # type: ignore[arg-type]
            out.append(
                _record(
                    e,
                    e.variable,
                    missing,
                    bounds,
                    rep,
                    is_synthetic(resolve_inputs([e.variable, *defs[0][2]], data), data),
                    dependent_entries(study, data, e.variable, missing),
                    quantile_type=qtype,
                    subgroup=e.group,
                )
            )
        elif e.statistic == "p_value" and e.design == "unpaired":
            groups = [by_id[c].group for c in e.compares if by_id[c].group]
            defs = [memberships(g, study, data) for g in groups if g]
            if len(defs) != 2 or not all(d and d[0][1] is not None for d in defs):
                continue
            samples = [outcome_values(e.variable, d[0][1], data) for d in defs]
            gaps = [[str(p) for p in s[s.isna()].index] for s in samples]
            if sum(map(len, gaps)) != 1:
                continue  # the rank statistic is solved for exactly one missing value
            side = 0 if gaps[0] else 1
            stat = mann_whitney_p_stat(
                samples[1 - side].dropna().tolist(), name="Mann-Whitney p (exact with ties)", method="exact"
            )
            rep = missing_value_report(
                samples[side].tolist(), [Target(stat, e.values["p"], e.decimals["p"])], bounds=bounds
            )  # type: ignore[arg-type]
            out.append(
                _record(
                    e,
                    e.variable,
                    gaps[side],
                    bounds,
                    rep,
                    is_synthetic(resolve_inputs([e.variable, *defs[0][0][2], *defs[1][0][2]], data), data),
                    dependent_entries(study, data, e.variable, gaps[side]),
                    subgroup=f"{groups[side]} vs {groups[1 - side]}",
                )
            )
            alternatives[e.id] = _p_alternatives(e, defs, bounds, data)
        if out and out[-1]["entry_id"] == e.id:
            joints[e.id] = (tuple(out[-1]["missing_patients"]), rep.joint)
    for rec in out:  # values of the missing entry reproducing every subgroup number at once
        who = joints[rec["entry_id"]][0]
        others = [j for i, (w, j) in joints.items() if w == who and i != rec["entry_id"]]
        if others and len(who) == 1:
            rec["jointly_with"] = [i for i, (w, _) in joints.items() if w == who and i != rec["entry_id"]]
            rec["joint_all_solutions"] = _intervals(_intersect_all([joints[rec["entry_id"]][1], *others]))
        if rec["entry_id"] in alternatives:
            medians = [j for i, (w, j) in joints.items() if w == who and i != rec["entry_id"]]
            rec["alternatives"] = [
                {
                    **{k: v for k, v in a.items() if k != "joint"},
                    "with_subgroup_medians": _intervals(_intersect_all([a["joint"], *medians])),
                }
                for a in alternatives[rec["entry_id"]]
            ]
    return out


def _intersect_all(sets: list) -> tuple:
    both = sets[0] or ()
    for other in sets[1:]:
        both = intersect_sets(both, other or ())
    return both


def unknown_value_analyses(
    study: PublishedStudy, data: AuditData, ranges: Mapping[str, tuple[float, float]]
) -> list[dict[str, Any]]:
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
        bounds = tuple(ranges.get(column, (-math.inf, math.inf)))
        rep = missing_value_report(series.tolist(), _quantile_targets(e, qtype), bounds=bounds)  # type: ignore[arg-type]
        out.append(
            _record(
                e,
                column,
                missing,
                bounds,
                rep,
                is_synthetic(resolve_inputs([column], data), data),
                dependent_entries(study, data, e.variable, [str(p) for p in missing]),
                quantile_type=qtype,
            )
        )
    return out


def describe_unknown(rec: Mapping[str, Any]) -> str:
    """One plain sentence for a record of :func:`unknown_value_analyses`."""
    who = ", ".join(rec["missing_patients"])
    parts = []
    for t in rec["targets"]:
        lo, hi = t["attainable_range"]
        sol = " ∪ ".join(t["solutions"]) if t["solutions"] else "none"
        parts.append(
            f"{t['statistic']} {t['printed']:g}: attainable {lo:g}–{hi:g}"
            + (f", missing value in {sol}" if len(rec["missing_patients"]) == 1 else "")
            + ("" if t["feasible"] else " (NOT attainable)")
        )
    joint = (
        "; no value of the missing entry reproduces all of them"
        if not rec["feasible"]
        else "; consistent values: " + (" ∪ ".join(rec["joint_solutions"]) or "see targets")
    )
    where = f" (subgroup {rec['subgroup']})" if rec.get("subgroup") else ""
    return (
        f"{rec['variable']} of patient(s) {who} unknown; {rec['entry_id']} ({rec['printed']!r}){where} "
        f"treats it as a parameter in [{rec['bounds'][0]:g}, {rec['bounds'][1]:g}]: "
        + "; ".join(parts)
        + joint
        + ". Published numbers depending on it: "
        + ", ".join(rec["depends"])
        + "."
        + (
            f" Together with {', '.join(rec['jointly_with'])}: "
            + (
                " ∪ ".join(rec["joint_all_solutions"])
                if rec["joint_all_solutions"]
                else "no value of the missing entry reproduces all of them"
            )
            + "."
            if rec.get("jointly_with")
            else ""
        )
        + _alternatives_text(rec)
    )


def _alternatives_text(rec: Mapping[str, Any]) -> str:
    alts = rec.get("alternatives") or []
    if not alts:
        return ""
    hit = [a for a in alts if a["solutions"]]
    joint = [a for a in hit if a["with_subgroup_medians"]]
    return (
        f" Other tests and groupings ({len(alts)}): the printed p is attainable under {len(hit)}"
        + (
            " ("
            + "; ".join(f"{a['method']}: missing value in {' ∪ '.join(a['solutions'])}" for a in hit)
            + ")"
            if hit
            else ""
        )
        + (
            f", together with the subgroup medians under {len(joint)}: "
            + "; ".join(f"{a['method']}: {' ∪ '.join(a['with_subgroup_medians'])}" for a in joint)
            if joint
            else ", never together with the subgroup medians"
        )
        + "."
    )
