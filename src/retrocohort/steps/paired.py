"""Rule ``paired_tests``: Day 0 vs Day 7 statistics for every Table 3 parameter, and the pairs
they were computed from (one file, read again by the slope figure)."""

from __future__ import annotations

from retrocohort.cohort.frames import cohort_measurements, synthetic_variables
from retrocohort.analysis.paired import pairs_table, paired_frames, table3_from_pairs
from retrocohort.io.tabular import read_parquet, write_csv, write_json, write_parquet


def run(input: dict, output: dict, params: dict, config: dict) -> None:
    parameters = config["tables"]["table3"]["parameters"]
    days = tuple(config.get("paired_days", [0, 7]))
    cohort = read_parquet(input["cohort"])["patient_id"]
    meas = cohort_measurements(read_parquet(input["measurements"],
                                            columns=["patient_id", "day", "variable", "value"],
                                            categorical=["patient_id", "variable"]),
                               cohort, [p["variable"] for p in parameters], days)
    synthetic = synthetic_variables(config, read_parquet(input["sources"]))
    pairs = paired_frames(meas, [p["variable"] for p in parameters], days)
    stats = table3_from_pairs(pairs, parameters, config["variables"], days,
                              config.get("statistics", {}), synthetic)
    write_parquet(pairs_table(pairs), output["pairs"])
    write_json(stats.to_dict("records"), output["json"])
    flat = stats.drop(columns=["details"]).assign(details=stats["details"].map(
        lambda d: "; ".join(f"{k}={v}" for k, v in d.items()) if isinstance(d, dict) else ""))
    write_csv(flat, output["csv"])
