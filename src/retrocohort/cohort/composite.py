"""Composite time-to-event endpoints (``derived: <x>: {earliest_of: [...]}``), vectorised.

Recurrence-free survival, event-free survival, progression-free survival: the time to the
FIRST of several events, each given as its own (time, event) pair, e.g. (months to recurrence or
last imaging, recurred) and (months to death or last contact, died). The pair it produces is read
by a ``survival`` analysis or a Cox model as ``time: <x>`` and ``event: <x>_event`` (a second
derived entry ``<x>_event: {event_of: <x>}``; see config/README.md "Composite endpoints"), and
landmark outcomes from one pair (``event_before``: the event happened before a time limit).
Which component came first (``cause_of``) is the cause-coded status of a ``competing_risks``
analysis.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def earliest_of(times: pd.DataFrame, events: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Time to the first of several events and whether it is an event or a censoring.

    Column ``j`` of ``times`` and of ``events`` is one component: the time of its event
    (``events`` true) or of its censoring (false). Per row:

    * some component has its event: time = the earliest event time, event = true (a component
      censored earlier does not hide a later observed event: the usual definition of
      recurrence-free survival, as R's ``survival`` vignette builds progression-free survival
      from ``mgus2``: ``ifelse(pstat == 0, futime, ptime)`` with an event for either);
    * no component has its event: censored (event = false) at the EARLIEST censoring time,
      the last time the patient is known free of every event;
    * undetermined, so both missing (R's rule: a missing value propagates unless the result is
      determined without it): an event whose time is missing, an unknown event status whose
      time is missing or before the earliest observed event, or, with no event, a missing
      censoring time.

    Ties: an event and a censoring at the same time give an event at that time.

    Parameters
    ----------
    times : pandas.DataFrame
        One row per patient, one numeric column per component.
    events : pandas.DataFrame
        Same shape, yes/no (``boolean``) columns in the same order.

    Returns
    -------
    (pandas.Series, pandas.Series)
        The time (``Float64``) and the event (``boolean``), ``pd.NA`` where undetermined.

    References
    ----------
    Therneau T. *The survival package*, vignette "Multi-state models and competing risks",
    section on the ``mgus2`` data (time to the first of progression or death).
    """
    t = times.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    e = events.astype("boolean")
    known = e.notna().to_numpy()
    hit = e.fillna(False).to_numpy(dtype=bool)
    miss = ~hit & known  # censored components
    first = np.where(hit & ~np.isnan(t), t, np.inf).min(axis=1)
    has_event = np.isfinite(first)
    censor = np.where(miss, t, np.inf).min(axis=1)
    undetermined = (hit & np.isnan(t)).any(axis=1)
    unknown = ~known & (np.isnan(t) | (t < first[:, None]))
    undetermined |= unknown.any(axis=1)
    undetermined |= ~has_event & (miss & np.isnan(t)).any(axis=1)
    time = pd.Series(np.where(has_event, first, censor), index=times.index, dtype="Float64")
    event = pd.Series(has_event, index=times.index, dtype="boolean")
    time[undetermined] = pd.NA
    event[undetermined] = pd.NA
    return time, event


def event_before(time: pd.Series, event: pd.Series, limit: float) -> pd.Series:
    """Whether the event happened before ``limit`` (a landmark outcome: "death within 5 years").

    True: the event happened at a time < ``limit``; false: the time is >= ``limit`` (the patient
    was followed to the limit without the event, or had it at or after the limit); missing: the
    status at ``limit`` is unknown, i.e. censored (or an unknown event status) before ``limit``,
    or no time. As R's ``ifelse(time < limit, ifelse(event, TRUE, NA), FALSE)``: a missing input
    gives a missing result only when the result depends on it.

    Parameters
    ----------
    time : pandas.Series
        Time of the event or of the censoring.
    event : pandas.Series
        Yes/no: true = the event happened at ``time``.
    limit : float
        The landmark, in the unit of ``time`` (strictly before it counts).

    Returns
    -------
    pandas.Series
        ``boolean``, ``pd.NA`` where the status at ``limit`` is unknown.

    References
    ----------
    Anderson JR, Cain KC, Gelber RD. Analysis of survival by tumor response. *J Clin Oncol*
    1983;1:710-9 (landmark analysis: the status at a fixed time, unknown when censored before).
    """
    t = time.astype("Float64")
    e = event.astype("boolean")
    out = pd.Series(pd.NA, index=time.index, dtype="boolean")
    out[(t >= limit).fillna(False)] = False
    out[((t < limit) & e).fillna(False)] = True
    return out


def cause_of(times: pd.DataFrame, events: pd.DataFrame, causes: list[str], censored: str) -> pd.Series:
    """Which component of a composite endpoint came first: the cause-coded status of a
    competing-risks analysis.

    Column ``j`` of ``times`` and ``events`` is one component, as in :func:`earliest_of` (whose
    time and event this status agrees with), and ``causes[j]`` its level, the columns being in
    precedence order. Per row:

    * an event happened: ``causes[j]`` of the component whose event happened at the earliest
      event time; **ties** (several events at that time): the first in column order (the order
      the config lists the ``earliest_of`` components), unless a component listed before it has an unknown event
      status at that same time (then missing: it may have come first);
    * no event: ``censored``;
    * missing where :func:`earliest_of` is undetermined.

    Parameters
    ----------
    times : pandas.DataFrame
        One row per patient, one numeric column per component, in precedence order (ties).
    events : pandas.DataFrame
        Same shape, yes/no columns in the same order.
    causes : list of str
        The level of each component (one per column).
    censored : str
        The level of a patient censored (no event).

    Returns
    -------
    pandas.Series
        ``string`` levels, ``pd.NA`` where undetermined.

    References
    ----------
    Putter H, Fiocco M, Geskus RB. Tutorial in biostatistics: competing risks and multi-state
    models. *Stat Med* 2007;26:2389-430 (the status: which of the competing events occurred
    first, 0 when censored). Therneau T. *The survival package*, vignette "Multi-state models
    and competing risks" (``mgus2``: progression or death, whichever came first).
    """
    time, event = earliest_of(times, events)
    t = times.astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    e = events.astype("boolean")
    hit = e.fillna(False).to_numpy(dtype=bool)
    unknown = e.isna().to_numpy()
    first = time.to_numpy(dtype=float, na_value=np.nan)[:, None]
    winner = np.argmax(hit & (t == first), axis=1)
    before = np.arange(t.shape[1])[None, :] < winner[:, None]
    tied_unknown = (unknown & (t == first) & before).any(axis=1)
    fired = event.fillna(False).to_numpy(dtype=bool)
    out = pd.Series(np.where(fired, np.asarray(causes, dtype=object)[winner], censored), index=times.index)
    out = out.astype("string")
    out[time.isna().to_numpy() | (fired & tied_unknown)] = pd.NA
    return out
