"""Config-driven cohort selection with a flow (CONSORT-style) table.

Each criterion is a mapping ``{id, label, column, operator, value, missing}`` applied in order
to the patients still selected. Operators: ``>``, ``>=``, ``<``, ``<=``, ``==``, ``!=`` (with a
scalar ``value``), ``in`` (a list ``value``), ``notna`` and ``is_true`` (no ``value``).
``missing`` ("exclude" or "include"; the schema's default, filled by the loaded study) decides
patients whose ``column`` is missing; ``notna`` always excludes them, so it only accepts
``missing: exclude``. A criterion without ``missing`` (one that did not come from a loaded
study) is a config error, never a silently assumed policy. Every criterion is
validated before any is applied; problems raise :class:`ConfigError` naming the criterion id
and field. The HScore cut-off criterion (``operator: hscore_cutoff``) is resolved into the
study's rule beforehand by :func:`retrocohort.hscore.cutoff.resolve_cutoff_criteria`.
"""

from __future__ import annotations

import operator as _op
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.errors import ConfigError, Problem

#: The comparison operators of the package (selection criteria, the HScore cut-off:
#: :mod:`retrocohort.hscore.cutoff`): symbol -> elementwise comparison.
COMPARISONS: Mapping[str, Callable[[Any, Any], Any]] = {
    ">": _op.gt,
    ">=": _op.ge,
    "<": _op.lt,
    "<=": _op.le,
    "==": _op.eq,
    "!=": _op.ne,
}
OPERATORS: tuple[str, ...] = (*COMPARISONS, "in", "notna", "is_true")
_NO_VALUE = ("notna", "is_true")
_FIELDS = ("id", "label", "column", "operator", "value", "missing")

FLOW_COLUMNS = ["step", "id", "label", "n_in", "n_excluded", "n_excluded_missing", "n_out", "reason"]
#: The one flow row of a study without selection criteria (``selection: {criteria: []}`` or no
#: ``selection:`` key): every patient of the data is included.
EVERYONE = {
    "step": 0,
    "id": "all_patients",
    "label": "Patients in the study data",
    "reason": "no selection criteria: every patient included",
}


def _where(criterion: Mapping[str, Any], index: int, field: str) -> str:
    return f"criterion {criterion.get('id', f'#{index + 1}')!r}, field {field!r}"


def validate_criteria(patients: pd.DataFrame, criteria: Sequence[Mapping[str, Any]]) -> None:
    """Raise :class:`ConfigError` listing every malformed criterion field."""
    problems: list[Problem] = []
    ids: set[Any] = set()

    def bad(c: Mapping[str, Any], i: int, field: str, msg: str, value: Any, expected: str) -> None:
        problems.append(Problem(f"{_where(c, i, field)}: {msg}", value=value, expected=expected))

    for i, c in enumerate(criteria):
        if not isinstance(c, Mapping):
            problems.append(
                Problem(
                    f"criterion #{i + 1}: not a mapping",
                    value=c,
                    expected="{id, label, column, operator, value, missing}",
                )
            )
            continue
        for field in ("id", "column", "operator"):
            if field not in c:
                bad(c, i, field, "required field missing", None, "a value")
        extra = sorted(set(c) - set(_FIELDS))
        if extra:
            bad(c, i, extra[0], "unknown field(s)", extra, ", ".join(_FIELDS))
        if "missing" not in c:
            bad(
                c,
                i,
                "missing",
                "no missing-data policy (a loaded study's criteria have the schema's default)",
                None,
                "'exclude' or 'include'",
            )
        if c.get("id") in ids:
            bad(c, i, "id", "duplicate id", c.get("id"), "unique ids")
        ids.add(c.get("id"))
        if "column" in c and c["column"] not in patients.columns:
            bad(
                c,
                i,
                "column",
                "column not in patient table",
                c["column"],
                "one of " + ", ".join(map(str, patients.columns)),
            )
        op = c.get("operator")
        if "operator" in c and op not in OPERATORS:
            bad(c, i, "operator", "unknown operator", op, " ".join(OPERATORS))
        elif op in _NO_VALUE and c.get("value") is not None:
            bad(c, i, "value", f"operator {op!r} takes no value", c.get("value"), "no value")
        elif op == "in" and not isinstance(c.get("value"), (list, tuple, set)):
            bad(c, i, "value", "operator 'in' needs a list", c.get("value"), "a list")
        elif op in COMPARISONS and (
            "value" not in c or c["value"] is None or isinstance(c["value"], (list, tuple, set, dict))
        ):
            bad(c, i, "value", f"operator {op!r} needs a scalar value", c.get("value"), "a number or string")
        missing = c.get("missing")
        if "missing" in c and missing not in ("exclude", "include"):
            bad(c, i, "missing", "unknown missing-data policy", missing, "'exclude' or 'include'")
        elif op == "notna" and missing == "include":
            bad(c, i, "missing", "'notna' cannot include missing values", missing, "'exclude'")
    if problems:
        raise ConfigError("Invalid selection criteria", problems)


def reason(criterion: Mapping[str, Any]) -> str:
    """Human-readable rule, e.g. ``"hscore > 169"`` or ``"anakinra is true"``."""
    col, op = criterion["column"], criterion["operator"]
    if op == "notna":
        rule = f"{col} is recorded"
    elif op == "is_true":
        rule = f"{col} is true"
    elif op == "in":
        rule = f"{col} in {{{', '.join(map(str, criterion['value']))}}}"
    else:
        rule = f"{col} {op} {criterion['value']}"
    return f"{rule} (missing: {criterion['missing']})"


def _passes(values: pd.Series, criterion: Mapping[str, Any], where: str) -> np.ndarray:
    """Boolean array: value meets the rule (False where missing)."""
    op, target = criterion["operator"], criterion.get("value")
    present = values.notna().to_numpy()
    if op == "notna":
        return present
    try:
        if op == "in":
            hit = values.isin(list(target))
        elif op == "is_true":
            if not values[present].isin([True, False]).all():  # 1/0 match True/False
                raise TypeError("column holds values other than true/false (1/0)")
            hit = values.astype("boolean")
        else:
            hit = COMPARISONS[op](values, target)
        hit = pd.array(hit, dtype="boolean")
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            "Selection criterion cannot be applied",
            [
                Problem(
                    f"{where}: {exc}",
                    value=target,
                    expected=f"a value comparable with column {criterion['column']!r}",
                )
            ],
        ) from None
    return hit.to_numpy(dtype=bool, na_value=False) & present


def apply_selection(
    patients: pd.DataFrame, criteria: Sequence[Mapping[str, Any]]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Apply ``criteria`` in order; return (selected patients, flow table).

    Flow rows (one per criterion): ``step`` (1-based), ``id``, ``label``, ``n_in``,
    ``n_excluded`` (all exclusions, including missing), ``n_excluded_missing``, ``n_out``,
    ``reason``. ``n_out = n_in - n_excluded`` and each ``n_in`` is the previous ``n_out``.

    Without criteria every patient is selected and the flow is the one row :data:`EVERYONE`
    (step 0, nobody excluded), so that every reader of the flow (figure, audit, manuscript:
    screened = first ``n_in``, analysed = last ``n_out``) sees the cohort size.
    """
    if not criteria:
        row = {**EVERYONE, "n_in": len(patients), "n_excluded": 0, "n_excluded_missing": 0}
        return patients, pd.DataFrame([{**row, "n_out": len(patients)}], columns=FLOW_COLUMNS)
    validate_criteria(patients, criteria)
    keep = np.ones(len(patients), dtype=bool)
    rows = []
    for step, (i, c) in enumerate(enumerate(criteria), start=1):
        values = patients[c["column"]]
        missing = values.isna().to_numpy()
        passes = _passes(values, c, _where(c, i, "value"))
        if c["missing"] == "include":
            passes |= missing
        n_in = int(keep.sum())
        excluded = keep & ~passes
        rows.append(
            {
                "step": step,
                "id": c["id"],
                "label": c.get("label", c["id"]),
                "n_in": n_in,
                "n_excluded": int(excluded.sum()),
                "n_excluded_missing": int((excluded & missing).sum()),
                "n_out": n_in - int(excluded.sum()),
                "reason": reason(c),
            }
        )
        keep &= passes
    flow = pd.DataFrame(rows, columns=FLOW_COLUMNS)
    return patients.loc[keep], flow
