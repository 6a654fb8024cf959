"""Patient-level endpoints declared from the long events table (``derived:`` entries
``time_to_event``, ``event_count``, ``first_event_day``), vectorised.

The events table (:data:`retrocohort.ingest.events.EVENT_COLUMNS`) holds one row per patient and
event: the day, the event type and a status (true = the event happened that day, false = the
patient was censored for that type that day). From it:

* :func:`time_to_event`: the time to the FIRST event of a set of types, censored at the end of
  follow-up (a declared variable giving its day) or, without one, at the censoring rows. Each
  type is one (time, event) component and the components are combined by
  :func:`retrocohort.cohort.composite.earliest_of`, so the result, and its composition with
  other ``earliest_of`` composites (recurrence-free survival = the earlier of recurrence and
  death), follows the same rules (ties, missing values) as a composite of patient columns;
* :func:`event_count`: the number of events (status true rows) per patient, of some types;
* :func:`first_event_day`: the day of the first event of some types.

An event after the end of follow-up is a data error (:func:`late_event_problems`) naming the
events file, its row, the end-of-follow-up variable and both days.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from retrocohort.cohort.composite import earliest_of
from retrocohort.errors import InputError, Problem


def _hits(events: pd.DataFrame, types: Sequence[str] | None) -> pd.DataFrame:
    """The event rows (status true) of ``types`` (all types when None)."""
    rows = events[events["status"].astype("boolean").fillna(False).to_numpy(dtype=bool)]
    return rows if types is None else rows[rows["event"].isin(list(types)).to_numpy(dtype=bool)]


def first_event_day(events: pd.DataFrame, patient_id: pd.Series, types: Sequence[str]) -> pd.Series:
    """Day of each patient's first event of ``types`` (``pd.NA`` without one).

    Parameters
    ----------
    events : pandas.DataFrame
        The canonical events table (``patient_id``, ``day``, ``event``, ``status``).
    patient_id : pandas.Series
        The patients, in the order of the result.
    types : sequence of str
        Event type names.

    Returns
    -------
    pandas.Series
        ``Float64``, indexed like ``patient_id``.
    """
    first = _hits(events, types).groupby("patient_id", sort=True)["day"].min()
    return patient_id.map(first).astype("Float64")


def event_count(events: pd.DataFrame, patient_id: pd.Series, types: Sequence[str] | None = None) -> pd.Series:
    """Number of events (status true rows) of ``types`` (all when None) per patient; 0 without one.

    Returns
    -------
    pandas.Series
        ``Float64`` counts, indexed like ``patient_id``.
    """
    counts = _hits(events, types).groupby("patient_id", sort=True).size()
    return patient_id.map(counts).fillna(0).astype("Float64")


def late_event_problems(
    events: pd.DataFrame, patient_id: pd.Series, end: pd.Series, types: Sequence[str], end_name: str
) -> list[Problem]:
    """Events of ``types`` after the patient's end of follow-up (``end``, same index as
    ``patient_id``), one located problem per row: the end of follow-up would hide them."""
    hits = _hits(events, types)
    last = pd.Series(
        end.astype("Float64").to_numpy(dtype=float, na_value=np.nan), index=patient_id.to_numpy()
    )
    last = last[~last.index.duplicated()]
    limit = hits["patient_id"].map(last).to_numpy(dtype=float, na_value=np.nan)
    day = hits["day"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        late = day > limit
    return [
        Problem(
            f"{r.event} of patient {r.patient_id} on day {d:g}, after the end of follow-up (day {x:g})",
            file=str(r.file),
            row=int(r.row),
            column=end_name,
            value=d,
            expected=f"an event day on or before the day given by `{end_name}` (end of follow-up), "
            "or a later end of follow-up",
        )
        for r, d, x in zip(hits[late].itertuples(index=False), day[late], limit[late])
    ]


def time_to_event(
    events: pd.DataFrame,
    patient_id: pd.Series,
    types: Sequence[str],
    end: pd.Series | None = None,
    end_name: str = "end_of_follow_up",
) -> tuple[pd.Series, pd.Series]:
    """Time to the first event of ``types``, censored at the end of follow-up.

    Each type gives one component per patient:

    * with ``end`` (the end-of-follow-up day): (first event day, true), or (``end``, false)
      without an event of that type; an event after ``end`` is an :class:`InputError`
      (:func:`late_event_problems`);
    * without ``end`` (status rows): (first event day, true); else (censoring day, false) from
      the type's censoring row (status 0); else unknown (no row of that type).

    The components are combined by :func:`retrocohort.cohort.composite.earliest_of`: the
    earliest event day when any event happened, else censored at the earliest censoring day;
    missing when undetermined (e.g. no row of a type and no event before). An event and a
    censoring on the same day give the event.

    Parameters
    ----------
    events : pandas.DataFrame
        The canonical events table.
    patient_id : pandas.Series
        The patients, in the order of the result.
    types : sequence of str
        Event type names (the first of any of them is the event).
    end : pandas.Series, optional
        The day follow-up ended, indexed like ``patient_id``.
    end_name : str
        The variable giving ``end`` (named in the data errors).

    Returns
    -------
    (pandas.Series, pandas.Series)
        Time (``Float64``) and event (``boolean``), ``pd.NA`` where undetermined.

    References
    ----------
    Therneau TM, Grambsch PM. *Modeling Survival Data: Extending the Cox Model*. Springer, 2000,
    section 8.2 (the time to the first of several event types); R ``survival::colon``
    (one row per patient and event type, each with its time and status).
    """
    if end is not None:
        problems = late_event_problems(events, patient_id, end, types, end_name)
        if problems:
            raise InputError(f"{len(problems)} event(s) after the end of follow-up", problems)
    times, flags = {}, {}
    for t in types:
        first = first_event_day(events, patient_id, [t])
        hit = first.notna()
        if end is not None:
            times[t] = first.where(hit, end.astype("Float64"))
            flags[t] = pd.Series(hit.to_numpy(dtype=bool), index=patient_id.index, dtype="boolean")
            continue
        rows = events[(events["event"] == t).fillna(False).to_numpy(dtype=bool)]
        censor = rows[~rows["status"].astype("boolean").fillna(True).to_numpy(dtype=bool)]
        censored = patient_id.map(censor.groupby("patient_id", sort=True)["day"].min()).astype("Float64")
        times[t] = first.where(hit, censored)
        flag = pd.Series(pd.NA, index=patient_id.index, dtype="boolean")
        flag[censored.notna().to_numpy(dtype=bool)] = False
        flag[hit.to_numpy(dtype=bool)] = True
        flags[t] = flag
    return earliest_of(pd.DataFrame(times), pd.DataFrame(flags))


def event_endpoint(
    op: str, arg: dict, patients: pd.DataFrame, events: pd.DataFrame
) -> tuple[pd.Series, pd.Series | None]:
    """The column of one ``derived:`` entry reading the events table, and, for ``time_to_event``,
    its event (the column of ``{event_of: <name>}``).

    Parameters
    ----------
    op : {"time_to_event", "event_count", "first_event_day"}
        The operation.
    arg : dict
        Its config entry (``events``; ``end_of_follow_up``).
    patients : pandas.DataFrame
        One row per patient (``patient_id`` and the variables derived so far).
    events : pandas.DataFrame
        The canonical events table.
    """
    ids = patients["patient_id"]
    types = arg.get("events")
    if op == "event_count":
        return event_count(events, ids, types), None
    if op == "first_event_day":
        return first_event_day(events, ids, types), None
    end_name = arg.get("end_of_follow_up")
    end = patients[end_name] if end_name else None
    return time_to_event(events, ids, types, end, end_name or "end_of_follow_up")
