"""Right-censored (time, event) per patient of one configured time-to-event analysis, and the
patients it cannot use, each with the reason.

Three event definitions (config ``survival[]``):

- ``event: <binary variable>``: true = event at ``time``, false = censored at ``time``;
- ``event_when_observed: true``: every observed ``time`` is an event;
- ``event_when_observed: true`` with ``censor_time: <variable>``: a patient without ``time`` is
  censored at ``censor_time`` (observed that long without the event), as in right-censored
  survival data (Kaplan & Meier, J Am Stat Assoc 1958;53:457-81; Klein & Moeschberger,
  *Survival Analysis*, 2nd ed., 2003, section 3.2).

A patient with no usable time (missing, or negative), an unknown event or, in a grouped
analysis, an unknown or unanalysed group is excluded and counted under its reason: never
silently dropped and never given an invented time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retrocohort.analysis.descriptive import variable_kind
from retrocohort.config.check import variable_label
from retrocohort.errors import ConfigError, InputError, Problem
from retrocohort.format.words import in_sentence

NUMERIC_KINDS = ("continuous", "count")


@dataclass(frozen=True)
class EventData:
    """Per patient (index of the analysed frame): time, event (1.0 event, 0.0 censored, NaN when
    excluded), the exclusion reason ("" when used) and the sentence defining the event."""

    time: pd.Series
    event: pd.Series
    reason: pd.Series
    definition: str


def config_problem(index: int, key: str, value: object, message: str, expected: str) -> ConfigError:
    """ConfigError located at ``survival/<index>/<key>``."""
    return ConfigError(
        "Invalid time-to-event analysis",
        [Problem(message, file="config", column=f"survival/{index}/{key}", value=value, expected=expected)],
    )


def _check_spec(frame: pd.DataFrame, spec: dict, index: int, variables: dict, derived: dict) -> None:
    """Every variable the analysis names exists per patient and has the kind its key needs."""
    for key in ("time", "event", "group_variable", "censor_time"):
        if key in spec and spec[key] not in frame.columns:
            raise config_problem(
                index,
                key,
                spec[key],
                "variable not available per patient",
                "a patient-level or derived variable",
            )
    if "event" in spec and variable_kind(spec["event"], variables, derived) != "binary":
        raise config_problem(
            index,
            "event",
            spec["event"],
            "event variable is not binary",
            "a binary variable (true = event, false = censored)",
        )
    if "event" not in spec and spec.get("event_when_observed") is not True:
        raise config_problem(
            index,
            "event",
            None,
            "no event definition",
            "`event: <binary variable>` or `event_when_observed: true`",
        )
    if "censor_time" in spec:
        if spec.get("event_when_observed") is not True or "event" in spec:
            raise config_problem(
                index,
                "censor_time",
                spec["censor_time"],
                "censor_time given without event_when_observed",
                "`event_when_observed: true` and no `event` (with `event:`, false already means censored)",
            )
        if variable_kind(spec["censor_time"], variables, derived) not in NUMERIC_KINDS:
            raise config_problem(
                index,
                "censor_time",
                spec["censor_time"],
                "censor time variable is not a number",
                "a continuous or count variable",
            )


def numeric_times(frame: pd.DataFrame, variable: str) -> pd.Series:
    """``frame[variable]`` as float (NaN when missing); InputError naming the first patient whose
    value is not a number.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient (``patient_id`` names a patient in the error, else the row number).
    variable : str
        The time column.

    Returns
    -------
    pandas.Series
        The times as float, NaN where missing.

    References
    ----------
    Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. 2nd ed. Wiley;
    2002 (a time to event is a non-negative number of time units; missing is not censored).

    Examples
    --------
    >>> frame = pd.DataFrame({"patient_id": ["a", "b"], "t": ["3", None]})
    >>> numeric_times(frame, "t").tolist()
    [3.0, nan]
    """
    values = frame[variable]
    numbers = pd.to_numeric(values.astype(object).where(values.notna(), np.nan), errors="coerce")
    bad = numbers.isna() & values.notna()
    if bad.any():
        row = bad.to_numpy().nonzero()[0][0]
        patient = frame["patient_id"].iloc[row] if "patient_id" in frame.columns else row
        raise InputError(
            "Time-to-event variable is not a number",
            [
                Problem(
                    f"patient {patient}: value is not a number",
                    column=variable,
                    value=values.iloc[row],
                    expected="a number of time units (or empty when unknown)",
                )
            ],
        )
    return numbers.astype("float64")


def event_data(frame: pd.DataFrame, spec: dict, index: int, variables: dict, derived: dict) -> EventData:
    """(time, event, exclusion reason) per patient of one analysis; see the module docstring.
    Reasons name variables by their labels ("Time to fever resolution unknown").

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient of the cohort.
    spec : dict
        One loaded ``survival:`` entry (``time``, and ``event`` or ``event_when_observed`` with
        an optional ``censor_time``).
    index : int
        The entry's position under ``survival:`` (named in errors).
    variables, derived : dict
        The study's ``variables:`` and ``derived:`` declarations.

    Returns
    -------
    EventData
        ``time``, ``event`` (1 event, 0 censored, NaN excluded), ``reason`` and ``definition``.

    References
    ----------
    Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data, 2nd ed. Wiley,
    2002, section 1.2 (right-censored observations: a time and an event indicator).
    von Elm E, Altman DG, Egger M, et al. The Strengthening the Reporting of Observational
    Studies in Epidemiology (STROBE) statement. Lancet 2007;370:1453-7 (item 13: numbers and
    reasons of the participants not analysed).

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"months": [1.0, None, 5.0], "died": [True, False, None]})
    >>> variables = {"months": {"kind": "continuous", "label": "Months"},
    ...              "died": {"kind": "binary", "label": "Death"}}
    >>> data = event_data(frame, {"time": "months", "event": "died"}, 0, variables, {})
    >>> data.event.tolist(), data.reason.tolist()
    ([1.0, nan, nan], ['', 'Months unknown', 'Death unknown'])
    >>> data.definition
    'event = Death, censored at months otherwise; patients with a missing time or event excluded.'
    """
    _check_spec(frame, spec, index, variables, derived)

    def label(name: str) -> str:
        return variable_label({"variables": variables, "derived": derived}, name)

    time_var = spec["time"]
    time = numeric_times(frame, time_var)
    reason = pd.Series("", index=frame.index, dtype=object)
    if "event" in spec:
        event = frame[spec["event"]].astype("boolean").astype("Float64").astype("float64")
        reason[time.isna()] = f"{label(time_var)} unknown"
        reason[(reason == "") & event.isna()] = f"{label(spec['event'])} unknown"
        definition = (
            f"event = {label(spec['event'])}, censored at {in_sentence(label(time_var))} otherwise; "
            "patients with a missing time or event excluded."
        )
    elif "censor_time" in spec:
        censor_var = spec["censor_time"]
        censored = time.isna()
        event = (~censored).astype(float)
        time = time.where(~censored, numeric_times(frame, censor_var))
        reason[time.isna()] = f"{label(time_var)} and {in_sentence(label(censor_var))} unknown"
        definition = (
            f"event = a recorded {in_sentence(label(time_var))}; a patient without one is censored at "
            f"{in_sentence(label(censor_var))}; patients with neither excluded."
        )
    else:
        event = time.notna().astype(float)
        reason[time.isna()] = f"{label(time_var)} unknown"
        definition = (
            "every observed time is an event (no censoring recorded); patients without a time excluded."
        )
    reason[(reason == "") & (time < 0)] = f"negative time ({label(time_var)} or its censoring time)"
    usable = reason == ""
    return EventData(
        time=time.where(usable),
        event=event.where(usable),
        reason=reason,
        definition=definition,
    )


def group_reasons(values: pd.Series, keys: pd.Series, group_label: str) -> pd.Series:
    """Exclusion reason per patient for the grouping: "" (in an analysed group), "<label> unknown"
    (missing) or "<label> not an analysed group" (a value outside the configured ``groups``).

    Parameters
    ----------
    values : pandas.Series
        The group variable per patient.
    keys : pandas.Series
        The group key per patient (:func:`retrocohort.analysis.groups.group_assignment`; None
        when excluded).
    group_label : str
        The group variable's label.

    Returns
    -------
    pandas.Series
        The reason per patient.

    References
    ----------
    von Elm E, Altman DG, Egger M, et al. The Strengthening the Reporting of Observational
    Studies in Epidemiology (STROBE) statement. Lancet 2007;370:1453-7 (item 13: numbers and
    reasons of the participants not analysed).

    Examples
    --------
    >>> import pandas as pd
    >>> values = pd.Series(["a", None, "c"])
    >>> group_reasons(values, pd.Series(["a", None, None]), "Arm").tolist()
    ['', 'Arm unknown', 'Arm not an analysed group']
    """
    reason = pd.Series("", index=values.index, dtype=object)
    reason[keys.isna() & values.isna()] = f"{group_label} unknown"
    reason[keys.isna() & values.notna()] = f"{group_label} not an analysed group"
    return reason


def exclusion_sentence(reasons: pd.Series) -> str:
    """ "1 patient excluded (X unknown)", "3 patients excluded (2: X unknown; 1: Y unknown)", or ""
    when none: the reasons counted, most frequent first (ties in order of first appearance).

    Parameters
    ----------
    reasons : pandas.Series
        The exclusion reason per patient ("" when used).

    Returns
    -------
    str
        The sentence.

    References
    ----------
    von Elm E, Altman DG, Egger M, et al. The Strengthening the Reporting of Observational
    Studies in Epidemiology (STROBE) statement. Lancet 2007;370:1453-7 (item 13: numbers and
    reasons of the participants not analysed).

    Examples
    --------
    >>> import pandas as pd
    >>> exclusion_sentence(pd.Series(["", "Arm unknown", "Time unknown", "Arm unknown"]))
    '3 patients excluded (2: Arm unknown; 1: Time unknown)'
    >>> exclusion_sentence(pd.Series(["", ""]))
    ''
    """
    excluded = reasons[reasons != ""]
    if excluded.empty:
        return ""
    counts = excluded.value_counts(sort=False)
    counts = counts.iloc[np.argsort(-counts.to_numpy(), kind="stable")]
    who = f"{len(excluded)} patient{'' if len(excluded) == 1 else 's'} excluded"
    if len(counts) == 1:
        return f"{who} ({counts.index[0]})"
    return f"{who} (" + "; ".join(f"{n}: {why}" for why, n in counts.items()) + ")"
