"""Thin wrapper: rule `survival` -> retrocohort.steps.survival.run (logs to snakemake.log[0])."""

from retrocohort.io.step import run_step
from retrocohort.steps.survival import run

run_step(snakemake, run)  # noqa: F821 (injected by Snakemake)
