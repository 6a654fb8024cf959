"""Rule ``methods``: the statistical-methods section of the study, one sentence per test and
estimator its statistics files record (Markdown, Word, and reStructuredText for the report's
Methods page)."""

import pandas as pd

from retrocohort.format.words import with_subjects_noun
from retrocohort.io.atomic import write_text
from retrocohort.manuscript.docx_text import write_text_docx
from retrocohort.manuscript.methods import methods_markdown, methods_rst
from retrocohort.manuscript.resolve import read_json_records
from retrocohort.pipeline.step import run_step


def _records(path: str) -> list[dict]:
    if path.endswith(".csv"):
        return pd.read_csv(path).to_dict("records")
    return read_json_records(path)


def main(input: dict, output: dict, params: dict, config) -> None:
    sources = {path: _records(path) for path in input.values()}
    synthetic = any(rec.get("synthetic") is True for recs in sources.values() for rec in recs)
    noun = config["study"]["subjects_noun"]  # "patients", or the study's own noun
    text = with_subjects_noun(methods_markdown(config, sources, synthetic=synthetic), noun)
    write_text(output["md"], text)
    write_text_docx(text, output["docx"], f"Methods: {config['study']['title']}", config["tables"]["preset"])
    write_text(output["rst"], with_subjects_noun(methods_rst(config, sources), noun))


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
