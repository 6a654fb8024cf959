"""Rule ``validate``: merge sites, validate (pandera, lazy), derive variables, write Parquet."""

from __future__ import annotations

import logging

from ..derive import derive_variables
from ..errors import ValidationFailed
from ..ingest import CanonicalTables, merge_sites
from ..tabular_io import read_parquet, write_parquet, write_text
from ..validation import validate_tables, validation_report

log = logging.getLogger(__name__)
TABLES = ("patients", "measurements", "treatments", "sources")


def run(input: dict, output: dict, params: dict, config: dict) -> None:
    files = {t: [input[t]] if isinstance(input[t], str) else list(input[t]) for t in TABLES}
    parts = [CanonicalTables(*(read_parquet(files[t][i]) for t in TABLES))
             for i in range(len(files["patients"]))]
    merged = merge_sites(parts)
    try:
        validate_tables(merged, config["variables"])
    except ValidationFailed as exc:
        log.error("\n%s", validation_report(exc, None))
        raise
    patients = derive_variables(merged.patients, merged.treatments, config.get("derived", {}))
    write_parquet(patients, output["patients"])
    write_parquet(merged.measurements, output["measurements"])
    write_parquet(merged.treatments, output["treatments"])
    sources = merged.sources.drop_duplicates(["variable", "file"]).sort_values(["variable", "file"])
    write_parquet(sources.reset_index(drop=True), output["sources"])
    write_text(output["report"], validation_report(None, merged))
