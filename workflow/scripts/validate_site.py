"""Rule ``validate_site``: every within-site check of one site's canonical tables (Pandera models:
types, ranges, units, duplicates, orphans); writes a summary with the site's medians and the values
changed by declared policies at ingestion (key ``adjustments``, present when any)."""

import json
from pathlib import Path

from retrocohort.config.time_points import day_range
from retrocohort.errors import ValidationFailed
from retrocohort.ingest.repeated import summary
from retrocohort.io.tabular import write_json
from retrocohort.pipeline.step import run_step
from retrocohort.validate.canonical import site_median_records, validate_site
from retrocohort.validate.sites import TABLES, fail, read_canonical


def main(input: dict, output: dict, params: dict, config) -> None:
    tables = read_canonical(input)
    adjustments = json.loads(Path(input["adjustments"]).read_text(encoding="utf-8"))
    try:
        validate_site(tables, config["variables"], day_range(config))
    except ValidationFailed as exc:
        exc.summary = (
            f"Validation failed for site {params['site']!r}: {summary(exc.problems)}; no analysis was run"
        )
        fail(exc)
    write_json(
        {
            "site": params["site"],
            "status": "passed",
            **{t: len(getattr(tables, t)) for t in TABLES},
            "medians": site_median_records(tables.measurements, config["variables"]),
            **({"adjustments": adjustments} if adjustments else {}),
        },
        output["summary"],
    )


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
