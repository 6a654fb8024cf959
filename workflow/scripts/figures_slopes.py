"""Thin wrapper: rule `figures_slopes` -> retrocohort.steps.figures.run_slopes (logs to snakemake.log[0])."""

from retrocohort.io.step import run_step
from retrocohort.steps.figures import run_slopes

run_step(snakemake, run_slopes)  # noqa: F821 (injected by Snakemake)
