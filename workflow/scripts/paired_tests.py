"""Rule ``paired_tests``: paired-day statistics for every Table 3 parameter (Wilcoxon signed-rank
or McNemar, Hodges-Lehmann, multiplicity), and the pairs they were computed from."""

from retrocohort.analysis.paired import paired_frames, pairs_table, table3_from_pairs
from retrocohort.cohort.frames import cohort_measurements, synthetic_variables
from retrocohort.io.tabular import read_parquet, write_csv, write_json, write_parquet
from retrocohort.pipeline.step import run_step
from retrocohort.stats.result import details_text


def main(input: dict, output: dict, params: dict, config) -> None:
    parameters = config["tables"]["table3"]["parameters"]
    names = [p["variable"] for p in parameters]
    days = tuple(config["paired_days"])
    cohort = read_parquet(input["cohort"])["patient_id"]
    meas = read_parquet(
        input["measurements"],
        columns=["patient_id", "day", "variable", "value"],
        categorical=["patient_id", "variable"],
    )
    pairs = paired_frames(cohort_measurements(meas, cohort, names, days), names, days)
    synthetic = synthetic_variables(config, read_parquet(input["sources"]))
    stats = table3_from_pairs(pairs, parameters, config["variables"], days, config["statistics"], synthetic)
    write_parquet(pairs_table(pairs), output["pairs"])
    write_json(stats.to_dict("records"), output["json"])
    write_csv(
        stats.drop(columns=["details"]).assign(details=stats["details"].map(details_text)), output["csv"]
    )


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
