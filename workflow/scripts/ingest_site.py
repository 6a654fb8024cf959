"""Thin wrapper: rule `ingest_site` -> retrocohort.steps.ingest.run (logs to snakemake.log[0])."""

from retrocohort.io.step import run_step
from retrocohort.steps.ingest import run

run_step(snakemake, run)  # noqa: F821 (injected by Snakemake)
