"""Thin wrapper: rule `hscore_csv` -> retrocohort.steps.hscore.run_csv (logs to snakemake.log[0])."""

from retrocohort.io.step import run_step
from retrocohort.steps.hscore import run_csv

run_step(snakemake, run_csv)  # noqa: F821 (injected by Snakemake)
