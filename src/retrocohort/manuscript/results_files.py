"""The files of a resolved Results text (rules ``manuscript`` and ``results_skeleton``):
``results.md``, ``results.docx`` and ``values.json``, the traceability record of every number
(placeholder -> full-precision value -> printed text -> source file, record, column and rule ->
SHA-256 of every file read)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrocohort.format.words import with_subjects_noun
from retrocohort.io.atomic import write_json, write_text
from retrocohort.io.provenance import checksums
from retrocohort.kinds import table_kind
from retrocohort.manuscript.docx_text import write_text_docx
from retrocohort.manuscript.resolve import SOURCES, ResolvedText, synthetic_footnote

#: The rule that writes each statistics file (recorded beside every value).
SOURCE_RULES = {
    "table1": "table1_statistics",
    "paired": "paired_tests",
    "groups": "group_comparisons",
    "survival": "survival",
    "flow": "select_cohort",
}
#: Input name prefix of a declared table's statistics (``declared_<table id>``); its rule is its
#: kind's (:attr:`retrocohort.kinds.base.TableKind.rule`).
DECLARED = "declared_"

ABOUT = (
    "Each placeholder of the template: its full-precision value, the printed text, and its "
    "source: file, record (0-based data row of a CSV, header excluded, or item of a JSON "
    "list), column(s) and the rule that wrote the file; inputs: SHA-256 of every file read."
)


def statistics_inputs(input: Mapping[str, str], tables: Mapping[str, Any]) -> tuple[dict, dict, dict]:
    """The statistics files among a rule's inputs.

    Parameters
    ----------
    input : mapping of str to str
        The rule's inputs (:data:`~retrocohort.manuscript.resolve.SOURCES` names and
        ``declared_<id>``).
    tables : mapping
        The study's ``tables:`` (each declared table's ``kind``, whose rule wrote its file).

    Returns
    -------
    tuple of dict
        Files by :data:`~retrocohort.manuscript.resolve.SOURCES` name; declared tables' files by
        table id (inputs ``declared_<id>``); file -> the rule that wrote it.
    """
    paths = {name: input[name] for name in SOURCES if name in input}
    declared = {name[len(DECLARED) :]: path for name, path in input.items() if name.startswith(DECLARED)}
    rules = {paths[name]: SOURCE_RULES[name] for name in paths}
    rules |= {path: table_kind(tables[tid]["kind"]).rule for tid, path in declared.items()}
    if "table1" in declared and "table1" in paths:  # a Table 1 declared by kind: its CSV too
        rules[paths["table1"]] = rules[declared["table1"]]
    return paths, declared, rules


def results_markdown(resolved: ResolvedText, config: Mapping[str, Any]) -> str:
    """The resolved text ending with one newline, and the synthetic-data footnote when a
    printed number rests on synthetic data."""
    text = resolved.text.rstrip("\n") + "\n"
    if resolved.synthetic:
        text += "\n" + synthetic_footnote(config["study"]["synthetic_note"]) + "\n"
    return text


def write_results(
    resolved: ResolvedText,
    template: str,
    sources: list[str],
    rules: Mapping[str, str],
    config: Mapping[str, Any],
    output: Mapping[str, str],
    extra: Mapping[str, Any] | None = None,
) -> None:
    """Write ``output["results_md"]``, ``["results_docx"]`` and ``["values"]``.

    Parameters
    ----------
    resolved
        The template resolved by :func:`retrocohort.manuscript.resolve.resolve_template`.
    template
        The template's path (recorded, and checksummed first among the inputs).
    sources
        The statistics files read, in order.
    rules
        Statistics file -> the rule that wrote it.
    config
        The study config (``study.title``, ``study.synthetic_note``, ``tables.preset``).
    output
        Paths of the three files.
    extra
        Keys added at the end of ``values.json`` (e.g. that the template was generated).
    """
    text = with_subjects_noun(results_markdown(resolved, config), config["study"].get("subjects_noun"))
    write_text(output["results_md"], text)
    title, preset = config["study"]["title"], config["tables"]["preset"]
    write_text_docx(text, output["results_docx"], f"Results: {title}", preset)
    record = {
        "about": ABOUT,
        "template": template,
        "placeholders": resolved.records,
        "inputs": checksums(list(dict.fromkeys([template, *sources]))),  # a file read twice: once
        "rules": dict(rules),
        **(extra or {}),
    }
    write_json(record, output["values"])
