"""The analysis frame of the selected cohort and the statistics files of a comparison rule."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from retrocohort.cohort.frames import baseline_frame, synthetic_variables
from retrocohort.io.tabular import read_parquet, write_csv, write_json
from retrocohort.stats.result import details_text, json_safe


def cohort_frame(input: Mapping[str, str], config: Mapping) -> tuple[pd.DataFrame, set[str]]:
    """Baseline frame of the selected cohort (patient variables, baseline-day measurements,
    HScore columns when the study has the HScore stage) and the set of synthetic variables.

    ``input`` names the files ``cohort``, ``patients``, ``measurements``, ``sources`` and,
    optionally, ``hscore``; ``config`` needs ``baseline_day`` and ``derived``.
    """
    cohort = read_parquet(input["cohort"])["patient_id"]
    patients = read_parquet(input["patients"])
    patients = patients[patients["patient_id"].isin(cohort)].reset_index(drop=True)
    meas = read_parquet(input["measurements"])
    meas = meas[meas["patient_id"].isin(cohort)]
    extra = None
    if input.get("hscore"):
        hscore = read_parquet(input["hscore"], columns=["patient_id", "hscore", "hscore_probability_pct"])
        extra = hscore.set_index("patient_id")
    frame = baseline_frame(patients, meas, config["baseline_day"], extra=extra)
    return frame, synthetic_variables(config, read_parquet(input["sources"]))


def write_statistics(stats: pd.DataFrame, json_path: str, csv_path: str) -> None:
    """JSON records (details as objects, NaN as null) and a flat CSV (details as text)."""
    write_json(json_safe(stats.to_dict("records")), json_path)
    write_csv(stats.assign(details=stats["details"].map(details_text)), csv_path)


def read_table3(path: str) -> pd.DataFrame:
    """The paired-test records (``table3_paired.json``) as a frame; columns that are null in
    every row (e.g. ``p_adjusted`` without an adjustment) read as float, not object."""
    import json
    from pathlib import Path

    frame = pd.DataFrame.from_records(json.loads(Path(path).read_text(encoding="utf-8")))
    empty = [c for c in frame.columns if frame[c].isna().all()]
    return frame.astype({c: "float64" for c in empty})
