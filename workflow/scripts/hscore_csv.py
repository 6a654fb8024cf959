"""Rule ``hscore_csv``: the per-patient HScore table as CSV (same columns as the Parquet file)."""

from retrocohort.io.tabular import read_parquet, write_csv
from retrocohort.pipeline.step import run_step


def main(input: dict, output: dict, params: dict, config) -> None:
    write_csv(read_parquet(input["parquet"]), output["csv"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
