"""Rule ``notebook``: execute the reviewer's walkthrough (nbclient) on this run's outputs and
write it with an HTML copy; a recomputed number that disagrees stops the rule."""

import os

import nbformat

from retrocohort.io.atomic import write_text
from retrocohort.pipeline.step import run_step
from retrocohort.review.notebook import (
    execute,
    inject_parameters,
    notebook_parameters,
    notebook_to_html,
    strip_volatile,
)


def main(input: dict, output: dict, params: dict, config) -> None:
    nb = nbformat.read(input["notebook"], as_version=4)
    inject_parameters(
        nb, notebook_parameters(input, config, params["table1_variables"], params["table3_variables"])
    )
    execute(nb, workdir=os.getcwd(), timeout=params["timeout"])
    strip_volatile(nb)
    write_text(output["ipynb"], nbformat.writes(nb) + "\n")
    write_text(output["html"], notebook_to_html(nb, title=params["title"]))


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
