"""Rule ``validate_site``: every within-site check of one site's canonical tables (Pandera models:
types, ranges, units, duplicates, orphans); writes a summary with the site's medians and the values
changed by declared policies at ingestion (key ``adjustments``, present when any):
:func:`retrocohort.validate.sites.site_summary`."""

from retrocohort.config.time_points import day_range
from retrocohort.io.tabular import write_json
from retrocohort.pipeline.step import run_step
from retrocohort.validate.sites import site_summary


def main(input: dict, output: dict, params: dict, config) -> None:
    summary = site_summary(input, params["site"], config["variables"], day_range(config))
    write_json(summary, output["summary"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
