"""Published definitions evaluated on the validated per-patient data.

A published file's ``regenerate:`` and ``groups:`` entries name each variable or subgroup by a
:class:`~retrocohort.audit.published.Definition` (a column, ``equals``, ``all_of``/``any_of``
with Kleene logic, ``text_matches``, ``only_agent``, ``known``, ``cohort_size``). This module
turns one into a per-patient series and a human label; the per-entry regeneration
(:mod:`retrocohort.audit.regen.regenerated`) and the subgroup numbers (:mod:`retrocohort.audit.regen.groups`)
both build on it.
"""

from __future__ import annotations

import re

import pandas as pd

from retrocohort.audit.published import Definition, PublishedNumber, PublishedStudy
from retrocohort.audit.regen.regen_model import AuditData


def _need(frame: pd.DataFrame, column: str) -> str | None:
    return None if column in frame.columns else f"no column '{column}' in the validated data"


def definition_series(d: Definition, data: AuditData) -> tuple[pd.Series | None, tuple[str, ...], str | None]:
    """(per-patient values, input variables, reason when not computable) for one definition."""
    f = data.frame
    if d.op == "missing":
        return None, (), str(d.arg)
    if d.op == "cohort_size":
        return pd.Series(True, index=f.index, dtype="boolean"), ("patient_id",), None
    if d.op == "only_agent":
        tr = data.treatments
        only = tr.groupby("patient_id")["agent"].agg(lambda a: bool((a == d.arg).all()))
        s = pd.Series(f.index.map(only), index=f.index, dtype="boolean")
        return s, d.inputs or ("treatment_lines_text",), None
    if d.op in ("all_of", "any_of"):
        cols = list(d.arg)
        for c in cols:
            if why := _need(f, c):
                return None, tuple(cols), why
        flags = f[cols].astype("boolean")
        if d.op == "all_of":
            s = flags.all(axis=1).astype("boolean")
            s[flags.isna().any(axis=1)] = pd.NA
        else:  # Kleene: true if any is true, unknown if none is true and one is unknown
            s = flags.fillna(False).any(axis=1).astype("boolean")
            s[~s & flags.isna().any(axis=1)] = pd.NA
        return s, d.inputs or tuple(cols), None
    column = d.arg if d.op in ("variable", "known") else d.arg["variable"]
    if why := _need(f, column):
        return None, (column,), why
    src = f[column]
    inputs = d.inputs or (column,)
    if d.op == "variable":
        return src, inputs, None
    if d.op == "known":
        return src.notna().astype("boolean"), inputs, None
    if d.op == "equals":
        value = d.arg["value"]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            s = pd.to_numeric(src, errors="coerce") == value
        else:
            s = src.astype("string") == str(value)
        s = s.astype("boolean")
        s[src.isna()] = pd.NA
        return s, inputs, None
    if d.op == "text_matches":
        pattern = re.compile(d.arg["pattern"], re.IGNORECASE)
        s = src.astype("string").map(lambda t: pd.NA if pd.isna(t) else bool(pattern.search(t)))
        return s.astype("boolean"), inputs, None
    raise ValueError(f"unknown definition operation {d.op!r}")  # pragma: no cover (validated on load)


def definitions_for(entry: PublishedNumber, study: PublishedStudy) -> tuple[Definition, ...]:
    """The study's definitions of ``entry.variable``, or the same-named column."""
    return study.regenerate.get(entry.variable) or (Definition("variable", entry.variable),)


def describe(d: Definition) -> str:
    """Human label of a definition: its own label or the operation spelled out."""
    if d.label:
        return d.label
    if d.op == "variable":
        return f"column {d.arg}"
    if d.op in ("all_of", "any_of"):
        return d.op.replace("_", " ") + " " + ", ".join(d.arg)
    if d.op == "equals":
        return f"{d.arg['variable']} = {d.arg['value']}"
    if d.op == "text_matches":
        return f"{d.arg['variable']} matches /{d.arg['pattern']}/"
    if d.op == "only_agent":
        return f"only {d.arg} in every treatment line"
    if d.op == "known":
        return f"{d.arg} recorded"
    if d.op == "cohort_size":
        return "patients in the selected cohort"
    return str(d.arg)
