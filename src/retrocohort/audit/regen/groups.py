"""Subgroup numbers of a published paper regenerated from the pipeline's group comparisons.

A published entry with ``group: <name>`` (a subgroup median) or a p-value comparing two such
entries is regenerated from the subgroup memberships declared under ``groups:`` in the
published file (first definition primary, the others named alternatives). When the primary
membership is ``equals: {variable, value}`` and a configured group comparison (config
``groups:``, or ``tables.groups`` declared ``kind: comparison``) has the same outcome, group variable and value, its numbers in
``results/stats/groups.json`` are the configured values (the pipeline's own result); the audit
also recomputes every definition from the per-patient data and notes any disagreement.
p-values: the configured Mann-Whitney test, then the exact conditional null with ties and the
normal approximation without and with continuity correction, each by
:func:`retrocohort.stats.two_sample.mann_whitney`, for every pair of definitions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.analysis.groups import group_key
from retrocohort.analysis.presets import DEFAULT_EXACT_MAX_N
from retrocohort.audit.published import Definition, PublishedNumber, PublishedStudy
from retrocohort.audit.regen.regen_definitions import definition_series, describe
from retrocohort.audit.regen.regen_model import (
    AuditData,
    Method,
    Regenerated,
    quantile_type_name,
    resolve_inputs,
    summary_methods,
)
from retrocohort.stats.two_sample import mann_whitney

GROUPS_FILE = "results/stats/groups.json"
MW_VARIANTS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("Mann-Whitney U, exact conditional null with ties", dict(method="exact")),
    (
        "Mann-Whitney U, normal approximation without continuity correction",
        dict(method="asymptotic", correction=False),
    ),
    (
        "Mann-Whitney U, normal approximation with continuity correction",
        dict(method="asymptotic", correction=True),
    ),
)


def memberships(
    name: str, study: PublishedStudy, data: AuditData
) -> list[tuple[Definition, pd.Series | None, tuple[str, ...], str | None]]:
    """(definition, yes/no per patient or None, inputs, reason) per definition of a subgroup."""
    return [(d, *definition_series(d, data)) for d in study.groups.get(name, ())]


def members(flags: pd.Series) -> list[str]:
    """Patients whose membership is true (unknown membership is not membership)."""
    return [str(p) for p in flags[flags.fillna(False).astype(bool)].index]


def outcome_values(variable: str, flags: pd.Series, data: AuditData) -> pd.Series:
    """The outcome of the members, NaN where unknown, indexed by patient."""
    ids = members(flags)
    return pd.to_numeric(data.frame.loc[ids, variable], errors="coerce").astype("float64")


def configured_comparison(
    d: Definition, outcome: str, data: AuditData
) -> tuple[Mapping[str, Any], str] | None:
    """(config group comparison, group value) whose outcome, group variable and value match an
    ``equals`` membership, else None."""
    if d.op != "equals":
        return None
    value = group_key(d.arg["value"])
    for spec in data.group_specs:
        if (
            spec["outcome"] == outcome
            and spec["group_variable"] == d.arg["variable"]
            and value in {str(k) for k in spec.get("groups", {})}
        ):
            return spec, str(value)
    return None


def _row(
    data: AuditData, comparison: str, role: str, group_value: str | None = None
) -> Mapping[str, Any] | None:
    for r in data.group_rows:
        if (
            r.get("comparison") == comparison
            and r.get("role") == role
            and (group_value is None or str(r.get("group_value")) == group_value)
        ):
            return r
    return None


def _differs(a: Mapping[str, float], b: Mapping[str, float]) -> list[str]:
    return [k for k in a if k in b and not np.isclose(a[k], b[k], rtol=1e-12, atol=0)]


def _missing_note(values: pd.Series) -> list[str]:
    gone = values[values.isna()].index.tolist()
    return [f"{len(gone)} member(s) with no value: " + ", ".join(map(str, gone))] if gone else []


def group_summary(
    entry: PublishedNumber, study: PublishedStudy, data: AuditData, types: Sequence[int]
) -> Regenerated:
    """A subgroup median (or median [IQR]) under every membership definition (module doc)."""
    defs = memberships(entry.group or "", study, data)
    if not defs:
        return Regenerated(
            entry.id,
            missing=f"subgroup '{entry.group}' is not declared under `groups:` in the published file",
        )
    keys = tuple(entry.values)
    methods: list[Method] = []
    inputs: set[str] = set()
    reasons, labels, notes = [], [], []
    n = None
    for i, (d, flags, ins, why) in enumerate(defs):
        if flags is None:
            reasons.append(why or "not computable")
            continue
        label, primary = describe(d), i == 0
        values = outcome_values(entry.variable, flags, data)
        x = values.dropna().to_numpy()
        if x.size == 0:
            reasons.append(f"{label}: no member has a value of {entry.variable}")
            continue
        own = summary_methods(
            x, keys, data.quantile_type, types, label="" if primary else label, configured=primary
        )
        if primary:
            n = int(x.size)
            notes += _missing_note(values)
            found = configured_comparison(d, entry.variable, data)
            row = _row(data, found[0]["id"], "summary", found[1]) if found else None
            if row is not None:
                stored = {k: float(row[k]) for k in keys if row.get(k) is not None}
                methods.append(
                    Method(
                        f"{quantile_type_name(data.quantile_type)}; configured group "
                        f"comparison '{found[0]['id']}' ({GROUPS_FILE})",
                        stored,
                        True,
                    )
                )
                recomputed, own = own[0].values, own[1:]
                if int(row.get("n", n)) != n:
                    notes.append(f"{GROUPS_FILE} n = {row.get('n')} differs from the audit's {n}")
                if _differs(stored, recomputed):
                    notes.append(
                        f"{GROUPS_FILE} "
                        + ", ".join(f"{k} = {stored[k]:.6g}" for k in stored)
                        + " differs from the audit's recomputation "
                        + ", ".join(f"{k} = {v:.6g}" for k, v in recomputed.items())
                    )
            else:
                notes.append("no configured group comparison matches this subgroup; computed by the audit")
        methods += own
        inputs |= set(resolve_inputs([*ins, entry.variable], data))
        labels.append(label)
    if not methods:
        return Regenerated(entry.id, missing="; ".join(reasons))
    if not methods[0].configured:
        notes.append("primary definition not computable: " + "; ".join(reasons))
    return Regenerated(
        entry.id,
        tuple(methods),
        None,
        tuple(sorted(inputs)),
        n,
        f"subgroup {entry.group}: " + " | ".join(labels),
        tuple(notes),
    )


def mann_whitney_variants(xa: np.ndarray, xb: np.ndarray, suffix: str, notes: list[str]) -> list[Method]:
    """Every Mann-Whitney variant of ``MW_VARIANTS`` defined on these samples. A variant the
    stats layer refuses (e.g. a normal approximation of all-tied samples, whose null variance
    is zero) is left out and named in ``notes`` (as the signed-rank variants of
    :func:`retrocohort.audit.regen.regen_paired.signed_rank_methods`), never a crash."""
    out = []
    for name, kw in MW_VARIANTS:
        try:
            out.append(Method(name + suffix, {"p": float(mann_whitney(xa, xb, **kw).p_value)}))
        except ValueError as exc:
            notes.append(f"{name}{suffix}: not computed ({exc})")
    return out


def _configured_test(
    d1: Definition, d2: Definition, outcome: str, data: AuditData
) -> tuple[Mapping[str, Any], Mapping[str, Any] | None, bool] | None:
    """(configured comparison of both primary memberships, its test row if written, whether
    ``d1`` is its second group), else None."""
    a, b = configured_comparison(d1, outcome, data), configured_comparison(d2, outcome, data)
    if a is None or b is None or a[0]["id"] != b[0]["id"] or a[1] == b[1]:
        return None
    return a[0], _row(data, a[0]["id"], "test"), list(a[0]["groups"]).index(a[1]) == 1


def group_p(
    entry: PublishedNumber, study: PublishedStudy, data: AuditData, group_names: Sequence[str]
) -> Regenerated:
    """An unpaired p between two subgroups: configured test, then named Mann-Whitney variants
    for every pair of membership definitions (module doc)."""
    if len(group_names) != 2:
        return Regenerated(entry.id, missing=f"compares {len(group_names)} subgroups; two are needed")
    sides = [memberships(g, study, data) for g in group_names]
    if not all(sides):
        undeclared = [g for g, s in zip(group_names, sides) if not s]
        return Regenerated(
            entry.id,
            missing="subgroup(s) "
            + ", ".join(undeclared)
            + " not declared under `groups:` in the published file",
        )
    methods: list[Method] = []
    notes: list[str] = []
    inputs: set[str] = set()
    n = None
    found = _configured_test(sides[0][0][0], sides[1][0][0], entry.variable, data)
    if found is not None and found[2]:  # samples in the configured order, as the stored test
        sides = sides[::-1]
    for i, (d1, f1, in1, why1) in enumerate(sides[0]):
        for j, (d2, f2, in2, why2) in enumerate(sides[1]):
            if f1 is None or f2 is None:
                notes.append(f"{describe(d1)} vs {describe(d2)}: {why1 or why2}")
                continue
            a = outcome_values(entry.variable, f1, data)
            b = outcome_values(entry.variable, f2, data)
            primary = i == 0 and j == 0
            both = sorted(set(members(f1)) & set(members(f2)), key=lambda p: (len(p), p))
            suffix = "" if primary else f"; {describe(d1)} vs {describe(d2)}"
            if both:
                notes.append(f"{describe(d1)} vs {describe(d2)}: patient(s) {', '.join(both)} in both groups")
            xa, xb = a.dropna().to_numpy(), b.dropna().to_numpy()
            if xa.size == 0 or xb.size == 0:
                notes.append(f"{describe(d1)} vs {describe(d2)}: a group has no value")
                continue
            if primary:
                n = int(xa.size + xb.size)
                notes.append(f"group sizes {xa.size} and {xb.size} ({describe(d1)}; {describe(d2)})")
                notes += _missing_note(pd.concat([a, b]))
                if found is not None and found[1] is not None and found[1].get("p_value") is not None:
                    row = found[1]
                    methods.append(
                        Method(
                            f"{row['test']} as configured, comparison '{found[0]['id']}' "
                            f"({GROUPS_FILE}): {row['method']}",
                            {"p": float(row["p_value"])},
                            True,
                        )
                    )
                    exact_max_n = int(found[0]["exact_max_n"])  # a loaded study: schema default filled
                    mine = mann_whitney(
                        xa, xb, method="auto", exact_max_n=exact_max_n, exact_with_ties=True, correction=True
                    ).p_value
                    if not np.isclose(mine, float(row["p_value"]), rtol=1e-9, atol=0):
                        notes.append(
                            f"{GROUPS_FILE} p = {float(row['p_value']):.6g} differs from the audit's "
                            f"recomputation {mine:.6g}"
                        )
                else:
                    notes.append(
                        "no configured group comparison matches these subgroups; the configured "
                        "test is taken as the pipeline's default (Mann-Whitney, exact with ties "
                        f"up to {DEFAULT_EXACT_MAX_N} per group)"
                    )
                    res = mann_whitney(
                        xa,
                        xb,
                        method="auto",
                        exact_max_n=DEFAULT_EXACT_MAX_N,
                        exact_with_ties=True,
                        correction=True,
                    )
                    methods.append(
                        Method(f"Mann-Whitney U, pipeline default: {res.method}", {"p": res.p_value}, True)
                    )
            methods += mann_whitney_variants(xa, xb, suffix, notes)
            inputs |= set(resolve_inputs([*in1, *in2, entry.variable], data))
    if not methods:
        return Regenerated(entry.id, missing="; ".join(notes) or "no computable membership")
    return Regenerated(
        entry.id,
        tuple(methods),
        None,
        tuple(sorted(inputs)),
        n,
        f"{entry.variable}: subgroup {group_names[0]} vs {group_names[1]}",
        tuple(notes),
    )
