"""Rule ``survival``: Kaplan-Meier estimates (censored patients kept, excluded ones counted),
median time with CI and log-rank test by group for each configured time-to-event analysis, as
statistics, a formatted table and one figure each (with censoring marks)."""

from pathlib import Path

import pandas as pd

from retrocohort.analysis.frames import cohort_frame, write_statistics
from retrocohort.analysis.survival import survival_statistics
from retrocohort.figures.km_figure import draw_km_figure
from retrocohort.ingest.policies import with_adjustment_footnotes
from retrocohort.pipeline.step import run_step
from retrocohort.tables.survival_table import build_survival_table
from retrocohort.tables.write import write_table_formats


def main(input: dict, output: dict, params: dict, config) -> None:
    frame, synthetic = cohort_frame(input, config)
    analyses = config["survival"]
    stats, results = survival_statistics(
        frame, analyses, config["variables"], config["derived"], config["statistics"], synthetic
    )
    table = with_adjustment_footnotes(
        build_survival_table(stats, config), input["adjustments"], analyses, config
    )
    write_table_formats(
        table, output, preset=config["tables"]["preset"], subjects=config["study"]["subjects_noun"]
    )
    printed = [
        draw_km_figure(
            stats,
            results[spec["id"]],
            spec,
            config,
            Path(output[f"km_{spec['id']}"]).with_suffix(""),
            f"survival/{i}",
        )
        for i, spec in enumerate(analyses)
    ]
    write_statistics(pd.concat([stats, *printed], ignore_index=True), output["json"], output["csv"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
