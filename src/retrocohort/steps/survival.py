"""Rule ``survival``: Kaplan–Meier, median with CI and log-rank per configured analysis, in
CSV, JSON, Markdown, LaTeX, HTML and DOCX, plus one figure per analysis (PNG, SVG, PDF)."""

from __future__ import annotations

from pathlib import Path

from retrocohort.config.check import variable_label
from retrocohort.figures.save import save_figure
from retrocohort.figures.survival import km_plot
from retrocohort.analysis.survival import survival_statistics
from retrocohort.tables.build import build_survival_table
from retrocohort.steps.groups import cohort_frame, write_statistics, write_table


def run(input: dict, output: dict, params: dict, config: dict) -> None:
    frame, synthetic = cohort_frame(input, config)
    analyses = config.get("survival", [])
    stats, results = survival_statistics(frame, analyses, config["variables"],
                                         config.get("derived", {}), config.get("statistics", {}),
                                         synthetic)
    write_statistics(stats, output)
    write_table(build_survival_table(stats, config), output)
    for spec in analyses:
        res = results[spec["id"]]
        unit = config["variables"].get(spec["time"], {}).get("unit", "")
        fig = km_plot(res.curves, at_risk=res.at_risk,
                      time_label=spec.get("time_label", f"{variable_label(config, spec['time'])}"
                                                        + (f" ({unit})" if unit else "")),
                      ylabel=spec.get("ylabel", "Probability without the event"))
        save_figure(fig, Path(output[f"km_{spec['id']}"]).with_suffix(""))
