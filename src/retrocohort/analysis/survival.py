"""Time to event per configured analysis: Kaplan–Meier table, median with its CI, event-free
probability at fixed horizons, and the log-rank test when a group variable is given.

Events: ``event`` names a binary variable (true = event, false = censored at the time); with
``event_when_observed: true`` instead, every observed time is an event (no censoring recorded).
Patients with a missing time, event or group are excluded and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retrocohort.analysis.descriptive import variable_kind
from retrocohort.analysis.groups import check_unique_ids, group_assignment
from retrocohort.errors import ConfigError, Problem
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


def _problem(index: int, key: str, value: object, message: str, expected: str) -> ConfigError:
    return ConfigError(
        "Invalid time-to-event analysis",
        [Problem(message, file="config", column=f"survival/{index}/{key}", value=value, expected=expected)],
    )


def event_data(
    frame: pd.DataFrame, spec: dict, index: int, variables: dict, derived: dict
) -> tuple[pd.Series, pd.Series, str]:
    """(time, event as 0/1 float with NaN, sentence defining the event) of one analysis."""
    for key in ("time", "event", "group_variable"):
        if key in spec and spec[key] not in frame.columns:
            raise _problem(
                index,
                key,
                spec[key],
                "variable not available per patient",
                "a patient-level or derived variable",
            )
    time = frame[spec["time"]].astype("Float64").astype("float64")
    if "event" in spec:
        if variable_kind(spec["event"], variables, derived) != "binary":
            raise _problem(
                index,
                "event",
                spec["event"],
                "event variable is not binary",
                "a binary variable (true = event, false = censored)",
            )
        event = frame[spec["event"]].astype("boolean").astype("Float64").astype("float64")
        return (
            time,
            event,
            (
                f"event = {spec['event']} true, censored at the time otherwise; "
                "patients with a missing time or event excluded."
            ),
        )
    if spec.get("event_when_observed") is True:
        return (
            time,
            time.notna().astype(float),
            ("every observed time is an event (no censoring recorded); patients without a time excluded."),
        )
    raise _problem(
        index,
        "event",
        None,
        "no event definition",
        "`event: <binary variable>` or `event_when_observed: true`",
    )


def at_risk_times(time: np.ndarray, n_ticks: int = 5) -> np.ndarray:
    """Deterministic 'nice' times from 0 to the largest time for the numbers-at-risk row."""
    from matplotlib.ticker import MaxNLocator

    top = float(np.nanmax(time)) if time.size else 0.0
    ticks = MaxNLocator(nbins=n_ticks, integer=True, min_n_ticks=2).tick_values(0.0, max(top, 1.0))
    return ticks[(ticks >= 0) & (ticks <= max(top, 1.0))]


def numbers_at_risk(time: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Patients still at risk (time >= t) at each of ``times``, by sorting once."""
    ordered = np.sort(time)
    return ordered.size - np.searchsorted(ordered, times, side="left")


def survival_at(km: pd.DataFrame, horizon: float) -> tuple[float, float, float]:
    """Kaplan–Meier S(t), CI at ``horizon`` (the last step at or before it; 1 before any)."""
    steps = km["time"].to_numpy()
    i = int(np.searchsorted(steps, horizon, side="right")) - 1
    if i < 0:
        return 1.0, 1.0, 1.0
    return tuple(float(km[c].iloc[i]) for c in ("survival", "ci_low", "ci_high"))  # type: ignore[return-value]


def _group_rows(g: dict, t: np.ndarray, e: np.ndarray, spec: dict) -> tuple[list[dict], pd.DataFrame | None]:
    """Kaplan–Meier, median and horizon rows of one group, and its curve (None if empty)."""
    conf, ci_type = g["conf_level"], g["ci_type"]
    if t.size == 0:
        return [
            {
                **g,
                "role": "median",
                "n": 0,
                "n_events": 0,
                "median": np.nan,
                "ci_low": np.nan,
                "ci_high": np.nan,
                "method": "not computed: no patient with a complete time and event",
            }
        ], None
    km = kaplan_meier(t, e, conf, ci_type=ci_type)
    med = median_survival(t, e, conf, ci_type=ci_type)
    band = f"pointwise {conf:.0%} CI, {ci_type} transform of Greenwood's variance."
    rows = [
        {**g, "role": "km", **rec, "method": f"Kaplan–Meier estimate; {band}"}
        for rec in km.to_dict("records")
    ]
    rows.append(
        {
            **g,
            "role": "median",
            "n": int(t.size),
            "n_events": int(e.sum()),
            "median": med.median,
            "ci_low": med.ci_low,
            "ci_high": med.ci_high,
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
                "method": f"Kaplan–Meier S(t) at t = {h}; {band}",
            }
        )
    return rows, km.assign(group=g["group"])[["group", "time", "survival", "ci_low", "ci_high"]]


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
    """Every statistic of one configured time-to-event analysis."""
    time, event, definition = event_data(frame, spec, index, variables, derived)
    group_var = spec.get("group_variable")
    if group_var:
        keys, order = group_assignment(frame[group_var], spec.get("groups"))
    else:
        keys, order = pd.Series("all", index=frame.index, dtype=object), [("all", ALL_PATIENTS)]
    complete = (time.notna() & event.notna() & keys.notna()).to_numpy()
    used_vars = {spec["time"], spec.get("event"), group_var} - {None}
    base = {
        "analysis": spec["id"],
        "analysis_label": spec.get("label", spec["id"]),
        "order": index,
        "time_variable": spec["time"],
        "event_definition": definition,
        "group_variable": group_var or "",
        "conf_level": spec.get("conf_level", 0.95),
        "ci_type": spec.get("ci_type", "log-log"),
        "synthetic": bool(used_vars & synthetic),
        "n_missing": int((~complete).sum()),
    }
    t_all, e_all = time.to_numpy()[complete], event.to_numpy()[complete]
    k_all = keys.to_numpy()[complete]
    ticks = at_risk_times(t_all)
    rows, curves, risk = [], [], []
    for key, label in order:
        mine = k_all == key
        group_rows, curve = _group_rows(
            {**base, "group": label, "group_value": key}, t_all[mine], e_all[mine], spec
        )
        rows += group_rows
        if curve is not None:
            curves.append(curve)
            risk.append(
                pd.DataFrame(
                    {"group": label, "time": ticks, "n_at_risk": numbers_at_risk(t_all[mine], ticks)}
                )
            )
    if group_var:
        labels = np.array([dict(order)[k] for k in k_all], dtype=object)
        rows.append(_logrank_row(base, t_all, e_all, labels, p_format))
    return SurvivalAnalysis(
        rows=rows,
        curves=pd.concat(curves, ignore_index=True)
        if curves
        else pd.DataFrame(columns=["group", "time", "survival", "ci_low", "ci_high"]),
        at_risk=pd.concat(risk, ignore_index=True)
        if risk
        else pd.DataFrame(columns=["group", "time", "n_at_risk"]),
    )


def survival_statistics(
    frame: pd.DataFrame,
    analyses: list[dict],
    variables: dict,
    derived: dict,
    stats_cfg: dict,
    synthetic: set[str],
) -> tuple[pd.DataFrame, dict[str, SurvivalAnalysis]]:
    """Statistics of every configured analysis (one frame) and each analysis by id."""
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
