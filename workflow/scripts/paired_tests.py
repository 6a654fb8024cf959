"""Rule ``paired_tests``: paired statistics of the study's two paired time points for every Table 3
parameter (Wilcoxon signed-rank or McNemar, Hodges-Lehmann, multiplicity), the repeated-measures
test across ``repeated_time_points`` when configured (Friedman or Cochran's Q), and the pairs
(with the day each value came from) they were computed from."""

from retrocohort.analysis.paired import pairs_table
from retrocohort.analysis.paired_study import paired_study_statistics
from retrocohort.cohort.frames import synthetic_variables
from retrocohort.config.time_points import paired_time_points, repeated_time_points
from retrocohort.io.tabular import read_parquet, write_csv, write_json, write_parquet
from retrocohort.pipeline.step import run_step
from retrocohort.stats.result import details_text


def main(input: dict, output: dict, params: dict, config) -> None:
    meas = read_parquet(
        input["measurements"],
        columns=["patient_id", "day", "variable", "value"],
        categorical=["patient_id", "variable"],
    )
    stats, pairs = paired_study_statistics(
        meas,
        read_parquet(input["cohort"])["patient_id"],
        config["tables"]["table3"]["parameters"],
        config,
        paired_time_points(config),
        synthetic_variables(config, read_parquet(input["sources"])),
        repeated_time_points(config),
    )
    write_parquet(pairs_table(pairs), output["pairs"])
    write_json(stats.to_dict("records"), output["json"])
    write_csv(
        stats.drop(columns=["details"]).assign(details=stats["details"].map(details_text)), output["csv"]
    )


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
