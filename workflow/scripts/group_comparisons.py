"""Rule ``group_comparisons``: each configured comparison of an outcome between groups (Fisher's
exact test for a binary outcome, Mann-Whitney U for a continuous one), at full precision and as
a formatted table."""

from retrocohort.analysis.frames import cohort_frame, write_statistics
from retrocohort.analysis.groups import group_statistics
from retrocohort.ingest.policies import with_adjustment_footnotes
from retrocohort.pipeline.step import run_step
from retrocohort.tables.group_table import build_group_table
from retrocohort.tables.write import write_table_formats


def main(input: dict, output: dict, params: dict, config) -> None:
    frame, synthetic = cohort_frame(input, config)
    stats = group_statistics(
        frame, config["groups"], config["variables"], config["derived"], config["statistics"], synthetic
    )
    write_statistics(stats, output["json"], output["csv"])
    table = with_adjustment_footnotes(
        build_group_table(stats, config), input["adjustments"], config["groups"], config
    )
    write_table_formats(
        table, output, preset=config["tables"]["preset"], subjects=config["study"]["subjects_noun"]
    )


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
