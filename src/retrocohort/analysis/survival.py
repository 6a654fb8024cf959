"""Time to event per configured analysis: Kaplan–Meier table, median with its CI, event-free
probability at fixed horizons, and the log-rank test when a group variable is given.

Events and censoring: see :mod:`retrocohort.analysis.survival_events` (``event``,
``event_when_observed``, ``censor_time``). Censored patients are kept (Kaplan–Meier, right
censoring); patients without a usable time, event or group are excluded and counted with the
reason: per group on the ``median`` rows and for the whole analysis on its ``patients`` row
(columns n, n_events, n_censored, n_excluded, excluded_reason; n_missing = the analysis total).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from retrocohort.analysis.analysis_sample import SET_COLUMN, WEIGHT_COLUMN
from retrocohort.analysis.groups import check_unique_ids, group_assignment
from retrocohort.analysis.survival_events import event_data, exclusion_sentence, group_reasons
from retrocohort.analysis.survival_weighted import robust_test_row, variance_words, weighted_curve
from retrocohort.config.check import variable_label
from retrocohort.format.pvalues import p_value_format, printed_p
from retrocohort.stats.survival import kaplan_meier, logrank, median_survival

ALL_PATIENTS = "All patients"
MEDIAN_NOT_REACHED = "not computed: median not reached (the Kaplan–Meier estimate never falls below 0.5)"

SURVIVAL_COLUMNS = [
    "analysis",
    "analysis_label",
    "order",
    "role",
    "time_variable",
    "event_definition",
    "group_variable",
    "group",
    "group_value",
    "n",
    "n_events",
    "n_missing",
    "n_censored",
    "n_excluded",
    "excluded_reason",
    "time",
    "n_at_risk",
    "survival",
    "std_err",
    "median",
    "ci_low",
    "ci_high",
    "conf_level",
    "ci_type",
    "test",
    "statistic",
    "statistic_name",
    "p_value",
    "p_formatted",
    "n_used",
    "method",
    "details",
    "synthetic",
    "note",
]


@dataclass(frozen=True)
class SurvivalAnalysis:
    """One configured analysis: statistics rows plus what its figure needs."""

    rows: list[dict]
    curves: pd.DataFrame  # group, time, survival, ci_low, ci_high (long)
    at_risk: pd.DataFrame  # group, time, n_at_risk
    censored: pd.DataFrame  # group, time, survival: one row per censored patient (the "+" marks)


def at_risk_times(time: np.ndarray, n_ticks: int = 5, axis_max: float | None = None) -> np.ndarray:
    """Deterministic 'nice' times from 0 to the largest time (or to ``axis_max``, the figure's
    ``time_axis_max``, when smaller) for the numbers-at-risk row."""
    from matplotlib.ticker import MaxNLocator

    top = float(np.nanmax(time)) if time.size else 0.0
    if axis_max is not None:
        top = min(top, float(axis_max))
    ticks = MaxNLocator(nbins=n_ticks, integer=True, min_n_ticks=2).tick_values(0.0, max(top, 1.0))
    return ticks[(ticks >= 0) & (ticks <= max(top, 1.0))]


def numbers_at_risk(time: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Patients still at risk (time >= t) at each of ``times``, by sorting once.

    Parameters
    ----------
    time : numpy.ndarray
        Each patient's follow-up time (event or censoring).
    times : numpy.ndarray
        The times of the numbers-at-risk row.

    Returns
    -------
    numpy.ndarray
        The number at risk at each of ``times``.

    References
    ----------
    Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc
    1958;53:457-81.
    Pocock SJ, Clayton TC, Altman DG. Survival plots of time-to-event outcomes in clinical
    trials: good practice and pitfalls. Lancet 2002;359:1686-9 (numbers at risk under the plot).

    Examples
    --------
    >>> import numpy as np
    >>> numbers_at_risk(np.array([1.0, 3.0, 5.0, 2.0]), np.array([0.0, 2.0, 4.0]))
    array([4, 3, 1])
    """
    ordered = np.sort(time)
    return ordered.size - np.searchsorted(ordered, times, side="left")


def survival_at(km: pd.DataFrame, horizon: float) -> tuple[float, float, float]:
    """Kaplan–Meier S(t), CI at ``horizon`` (the last step at or before it; 1 before any)."""
    steps = km["time"].to_numpy()
    i = int(np.searchsorted(steps, horizon, side="right")) - 1
    if i < 0:
        return 1.0, 1.0, 1.0
    return tuple(float(km[c].iloc[i]) for c in ("survival", "ci_low", "ci_high"))  # type: ignore[return-value]


def _accounting(t: np.ndarray, e: np.ndarray, reasons: pd.Series) -> dict:
    """n used, events, censored, excluded and the counted exclusion reasons of some patients."""
    return {
        "n": int(t.size),
        "n_events": int(e.sum()),
        "n_censored": int(t.size - e.sum()),
        "n_excluded": int((reasons != "").sum()),
        "excluded_reason": exclusion_sentence(reasons),
    }


def censor_marks(km: pd.DataFrame, t: np.ndarray, e: np.ndarray, group: str) -> pd.DataFrame:
    """One row (group, time, survival) per censored patient: the Kaplan–Meier S(t) at its
    censoring time, where R's ``plot.survfit(mark.time = TRUE)`` draws its "+" mark."""
    times = np.sort(t[e == 0])
    return pd.DataFrame(
        {"group": group, "time": times, "survival": [survival_at(km, float(c))[0] for c in times]},
        columns=["group", "time", "survival"],
    )


def _group_rows(
    g: dict,
    t: np.ndarray,
    e: np.ndarray,
    spec: dict,
    reasons: pd.Series,
    weights: np.ndarray | None = None,
    sets: np.ndarray | None = None,
) -> tuple[list[dict], pd.DataFrame | None, pd.DataFrame | None]:
    """Kaplan–Meier, median and horizon rows of one group, its curve and its censoring marks
    (None when no patient of the group is usable). ``reasons``: exclusion reason of each patient
    of the group ("" when used). ``weights`` (and ``sets``): a matched or weighted sample, the
    weighted curve with its robust variance (:mod:`retrocohort.analysis.survival_weighted`)."""
    conf, ci_type = g["conf_level"], g["ci_type"]
    counts = _accounting(t, e, reasons)
    if t.size == 0:
        return (
            [
                {
                    **g,
                    "role": "median",
                    **counts,
                    "median": np.nan,
                    "ci_low": np.nan,
                    "ci_high": np.nan,
                    "method": "not computed: no patient with a complete time and event",
                }
            ],
            None,
            None,
        )
    if weights is None:
        km = kaplan_meier(t, e, conf, ci_type=ci_type)
        med = median_survival(t, e, conf, ci_type=ci_type, convention=spec["median_convention"])
        band, estimate = (
            f"pointwise {conf:.0%} CI, {ci_type} transform of Greenwood's variance.",
            "Kaplan–Meier",
        )
    else:  # a matched or weighted sample (sample:)
        km, med = weighted_curve(t, e, weights, sets, conf, ci_type, spec["median_convention"])
        band = f"pointwise {conf:.0%} CI, {ci_type} transform of {variance_words(sets is not None)}."
        estimate = "Weighted Kaplan–Meier"
    rows = [
        {**g, "role": "km", **rec, "method": f"{estimate} estimate; {band}"} for rec in km.to_dict("records")
    ]
    rows.append(
        {
            **g,
            "role": "median",
            **counts,
            "median": med.median,
            "ci_low": med.ci_low,
            # an upper limit never reached (R's NA) is inf beside a reached median: printed "NR"
            "ci_high": math.inf if np.isnan(med.ci_high) and not np.isnan(med.median) else med.ci_high,
            "method": med.method,
            "note": MEDIAN_NOT_REACHED if np.isnan(med.median) else "",
        }
    )
    for h in spec.get("horizons", []):
        s, lo, hi = survival_at(km, float(h))
        rows.append(
            {
                **g,
                "role": "horizon",
                "time": float(h),
                "survival": s,
                "ci_low": lo,
                "ci_high": hi,
                "n_at_risk": int(numbers_at_risk(t, np.array([h]))[0]),
                "method": f"{estimate} S(t) at t = {h}; {band}",
            }
        )
    curve = km.assign(group=g["group"])[["group", "time", "survival", "ci_low", "ci_high"]]
    return rows, curve, censor_marks(km, t, e, g["group"])


def logrank_undefined(t: np.ndarray, e: np.ndarray, labels: np.ndarray) -> str:
    """Why the log-rank statistic does not exist for these data ("not computed: ..."), or "".

    It needs at least 2 groups with data and at least one event (else the variance is 0)."""
    if np.unique(labels).size < 2:
        return "not computed: fewer than 2 groups with data"
    if not (e > 0).any():
        return "not computed: no event (the log-rank variance is zero)"
    return ""


def _logrank_row(base: dict, t: np.ndarray, e: np.ndarray, labels: np.ndarray, p_format: dict) -> dict:
    """Log-rank test across the groups present, or a 'not computed' row: fewer than 2 groups,
    no event, or a singular variance (no event time at which two groups are both at risk)."""
    reason = logrank_undefined(t, e, labels)
    if not reason:
        try:
            test = logrank(t, e, labels).to_dict(flat=False)
            test["statistic_name"] = test["details"].get("statistic_name", "")
        except np.linalg.LinAlgError:
            reason = "not computed: the log-rank variance matrix is singular (no event time with two groups at risk)"
    if reason:
        test = {
            "test": "log-rank",
            "method": reason,
            "statistic": np.nan,
            "p_value": np.nan,
            "n": int(t.size),
            "n_used": 0,
            "details": {"reason": reason},
            "statistic_name": "",
        }
    keys = ("test", "method", "statistic", "statistic_name", "p_value", "n", "n_used", "details")
    return {
        **base,
        "role": "logrank",
        "group": "",
        **{k: test[k] for k in keys},
        "p_formatted": printed_p(test["p_value"], p_format),
    }


def analyse(
    frame: pd.DataFrame,
    spec: dict,
    index: int,
    variables: dict,
    derived: dict,
    synthetic: set[str],
    p_format: dict,
) -> SurvivalAnalysis:
    """Every statistic of one configured time-to-event analysis: per group its Kaplan–Meier rows,
    median and horizons (:func:`_group_rows`), the log-rank test when grouped, and one
    ``patients`` row accounting for every patient of the analysed cohort."""
    data = event_data(frame, spec, index, variables, derived)
    group_var = spec.get("group_variable")
    reasons = data.reason.copy()
    if group_var:
        keys, order = group_assignment(frame[group_var], spec.get("groups"))
        grouping = group_reasons(
            frame[group_var], keys, variable_label({"variables": variables, "derived": derived}, group_var)
        )
        reasons[reasons == ""] = grouping[reasons == ""]
    else:
        keys, order = pd.Series("all", index=frame.index, dtype=object), [("all", ALL_PATIENTS)]
    complete = (reasons == "").to_numpy()
    used_vars = {spec["time"], spec.get("event"), spec.get("censor_time"), group_var} - {None}
    base = {
        "analysis": spec["id"],
        "analysis_label": spec.get("label", spec["id"]),
        "order": index,
        "time_variable": spec["time"],
        "event_definition": data.definition,
        "group_variable": group_var or "",
        "conf_level": spec["conf_level"],
        "ci_type": spec["ci_type"],
        "synthetic": bool(used_vars & synthetic),
        "n_missing": int((~complete).sum()),
    }
    t_all, e_all = data.time.to_numpy()[complete], data.event.to_numpy()[complete]
    k_all = keys.to_numpy()[complete]
    # a matched or weighted sample (the table's sample:): case weights and matched sets
    w_all = frame[WEIGHT_COLUMN].to_numpy(dtype=float)[complete] if WEIGHT_COLUMN in frame else None
    s_all = frame[SET_COLUMN].to_numpy()[complete] if SET_COLUMN in frame else None
    ticks = at_risk_times(t_all, axis_max=spec.get("time_axis_max"))
    rows = [{**base, "role": "patients", "group": "", **_accounting(t_all, e_all, reasons)}]
    curves, risk, marks = [], [], []
    for key, label in order:
        mine = k_all == key
        group_rows, curve, censored = _group_rows(
            {**base, "group": label, "group_value": key},
            t_all[mine],
            e_all[mine],
            spec,
            reasons[(keys == key).to_numpy()],
            None if w_all is None else w_all[mine],
            None if s_all is None else s_all[mine],
        )
        rows += group_rows
        if curve is not None:
            curves.append(curve)
            marks.append(censored)
            risk.append(
                pd.DataFrame(
                    {"group": label, "time": ticks, "n_at_risk": numbers_at_risk(t_all[mine], ticks)}
                )
            )
    if group_var:
        labels = np.array([dict(order)[k] for k in k_all], dtype=object)
        if w_all is None:
            rows.append(_logrank_row(base, t_all, e_all, labels, p_format))
        else:  # the weighted sample's test: robust score test of the weighted Cox model
            rows.append(robust_test_row(base, t_all, e_all, labels, w_all, s_all, p_format))
    return SurvivalAnalysis(
        rows=rows,
        curves=_concat(curves, ["group", "time", "survival", "ci_low", "ci_high"]),
        at_risk=_concat(risk, ["group", "time", "n_at_risk"]),
        censored=_concat(marks, ["group", "time", "survival"]),
    )


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """The frames stacked, or an empty frame with ``columns`` when there are none."""
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def survival_statistics(
    frame: pd.DataFrame,
    analyses: list[dict],
    variables: dict,
    derived: dict,
    stats_cfg: dict,
    synthetic: set[str],
) -> tuple[pd.DataFrame, dict[str, SurvivalAnalysis]]:
    """Statistics of every configured analysis (one frame) and each analysis by id.

    Per analysis (and group): the Kaplan-Meier estimate with its pointwise CI (Greenwood's
    variance, log-log transform by default), the median survival with its Brookmeyer-Crowley
    CI, survival at the configured horizons, the log-rank test when grouped, and one
    ``patients`` row counting the patients used and excluded (with the reasons).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient of the cohort.
    analyses : list of dict
        The loaded study's ``survival:`` entries (``id``, ``time``, ``event``, optional
        ``group_variable``, ``groups``, ``conf_level``, ``ci_type``, ``median_convention``...).
    variables, derived : dict
        The study's ``variables:`` and ``derived:`` declarations.
    stats_cfg : dict
        The loaded study's ``statistics:`` section (p-value format).
    synthetic : set of str
        Variables read from synthetic sources (their rows are marked).

    Returns
    -------
    stats : pandas.DataFrame
        Rows of roles ``patients``, ``km``, ``median``, ``horizon`` and ``logrank``.
    analyses : dict of str to SurvivalAnalysis
        Each analysis by id (for the figures).

    References
    ----------
    Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc
    1958;53:457-81.
    Greenwood M. The natural duration of cancer. Rep Public Health Med Subj 1926;33:1-26.
    Brookmeyer R, Crowley J. A confidence interval for the median survival time. Biometrics
    1982;38:29-41.
    Mantel N. Evaluation of survival data and two new rank order statistics arising in its
    consideration. Cancer Chemother Rep 1966;50:163-70.

    Examples
    --------
    >>> import pandas as pd
    >>> from retrocohort.config.check import SCHEMA_PATH, read_yaml
    >>> from retrocohort.config.study import fill_defaults
    >>> study = fill_defaults({"statistics": {}, "survival": [
    ...     {"id": "death", "time": "months", "event": "died", "group_variable": "arm"}]},
    ...     read_yaml(SCHEMA_PATH))
    >>> frame = pd.DataFrame({"arm": ["a", "a", "a", "b", "b", "b", None],
    ...                       "months": [1.0, 3.0, 5.0, 2.0, 8.0, 12.0, 4.0],
    ...                       "died": [True, True, False, True, False, False, True]})
    >>> variables = {"arm": {"kind": "categorical", "label": "Arm"},
    ...              "months": {"kind": "continuous", "label": "Months"},
    ...              "died": {"kind": "binary", "label": "Death"}}
    >>> stats, _ = survival_statistics(frame, study["survival"], variables, {}, study["statistics"], set())
    >>> stats[stats["role"] == "km"][["group", "time", "n_at_risk", "survival", "ci_low", "ci_high"]].round(4)
      group  time  n_at_risk  survival  ci_low  ci_high
    1     a   1.0        3.0    0.6667  0.0541   0.9452
    2     a   3.0        2.0    0.3333  0.0090   0.7741
    4     b   2.0        3.0    0.6667  0.0541   0.9452
    >>> stats[stats["role"] == "median"][["group", "median", "ci_low"]]
      group  median  ci_low
    3     a     3.0     1.0
    5     b     NaN     2.0
    >>> stats[stats["role"] == "logrank"][["statistic", "p_value"]].round(4)
       statistic  p_value
    6     0.4865   0.4855
    >>> stats.loc[stats["role"] == "patients", "excluded_reason"].item()
    '1 patient excluded (Arm unknown)'
    """
    check_unique_ids(analyses, "survival")
    p_format = p_value_format(stats_cfg)
    results = {
        spec["id"]: analyse(frame, spec, i, variables, derived, synthetic, p_format)
        for i, spec in enumerate(analyses)
    }
    rows = [row for res in results.values() for row in res.rows]
    out = pd.DataFrame.from_records(rows, columns=SURVIVAL_COLUMNS)
    out["details"] = out["details"].map(lambda d: d if isinstance(d, dict) else {})
    return out, results
