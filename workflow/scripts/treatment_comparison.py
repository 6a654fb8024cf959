"""Rule ``treatment_comparison``: one declared treatment comparison
(``treatment_comparisons.<name>``) fitted on the analysed cohort
(:func:`retrocohort.analysis.treatment_comparison.fit_treatment_comparison`). Writes the design
per patient (patient_id, treatment, ps, logit_ps, in_sample, set_id, weight) as CSV at full
precision, and the specification, method sentence, counts (unmatched patients included) and
weight summary (min, max, effective sample size per group) as JSON."""

from retrocohort.analysis.frames import cohort_frame
from retrocohort.analysis.treatment_comparison import fit_treatment_comparison
from retrocohort.io.tabular import write_csv, write_json
from retrocohort.pipeline.step import run_step
from retrocohort.stats.result import json_safe


def main(input: dict, output: dict, params: dict, config) -> None:
    frame, _ = cohort_frame(input, config)
    name = params["name"]
    design = fit_treatment_comparison(frame, name, config["treatment_comparisons"][name], config)
    write_csv(design.design, output["csv"])
    write_json(json_safe(design.summary), output["json"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
