"""Rule ``results_skeleton``: for a study without its own Results template, a template written
from what the study declares (:func:`retrocohort.manuscript.skeleton.skeleton_template`: a
paragraph per table, every number a placeholder), saved as ``results_template.md`` and resolved
by the resolver of rule ``manuscript`` into ``results.md``, ``results.docx`` and
``values.json``."""

import json
from pathlib import Path

from retrocohort.io.atomic import write_text
from retrocohort.manuscript.resolve import build_namespace, read_json_records, resolve_template
from retrocohort.manuscript.results_files import statistics_inputs, write_results
from retrocohort.manuscript.skeleton import skeleton_template
from retrocohort.manuscript.sources_matching import MATCHING_RULE, matching_inputs, matching_paragraph
from retrocohort.manuscript.wording import template_in_subjects_noun, wording_record
from retrocohort.pipeline.step import run_step


def main(input: dict, output: dict, params: dict, config) -> None:
    paths, declared, rules = statistics_inputs(input, config["tables"])
    matchings = matching_inputs(input)  # matching.<name>.* keys: matched and unmatched counts
    rules = {**rules, **{path: MATCHING_RULE for path in matchings.values()}}
    space = build_namespace(paths, config, declared, matchings)
    optional = {
        name: read_json_records(paths[name]) for name in ("paired", "survival", "groups") if name in paths
    }
    text = skeleton_template(
        config,
        space,
        declared={tid: read_json_records(path) for tid, path in declared.items()},
        table1="table1" in paths,
        **optional,
    )
    summaries = {name: json.loads(Path(path).read_text(encoding="utf-8")) for name, path in matchings.items()}
    if summaries:  # the matched and unmatched patients of each matching, a last paragraph
        text = text.rstrip("\n") + "\n\n" + matching_paragraph(summaries) + "\n"
    text = template_in_subjects_noun(text, config["study"]["subjects_noun"])  # "participants"...
    template = output["template"]
    # ends with the config texts it printed: a copy that goes stale is detected (rule manuscript)
    write_text(template, text.rstrip("\n") + "\n\n" + wording_record(text, config) + "\n")
    resolved = resolve_template(text, template, space, rules)
    sources_read = [*paths.values(), *declared.values(), *matchings.values()]
    write_results(resolved, template, sources_read, rules, config, output, extra={"generated": True})


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
