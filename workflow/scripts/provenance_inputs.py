"""Thin wrapper: rule `provenance_inputs` -> retrocohort.steps.provenance.run."""

from retrocohort.io.step import run_step
from retrocohort.steps.provenance import run

run_step(snakemake, run)  # noqa: F821 (injected by Snakemake)
