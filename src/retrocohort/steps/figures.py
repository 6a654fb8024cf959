"""Rule ``figures``: slope plots (Table 3), HScore distribution, selection flow, swimmer plot.

Each figure is written as PNG (300 dpi), SVG and PDF with fixed metadata (byte-identical runs).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..figures.flow import cohort_flow
from ..figures.hscore import hscore_distribution
from ..figures.paired import slope_plot
from ..figures.save import save_figure
from ..figures.swimmer import swimmer_plot
from ..formatting import format_p
from ..hscore_probability import hlh_probability
from ..tabular_io import read_parquet


def _stem(path: str) -> Path:
    return Path(path).with_suffix("")


def swimmer_frame(patients: pd.DataFrame, spec: dict) -> pd.DataFrame:
    """Columns the swimmer plot needs, from the variables named in ``figures.swimmer``."""
    alive = patients[spec["status"]["variable"]].astype("string") == spec["status"]["alive_value"]
    return pd.DataFrame({
        "patient_id": patients["patient_id"].astype(str),
        "duration_days": patients[spec["duration"]].astype("float64"),
        "ongoing": False,
        "efficacy": patients[spec["efficacy"]].astype("boolean") if "efficacy" in spec else pd.NA,
        "alive": alive.fillna(False).astype(bool),
        "line": patients[spec["line"]].fillna(0).astype(int),
    })


def run(input: dict, output: dict, params: dict, config: dict) -> None:
    cohort = read_parquet(input["cohort"])["patient_id"]
    meas = read_parquet(input["measurements"])
    meas = meas[meas["patient_id"].isin(cohort)]
    t3 = pd.DataFrame.from_records(json.loads(Path(input["table3"]).read_text()))
    main = t3[t3["role"] == "main"]
    pars = config["tables"]["table3"]["parameters"]
    names = [p["variable"] for p in pars]
    long = meas[meas["variable"].isin(names)].rename(columns={"variable": "parameter"})
    fig = slope_plot(
        long[["patient_id", "parameter", "day", "value"]], names,
        log_scale={p["variable"]: bool(p.get("log_scale", False)) for p in pars},
        titles={p["variable"]: p.get("label", p["variable"]) for p in pars},
        annotations={r["variable"]: f"{r['test']} p = {format_p(r['p_value'])}"
                     for r in main.to_dict("records")},
        days=tuple(config.get("paired_days", [0, 7])))
    save_figure(fig, _stem(output["slopes"]))

    hs = read_parquet(input["hscore"])
    hs = hs[hs["patient_id"].isin(cohort)]
    cfg = config.get("hscore", {})
    fig = hscore_distribution(hs["hscore_used"], cfg.get("cutoff", 169), cfg.get("operator", ">"),
                              hlh_probability)
    save_figure(fig, _stem(output["hscore"]))

    flow = pd.read_csv(input["flow"])
    save_figure(cohort_flow(flow), _stem(output["flow"]))

    spec = config.get("figures", {}).get("swimmer")
    if spec:
        patients = read_parquet(input["patients"])
        patients = patients[patients["patient_id"].isin(cohort)]
        fig = swimmer_plot(swimmer_frame(patients, spec), log_x=spec.get("log_x", True))
        save_figure(fig, _stem(output["swimmer"]))
