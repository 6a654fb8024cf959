"""Per-site validation summaries and the cross-site merge inputs (used by the validation rules)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path

from retrocohort.errors import ValidationFailed
from retrocohort.ingest.sources import CanonicalTables
from retrocohort.io.tabular import read_parquet
from retrocohort.validate.canonical import site_median_records, validation_report

log = logging.getLogger(__name__)
#: The canonical tables, in :class:`~retrocohort.ingest.sources.CanonicalTables` order.
TABLES = ("patients", "measurements", "treatments", "sources")


def as_list(value: str | list[str]) -> list[str]:
    """A named Snakemake input as a list of paths (one path or several)."""
    return [value] if isinstance(value, str) else list(value)


def read_canonical(files: Mapping[str, str]) -> CanonicalTables:
    """The four canonical tables of one site from their Parquet files."""
    return CanonicalTables(*(read_parquet(files[t]) for t in TABLES))


def fail(exc: ValidationFailed) -> None:
    """Log the full validation report, then re-raise (the rule stops with its summary)."""
    log.error("\n%s", validation_report(exc, None))
    raise exc


def site_summary(files: Mapping[str, str], site: str, variables: Mapping, days: tuple[int, int]) -> dict:
    """Every within-site check of one site's canonical tables, read back from the Parquet files
    its ingestion wrote (``files``: ``patients``, ``measurements``, ``treatments``, ``sources``,
    ``adjustments``), by :func:`retrocohort.validate.canonical.validate_site` (Pandera models:
    types, ranges, units, duplicates, orphans); returns the site's summary (row counts, the
    site's median records for the cross-site scale check, the values changed by declared
    policies under ``adjustments`` when any). A failed check logs the full report and raises
    :class:`~retrocohort.errors.ValidationFailed` naming the site."""
    from retrocohort.ingest.repeated import summary
    from retrocohort.validate.canonical import validate_site

    tables = read_canonical(files)
    adjustments = json.loads(Path(files["adjustments"]).read_text(encoding="utf-8"))
    try:
        validate_site(tables, variables, days)
    except ValidationFailed as exc:
        exc.summary = f"Validation failed for site {site!r}: {summary(exc.problems)}; no analysis was run"
        fail(exc)
    return {
        "site": site,
        "status": "passed",
        **{t: len(getattr(tables, t)) for t in TABLES},
        "medians": site_median_records(tables.measurements, variables),
        **({"adjustments": adjustments} if adjustments else {}),
    }


def median_records(summary_path: str, measurements: str, variables: Mapping) -> list[dict]:
    """A site's median records from its summary; recomputed from its measurements when the
    summary predates them (a results/ directory from an older version)."""
    summary = json.loads(Path(summary_path).read_text(encoding="utf-8"))
    if "medians" in summary:
        return summary["medians"]
    log.info("%s has no median records; computing them from %s", summary_path, measurements)
    return site_median_records(
        read_parquet(measurements, columns=["site", "variable", "value"], categorical=["site", "variable"]),
        variables,
    )
