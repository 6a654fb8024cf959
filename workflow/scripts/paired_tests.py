"""Thin wrapper: rule `paired_tests` -> retrocohort.steps.paired.run (logs to snakemake.log[0])."""

from retrocohort.io.step import run_step
from retrocohort.steps.paired import run

run_step(snakemake, run)  # noqa: F821 (injected by Snakemake)
