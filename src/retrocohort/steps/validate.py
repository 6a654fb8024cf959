"""Rules ``validate_site`` (one site's tables, in its own job) and ``validate`` (merge + cross-site).

The per-site job runs every within-site check (:func:`retrocohort.validate.canonical.validate_site`)
and writes a small JSON summary with the site's medians; the merge job runs only the checks
that need all sites (ids unique across sites, per-site scale agreement, from those medians),
derives the patient-level variables and writes ``results/validated/*.parquet`` (the
measurements as a Parquet dataset of the site files).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pandas as pd

from retrocohort.cohort.derive import derive_variables
from retrocohort.errors import ValidationFailed
from retrocohort.ingest.sources import CanonicalTables, merge_sites
from retrocohort.io.tabular import read_parquet, write_json, write_parquet, write_parquet_dataset, write_text
from retrocohort.validate.canonical import (cross_site_problems, site_median_records, site_median_table, validate_site,
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
    """Validate one site's interim tables; when they pass, write ``{site, status, rows per table,
    medians}`` (the medians feed the merge job's cross-site scale check)."""
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


def _median_records(summary_path: str, measurements: str, variables: dict) -> list[dict]:
    """A site's median records from its summary; recomputed from its measurements when the
    summary predates them (a results/ directory from an older version)."""
    summary = json.loads(Path(summary_path).read_text(encoding="utf-8"))
    if "medians" in summary:
        return summary["medians"]
    log.info("%s has no median records; computing them from %s", summary_path, measurements)
    return site_median_records(read_parquet(measurements, columns=["site", "variable", "value"],
                                            categorical=["site", "variable"]), variables)


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
    records = [r for summary, measurements in zip(_as_list(input["site_checks"]), files["measurements"])
               for r in _median_records(summary, measurements, config["variables"])]
    medians = site_median_table(records)
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
