"""Text on the figures: panel titles, p-value annotations (printed exactly as in Table 3),
and the swimmer plot's per-patient frame from the study's variables."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from typing import Any

import pandas as pd

from retrocohort.cohort.time_units import time_unit
from retrocohort.config.check import variable_label
from retrocohort.figures.at_risk import check_at_risk_times
from retrocohort.format.pvalues import p_value_format, printed_p_relation
from retrocohort.tables.survival_table import event_name

SYNTHETIC_NOTE = "† computed from synthetic data"


def swimmer_frame(patients: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Columns the swimmer plot needs, from the variables named in ``figures.swimmer``.

    ``ongoing`` (optional) names a boolean variable: treatment still running at last follow-up
    (drawn as an arrow); without it no bar gets an arrow.
    """
    alive = patients[spec["status"]["variable"]].astype("string") == spec["status"]["alive_value"]
    ongoing = (
        patients[spec["ongoing"]].astype("boolean").fillna(False).astype(bool) if "ongoing" in spec else False
    )
    return pd.DataFrame(
        {
            "patient_id": patients["patient_id"].astype(str),
            "duration_days": patients[spec["duration"]].astype("float64"),
            "ongoing": ongoing,
            "efficacy": patients[spec["efficacy"]].astype("boolean") if "efficacy" in spec else pd.NA,
            "alive": alive.fillna(False).astype(bool),
            "line": patients[spec["line"]].fillna(0).astype(int),  # 0: line unknown
        }
    )


def slope_annotations(table3: pd.DataFrame, config: dict) -> dict[str, str]:
    """``test p = ...`` per Table 3 parameter, the p-value printed exactly as in Table 3.

    The adjusted p is shown (with the method named) when a multiplicity adjustment is set.
    """
    p_format = p_value_format(config.get("statistics", {}))
    notes = {}
    for rec in table3[table3["role"] == "main"].to_dict("records"):
        adjusted = rec.get("adjustment", "none") not in ("none", None)
        p = printed_p_relation(rec["p_adjusted"] if adjusted else rec["p_value"], p_format)
        label = f"p ({rec['adjustment']}-adjusted)" if adjusted else "p"
        notes[rec["variable"]] = f"{rec['test']} {label} {p}"
    return notes


def slope_titles(table3: pd.DataFrame, config: dict) -> dict[str, str]:
    """Panel labels from the Table 3 layout; ``†`` marks parameters computed from synthetic data."""
    synthetic = {
        r["variable"]: bool(r.get("synthetic", False))
        for r in table3[table3["role"] == "main"].to_dict("records")
    }
    return {
        p["variable"]: p.get("label", p["variable"]) + (" †" if synthetic.get(p["variable"]) else "")
        for p in config["tables"]["table3"]["parameters"]
    }


def km_ylabel(spec: dict) -> str:
    """Kaplan–Meier y-axis label naming what the curve counts: ``survival[].ylabel`` if set, else
    "Probability without <event>" with the event from
    :func:`retrocohort.tables.survival_table.event_name` (the survival table's own wording), e.g.
    "Probability without fever resolution" for a time to fever resolution."""
    if spec.get("ylabel"):
        return str(spec["ylabel"])
    event = event_name(spec)
    return "Probability without the event" if event == "event" else f"Probability without {event}"


def km_note(stats: pd.DataFrame, analysis_id: str, width: int = 44) -> str | None:
    """Legend note of a Kaplan–Meier figure: the patients excluded from ``analysis_id`` with the
    reason (its ``patients`` row, e.g. "1 patient excluded (Time to fever resolution and
    anakinra duration unknown)", wrapped at ``width`` characters), then :data:`SYNTHETIC_NOTE` when
    any of its rows is flagged ``synthetic``; ``None`` when there is nothing to say."""
    rows = stats[stats["analysis"] == analysis_id]
    lines = []
    if "excluded_reason" in rows.columns:
        lines += [
            textwrap.fill(r, width) for r in rows.loc[rows["role"] == "patients", "excluded_reason"] if r
        ]
    if rows["synthetic"].astype(bool).any():
        lines.append(SYNTHETIC_NOTE)
    return "\n".join(lines) or None


def time_axis_label(spec: Mapping[str, Any], config: Mapping[str, Any], where: str) -> str:
    """The time axis' label of a time-to-event figure (Kaplan–Meier or cumulative incidence):
    ``spec["time_label"]``, else the time variable's label with its unit ("Time to death
    (days)"; "Days to death" as it is: a label that names its unit gets no second one), after
    checking that the ``at_risk_times`` lie on the axis
    (:func:`retrocohort.figures.at_risk.check_at_risk_times`, naming the key path ``where``)."""
    check_at_risk_times(spec.get("at_risk_times"), spec.get("time_axis_max"), where)
    unit = time_unit(config, spec["time"])
    label = variable_label(config, spec["time"])
    named = unit and re.search(rf"\b{re.escape(unit.rstrip('s'))}s?\b", label, flags=re.IGNORECASE)
    return spec.get("time_label", label + (f" ({unit})" if unit and not named else ""))
