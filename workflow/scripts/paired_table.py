"""Rule ``paired_table``: one table the study declares with ``kind: paired`` (e.g. the
flagship's Day 0 to Day 7 Table 3): its parameters at its two time points for the table's
population (Wilcoxon signed-rank or McNemar, Hodges-Lehmann, multiplicity; the kind
:mod:`retrocohort.kinds.paired`), written as the full-precision statistics (CSV, JSON), the
formatted table in every registered format and the pairs each row was computed from
(``results/stats/<id>_pairs.parquet``: parameter, patient_id, before, after and the days they
came from), which the slope figure draws."""

from retrocohort.analysis.paired import pairs_table
from retrocohort.io.tabular import write_parquet
from retrocohort.kinds import load_table_request, paired
from retrocohort.kinds.outputs import write_table_files
from retrocohort.pipeline.step import run_step


def main(input: dict, output: dict, params: dict, config) -> None:
    request = load_table_request(input, config, params["table"])
    stats, pairs = paired.statistics_and_pairs(request)
    write_parquet(pairs_table(pairs), output["pairs"])
    write_table_files(paired.KIND, request, stats, input, output, config)


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
