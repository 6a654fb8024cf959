"""Thin wrapper: rule `validate_site` -> retrocohort.steps.validate.run_site."""

from retrocohort.io.step import run_step
from retrocohort.steps.validate import run_site

run_step(snakemake, run_site)  # noqa: F821 (injected by Snakemake)
