"""Per patient and variable, the value of a time point (a named visit window), and the day it came from.

A time point (:class:`retrocohort.config.time_points.TimePoint`) keeps the measurements whose
day lies in its ``window`` (inclusive) and picks one per patient and variable by its ``rule``:

* ``closest``: the smallest ``|day - target day|``;
* ``first`` / ``last``: the earliest / latest day;
* ``worst``: the highest (variable ``worst: max``) or lowest (``worst: min``) value,
  the "worst value in a window" convention of visit-window analyses (as the HScore uses it).

Measurements equally good under the rule are resolved by ``tie``: ``earlier`` or ``later``
day, or ``mean`` (the mean of the tied values; the reported day is then the earliest tied day
and ``n_tied`` says how many were averaged). A patient without a value in the window has no
row (missing). Visit windows and the closest-visit rule follow the usual handling of
scheduled visits in longitudinal cohorts (e.g. CDISC ADaM "analysis visit windowing",
ADaM Implementation Guide v1.3, section 3.3.5: one record per visit chosen by the closest day,
ties to the earlier).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from retrocohort.cohort.frames import category_codes
from retrocohort.config.time_points import TimePoint
from retrocohort.errors import ConfigError, InputError, Problem
from retrocohort.stats.quantiles import quantile

SELECTION_COLUMNS = ["patient_id", "variable", "value", "day", "n_tied"]


def _duplicate_problem(rows: pd.DataFrame, dup: np.ndarray) -> InputError:
    first = rows.iloc[int(np.flatnonzero(dup)[0])]
    return InputError(
        "Duplicate paired measurements",
        [
            Problem(
                "more than one value for one patient, variable and day",
                column=str(first["variable"]),
                value=f"patient {first['patient_id']}, day {int(first['day'])}",
                expected="one value per patient, variable and day",
            )
        ],
    )


def _rule_scores(point: TimePoint, day: np.ndarray, value: np.ndarray, sign: np.ndarray | None) -> np.ndarray:
    """Score per row, lower is better: the rule's ordering of the measurements in the window."""
    if point.rule == "closest":
        return np.abs(day - point.day)
    if point.rule == "first":
        return day
    if point.rule == "last":
        return -day
    if point.rule == "worst" and sign is not None:
        return -sign * value
    raise ConfigError(
        "Unknown time point rule",
        [Problem("unknown rule", column=f"time_points/{point.name}/rule", value=point.rule)],
    )


def _worst_sign(point: TimePoint, names: Sequence[str], worst: Mapping[str, str]) -> np.ndarray:
    """+1 (worst is max) or -1 (min) per variable; the ``worst`` rule needs every direction."""
    if point.rule != "worst":
        return np.zeros(len(names))
    missing = [n for n in names if worst.get(n) not in ("max", "min")]
    if missing:
        raise ConfigError(
            "The worst rule needs the variable's worst direction",
            [
                Problem(
                    "variable without `worst: max|min`",
                    column=f"time_points/{point.name}/rule",
                    value=name,
                    expected=f"`worst: max` or `worst: min` under variables/{name}",
                )
                for name in missing
            ],
        )
    return np.array([1.0 if worst[n] == "max" else -1.0 for n in names])


def select_coded(
    point: TimePoint,
    group: np.ndarray,
    day: np.ndarray,
    value: np.ndarray,
    sign: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The selection on integer-coded rows: ``group`` (one code per patient and variable),
    ``day``, ``value`` and per-row worst ``sign`` (+1 max, -1 min; only read by ``worst``), all already restricted to non-missing values
    with unique (group, day). Returns (group, value, day, n_tied) of the chosen measurements,
    one per group present in the window (in no particular order). An exact-day window
    ``[d, d]`` holds at most one row per group: no sort is needed."""
    lo, hi = point.window
    if lo == hi:
        inside = np.flatnonzero(day == lo)
        return group[inside], value[inside], day[inside], np.ones(inside.size, dtype=np.int64)
    inside = np.flatnonzero((day >= lo) & (day <= hi))
    group, day, value = group[inside], day[inside], value[inside]
    sign = sign[inside] if sign is not None else None
    if not group.size:
        return group, value, day, np.ones(0, dtype=np.int64)
    score = _rule_scores(point, day, value, sign)
    tiebreak = -day if point.tie == "later" else day
    order = np.lexsort((tiebreak, score, group))
    group, day, value, score = group[order], day[order], value[order], score[order]
    start = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    chosen_group, chosen_day, chosen_value = group[start], day[start], value[start]
    n_groups = np.repeat(np.arange(start.size), np.diff(np.r_[start, group.size]))
    tied = score == score[start][n_groups]
    n_tied = np.bincount(n_groups[tied], minlength=start.size)
    if point.tie == "mean":
        chosen_value = np.bincount(n_groups[tied], weights=value[tied], minlength=start.size) / n_tied
    else:
        n_tied = np.ones(start.size, dtype=np.int64)
    return chosen_group, chosen_value, chosen_day, n_tied.astype(np.int64)


def sorted_codes(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(code per row, sorted unique ids): Arrow's dictionary encoding when the column is
    Arrow-backed (about 1.5x faster than pandas.factorize on 10^7 strings), else pandas.
    A categorical column (read from Parquet's dictionary) brings its codes; its unused
    categories stay among the ids (they never have values, so no pair)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(ids.dtype, pd.CategoricalDtype):
        encoded = pa.DictionaryArray.from_arrays(
            pa.array(ids.cat.codes.to_numpy()),
            pa.array(np.asarray(ids.cat.categories, dtype=object), type=pa.string()),
        )
    else:
        arrow = getattr(ids.array, "_pa_array", None)
        if arrow is None:
            codes, uniques = pd.factorize(ids, sort=True)
            return np.asarray(codes, dtype=np.int64), np.asarray(uniques, dtype=object)
        encoded = pc.dictionary_encode(arrow).combine_chunks()
    dictionary = encoded.dictionary
    order = pc.sort_indices(dictionary).to_numpy().astype(np.int64)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    uniques = pa.array(dictionary).take(pa.array(order)).to_numpy(zero_copy_only=False)
    return rank[codes], uniques


def _repeated(group: np.ndarray, day: np.ndarray, points: Sequence[TimePoint]) -> np.ndarray:
    """Mask of rows repeating a (patient and variable, day). Exact-day time points only (the
    common paired-days case): one bincount over (group, day slot); else one sort of packed keys."""
    if not group.size:
        return np.zeros(0, dtype=bool)
    if all(p.window[0] == p.window[1] for p in points):
        days = np.unique([p.day for p in points])
        slot = group * days.size + np.searchsorted(days, day)
        return np.bincount(slot)[slot] > 1
    from retrocohort.ingest.measurements import repeated_keys

    return repeated_keys(group, day.astype(np.int64), np.zeros(group.size, dtype=np.int64))


def _coded_rows(
    measurements: pd.DataFrame, names: Sequence[str], points: Sequence[TimePoint]
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rows of ``names`` with a value inside any of the ``points``' windows, with sorted patient
    ids, patient codes, variable codes and days; a repeated (patient, variable, day) is an
    :class:`InputError` naming the first one."""
    day = measurements["day"].to_numpy(dtype="float64", na_value=np.nan)
    var = category_codes(measurements["variable"], list(names))
    inside = np.zeros(len(measurements), dtype=bool)
    for p in points:
        inside |= (day >= p.window[0]) & (day <= p.window[1])
    keep = inside & (var >= 0) & measurements["value"].notna().to_numpy()
    rows = measurements.loc[keep, ["patient_id", "variable", "day", "value"]]
    pid, patients = sorted_codes(rows["patient_id"])
    var, day = var[keep].astype(np.int64), day[keep]
    dup = _repeated(var * max(len(patients), 1) + pid, day, points)
    if dup.any():
        raise _duplicate_problem(rows, dup)
    return rows, patients, pid, var, day


def select_time_point(
    measurements: pd.DataFrame,
    names: Sequence[str],
    point: TimePoint,
    worst: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Per patient and variable, the value a time point selects, and the day it came from.

    Parameters
    ----------
    measurements
        Long table with columns ``patient_id``, ``variable``, ``day``, ``value``.
    names
        The variables to select (others are ignored).
    point
        The time point: target day, inclusive window, rule (closest, first, last, worst) and
        tie rule (earlier, later, mean).
    worst
        Variable -> ``"max"`` or ``"min"`` (config ``variables.<name>.worst``); needed by the
        ``worst`` rule for every variable in ``names``.

    Returns
    -------
    pandas.DataFrame
        Columns ``patient_id``, ``variable``, ``value``, ``day`` (the day of the chosen
        measurement; the earliest tied day under ``tie: mean``), ``n_tied`` (measurements
        averaged; 1 unless ``tie: mean`` met a tie); sorted by variable (in ``names`` order),
        then patient id. Patients without a value in the window are absent.

    References
    ----------
    CDISC Analysis Data Model Team. ADaM Implementation Guide v1.3, 2021, section 3.3.5
    (analysis visit windows: one record per visit, the closest day, ties to the earlier).

    Examples
    --------
    >>> import pandas as pd
    >>> from retrocohort.config.time_points import TimePoint
    >>> long = pd.DataFrame({"patient_id": ["a", "a", "a", "b"], "variable": "crp",
    ...                      "day": [-2, 2, 6, 9], "value": [10.0, 14.0, 20.0, 30.0]})
    >>> select_time_point(long, ["crp"], TimePoint("day0", 0, (-3, 3)))
      patient_id variable  value  day  n_tied
    0          a      crp   10.0 -2.0       1
    >>> select_time_point(long, ["crp"], TimePoint("day0", 0, (-3, 3), tie="mean"))
      patient_id variable  value  day  n_tied
    0          a      crp   12.0 -2.0       2
    >>> select_time_point(long, ["crp"], TimePoint("week1", 7, (5, 10), rule="last"))
      patient_id variable  value  day  n_tied
    0          a      crp   20.0  6.0       1
    1          b      crp   30.0  9.0       1
    """
    sign_of = _worst_sign(point, names, worst or {})
    rows, patients, pid, var, day = _coded_rows(measurements, names, [point])
    n_pat = max(len(patients), 1)
    group, value, chosen_day, n_tied = select_coded(
        point,
        var * n_pat + pid,
        day,
        rows["value"].to_numpy(dtype="float64"),
        sign_of[var] if len(var) else None,
    )
    order = np.argsort(group, kind="stable")
    group, value, chosen_day, n_tied = group[order], value[order], chosen_day[order], n_tied[order]
    return pd.DataFrame(
        {
            "patient_id": patients[group % n_pat] if len(patients) else np.array([], dtype=object),
            "variable": np.asarray(names, dtype=object)[group // n_pat],
            "value": value,
            "day": chosen_day,
            "n_tied": n_tied,
        },
        columns=SELECTION_COLUMNS,
    )


def time_point_pairs(
    measurements: pd.DataFrame,
    names: Sequence[str],
    points: tuple[TimePoint, TimePoint],
    worst: Mapping[str, str] | None = None,
) -> dict[str, pd.DataFrame]:
    """Per variable, the patients with a value at both time points: columns ``before``,
    ``after`` (the values of the first and second point) and ``before_day``, ``after_day``
    (the days they came from); index ``patient_id``, sorted. See :func:`select_time_point`.

    Parameters
    ----------
    measurements : pandas.DataFrame
        Long table (``patient_id``, ``variable``, ``day``, ``value``).
    names : sequence of str
        The variables to pair.
    points : tuple of TimePoint
        The first and second time points.
    worst : mapping, optional
        Variable -> ``"max"``/``"min"`` for the ``worst`` rule.

    Returns
    -------
    dict of str to pandas.DataFrame
        Per variable, the complete pairs (patients with a value at both points).

    References
    ----------
    As :func:`time_point_values` (CDISC ADaM IG v1.3, section 3.3.5).

    Examples
    --------
    >>> long = pd.DataFrame({"patient_id": ["a", "a", "b"], "variable": "crp",
    ...                      "day": [0, 7, 0], "value": [100.0, 20.0, 80.0]})
    >>> from retrocohort.config.time_points import exact_day
    >>> time_point_pairs(long, ["crp"], (exact_day(0), exact_day(7)))["crp"]
                before  after  before_day  after_day
    patient_id
    a            100.0   20.0         0.0        7.0
    """
    return {
        name: frame.rename(columns={"v0": "before", "v1": "after", "d0": "before_day", "d1": "after_day"})
        for name, frame in time_point_values(measurements, names, points, worst, complete=True).items()
    }


def time_point_values(
    measurements: pd.DataFrame,
    names: Sequence[str],
    points: Sequence[TimePoint],
    worst: Mapping[str, str] | None = None,
    *,
    complete: bool = True,
) -> dict[str, pd.DataFrame]:
    """Per variable, one row per patient with the value (``v<i>``) and day (``d<i>``) of each
    time point ``i``; with ``complete`` only the patients having every time point (complete
    cases, as paired and repeated-measures tests need). Index ``patient_id``, sorted.

    Parameters
    ----------
    measurements : pandas.DataFrame
        Long table (``patient_id``, ``variable``, ``day``, ``value``).
    names : sequence of str
        The variables.
    points : sequence of TimePoint
        The time points, in order (``v0`` is the first).
    worst : mapping, optional
        Variable -> ``"max"``/``"min"`` for the ``worst`` rule.
    complete : bool, default True
        Keep only the patients with a value at every time point.

    Returns
    -------
    dict of str to pandas.DataFrame
        Per variable, columns ``v<i>`` and ``d<i>`` for each time point ``i``.

    References
    ----------
    CDISC ADaM Implementation Guide v1.3, 2021, section 3.3.5, as :func:`select_time_point`.

    Examples
    --------
    >>> from retrocohort.config.time_points import exact_day
    >>> long = pd.DataFrame({"patient_id": ["a", "a", "a", "b", "b"], "variable": "crp",
    ...                      "day": [0, 3, 7, 0, 7], "value": [9.0, 5.0, 1.0, 8.0, 2.0]})
    >>> points = (exact_day(0), exact_day(3), exact_day(7))
    >>> time_point_values(long, ["crp"], points)["crp"]
                 v0   v1   v2   d0   d1   d2
    patient_id
    a           9.0  5.0  1.0  0.0  3.0  7.0
    >>> time_point_values(long, ["crp"], points, complete=False)["crp"]
                 v0   v1   v2   d0   d1   d2
    patient_id
    a           9.0  5.0  1.0  0.0  3.0  7.0
    b           8.0  NaN  2.0  0.0  NaN  7.0
    """
    rows, patients, pid, var, day = _coded_rows(measurements, names, points)
    n_pat, k = len(patients), len(points)
    values = rows["value"].to_numpy(dtype="float64")
    groups = var * max(n_pat, 1) + pid
    grid_v = np.full((k, len(names) * n_pat), np.nan)
    grid_d = np.full((k, len(names) * n_pat), np.nan)
    for i, point in enumerate(points):
        sign = _worst_sign(point, names, worst or {})[var] if point.rule == "worst" else None
        group, value, chosen_day, _ = select_coded(point, groups, day, values, sign)
        grid_v[i, group] = value
        grid_d[i, group] = chosen_day
    out = {}
    for j, name in enumerate(names):
        block_v = grid_v[:, j * n_pat : (j + 1) * n_pat]
        block_d = grid_d[:, j * n_pat : (j + 1) * n_pat]
        keep = ~np.isnan(block_v).any(axis=0) if complete else ~np.isnan(block_v).all(axis=0)
        columns = {f"v{i}": block_v[i, keep] for i in range(k)}
        columns.update({f"d{i}": block_d[i, keep] for i in range(k)})
        out[name] = pd.DataFrame(columns, index=pd.Index(patients[keep], name="patient_id"))
    return out


def point_summary(tag: str, x: np.ndarray, hf_type: int) -> dict:
    """``<tag>_median``, ``_q1``, ``_q3`` (Hyndman-Fan type ``hf_type``) and ``_mean`` of the
    values at one time point (NaN when there is none): one home for the paired and repeated tables.

    Parameters
    ----------
    tag : str
        Prefix of the keys (the time point's name).
    x : numpy.ndarray
        The values (complete cases: no NaN).
    hf_type : int
        Hyndman-Fan sample quantile definition (1-9) of the quartiles.

    Returns
    -------
    dict
        ``<tag>_median``, ``<tag>_q1``, ``<tag>_q3``, ``<tag>_mean``.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.

    Examples
    --------
    >>> import numpy as np
    >>> point_summary("day0", np.array([1.0, 2.0, 3.0, 4.0]), 7)
    {'day0_median': 2.5, 'day0_q1': 1.75, 'day0_q3': 3.25, 'day0_mean': 2.5}
    >>> point_summary("day0", np.array([1.0, 2.0, 3.0, 4.0]), 6)["day0_q1"]
    1.25
    >>> point_summary("day7", np.array([]), 7)["day7_median"]
    nan
    """
    q1, med, q3 = quantile(x, [0.25, 0.5, 0.75], hf_type) if x.size else (np.nan,) * 3
    return {
        f"{tag}_median": float(med),
        f"{tag}_q1": float(q1),
        f"{tag}_q3": float(q3),
        f"{tag}_mean": float(x.mean()) if x.size else np.nan,
    }
