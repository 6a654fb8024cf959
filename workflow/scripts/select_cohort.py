"""Rule ``select_cohort``: the study's selection criteria applied in order (CONSORT-style flow:
in, excluded per criterion, out) to the patients with their HScore columns (when the study has the
HScore stage). No criteria (``selection: {criteria: []}`` or no ``selection:`` key): everyone is
included, the flow is one row."""

import logging

import pyarrow.parquet as pq

from retrocohort.cohort.selection import apply_selection
from retrocohort.hscore.cutoff import resolve_cutoff_criteria, study_cutoff
from retrocohort.io.tabular import read_parquet, write_csv, write_parquet
from retrocohort.pipeline.step import run_step

log = logging.getLogger(__name__)
#: Columns the hscore rule adds, available to the criteria.
SCORE_COLUMNS = ["hscore", "hscore_used", "hscore_probability_pct"]


def main(input: dict, output: dict, params: dict, config) -> None:
    criteria = config["selection"]["criteria"]
    if "hscore" in input:  # the criterion operator `hscore_cutoff` means the study's cut-off
        criteria = resolve_cutoff_criteria(criteria, *study_cutoff(config["hscore"]))
    wanted = {c["column"] for c in criteria}
    available = pq.read_schema(input["patients"]).names
    patients = read_parquet(
        input["patients"],
        columns=["patient_id", *(c for c in available if c in wanted and c not in SCORE_COLUMNS)],
    )
    frame = patients
    if "hscore" in input:
        scores = read_parquet(input["hscore"], columns=["patient_id", *SCORE_COLUMNS])
        frame = patients.merge(scores, on="patient_id", how="left", validate="one_to_one")
    selected, flow = apply_selection(frame, criteria)
    log.info("selection: %d of %d patients", len(selected), len(frame))
    write_csv(flow, output["flow"])
    write_parquet(selected[["patient_id"]].reset_index(drop=True), output["cohort"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
