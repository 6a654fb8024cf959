"""Rule ``figures_slopes``: one panel per parameter of the study's paired table ``tables.table3``
(classic, or declared ``kind: paired`` at its own ``time_points``), each patient's first -> second time point
values joined by a line, annotated with the test and p-value exactly as Table 3 prints them; above
``figures.slopes.max_pairs`` pairs a panel draws a random subsample of the lines under the median
and IQR of all pairs (:func:`retrocohort.figures.paired.slope_plot`)."""

import logging
from pathlib import Path

from retrocohort.analysis.frames import read_table3
from retrocohort.analysis.paired import pairs_from_table
from retrocohort.figures.labels import SYNTHETIC_NOTE, slope_annotations, slope_titles
from retrocohort.figures.paired import slope_plot
from retrocohort.figures.save import save_figure
from retrocohort.io.tabular import read_parquet
from retrocohort.kinds.paired import spec_points
from retrocohort.pipeline.step import run_step

logging.getLogger("fontTools").setLevel(logging.WARNING)  # PDF subsetting logs every glyph


def main(input: dict, output: dict, params: dict, config) -> None:
    t3 = read_table3(input["table3"])
    spec = config["tables"]["table3"]
    first, second = spec_points(config, spec)
    parameters = spec["parameters"]
    names = [p["variable"] for p in parameters]
    pairs = pairs_from_table(read_parquet(input["pairs"], columns=["parameter", "before", "after"]), names)
    titles = slope_titles(t3, config)
    fig = slope_plot(
        pairs,
        names,
        log_scale={p["variable"]: bool(p.get("log_scale", False)) for p in parameters},
        titles=titles,
        annotations=slope_annotations(t3, config),
        days=(first.day, second.day),
        day_labels=(first.title, second.title),
        note=SYNTHETIC_NOTE if any(t.endswith(" †") for t in titles.values()) else None,
        max_pairs=config["figures"]["slopes"]["max_pairs"],
        seed=config["figures"]["slopes"]["seed"],
    )
    save_figure(fig, Path(output["slopes"]).with_suffix(""), subjects=config["study"]["subjects_noun"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
