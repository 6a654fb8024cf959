"""The unit of a time variable, declared or derived, for table headers and figure axes.

A declared variable has the ``unit`` of its ``variables:`` entry. A derived time carries the unit
of its inputs: ``time_to_event`` and ``first_event_day`` are days of the events source's
``day_column`` (every day of the pipeline counts days from Day 0), and ``earliest_of`` the unit
its component times share. Pure functions of the loaded config (no data read).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrocohort.config.derived_spec import earliest_of_pairs

#: The unit of a day column (events sources, long files): days since Day 0.
DAY_UNIT = "days"
#: Derived operations whose value is a day of the events table.
_DAY_OPS = ("time_to_event", "first_event_day")


def time_unit(config: Mapping[str, Any], name: str) -> str:
    """The unit of variable ``name``: declared, or carried by a derived time from its inputs.

    Parameters
    ----------
    config : mapping
        The loaded study (``variables`` and ``derived`` sections).
    name : str
        A variable of ``variables:`` or ``derived:``.

    Returns
    -------
    str
        The declared ``unit``; for a ``time_to_event`` or ``first_event_day`` variable
        :data:`DAY_UNIT`; for an ``earliest_of`` composite the unit of its component times when
        they all have the same one; otherwise ``""`` (no unit known, none printed).

    References
    ----------
    Bureau International des Poids et Mesures. The International System of Units (SI), 9th ed.
    2019, section 5.4 (a quantity is printed with its unit).

    Examples
    --------
    >>> config = {
    ...     "variables": {"ptime": {"unit": "months"}, "futime": {"unit": "months"}},
    ...     "derived": {
    ...         "os_days": {"time_to_event": {"events": ["death"]}},
    ...         "etime": {"earliest_of": [{"time": "ptime", "event": "p"}, {"time": "futime", "event": "d"}]},
    ...         "mixed": {"earliest_of": [{"time": "ptime", "event": "p"}, {"time": "os_days", "event": "d"}]},
    ...     },
    ... }
    >>> [time_unit(config, v) for v in ("ptime", "os_days", "etime", "mixed", "unknown")]
    ['months', 'days', 'months', '', '']
    """
    declared = (config.get("variables") or {}).get(name)
    if declared is not None:
        return str(declared.get("unit", ""))
    derived = (config.get("derived") or {}).get(name) or {}
    if any(op in derived for op in _DAY_OPS):
        return DAY_UNIT
    if "earliest_of" in derived:
        units = {time_unit(config, time) for time, _event in earliest_of_pairs(derived["earliest_of"])}
        return units.pop() if len(units) == 1 else ""
    return ""


def common_time_unit(config: Mapping[str, Any], specs: list[Mapping[str, Any]]) -> str:
    """The unit of the ``time`` variables of ``specs`` (a table's analyses) when they share one,
    else ``""`` (a header cannot name two units).

    Parameters
    ----------
    config : mapping
        The loaded study.
    specs : list of mapping
        Analyses, each with a ``time`` variable.

    Returns
    -------
    str
        Their one :func:`time_unit`, or ``""``.

    References
    ----------
    As :func:`time_unit`.

    Examples
    --------
    >>> common_time_unit({"variables": {"t": {"unit": "days"}}, "derived": {}}, [{"time": "t"}] * 2)
    'days'
    """
    units = {time_unit(config, spec["time"]) for spec in specs}
    return units.pop() if len(units) == 1 else ""
