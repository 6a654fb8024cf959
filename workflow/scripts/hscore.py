"""Rule ``hscore``: each patient's HScore (Fardet 2014) from the patient-level items and the worst
laboratory value within the study's day window: points per item, total, bounds when items are
missing, the score the study uses (recomputed or reported) and the probability of HLH."""

import logging

import pyarrow.parquet as pq

from retrocohort.cohort.frames import read_measurements
from retrocohort.hscore.cutoff import study_cutoff
from retrocohort.hscore.items import INPUTS, REPORTED, resolve_columns
from retrocohort.hscore.probability import hlh_probability
from retrocohort.hscore.score import score_hscore, worst_in_window
from retrocohort.io.tabular import read_parquet, write_parquet
from retrocohort.pipeline.step import run_step

log = logging.getLogger(__name__)
#: ``variables.<lab>.worst`` -> which direction is worse for the HScore window.
DIRECTION = {"max": "higher", "min": "lower"}
MEASUREMENT_COLUMNS = ["patient_id", "day", "variable", "value"]


def patient_columns(hscore_cfg, score_column: str, available: list[str]) -> list[str]:
    """Patient columns the score needs: id, HScore inputs, reported score, the selection score."""
    mapping = resolve_columns(hscore_cfg["columns"] or None)
    wanted = [
        "patient_id",
        *(mapping[v] for v in INPUTS),
        mapping[REPORTED],
        hscore_cfg.get("reported_column"),
        score_column,
    ]
    return [c for c in dict.fromkeys(wanted) if c in available]


def main(input: dict, output: dict, params: dict, config) -> None:
    hs = config["hscore"]
    score_column = config["selection"]["score"]
    available = pq.read_schema(input["patients"]).names
    patients = read_parquet(input["patients"], columns=patient_columns(hs, score_column, available))
    lo, hi = hs["window_days"]
    window = read_measurements(
        input["measurements"], MEASUREMENT_COLUMNS, [("day", ">=", lo), ("day", "<=", hi)]
    )
    directions = {v: DIRECTION[s["worst"]] for v, s in config["variables"].items() if "worst" in s}
    frame = patients.set_index("patient_id").join(worst_in_window(window, directions, (lo, hi)), how="left")
    reported = hs.get("reported_column")
    if reported and reported != REPORTED and reported in frame:
        frame[REPORTED] = frame[reported]
    cutoff, operator = study_cutoff(hs)
    scored = score_hscore(frame, columns=hs["columns"] or None, cutoff=cutoff, operator=operator)
    used = scored["hscore"] if score_column == "recomputed" else frame[score_column].astype("float64")
    scored["hscore_used"] = used
    scored["hscore_used_source"] = score_column
    scored["hscore_probability_pct"] = 100 * hlh_probability(
        used.to_numpy(dtype="float64", na_value=float("nan"))
    )
    write_parquet(scored.reset_index(), output["parquet"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
