"""Rule ``survival``: Kaplan-Meier estimates (censored patients kept, excluded ones counted),
median time with CI and log-rank test by group for each configured time-to-event analysis, as
statistics, a formatted table and one figure each (with censoring marks)."""

from pathlib import Path

import pandas as pd

from retrocohort.analysis.frames import cohort_frame, write_statistics
from retrocohort.analysis.survival import survival_statistics
from retrocohort.config.check import variable_label
from retrocohort.figures.at_risk import (
    at_risk_rows,
    check_at_risk_times,
    follow_up_ends,
    numbers_at_risk_at,
)
from retrocohort.figures.labels import km_note, km_ylabel
from retrocohort.figures.save import save_figure
from retrocohort.figures.survival import km_plot
from retrocohort.pipeline.step import run_step
from retrocohort.tables.survival_table import build_survival_table
from retrocohort.tables.write import write_table_formats


def main(input: dict, output: dict, params: dict, config) -> None:
    frame, synthetic = cohort_frame(input, config)
    analyses = config["survival"]
    stats, results = survival_statistics(
        frame, analyses, config["variables"], config["derived"], config["statistics"], synthetic
    )
    write_table_formats(build_survival_table(stats, config), output, preset=config["tables"]["preset"])
    printed = []
    for i, spec in enumerate(analyses):
        check_at_risk_times(spec.get("at_risk_times"), spec.get("time_axis_max"), f"survival/{i}")
        res = results[spec["id"]]
        unit = config["variables"].get(spec["time"], {}).get("unit", "")
        time_label = spec.get(
            "time_label", variable_label(config, spec["time"]) + (f" ({unit})" if unit else "")
        )
        km_rows = stats[(stats["analysis"] == spec["id"]) & (stats["role"] == "km")]
        follow_up = follow_up_ends(km_rows, res.censored)
        fig = km_plot(
            res.curves,
            follow_up=follow_up,
            at_risk_times=spec.get("at_risk_times"),
            censored=res.censored,
            time_axis_max=spec.get("time_axis_max"),
            time_label=time_label,
            ylabel=km_ylabel(spec),
            note=km_note(stats, spec["id"]),
        )
        save_figure(fig, Path(output[f"km_{spec['id']}"]).with_suffix(""))
        shown = numbers_at_risk_at(follow_up, follow_up["group"].unique(), fig.axes[0].get_xticks())
        printed.append(at_risk_rows(stats, spec["id"], shown))
    write_statistics(pd.concat([stats, *printed], ignore_index=True), output["json"], output["csv"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
