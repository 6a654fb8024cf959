"""Rule ``merge_sites_and_derive``: merge the validated sites, run the checks that need all of
them (ids unique across sites, per-site scale agreement from the site medians), derive the
study's patient-level variables and write ``results/validated/*.parquet``, the validation report
and ``results/validation/adjustments.json`` (every value changed by a declared policy, with the
sentence a table using the variable footnotes).

The long events table (``events.parquet``, from ``table: events`` sources) is concatenated and
read by the endpoints derived from it (:mod:`retrocohort.cohort.event_endpoints`); an event after
the end of follow-up fails the validation here, naming the events file and row.

The long measurements table is never read here: ``measurements.parquet`` is a Parquet dataset
(a directory) of the validated site files, read as one table downstream.
"""

import json
from pathlib import Path

import pandas as pd

from retrocohort.cohort.derive import derive_variables
from retrocohort.cohort.derive_arithmetic import derived_notes_section
from retrocohort.config.derived_spec import uses_quantile_groups
from retrocohort.errors import InputError, ValidationFailed
from retrocohort.ingest.repeated import aggregate, summary
from retrocohort.ingest.sources import CanonicalTables, merge_sites
from retrocohort.io.tabular import read_parquet, write_json, write_parquet, write_parquet_dataset, write_text
from retrocohort.pipeline.step import run_step
from retrocohort.stats.quantiles import quantile_definition
from retrocohort.validate.canonical import cross_site_problems, site_median_table, validation_report
from retrocohort.validate.sites import TABLES, as_list, fail, median_records


def main(input: dict, output: dict, params: dict, config) -> None:
    files = {t: as_list(input[t]) for t in TABLES}
    merged = merge_sites(
        [
            CanonicalTables(
                read_parquet(files["patients"][i]),
                pd.DataFrame(),
                read_parquet(files["treatments"][i]),
                read_parquet(files["sources"][i]),
            )
            for i in range(len(files["patients"]))
        ]
    )
    records = [
        r
        for summary, measurements in zip(as_list(input["site_checks"]), files["measurements"])
        for r in median_records(summary, measurements, config["variables"])
    ]
    problems = aggregate(cross_site_problems(merged, config["variables"], site_median_table(records)))
    if problems:
        fail(
            ValidationFailed(
                f"Validation failed across sites: {summary(problems)}; no analysis was run", problems
            )
        )
    events = pd.concat([read_parquet(f) for f in as_list(input["events"])], ignore_index=True)
    notes: list[str] = []  # derived variables' report sentences (divisions by zero, cut points)
    try:
        patients = derive_variables(
            merged.patients,
            merged.treatments,
            config["derived"],
            events,
            quantile=(  # declared in the rule's slice only when a quantile_groups needs it
                quantile_definition(config["statistics"]["quantile_type"])
                if uses_quantile_groups(config["derived"])
                else None
            ),
            notes=notes,
        )
    except InputError as exc:  # an event after the end of follow-up (cohort/event_endpoints.py)
        fail(
            ValidationFailed(
                f"Validation failed across sites: {summary(exc.problems)}; no analysis was run", exc.problems
            )
        )
    write_parquet(patients, output["patients"])
    rows = write_parquet_dataset(files["measurements"], output["measurements"])
    write_parquet(merged.treatments, output["treatments"])
    write_parquet(events, output["events"])
    sources = merged.sources.drop_duplicates(["variable", "file"]).sort_values(["variable", "file"])
    write_parquet(sources.reset_index(drop=True), output["sources"])
    adjustments = [
        a
        for path in as_list(input["site_checks"])
        for a in json.loads(Path(path).read_text(encoding="utf-8")).get("adjustments", [])
    ]
    write_json(adjustments, output["adjustments"])
    write_text(
        output["report"],
        validation_report(None, merged, measurement_rows=rows, adjustments=adjustments)
        + derived_notes_section(notes),
    )


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
