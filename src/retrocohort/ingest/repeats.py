"""Rows repeating a key, by the source's declared ``duplicates`` and ``conflicts`` policies.

The key is (patient, day, variable) in a long measurement file (:func:`resolve_measurement_repeats`)
and the patient in a patient file (:func:`resolve_patient_repeats`, :func:`patient_repeats`).
By default (``refuse``) every repeated row is an error naming file, rows, column and values;
declared, identical copies are collapsed and conflicting keys combined, each change counted as
an :class:`~retrocohort.ingest.policies.Adjustment` (see :mod:`retrocohort.ingest.policies`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

from retrocohort.errors import Problem
from retrocohort.ingest.cells import row_number
from retrocohort.ingest.policies import AGGREGATIONS, Adjustment
from retrocohort.ingest.repeated import repeated


def declared(source: dict) -> bool:
    """True when the source declares a ``duplicates`` or ``conflicts`` policy other than refuse
    (an absent key, as in a config whose schema defaults are not filled, refuses)."""
    return source.get("duplicates") == "collapse_identical" or source.get("conflicts") in AGGREGATIONS


def refused_patient_ids(ids: pd.Series, file: str, id_column: str) -> list[Problem]:
    """Today's default: every row of a repeated patient id is an error (no policy declared)."""
    dup = ids.duplicated(keep=False) & ids.notna()
    return repeated(
        "duplicate patient id",
        file=file,
        column=id_column,
        rows=row_number(ids.index[dup]),
        values=ids[dup],
        expected="each patient once per file, or `duplicates: collapse_identical` / `conflicts: ...` "
        "on this source, or `table: events` for a file of events (several rows per patient: "
        "day, event type; see config/README.md)",
    )


def patient_repeats(
    out: pd.DataFrame, treatments: pd.Series | None, source: dict, numeric: Collection[str], file: str
) -> tuple[pd.DataFrame, list[Problem], list[Adjustment]]:
    """A patient file's typed columns ``out`` with its declared policies applied (rows dropped,
    index kept); ``treatments`` (the raw treatment cells, or None) must agree between the rows
    of a patient. Returns (rows kept, problems, adjustments)."""
    if not out["patient_id"].duplicated().any():
        return out, [], []
    if treatments is not None:
        out = out.assign(_treatments=treatments.astype("string"))
    keep, out, problems, changed = resolve_patient_repeats(
        out, source, file, source["id_column"], fixed=["_treatments"], numeric=numeric
    )
    return out[keep].drop(columns="_treatments", errors="ignore"), problems, changed


def _value_codes(values: pd.Series) -> np.ndarray:
    """Integer code per value, missing values sharing one code (so NaN repeats NaN)."""
    return pd.factorize(values, use_na_sentinel=False)[0]


def resolve_measurement_repeats(
    out: pd.DataFrame,
    ok: np.ndarray,
    source: dict,
    variables: Mapping[str, dict],
    file: str,
    column: str,
) -> tuple[np.ndarray, pd.Series, list[Problem], list[Adjustment]]:
    """Apply ``duplicates``/``conflicts`` of a long source to rows repeating (patient, day, variable).

    ``out`` holds the canonical rows (``patient_id, day, variable, value``), ``ok`` the rows
    whose key is valid. Returns (rows kept, values, problems, adjustments). A combined key keeps
    its first row, whose value becomes the declared aggregate (``first``/``last`` in file
    order; ``mean``/``max``/``min`` over the distinct non-missing values).
    """
    duplicates = source.get("duplicates")
    conflicts = source.get("conflicts") if source.get("conflicts") in AGGREGATIONS else "refuse"
    keep = np.ones(len(out), dtype=bool)
    values = out["value"].copy()
    keys = ["patient_id", "day", "variable"]
    rows = out[ok]
    dup = rows.duplicated(keys, keep=False).to_numpy()
    if not dup.any():
        return keep, values, [], []
    rows = rows[dup].assign(_v=_value_codes(rows["value"][dup]))
    copies = rows.duplicated([*keys, "_v"], keep=False).to_numpy()
    extra = rows.duplicated([*keys, "_v"], keep="first").to_numpy()
    n_values = rows.groupby(keys, sort=False)["_v"].transform("nunique").to_numpy()
    conflicting = n_values > 1
    problems: list[Problem] = []
    adjustments: list[Adjustment] = []

    def shown(frame: pd.DataFrame) -> list[str]:
        return [
            f"patient {pid}, day {d}, {var} = {'missing' if pd.isna(v) else f'{v:g}'}"
            for pid, d, var, v in zip(frame["patient_id"], frame["day"], frame["variable"], frame["value"])
        ]

    if duplicates == "collapse_identical":
        keep[row_position(out, rows.index[extra])] = False
        for var, n in rows[extra].groupby("variable", sort=True).size().items():
            adjustments.append(
                Adjustment(
                    file,
                    str(var),
                    "duplicates: collapse_identical",
                    int(n),
                    "identical repeated row",
                    f"of {var} collapsed",
                )
            )
    else:
        repeat = copies & ~conflicting if conflicts == "refuse" else copies
        problems += repeated(
            "repeated row for the same patient, day and variable",
            file=file,
            column=column,
            rows=row_number(rows.index[repeat]),
            values=shown(rows[repeat]),
            expected="one value per patient, day and variable, or `duplicates: collapse_identical` "
            "on this source (identical copies counted and dropped)",
        )
    if not conflicting.any():
        return keep, values, problems, adjustments
    clash = rows[conflicting]
    if conflicts == "refuse":
        problems += repeated(
            "conflicting values for the same patient, day and variable",
            file=file,
            column=column,
            rows=row_number(clash.index),
            values=shown(clash),
            expected="one value per patient, day and variable, or `conflicts: first | last | mean | "
            "max | min` on this source",
        )
        return keep, values, problems, adjustments
    binary = [v for v in clash["variable"].unique() if variables[v]["kind"] == "binary"]
    if conflicts == "mean" and binary:
        problems.append(
            Problem(
                "`conflicts: mean` of a binary variable",
                file=file,
                column="conflicts",
                value=", ".join(map(str, binary)),
                expected="`first`, `last`, `max` or `min` (a mean of 0/1 codes is not a code)",
            )
        )
        return keep, values, problems, adjustments
    if conflicts in ("first", "last"):  # the value of the key's first (last) row, in file order
        position = 0 if conflicts == "first" else -1
        combined = clash.groupby(keys, sort=False)["value"].agg(_at(position))
    else:  # over the distinct values (identical copies count once), missing values skipped
        distinct = clash[~clash.duplicated([*keys, "_v"], keep="first").to_numpy()]
        combined = distinct.groupby(keys, sort=False)["value"].agg(conflicts)
    firsts = clash.groupby(keys, sort=False).head(1)
    target = pd.MultiIndex.from_frame(firsts[keys])
    values.loc[firsts.index] = combined.reindex(target).to_numpy()
    keep[row_position(out, clash.index.difference(firsts.index))] = False
    for var, n in firsts.groupby("variable", sort=True).size().items():
        adjustments.append(
            Adjustment(
                file,
                str(var),
                f"conflicts: {conflicts}",
                int(n),
                "patient-day",
                f"with conflicting values of {var} replaced by their {conflicts}",
            )
        )
    return keep, values, problems, adjustments


def _at(position: int):
    """Aggregation taking the value at ``position`` of a group (0 first, -1 last; missing kept)."""
    return lambda s: s.iloc[position]


def row_position(frame: pd.DataFrame, index: pd.Index) -> np.ndarray:
    """Positions of index labels in ``frame``."""
    return frame.index.get_indexer(index)


def resolve_patient_repeats(
    out: pd.DataFrame,
    source: dict,
    file: str,
    id_column: str,
    fixed: Collection[str] = (),
    numeric: Collection[str] = (),
) -> tuple[np.ndarray, pd.DataFrame, list[Problem], list[Adjustment]]:
    """Apply ``duplicates``/``conflicts`` of a patient source to rows repeating a patient id.

    ``out`` holds ``patient_id`` and the typed variable columns (plus any raw column in
    ``fixed``, such as the treatment lines, that must agree and is never combined; ``mean``,
    ``max`` and ``min`` combine only the ``numeric`` columns, a differing other column is refused). Returns
    (rows kept, values, problems, adjustments); a combined patient keeps its first row, each
    differing column set to the declared aggregate (``first``/``last`` row in file order;
    ``mean``/``max``/``min`` over the distinct non-missing values of a numeric column).
    """
    duplicates = source.get("duplicates")
    conflicts = source.get("conflicts") if source.get("conflicts") in AGGREGATIONS else "refuse"
    keep = np.ones(len(out), dtype=bool)
    ids = out["patient_id"]
    dup = (ids.duplicated(keep=False) & ids.notna()).to_numpy()
    if not dup.any():
        return keep, out, [], []
    out = out.copy()
    rows = out[dup]
    extra = rows.duplicated(keep="first").to_numpy()
    distinct_rows = rows.drop_duplicates().groupby("patient_id", sort=False).size()
    conflicting = rows["patient_id"].map(distinct_rows).to_numpy() > 1
    problems: list[Problem] = []
    adjustments: list[Adjustment] = []
    if duplicates == "collapse_identical":
        keep[row_position(out, rows.index[extra])] = False
        if extra.any():
            adjustments.append(
                Adjustment(
                    file,
                    id_column,
                    "duplicates: collapse_identical",
                    int(extra.sum()),
                    "identical repeated patient row",
                    "collapsed",
                )
            )
    else:
        copies = rows.duplicated(keep=False).to_numpy() & (~conflicting if conflicts == "refuse" else True)
        problems += repeated(
            "duplicate patient id (identical rows)",
            file=file,
            column=id_column,
            rows=row_number(rows.index[copies]),
            values=rows["patient_id"][copies],
            expected="each patient once per file, or `duplicates: collapse_identical` on this source "
            "(identical copies counted and dropped)",
        )
    if not conflicting.any():
        return keep, out, problems, adjustments
    clash = rows[conflicting]
    differing = [
        c
        for c in clash.columns.drop("patient_id")
        if (clash.groupby("patient_id", sort=False)[c].nunique(dropna=False) > 1).any()
    ]
    fixed_clash = [c for c in differing if c in fixed]
    if conflicts in ("mean", "max", "min"):
        fixed_clash += [c for c in differing if c not in numeric and c not in fixed]
    if conflicts == "refuse" or fixed_clash:
        for c in fixed_clash or differing:
            varies = clash.groupby("patient_id", sort=False)[c].transform("nunique", dropna=False) > 1
            problems += repeated(
                f"conflicting rows for the same patient (column {c!r} differs)",
                file=file,
                column=id_column,
                rows=row_number(clash.index[varies.to_numpy()]),
                values=[
                    f"patient {p}, {c} = {v}" for p, v in zip(clash["patient_id"][varies], clash[c][varies])
                ],
                expected="each patient once per file, or `conflicts: first | last | mean | max | min` on "
                "this source"
                + (
                    f" (`conflicts: {conflicts}` combines numbers only; treatment lines are never combined)"
                    if fixed_clash
                    else ""
                ),
            )
        return keep, out, problems, adjustments
    firsts = clash.groupby("patient_id", sort=False).head(1)
    for c in differing:
        if conflicts in ("first", "last"):
            position = 0 if conflicts == "first" else -1
            combined = clash.groupby("patient_id", sort=False)[c].agg(_at(position))
        else:
            combined = (
                clash.drop_duplicates(["patient_id", c]).groupby("patient_id", sort=False)[c].agg(conflicts)
            )
        out.loc[firsts.index, c] = combined.reindex(firsts["patient_id"]).to_numpy()
        n = int((clash.groupby("patient_id", sort=False)[c].nunique(dropna=False) > 1).sum())
        adjustments.append(
            Adjustment(
                file,
                str(c),
                f"conflicts: {conflicts}",
                n,
                "patient",
                f"with conflicting values of {c} replaced by their {conflicts}",
            )
        )
    keep[row_position(out, clash.index.difference(firsts.index))] = False
    return keep, out, problems, adjustments
