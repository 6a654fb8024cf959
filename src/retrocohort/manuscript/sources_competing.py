"""Placeholder entries and Results sentences of a ``competing_risks`` table.

Entries (each traced to its record of ``results/stats/<id>.json``, so values.json says where
every printed number comes from):

- ``tables.<id>.<analysis>[.<group>].<cause>.cif_<t>``: the cumulative incidence at declared
  time t as "3.4% (95% CI 2.6–4.5)" (value: cif, ci_low, ci_high, conf_level);
- ``tables.<id>.<analysis>[.<group>].<cause>.events`` and ``.n``: the events of the cause and
  the patients of the group;
- ``tables.<id>.<analysis>.<cause>.p`` / ``.p_value`` / ``.test``: Gray's test by group;
- ``tables.<id>.n``: the table's population (patients analysed and excluded).

References
----------
Lang TA, Altman DG. Basic statistical reporting for articles published in biomedical journals:
the SAMPL guidelines. Int J Nurs Stud 2015;52:5-9.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrocohort.format.numbers import EN_DASH
from retrocohort.manuscript.namespace import Entry, Namespace, TextStyle, key_part, present


def time_key(time: object) -> str:
    """``cif_60`` for the declared time 60 (``cif_2_5`` for 2.5).

    >>> time_key(60.0), time_key(2.5)
    ('cif_60', 'cif_2_5')
    """
    value = float(time)  # type: ignore[arg-type]
    return "cif_" + key_part(int(value) if value.is_integer() else value)


def group_key(prefix: str, rec: Mapping[str, Any]) -> str:
    """``<prefix>.<analysis>[.<group>].<cause>`` of an ``events`` or ``incidence`` record."""
    group = key_part(rec.get("group_value") or "all")
    base = f"{prefix}.{key_part(rec['analysis'])}"
    return (base if group == "all" else f"{base}.{group}") + f".{key_part(rec['cause'])}"


def _incidence(rec: Mapping[str, Any], style: TextStyle, where: dict) -> Entry:
    cif, low, high, level = rec["cif"], rec["ci_low"], rec["ci_high"], f"{100 * rec['conf_level']:g}%"
    pct = [None if not present(v) else 100 * float(v) for v in (cif, low, high)]

    def text(d: int) -> str:
        number = style.number(pct[0])(d) + "%"
        if pct[1] is None or pct[2] is None:
            return number
        return f"{number} ({level} CI {style.number(pct[1])(d)}{EN_DASH}{style.number(pct[2])(d)})"

    value = {"cif": cif, "ci_low": low, "ci_high": high, "conf_level": rec["conf_level"]}
    return Entry(value, text, 1, column="cif,ci_low,ci_high,conf_level", **where)


def competing_entries(records: list[dict], path: str, prefix: str, style: TextStyle) -> Namespace:
    """Entries ``<prefix>.*`` of a competing_risks table's records (see the module docstring)."""
    space = Namespace()
    for index, rec in enumerate(records):
        where = {"file": path, "row": index, "synthetic": bool(rec.get("synthetic"))}
        role = rec.get("role")
        if role == "incidence" and present(rec.get("cif")):
            space.add(f"{group_key(prefix, rec)}.{time_key(rec['time'])}", _incidence(rec, style, where))
        elif role == "events":
            key = group_key(prefix, rec)
            for name, column in (("events", "n_events"), ("n", "n")):
                value = int(rec[column])
                space.add(f"{key}.{name}", Entry(value, style.integer(value), 0, column=column, **where))
        elif role == "gray" and present(rec.get("p_value")):
            key = f"{prefix}.{key_part(rec['analysis'])}.{key_part(rec['cause'])}"
            p = rec["p_value"]
            space.add(f"{key}.p", Entry(p, style.p_relation(p), 0, column="p_value", **where))
            space.add(f"{key}.p_value", Entry(p, style.p_value(p), 0, column="p_value", **where))
    return space
