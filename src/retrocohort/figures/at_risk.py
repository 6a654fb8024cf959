"""Numbers at risk of a Kaplan–Meier figure, counted exactly at its time-axis ticks.

The number at risk at time t is the number of patients whose follow-up time is >= t (still
under observation just before t): R's ``summary(survfit(...), times = t, extend = TRUE)$n.risk``
(Therneau & Grambsch 2000, *Modeling Survival Data*, §2.1; Therneau, ``survival`` package,
``summary.survfit``). It is counted from the patients' follow-up ends — the Kaplan–Meier
``n_events`` at each event time plus one per censored patient — so any time can be asked for,
not only the event times of the Kaplan–Meier table.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from retrocohort.analysis.survival import numbers_at_risk
from retrocohort.errors import ConfigError

FOLLOW_UP_COLUMNS = ("group", "time", "n")
AT_RISK_METHOD = (
    "Number at risk: patients with follow-up time >= t (R survfit n.risk at t), "
    "at the Kaplan–Meier figure's time-axis ticks."
)


def follow_up_ends(events: pd.DataFrame, censored: pd.DataFrame) -> pd.DataFrame:
    """Patients whose follow-up ends at each time, per group: (group, time, n).

    Parameters
    ----------
    events
        Kaplan–Meier rows (group, time, n_events): the number of events at each event time.
    censored
        One row (group, time, ...) per censored patient, as the figure's censoring marks.
    """
    missing = [c for c in ("group", "time", "n_events") if c not in events.columns]
    missing += [f"censored {c}" for c in ("group", "time") if c not in censored.columns]
    if missing:
        raise ValueError(f"follow-up ends need column(s) {missing}")
    ends = pd.concat(
        [
            events[["group", "time", "n_events"]].rename(columns={"n_events": "n"}),
            censored[["group", "time"]].assign(n=1),
        ],
        ignore_index=True,
    )
    ends = ends[ends["n"] > 0].astype({"time": float, "n": int})
    parts = [
        g.groupby("time", as_index=False)["n"].sum().assign(group=label)
        for label, g in ends.groupby("group", sort=False)
    ]
    if not parts:
        return pd.DataFrame(columns=list(FOLLOW_UP_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(FOLLOW_UP_COLUMNS)]


def numbers_at_risk_at(follow_up: pd.DataFrame, groups: Sequence, times: Sequence[float]) -> pd.DataFrame:
    """Numbers at risk (group, time, n_at_risk) of each of ``groups`` at each of ``times``.

    ``follow_up`` is (group, time, n) as from :func:`follow_up_ends`; a group without rows has
    none at risk. Counts use :func:`retrocohort.analysis.survival.numbers_at_risk` (time >= t).
    """
    missing = [c for c in FOLLOW_UP_COLUMNS if c not in follow_up.columns]
    if missing:
        raise ValueError(f"follow-up ends lack column(s) {missing}")
    at = np.asarray(times, dtype=float)
    frames = []
    for group in groups:
        mine = follow_up[follow_up["group"] == group]
        ends = np.repeat(mine["time"].to_numpy(float), mine["n"].to_numpy(int))
        frames.append(pd.DataFrame({"group": group, "time": at, "n_at_risk": numbers_at_risk(ends, at)}))
    if not frames:
        return pd.DataFrame(columns=["group", "time", "n_at_risk"])
    return pd.concat(frames, ignore_index=True)


def at_risk_rows(stats: pd.DataFrame, analysis_id: str, at_risk: pd.DataFrame) -> pd.DataFrame:
    """Statistics rows (role ``at_risk``) of the numbers at risk printed in an analysis' figure,
    at full precision for traceability: the analysis' identifying fields (from its ``patients``
    row of ``stats``) with group, time and n_at_risk, in ``stats``' columns."""
    (patients,) = stats[(stats["analysis"] == analysis_id) & (stats["role"] == "patients")].to_dict("records")
    keep = ("analysis", "analysis_label", "order", "time_variable", "event_definition", "group_variable")
    base = {k: patients[k] for k in keep if k in patients}
    base |= {"synthetic": patients.get("synthetic", False), "details": {}}
    rows = at_risk.assign(**base, role="at_risk", method=AT_RISK_METHOD)
    return rows.astype({"n_at_risk": int}).reindex(columns=stats.columns)


def check_at_risk_times(times: Sequence[float] | None, time_axis_max: float | None, where: str) -> None:
    """Refuse configured ``at_risk_times`` beyond ``time_axis_max`` (they could not be printed
    under a tick of the axis), naming the config key path ``where`` (e.g. ``survival/0``)."""
    if times is None or time_axis_max is None:
        return
    beyond = [t for t in times if float(t) > float(time_axis_max)]
    if beyond:
        raise ConfigError(
            f"{where}/at_risk_times: {beyond} lie beyond time_axis_max {time_axis_max}; the numbers "
            "at risk are printed under ticks of the time axis, so every at-risk time must be within it"
        )
