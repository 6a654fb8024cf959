"""Thin wrapper: rule `notebook` -> retrocohort.steps.notebook.run (logs to snakemake.log[0])."""

from retrocohort.io.step import run_step
from retrocohort.steps.notebook import run

run_step(snakemake, run)  # noqa: F821 (injected by Snakemake)
