"""Rule ``ingest_site``: one site's raw files -> canonical Parquet tables, input checksums and the
values changed by declared policies (``adjustments.json``: duplicates collapsed, conflicts
combined, implausible values set missing; see :mod:`retrocohort.ingest.policies`)."""

import logging
from pathlib import Path

from retrocohort.ingest.sources import ingest_site
from retrocohort.io.provenance import checksums
from retrocohort.io.tabular import write_json, write_parquet
from retrocohort.pipeline.step import run_step

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


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
