"""Rule ``paired_tests``: paired statistics of the study's two paired time points for every Table 3
parameter (Wilcoxon signed-rank or McNemar, Hodges-Lehmann, multiplicity), the repeated-measures
test across ``repeated_time_points`` when configured (Friedman or Cochran's Q), and the pairs
(with the day each value came from) they were computed from."""

import pandas as pd

from retrocohort.analysis.paired import pairs_table, table3_from_pairs
from retrocohort.analysis.repeated import repeated_statistics
from retrocohort.analysis.time_points import time_point_pairs
from retrocohort.cohort.frames import cohort_measurements, synthetic_variables
from retrocohort.config.time_points import (
    paired_time_points,
    repeated_time_points,
    window_days,
    worst_directions,
)
from retrocohort.io.tabular import read_parquet, write_csv, write_json, write_parquet
from retrocohort.pipeline.step import run_step
from retrocohort.stats.result import details_text


def main(input: dict, output: dict, params: dict, config) -> None:
    parameters = config["tables"]["table3"]["parameters"]
    names = [p["variable"] for p in parameters]
    points = paired_time_points(config)
    repeated = repeated_time_points(config)
    cohort = read_parquet(input["cohort"])["patient_id"]
    meas = read_parquet(
        input["measurements"],
        columns=["patient_id", "day", "variable", "value"],
        categorical=["patient_id", "variable"],
    )
    meas = cohort_measurements(meas, cohort, names, window_days([*points, *repeated]))
    pairs = time_point_pairs(meas, names, points, worst_directions(config))
    synthetic = synthetic_variables(config, read_parquet(input["sources"]))
    stats = table3_from_pairs(pairs, parameters, config["variables"], points, config["statistics"], synthetic)
    if repeated:
        extra = repeated_statistics(meas, parameters, config["variables"], repeated, config["statistics"])
        extra = extra.assign(synthetic=extra["variable"].isin(synthetic), adjustment="none")
        stats = pd.concat([stats, extra], ignore_index=True)
    write_parquet(pairs_table(pairs), output["pairs"])
    write_json(stats.to_dict("records"), output["json"])
    write_csv(
        stats.drop(columns=["details"]).assign(details=stats["details"].map(details_text)), output["csv"]
    )


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
