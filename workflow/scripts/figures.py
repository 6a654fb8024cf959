"""Rule ``figures``: HScore distribution with the study's cut-off (HScore stage), the selection flow diagram and
(when configured) the swimmer plot of treatment durations; PNG (300 dpi), SVG and PDF each."""

import json
import logging
from pathlib import Path

import pandas as pd

from retrocohort.cohort.frames import category_codes
from retrocohort.cohort.matched_flow import sample_step
from retrocohort.figures.flow import cohort_flow
from retrocohort.figures.hscore import hscore_distribution
from retrocohort.figures.labels import swimmer_frame
from retrocohort.figures.save import save_figure
from retrocohort.figures.swimmer import swimmer_plot
from retrocohort.hscore.cutoff import study_cutoff
from retrocohort.hscore.probability import hlh_probability
from retrocohort.io.tabular import read_parquet
from retrocohort.pipeline.step import run_step

logging.getLogger("fontTools").setLevel(logging.WARNING)  # PDF subsetting logs every glyph


def main(input: dict, output: dict, params: dict, config) -> None:
    cohort = read_parquet(input["cohort"])["patient_id"]
    if "hscore" in input:  # the HScore stage's figure
        hs = read_parquet(input["hscore"], columns=["patient_id", "hscore_used"])
        hs = hs[category_codes(hs["patient_id"], cohort) >= 0]
        cut = study_cutoff(config["hscore"])
        fig = hscore_distribution(hs["hscore_used"], *cut, hlh_probability, term=params["score_label"])
        save_figure(fig, Path(output["hscore"]).with_suffix(""), subjects=config["study"]["subjects_noun"])
    summaries = [
        json.loads(Path(p).read_text(encoding="utf-8")) for k, p in input.items() if k.startswith("matched_")
    ]
    matched = [step for step in map(sample_step, summaries) if step is not None]
    flow = cohort_flow(pd.read_csv(input["flow"]), matched=matched, subjects=config["study"]["subjects_noun"])
    save_figure(flow, Path(output["flow"]).with_suffix(""), subjects=config["study"]["subjects_noun"])
    spec = config.get("figures", {}).get("swimmer")
    if spec:
        patients = read_parquet(input["patients"])
        patients = patients[category_codes(patients["patient_id"], cohort) >= 0]
        fig = swimmer_plot(swimmer_frame(patients, spec), log_x=spec.get("log_x", True))
        save_figure(fig, Path(output["swimmer"]).with_suffix(""), subjects=config["study"]["subjects_noun"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
