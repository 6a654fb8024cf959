"""Rule ``manuscript``: the study's Results template resolved from the statistics files
(Markdown and Word) and ``values.json``, the traceability record of every number of the text
(the methods section is rule ``methods``; a study without a template gets rule
``results_skeleton``)."""

import logging
import sys
from pathlib import Path

from retrocohort.manuscript.resolve import build_namespace, resolve_template
from retrocohort.manuscript.results_files import statistics_inputs, write_results
from retrocohort.manuscript.sources_matching import MATCHING_RULE, matching_inputs
from retrocohort.manuscript.wording import stale_wording, without_record
from retrocohort.pipeline.step import run_step


def main(input: dict, output: dict, params: dict, config) -> None:
    paths, declared, rules = statistics_inputs(input, config["tables"])
    matchings = matching_inputs(input)  # matching.<name>.* keys: matched and unmatched counts
    rules = {**rules, **{path: MATCHING_RULE for path in matchings.values()}}
    template = input["template"]
    space = build_namespace(paths, config, declared, matchings)
    text = Path(template).read_text(encoding="utf-8")
    stale = stale_wording(text, template, config)  # a copied skeleton whose config words changed
    for warning in stale:
        logging.getLogger("retrocohort.manuscript").warning("stale wording: %s", warning)
        print(f"retrocohort: warning: stale wording: {warning}", file=sys.stderr)
    resolved = resolve_template(without_record(text), template, space, rules)
    write_results(
        resolved,
        template,
        [*paths.values(), *declared.values(), *matchings.values()],
        rules,
        config,
        output,
        extra={"stale_wording": stale} if stale else None,
    )


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
