"""Rule ``hscore``: per-patient HScore breakdown, then the cohort selection and its flow."""

from __future__ import annotations

import logging

import pandas as pd
import pyarrow.parquet as pq

from retrocohort.cohort.frames import read_measurements
from retrocohort.hscore.score import INPUTS, REPORTED, resolve_columns, score_hscore, worst_in_window
from retrocohort.hscore.probability import hlh_probability
from retrocohort.cohort.selection import apply_selection
from retrocohort.io.tabular import read_parquet, write_csv, write_parquet

log = logging.getLogger(__name__)
_DIRECTION = {"max": "higher", "min": "lower"}
MEASUREMENT_COLUMNS = ["patient_id", "day", "variable", "value"]


def scoring_frame(patients: pd.DataFrame, measurements: pd.DataFrame, config: dict) -> pd.DataFrame:
    """Patient-level items joined with the worst lab value within the configured window."""
    directions = {v: _DIRECTION[s["worst"]] for v, s in config["variables"].items() if "worst" in s}
    worst = worst_in_window(measurements, directions, day_window(config))
    return patients.set_index("patient_id").join(worst, how="left")


def day_window(config: dict) -> tuple[float, float]:
    """Days (inclusive) whose worst lab value enters the HScore (``hscore.window_days``)."""
    lo, hi = config.get("hscore", {}).get("window_days", [-3, 0])
    return lo, hi


def window_measurements(path: str, config: dict) -> pd.DataFrame:
    """Measurement rows within the HScore day window (ids and variables as categoricals).

    A Parquet row filter on ``day``, so rows outside the window are never converted to pandas;
    :func:`scoring_frame` gives the same result as on the whole table (patients without a value
    in the window get NaN either way).
    """
    lo, hi = day_window(config)
    return read_measurements(path, MEASUREMENT_COLUMNS, [("day", ">=", lo), ("day", "<=", hi)])


def patient_columns(config: dict, available: list[str]) -> list[str]:
    """Patient columns this rule reads: id, HScore inputs, reported score, selection columns.

    Measurement-table variables (joined from the worst-in-window values) are left out.
    """
    hs = config.get("hscore", {})
    mapping = resolve_columns(hs.get("columns") or None)
    wanted = ["patient_id", *(mapping[v] for v in INPUTS), mapping[REPORTED],
              hs.get("reported_column"), config.get("selection", {}).get("score"),
              *(c["column"] for c in config.get("selection", {}).get("criteria", []))]
    return [c for c in dict.fromkeys(wanted) if c in available]


def run(input: dict, output: dict, params: dict, config: dict) -> None:
    hs = config.get("hscore", {})
    available = pq.read_schema(input["patients"]).names
    patients = read_parquet(input["patients"], columns=patient_columns(config, available))
    frame = scoring_frame(patients, window_measurements(input["measurements"], config), config)
    reported = hs.get("reported_column")
    if reported and reported != REPORTED and reported in frame:
        frame[REPORTED] = frame[reported]
    scored = score_hscore(frame, columns=hs.get("columns") or None, cutoff=hs.get("cutoff", 169),
                          operator=hs.get("operator", ">"))
    score_col = config.get("selection", {}).get("score", "recomputed")
    used = scored["hscore"] if score_col == "recomputed" else frame[score_col].astype("float64")
    scored["hscore_used"] = used
    scored["hscore_used_source"] = "recomputed" if score_col == "recomputed" else score_col
    scored["hscore_probability_pct"] = 100 * hlh_probability(used.to_numpy(dtype="float64", na_value=float("nan")))
    added = ["hscore", "hscore_used", "hscore_probability_pct"]
    both = frame[[c for c in patients.columns if c != "patient_id" and c not in added]].join(
        scored[added]).reset_index()
    scored = scored.reset_index()
    write_parquet(scored, output["parquet"])
    selected, flow = apply_selection(both, config.get("selection", {}).get("criteria", []))
    log.info("selection: %d of %d patients", len(selected), len(both))
    write_csv(flow, output["flow"])
    write_parquet(selected[["patient_id"]].reset_index(drop=True), output["cohort"])


def run_csv(input: dict, output: dict, params: dict, config: dict) -> None:
    """Rule ``hscore_csv``: the per-patient HScore table as CSV (same columns as the Parquet)."""
    write_csv(read_parquet(input["parquet"]), output["csv"])
