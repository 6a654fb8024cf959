"""Thin wrapper: rule `group_comparisons` -> retrocohort.steps.groups.run (logs to snakemake.log[0])."""

from retrocohort.io.step import run_step
from retrocohort.steps.groups import run

run_step(snakemake, run)  # noqa: F821 (injected by Snakemake)
