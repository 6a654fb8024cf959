"""Rules ``validate_site`` (one site's tables, in its own job) and ``validate`` (merge + cross-site).

The per-site job runs every within-site check (:func:`retrocohort.validation.validate_site`)
and writes a small JSON summary; the merge job concatenates the sites, runs only the checks
that need all of them (ids unique across sites, per-site scale agreement), derives the
patient-level variables and writes ``results/validated/*.parquet``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from ..derive import derive_variables
from ..errors import ValidationFailed
from ..ingest import CanonicalTables, merge_sites
from ..tabular_io import read_parquet, write_json, write_parquet, write_parquet_dataset, write_text
from ..validation import (cross_site_problems, site_median_records, site_median_table, validate_site,
                          validation_report)

log = logging.getLogger(__name__)
TABLES = ("patients", "measurements", "treatments", "sources")


def _as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _read(files: dict[str, str]) -> CanonicalTables:
    return CanonicalTables(*(read_parquet(files[t]) for t in TABLES))


def _fail(exc: ValidationFailed) -> None:
    log.error("\n%s", validation_report(exc, None))
    raise exc


def run_site(input: dict, output: dict, params: dict, config: dict) -> None:
    """Validate one site's interim tables; write ``{site: ..., rows per table}`` when they pass."""
    tables = _read(input)
    try:
        validate_site(tables, config["variables"])
    except ValidationFailed as exc:
        exc.summary = f"Validation failed for site {params['site']!r}: {len(exc.problems)} problem(s); no analysis was run"
        _fail(exc)
    write_json({"site": params["site"], "status": "passed",
                **{t: len(getattr(tables, t)) for t in TABLES},
                "medians": site_median_records(tables.measurements, config["variables"])},
               output["summary"])


def run(input: dict, output: dict, params: dict, config: dict) -> None:
    """Merge the validated sites, run the cross-site checks, derive variables, write Parquet.

    The long measurements table (10^7 rows at scale) is never read here: the scale check uses
    the per-site medians from the site jobs' summaries, and ``measurements.parquet`` is a
    Parquet dataset (a directory) of the validated site files, read as one table downstream.
    """
    files = {t: _as_list(input[t]) for t in TABLES}
    merged = merge_sites([CanonicalTables(read_parquet(files["patients"][i]), pd.DataFrame(),
                                          read_parquet(files["treatments"][i]), read_parquet(files["sources"][i]))
                          for i in range(len(files["patients"]))])
    summaries = [json.loads(Path(f).read_text(encoding="utf-8")) for f in _as_list(input["site_checks"])]
    medians = site_median_table([r for s in summaries for r in s["medians"]])
    problems = cross_site_problems(merged, config["variables"], medians)
    if problems:
        _fail(ValidationFailed(f"Validation failed across sites: {len(problems)} problem(s); "
                               "no analysis was run", problems))
    patients = derive_variables(merged.patients, merged.treatments, config.get("derived", {}))
    write_parquet(patients, output["patients"])
    rows = write_parquet_dataset(files["measurements"], output["measurements"])
    write_parquet(merged.treatments, output["treatments"])
    sources = merged.sources.drop_duplicates(["variable", "file"]).sort_values(["variable", "file"])
    write_parquet(sources.reset_index(drop=True), output["sources"])
    write_text(output["report"], validation_report(None, merged, measurement_rows=rows))
