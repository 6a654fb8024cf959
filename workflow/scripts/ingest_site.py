"""Rule ``ingest_site``: one site's raw files -> canonical Parquet tables, input checksums and the
values changed by declared policies (``adjustments.json``: duplicates collapsed, conflicts
combined, implausible values set missing; see :mod:`retrocohort.ingest.policies`); then every
within-site check of those tables as written (Pandera models: types, ranges, units, duplicates,
orphans), whose summary (``validation.json``: row counts, the site's medians, the adjustments)
the merge of the sites reads. One job, not two: the checks read nothing the ingestion does not,
so a separate job would only pay a second interpreter start-up per site (issue 26)."""

import logging
from pathlib import Path

from retrocohort.config.time_points import day_range
from retrocohort.ingest.sources import ingest_site
from retrocohort.io.provenance import checksums
from retrocohort.io.tabular import write_json, write_parquet
from retrocohort.pipeline.step import run_step
from retrocohort.validate.sites import site_summary

log = logging.getLogger(__name__)


def main(input: dict, output: dict, params: dict, config) -> None:
    site = params["site"]
    tables = ingest_site(site, config["sites"][site], config, Path("."))
    log.info(
        "site %s: %d patients, %d measurements, %d treatment rows, %d event rows",
        site,
        len(tables.patients),
        len(tables.measurements),
        len(tables.treatments),
        len(tables.events),
    )
    write_parquet(tables.patients, output["patients"])
    write_parquet(tables.measurements, output["measurements"])
    write_parquet(tables.treatments, output["treatments"])
    write_parquet(tables.sources, output["sources"])
    write_parquet(tables.events, output["events"])
    write_json(checksums([s["path"] for s in config["sites"][site]["sources"]]), output["checksums"])
    for change in tables.adjustments:  # values changed by declared policies: never silent
        log.warning("site %s, %s: %s (%s)", site, change["file"], change["sentence"], change["policy"])
    write_json(tables.adjustments, output["adjustments"])
    del tables  # the checks read the files back, as the merge will
    write_json(site_summary(output, site, config["variables"], day_range(config)), output["summary"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
