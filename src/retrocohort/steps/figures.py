"""Rules ``figures_slopes`` (slope plots, needs Table 3) and ``figures`` (HScore distribution,
selection flow, swimmer plot: these do not wait for the paired tests).

Each figure is written as PNG (300 dpi), SVG and PDF with fixed metadata (byte-identical runs).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from retrocohort.cohort.frames import category_codes
from retrocohort.figures.flow import cohort_flow
from retrocohort.figures.hscore import hscore_distribution
from retrocohort.figures.paired import slope_plot
from retrocohort.figures.save import save_figure
from retrocohort.figures.swimmer import swimmer_plot
from retrocohort.format.numbers import format_p
from retrocohort.hscore.probability import hlh_probability
from retrocohort.analysis.paired import pairs_from_table
from retrocohort.io.tabular import read_parquet


# PDF font subsetting logs every glyph at INFO; keep the rule's log readable.
logging.getLogger("fontTools").setLevel(logging.WARNING)


SYNTHETIC_NOTE = "† computed from synthetic data"


def _stem(path: str) -> Path:
    return Path(path).with_suffix("")


def swimmer_frame(patients: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Columns the swimmer plot needs, from the variables named in ``figures.swimmer``.

    ``ongoing`` (optional) names a boolean variable: treatment still running at last follow-up
    (drawn as an arrow); without it no bar gets an arrow.
    """
    alive = patients[spec["status"]["variable"]].astype("string") == spec["status"]["alive_value"]
    ongoing = (patients[spec["ongoing"]].astype("boolean").fillna(False).astype(bool)
               if "ongoing" in spec else False)
    return pd.DataFrame({
        "patient_id": patients["patient_id"].astype(str),
        "duration_days": patients[spec["duration"]].astype("float64"),
        "ongoing": ongoing,
        "efficacy": patients[spec["efficacy"]].astype("boolean") if "efficacy" in spec else pd.NA,
        "alive": alive.fillna(False).astype(bool),
        "line": patients[spec["line"]].fillna(0).astype(int),  # 0: line unknown
    })


def slope_annotations(table3: pd.DataFrame, config: dict) -> dict[str, str]:
    """``test p = ...`` per Table 3 parameter, the p-value printed exactly as in Table 3.

    The adjusted p is shown (with the method named) when a multiplicity adjustment is set.
    """
    st = config.get("statistics", {})
    pfmt = st.get("p_value", {})
    notes = {}
    for rec in table3[table3["role"] == "main"].to_dict("records"):
        adjusted = rec.get("adjustment", "none") not in ("none", None)
        p = format_p(rec["p_adjusted"] if adjusted else rec["p_value"],
                     decimals=pfmt.get("decimals", 3), threshold=pfmt.get("threshold", 0.001),
                     rule=st.get("rounding", "half_up"))
        p = p if p.startswith("<") else f"= {p}"
        label = f"p ({rec['adjustment']}-adjusted)" if adjusted else "p"
        notes[rec["variable"]] = f"{rec['test']} {label} {p}"
    return notes


def slope_titles(table3: pd.DataFrame, config: dict) -> dict[str, str]:
    """Panel labels from the Table 3 layout; ``†`` marks parameters computed from synthetic data."""
    synthetic = {r["variable"]: bool(r.get("synthetic", False))
                 for r in table3[table3["role"] == "main"].to_dict("records")}
    return {p["variable"]: p.get("label", p["variable"]) + (" †" if synthetic.get(p["variable"]) else "")
            for p in config["tables"]["table3"]["parameters"]}


def run_slopes(input: dict, output: dict, params: dict, config: dict) -> None:
    """Day 0 -> Day 7 slope plots, one panel per Table 3 parameter, annotated as Table 3 prints."""
    t3 = pd.DataFrame.from_records(json.loads(Path(input["table3"]).read_text()))
    pars = config["tables"]["table3"]["parameters"]
    names = [p["variable"] for p in pars]
    days = tuple(config.get("paired_days", [0, 7]))
    pairs = pairs_from_table(read_parquet(input["pairs"], columns=["parameter", "before", "after"]), names)
    titles = slope_titles(t3, config)
    fig = slope_plot(
        pairs, names,
        log_scale={p["variable"]: bool(p.get("log_scale", False)) for p in pars},
        titles=titles,
        annotations=slope_annotations(t3, config),
        days=days,
        note=SYNTHETIC_NOTE if any(t.endswith(" †") for t in titles.values()) else None)
    save_figure(fig, _stem(output["slopes"]))


def run(input: dict, output: dict, params: dict, config: dict) -> None:
    """HScore distribution, selection flow and (when configured) the swimmer plot."""
    cohort = read_parquet(input["cohort"])["patient_id"]
    hs = read_parquet(input["hscore"], columns=["patient_id", "hscore_used"])
    hs = hs[category_codes(hs["patient_id"], cohort) >= 0]
    cfg = config.get("hscore", {})
    fig = hscore_distribution(hs["hscore_used"], cfg.get("cutoff", 169), cfg.get("operator", ">"),
                              hlh_probability)
    save_figure(fig, _stem(output["hscore"]))

    flow = pd.read_csv(input["flow"])
    save_figure(cohort_flow(flow), _stem(output["flow"]))

    spec = config.get("figures", {}).get("swimmer")
    if spec:
        patients = read_parquet(input["patients"])
        patients = patients[category_codes(patients["patient_id"], cohort) >= 0]
        fig = swimmer_plot(swimmer_frame(patients, spec), log_x=spec.get("log_x", True))
        save_figure(fig, _stem(output["swimmer"]))
