"""HScore of every patient (Fardet et al., Arthritis Rheumatol 2014;66:2613-20), read from the
item table :data:`retrocohort.hscore.items.HSCORE_ITEMS`, with bounds under missing data; and
the "worst value in a window" rule that picks each laboratory input.

Missing data. Each input gives a level range: its level when observed, [0, max level] when
missing. An item's level is the sum of its inputs' levels (a count of positive inputs for
organomegaly and cytopenias) and points are non-decreasing in level, so the item's minimum and
maximum achievable points are ``points[lowest level]`` and ``points[highest level]``. An item
counts as *observed* when these are equal, i.e. its points are determined by the available
inputs (always so when all inputs are present; also e.g. for cytopenias with one lineage
missing and the two others normal, since 0–1 lineage scores 0). Otherwise its points are NaN.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from retrocohort.cohort.frames import category_codes
from retrocohort.errors import ConfigError, InputError, Problem
from retrocohort.hscore.cutoff import (
    DEFAULT_OPERATOR,
    FARDET_CUTOFF,
    CutoffOperator,
    check_operator,
    cutoff_rule,
    meets_cutoff,
)
from retrocohort.hscore.items import (
    HSCORE_ITEMS,
    INPUTS,
    N_ITEMS,
    REPORTED,
    WORST_DIRECTION,
    Direction,
    HScoreInput,
    resolve_columns,
)
from retrocohort.hscore.probability import hlh_probability

_STATUS = pd.CategoricalDtype(["unreachable", "reachable", "reached"], ordered=True)


def _values(df: pd.DataFrame, column: str, inp: HScoreInput | None) -> np.ndarray:
    """Column as float64 (NaN = missing); flags must be 0/1/True/False. Errors are located."""
    raw = df[column]
    num = pd.to_numeric(raw, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    bad = np.isnan(num) & raw.notna().to_numpy()
    if inp is not None and inp.is_flag:
        bad |= ~np.isnan(num) & (num != 0) & (num != 1)
        expected = "true/false (1/0) or missing"
    else:
        bad |= np.isinf(num)
        expected = f"a finite number in {inp.unit}" if inp else "a finite number"
    if bad.any():
        idx = np.flatnonzero(bad)
        raise InputError(
            f"Column {column!r}: {idx.size} value(s) cannot be scored",
            [
                Problem(
                    f"patient {df.index[k]!r}: invalid value",
                    column=column,
                    value=raw.iloc[k],
                    expected=expected,
                )
                for k in idx[:50]
            ],
        )
    return num


def score_hscore(
    df: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    cutoff: float = FARDET_CUTOFF,
    operator: CutoffOperator = DEFAULT_OPERATOR,
) -> pd.DataFrame:
    """Score every patient (row) of ``df``, whose inputs are in canonical units.

    Returns, indexed like ``df``: each item's inputs (canonical names) and ``<item>_points``
    (NaN when not determined); ``hscore`` (sum over observed items), ``hscore_min`` /
    ``hscore_max`` (achievable totals given missing inputs), ``items_observed``,
    ``completeness`` (items_observed / 9), ``complete``; ``cutoff_status``: "reached" when
    ``hscore_min <operator> cutoff``, "reachable" when only ``hscore_max`` meets it, else
    "unreachable"; ``hlh_probability`` (:func:`hlh_probability` of the total, NaN unless
    complete). When ``hscore_reported`` is present: ``hscore_difference`` = recomputed −
    reported (NaN unless complete) and ``disagrees`` = difference != 0 when complete, reported
    outside [hscore_min, hscore_max] when partial, NA when nothing was reported.
    """
    operator = check_operator(operator, "operator")
    mapping = resolve_columns(columns)
    absent = [f"{mapping[v]!r} (for {v})" for v in INPUTS if mapping[v] not in df.columns]
    if absent:
        raise InputError(
            "HScore input columns missing",
            [
                Problem(
                    "column not found", value=a, expected="a column of the table, or map it with `columns=`"
                )
                for a in absent
            ],
        )

    n = len(df)
    out: dict[str, object] = {}
    total = np.zeros(n, dtype=np.float64)
    lo_total = np.zeros(n, dtype=np.int64)
    hi_total = np.zeros(n, dtype=np.int64)
    n_observed = np.zeros(n, dtype=np.int64)
    for item in HSCORE_ITEMS:
        lo = np.zeros(n, dtype=np.int64)
        hi = np.zeros(n, dtype=np.int64)
        for inp in item.inputs:
            x = _values(df, mapping[inp.variable], inp)
            missing = np.isnan(x)
            level = np.where(missing, 0, inp.level(x))
            lo += level
            hi += np.where(missing, inp.max_level, level)
            out[inp.variable] = pd.arrays.BooleanArray(x == 1, missing) if inp.is_flag else x
        points = np.asarray(item.points, dtype=np.int64)
        p_lo, p_hi = points[lo], points[hi]
        determined = p_lo == p_hi
        out[f"{item.name}_points"] = np.where(determined, p_lo, np.nan)
        total += np.where(determined, p_lo, 0)
        lo_total += p_lo
        hi_total += p_hi
        n_observed += determined

    complete = n_observed == N_ITEMS
    status = np.where(
        meets_cutoff(lo_total, cutoff, operator), 2, np.where(meets_cutoff(hi_total, cutoff, operator), 1, 0)
    )
    out |= {
        "hscore": total,
        "hscore_min": lo_total,
        "hscore_max": hi_total,
        "items_observed": n_observed,
        "completeness": n_observed / N_ITEMS,
        "complete": complete,
        "cutoff_status": pd.Categorical.from_codes(status, dtype=_STATUS),
        "hlh_probability": np.where(complete, hlh_probability(total), np.nan),
    }
    if mapping[REPORTED] in df.columns:
        reported = _values(df, mapping[REPORTED], None)
        diff = np.where(complete, total - reported, np.nan)
        outside = (reported < lo_total) | (reported > hi_total)
        flag = np.where(complete, diff != 0, outside)
        out |= {
            REPORTED: reported,
            "hscore_difference": diff,
            "disagrees": pd.arrays.BooleanArray(flag, np.isnan(reported)),
        }
    result = pd.DataFrame(out, index=df.index)
    result.attrs["cutoff_rule"] = cutoff_rule(cutoff, operator)
    return result


def score_frame_with_units(
    df: pd.DataFrame,
    units: Mapping[str, str],
    columns: Mapping[str, str] | None = None,
    *,
    molar_masses: Mapping[str, str] | None = None,
    spellings: Mapping[str, str] | None = None,
    cutoff: float = FARDET_CUTOFF,
    operator: CutoffOperator = DEFAULT_OPERATOR,
) -> pd.DataFrame:
    """Convert HScore inputs to canonical units with :mod:`retrocohort.ingest.units`, then score.

    ``units`` maps DataFrame columns to unit spellings (e.g. ``{"tg": "mg/dL"}``); HScore
    inputs without an entry are taken as canonical. ``molar_masses`` maps columns to a molar
    mass (``"885.7 g/mol"``) for mass <-> substance conversions. Flags must be dimensionless.
    Entries for columns absent from ``df`` raise :class:`ConfigError`.
    """
    from retrocohort.ingest.units import (  # pint costs ~0.8 s to import: only when needed
        conversion,
        convert,
    )

    unknown = [c for c in {**units, **(molar_masses or {})} if c not in df.columns]
    if unknown:
        raise ConfigError(
            "Unit mapping names columns that are not in the table",
            [
                Problem("unknown column", value=c, expected="one of " + ", ".join(map(str, df.columns)))
                for c in unknown
            ],
        )
    mapping = resolve_columns(columns)
    converted = df.copy()
    for variable, inp in INPUTS.items():
        column = mapping[variable]
        if column not in units or column not in df.columns:
            continue
        mm = (molar_masses or {}).get(column)
        if inp.is_flag:
            if conversion(units[column], inp.unit, spellings=spellings) != (1.0, 0.0):
                raise ConfigError(
                    f"Column {column!r} is a yes/no item",
                    [Problem("unit must be dimensionless", value=units[column], expected="'1'")],
                )
            continue
        values = _values(df, column, None)
        converted[column] = convert(values, units[column], inp.unit, molar_mass=mm, spellings=spellings)
    return score_hscore(converted, columns, cutoff=cutoff, operator=operator)


def worst_in_window(
    measurements: pd.DataFrame,
    variables_direction: Mapping[str, Direction] | None = None,
    day_window: tuple[float, float] = (-np.inf, np.inf),
) -> pd.DataFrame:
    """Worst value per patient and variable among days ``lo..hi`` (inclusive).

    ``measurements`` is long: ``patient_id, day, variable, value``. Worst is the maximum for
    ``"higher"`` and the minimum for ``"lower"`` variables (default :data:`WORST_DIRECTION`:
    max temperature, ferritin, triglycerides, AST; min Hb, leukocytes, platelets,
    fibrinogen). Variables not in the mapping are ignored. Returns a wide frame indexed by
    every ``patient_id`` of ``measurements`` with one column per variable (NaN when the
    patient has no value in the window).
    """
    directions = dict(WORST_DIRECTION if variables_direction is None else variables_direction)
    bad = {v: d for v, d in directions.items() if d not in ("higher", "lower")}
    if bad:
        raise ConfigError(
            "Invalid worst-value direction",
            [Problem(f"variable {v!r}", value=d, expected="'higher' or 'lower'") for v, d in bad.items()],
        )
    needed = ["patient_id", "day", "variable", "value"]
    missing = [c for c in needed if c not in measurements.columns]
    if missing:
        raise InputError(
            "Measurement table lacks columns",
            [Problem("column not found", value=c, expected=", ".join(needed)) for c in missing],
        )
    lo, hi = day_window
    if lo > hi:
        raise ConfigError("Invalid day window", [Problem("lower bound above upper bound", value=(lo, hi))])

    # Integer codes instead of string group keys: patients in order of first appearance
    # (pd.factorize), variables in mapping order; one (patients x variables) array filled by
    # np.fmax.at on sign-flipped values (max of -x = -min of x), NaN where nothing is observed.
    names = list(directions)
    sign = np.array([1.0 if directions[v] == "higher" else -1.0 for v in names])
    pcode, patients = pd.factorize(measurements["patient_id"], sort=False)
    vcode = category_codes(measurements["variable"], names)
    day = measurements["day"].to_numpy(dtype="float64", na_value=np.nan)
    value = measurements["value"].to_numpy(dtype="float64", na_value=np.nan)
    keep = (vcode >= 0) & (pcode >= 0) & (day >= lo) & (day <= hi) & ~np.isnan(value)
    vcode = vcode[keep]
    best = np.full((len(patients), len(names)), np.nan)
    np.fmax.at(best, (pcode[keep], vcode), value[keep] * sign[vcode])
    if isinstance(patients, pd.Categorical):  # labels read as categoricals: a plain string index
        patients = pd.Index(np.asarray(patients, dtype=object), dtype="string")
    wide = pd.DataFrame(best * sign, columns=names, index=pd.Index(patients, name="patient_id"))
    return wide
