"""Rule ``manuscript``: the study's Results template resolved from the statistics files
(Markdown and Word) and ``values.json``, the traceability record of every number of the text
(the methods section is rule ``methods``)."""

from pathlib import Path

from retrocohort.io.atomic import write_json, write_text
from retrocohort.io.provenance import checksums
from retrocohort.manuscript.docx_text import write_text_docx
from retrocohort.manuscript.resolve import (
    SOURCES,
    build_namespace,
    resolve_template,
    synthetic_footnote,
)
from retrocohort.pipeline.step import run_step

#: The rule that writes each statistics file (recorded beside every value).
SOURCE_RULES = {
    "table1": "table1_statistics",
    "paired": "paired_tests",
    "groups": "group_comparisons",
    "survival": "survival",
    "flow": "select_cohort",
}


def main(input: dict, output: dict, params: dict, config) -> None:
    paths = {name: input[name] for name in SOURCES if name in input}
    template = input["template"]
    space = build_namespace(paths, config)
    rules = {paths[name]: SOURCE_RULES[name] for name in paths}
    resolved = resolve_template(Path(template).read_text(encoding="utf-8"), template, space, rules)
    text = resolved.text.rstrip("\n") + "\n"
    if resolved.synthetic:
        text += "\n" + synthetic_footnote(config["study"]["synthetic_note"]) + "\n"
    title, preset = config["study"]["title"], config["tables"]["preset"]
    write_text(output["results_md"], text)
    write_text_docx(text, output["results_docx"], f"Results: {title}", preset)
    record = {
        "about": (
            "Each placeholder of the template: its full-precision value, the printed text, and its "
            "source: file, record (0-based data row of a CSV, header excluded, or item of a JSON "
            "list), column(s) and the rule that wrote the file; inputs: SHA-256 of every file read."
        ),
        "template": template,
        "placeholders": resolved.records,
        "inputs": checksums([template, *paths.values()]),
        "rules": {paths[name]: SOURCE_RULES[name] for name in paths},
    }
    write_json(record, output["values"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
