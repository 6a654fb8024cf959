"""Declared data-cleaning policies of a source or variable; every changed value is counted.

* ``duplicates: refuse | collapse_identical`` (per source): rows repeating a key *and* its
  value (after unit conversion) are refused (default) or collapsed to one, the number of rows
  dropped recorded;
* ``conflicts: refuse | first | last | mean | max | min`` (per source): rows sharing a key with
  different values are refused (default; both rows named) or replaced by one value, the number
  of keys so combined recorded;
* ``out_of_range: refuse | missing`` (per variable): a value outside the variable's ``range``
  is refused (default) or set missing, the number set missing recorded.

The key is (patient, day, variable) in a long measurement file, the patient in a patient file.
Nothing here changes a number silently: each policy that fires returns an :class:`Adjustment`,
written to the site's ``adjustments.json`` and reported in ``results/validation/report.md``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from retrocohort.errors import ConfigError, Problem
from retrocohort.ingest.cells import plausible_bounds, row_number
from retrocohort.ingest.repeated import repeated

#: Aggregations a ``conflicts:`` policy may declare (``refuse`` aside).
AGGREGATIONS = ("first", "last", "mean", "max", "min")


@dataclass(frozen=True)
class Adjustment:
    """Values a declared policy changed: ``count`` times ``noun`` (plural unless one) of ``variable`` in ``file``, and
    what happened to them (``detail``, e.g. "of sbp outside [50, 250] mmHg set missing")."""

    file: str
    variable: str
    policy: str
    count: int
    noun: str
    detail: str

    def record(self, site: str) -> dict:
        """JSON-ready record: the site, the fields, and the :meth:`sentence` tables footnote."""
        return {"site": site, **asdict(self), "sentence": self.sentence()}

    def sentence(self) -> str:
        """The footnote sentence, e.g. ``3 values of sbp outside [50, 250] mmHg set missing``."""
        return adjustment_sentence(self.count, self.noun, self.detail)


def adjustment_sentence(count: int, noun: str, detail: str) -> str:
    """``"2 values of sbp outside [50, 250] mmHg set missing"``: the count, the noun (plural
    unless one) and the detail."""
    return f"{count:,} {noun}{'' if count == 1 else 's'} {detail}"


def footnotes_for(adjustments: Iterable[Mapping], variables: Iterable[str]) -> list[str]:
    """The footnote sentences of a table showing ``variables``: the records of
    :meth:`Adjustment.record` (all sites) of those variables, counts summed over sites and files
    per (variable, policy, detail), in the order of ``variables`` then of first appearance."""
    order = {v: i for i, v in enumerate(dict.fromkeys(variables))}
    totals: dict[tuple, int] = {}
    for a in adjustments:
        if a["variable"] in order:
            key = (order[a["variable"]], a["policy"], a["noun"], a["detail"])
            totals[key] = totals.get(key, 0) + int(a["count"])
    return [
        adjustment_sentence(n, noun, detail) + "."
        for (_, _, noun, detail), n in sorted(totals.items(), key=lambda kv: kv[0][0])
    ]


def set_out_of_range_missing(
    values: np.ndarray, names: pd.Series, variables: Mapping[str, dict], file: str
) -> tuple[np.ndarray, list[Adjustment]]:
    """Values outside ``range`` of variables declaring ``out_of_range: missing`` set to NaN.

    ``values`` (canonical units) align with ``names`` (one variable name per row). Returns the
    new values and one :class:`Adjustment` per variable with values set missing. Binary codes
    other than 0/1 are not a range question and stay refused by
    :func:`retrocohort.ingest.cells.range_problems`.
    """
    values = np.asarray(values, dtype="float64").copy()
    adjustments = []
    for var in sorted(pd.unique(names.dropna())):
        spec = variables.get(var, {})
        if spec.get("out_of_range", "refuse") != "missing" or spec.get("kind") == "binary":
            continue
        low, high = plausible_bounds(spec)
        of_var = (names == var).to_numpy(dtype=bool, na_value=False)
        with np.errstate(invalid="ignore"):
            out = of_var & ~np.isnan(values) & ((values < low) | (values > high))
        if out.any():
            values[out] = np.nan
            unit = f" {spec['unit']}" if spec.get("unit") else ""
            adjustments.append(
                Adjustment(
                    file,
                    var,
                    "out_of_range: missing",
                    int(out.sum()),
                    "value",
                    f"of {spec.get('label', var)} outside [{low:g}, {high:g}]{unit} set missing",
                )
            )
    return values, adjustments


def check_policies(source: dict, variables: Mapping[str, dict], file: str) -> None:
    """Config mistakes of a source's ``duplicates``/``conflicts``/``unit``/``units`` keys, as one
    :class:`ConfigError` naming the key (enum values are checked by the schema)."""
    problems = []
    if source.get("table") != "patients":
        if "unit_column" in source:
            problems += [
                Problem(
                    f"`{key}:` and `unit_column:` both declared",
                    file=file,
                    column=key,
                    expected=f"a unit column (`unit_column:`) or a fixed unit (`{key}:`), not both",
                )
                for key in ("unit", "units")
                if key in source
            ]
        for var in source.get("units", {}):
            if variables.get(var, {}).get("table") != "measurements":
                problems.append(
                    Problem(
                        "`units:` names no measurement variable",
                        file=file,
                        column=f"units/{var}",
                        value=var,
                        expected="a variable declared with `table: measurements` under `variables:`",
                    )
                )
    else:
        problems += [
            Problem(
                f"`{key}:` on a patient source",
                file=file,
                column=key,
                expected="`columns: {variable: {column: ..., unit: ...}}` (a unit per column of a patient file)",
            )
            for key in ("unit", "units")
            if key in source
        ]
    if problems:
        raise ConfigError(f"Invalid cleaning policy of source {file}", problems)


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
    duplicates = source.get("duplicates", "refuse")
    conflicts = source.get("conflicts", "refuse")
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
    duplicates = source.get("duplicates", "refuse")
    conflicts = source.get("conflicts", "refuse")
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
