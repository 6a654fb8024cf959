"""A Results skeleton for a study without its own template: Markdown with ``{{ key }}``
placeholders written from what the study declares, then resolved by the one resolver of
:mod:`retrocohort.manuscript.resolve` (so every number is traced in ``values.json`` exactly as a
hand-written template's are).

One paragraph per table, in the order of the config's ``tables:`` (a survival or group
comparison paragraph where ``tables.survival`` / ``tables.groups`` stand, else at the end),
after a paragraph on the analysed cohort (``flow.csv``):

* descriptive table: its patients (n, and n per group); with groups, each row whose p-value is
  below the table's ``bold_p_below`` (else :data:`NOTABLE_P`) with its per-group summary, p and
  test, then the rows above it named;
* regression table: each term's hazard or odds ratio with its CI and p, univariable then
  multivariable (with the model's n and events);
* paired table (``tables.table3``, or ``kind: paired``): as a grouped table, the two time
  points' summaries;
* survival (``survival:``, or ``kind: survival``): per analysis and group the Kaplan–Meier
  median with its CI, events and patients, and the log-rank p;
* group comparisons (``groups:``, or ``kind: comparison``): per comparison each group's
  summary, p and test.

A declared table of the last three kinds is written by the same builder as the classic entry,
on its own records and keys (``tables.<id>.`` for ``paired.``, ``survival.``, ``groups.``),
after a lead sentence stating its population (:func:`table_lead`: "Among the 154 patients with
placebo, Table 7 compares Baseline with Year 1.").

Every function here returns template text: literal words come from the config (labels, titles'
"Table N", time point labels) and every number is a placeholder. :func:`placeholder` writes a
key only when the namespace has it, so a skeleton never holds an unknown key.

References
----------
Lang TA, Altman DG. Basic statistical reporting for articles published in biomedical
journals: the "Statistical Analyses and Methods in the Published Literature" or the SAMPL
guidelines. Int J Nurs Stud 2015;52:5-9.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from retrocohort.format.words import in_sentence
from retrocohort.manuscript.namespace import Namespace, key_part, present
from retrocohort.manuscript.skeleton_analyses import (
    ANALYSIS_PARAGRAPHS,
    analysis_paragraph,
    groups_paragraph,
    paired_paragraph,
    survival_paragraph,
)
from retrocohort.manuscript.skeleton_words import (
    NOTABLE_P,
    Records,
    declared_groups,
    join_words,
    left_out_words,
    lower_first,
    others_sentence,
    p_and_test,
    placeholder,
    population_words,
    table_reference,
    threshold,
    upper_first,
)
from retrocohort.manuscript.sources_declared import OVERALL, row_spec, stratum_names, table_key
from retrocohort.tables.cohort_tables import STAT_TEXT
from retrocohort.tables.declared_tables import descriptive_spec, regression_spec
from retrocohort.tables.regression_notes import interaction_label, term_key_parts, term_label
from retrocohort.tables.regression_table import RATIO_NAME

__all__ = [  # the builders and words the skeleton is written with, importable from here
    "EDIT_COMMENT",
    "GENERATED_NOTE",
    "NOTABLE_P",
    "cohort_paragraph",
    "descriptive_paragraph",
    "groups_paragraph",
    "join_words",
    "lower_first",
    "paired_paragraph",
    "placeholder",
    "regression_paragraph",
    "skeleton_template",
    "survival_paragraph",
    "table_reference",
]

#: The mark of a generated text (first line under the heading).
GENERATED_NOTE = "*Generated skeleton: edit to taste, every number is traced in values.json.*"
#: How to keep editing with the numbers traced (a comment: Markdown only, not Word).
EDIT_COMMENT = (
    "<!-- Written by retrocohort from the tables the study declares. To edit it with every number "
    "kept traced, copy results/manuscript/results_template.md to config/manuscript/results.md: "
    "rule manuscript then fills your version instead. -->"
)


def cohort_paragraph(space: Namespace) -> str:
    """The analysed cohort from the selection flow."""
    n = placeholder(space, "cohort.n")
    if n is None:
        return ""
    screened, excluded = placeholder(space, "cohort.screened"), placeholder(space, "cohort.excluded")
    return f"Of {screened} patients assessed, {excluded} were excluded and {n} were analysed."


def _group_cells(space: Namespace, prefix: str, groups: Sequence[str], stat: str) -> str:
    """ "51.9 [43.0–58.9] in A vs 48.1 [41.4–55.8] in B" (groups with no value left out)."""
    cells = []
    for group in groups:
        value = placeholder(space, f"{prefix}.{key_part(group)}.{stat}")
        if value is not None:
            cells.append(f"{value} in {in_sentence(group)}")
    return " vs ".join(cells)


def descriptive_row_sentence(
    space: Namespace,
    table_id: str,
    rec: Mapping[str, Any],
    levels: Records,
    spec: Mapping[str, Any],
    by: str,
    groups: Sequence[str],
) -> str:
    """One grouped row named with its numbers: "<label> differed by <by>: <statistic> <cells>;
    p = ..., <test>."; a categorical variable with one clause per level; ``groups`` in the
    declared order (:func:`declared_groups`)."""
    row = row_spec(spec, rec)
    label = str(row.get("label", rec["variable"]))
    prefix = table_key(table_id, rec["variable"])
    if rec["row_type"] == "value":
        stat = _TEXT_STAT[rec["stat"]] if rec["kind"] == "continuous" else "count_pct"
        words = STAT_TEXT["median_iqr" if stat == "median_iqr" else rec["stat"]]
        body = f"{words} {_group_cells(space, prefix, groups, stat)}"
    else:
        level_labels = {str(k): str(v) for k, v in row.get("level_labels", {}).items()}
        parts = []
        for lev in levels:
            cells = _group_cells(space, f"{prefix}.{key_part(lev['level'])}", groups, "count_pct")
            parts.append(f"{level_labels.get(str(lev['level']), lev['level'])} {cells}")
        body = "n (%) " + "; ".join(parts)
    return f"{label} differed by {by}: {body}; {p_and_test(space, prefix, rec.get('test'))}."


#: The statistic the text prints for a continuous row's printed statistic (the range of
#: ``median_iqr_range`` is left to the table).
_TEXT_STAT = {
    "median_iqr": "median_iqr",
    "median_iqr_range": "median_iqr",
    "mean_sd": "mean_sd",
    "min_max": "range",
    "median": "median",
}


def descriptive_paragraph(
    space: Namespace, table_id: str, records: Records, config: Mapping[str, Any]
) -> str:
    """A descriptive table: its n (per group), then its notable rows (see the module)."""
    spec = descriptive_spec(config["tables"][table_id], config)
    if not records:
        return ""
    reference = upper_first(table_reference(table_id, spec))
    population = population_words(spec, config)
    who = f"{placeholder(space, table_key(table_id, 'n'))} patients" + (
        f" {population}" if population else ""
    )
    groups = declared_groups([g for g in stratum_names(records[0]) if g != OVERALL], spec, config)
    if not groups:
        return f"{reference} describes {who}."
    by = lower_first(_variable_label(config, spec["by"]))
    sizes = [
        f"{placeholder(space, table_key(table_id, 'group', g, 'n'))} in {in_sentence(g)}" for g in groups
    ]
    left_out = left_out_words(space, table_id, "no group value, or one outside the table's groups")
    text = f"{reference} describes {who} by {by}{f' ({left_out})' if left_out else ''}: {join_words(sizes)}."
    if not spec["p_value"]:  # the table compares nothing
        return text
    limit = threshold(spec)
    named, others, not_computed = [], [], []
    for rec in records:
        if rec["row_type"] not in ("value", "variable"):
            continue
        label = str(row_spec(spec, rec).get("label", rec["variable"]))
        if not present(rec.get("p_value")):
            not_computed.append(label)
        elif float(rec["p_value"]) < limit:
            levels = [r for r in records if r["row_type"] == "level" and r["row"] == rec["row"]]
            named.append(descriptive_row_sentence(space, table_id, rec, levels, spec, by, groups))
        else:
            others.append(label)
    text += "".join(f" {sentence}" for sentence in named)
    text += others_sentence(others, limit, bool(named), "characteristics")
    if not_computed:
        text += f" No p-value was computed for {join_words(not_computed)}."
    return text


def _variable_label(config: Mapping[str, Any], name: str) -> str:
    spec = config["variables"].get(name) or config.get("derived", {}).get(name) or {}
    return str(spec.get("label", name))


def _term_text(space: Namespace, prefix: str, name: str, short: str) -> str:
    ratio = placeholder(space, f"{prefix}.ratio_ci")
    if ratio is None:
        return f"{name} {short} not estimable"
    text = f"{name} {short} {ratio}, p {placeholder(space, f'{prefix}.p')}"
    e_value = placeholder(space, f"{prefix}.e_value")  # the main ratio (sample: or e_value:)
    if e_value is not None:
        text += (
            f" (E-value {e_value}; for the CI limit nearer 1: {placeholder(space, f'{prefix}.e_value_ci')})"
        )
    return text


def regression_paragraph(space: Namespace, table_id: str, records: Records, config: Mapping[str, Any]) -> str:
    """A regression table: each term's ratio, CI and p, univariable then multivariable."""
    spec = regression_spec(config["tables"][table_id], config)
    if not records:
        return ""
    model = str(records[0]["model"])
    short, _ = RATIO_NAME[model]
    labels, level_labels = spec["labels"], spec.get("level_labels", {})
    strata = spec.get("strata")  # a separate baseline hazard per stratum: said with the model
    stratified = f" stratified by {lower_first(_variable_label(config, strata))}" if strata else ""
    sentences = []
    for analysis in ("univariable", "multivariable"):
        terms = []
        for rec in records:
            if rec["analysis"] != analysis:
                continue
            name = str(labels.get(rec["variable"], rec["variable"]))
            parts = term_key_parts(rec)
            if present(rec.get("interaction")):  # "Treatment arm × Oedema (Placebo × Despite diuretics)"
                code = str(rec["interaction"])
                name = (
                    f"{term_label(rec['variable'], labels)} ({interaction_label(code, labels, level_labels)})"
                )
            elif present(rec.get("level")):
                words = {str(k): str(v) for k, v in level_labels.get(rec["variable"], {}).items()}
                level, reference = str(rec["level"]), str(rec["reference"])
                contrast = [in_sentence(words.get(v, v)) for v in (level, reference)]
                name += f" ({contrast[0]} vs {contrast[1]})"  # "Treatment arm (placebo vs drug)"
            terms.append(_term_text(space, table_key(table_id, analysis, *parts), name, short))
        if not terms:
            continue
        if analysis == "univariable":
            lead = (
                f"Univariable {'Cox' if model == 'cox' else 'logistic'} models{stratified} "
                f"({table_reference(table_id, spec)})"
            )
        else:
            n = placeholder(space, table_key(table_id, analysis, "n"))
            events = placeholder(space, table_key(table_id, analysis, "events"))
            lead = f"Multivariable model{stratified} ({n} patients, {events} events)"
        sentences.append(f"{lead}: {'; '.join(terms)}.")
    return " ".join(sentences)


def skeleton_template(
    config: Mapping[str, Any],
    space: Namespace,
    *,
    declared: Mapping[str, Records],
    paired: Records | None = None,
    survival: Records | None = None,
    groups: Records | None = None,
    table1: bool = False,
) -> str:
    """The Results skeleton of the study as a template (see the module docstring).

    Parameters
    ----------
    config
        The loaded study config (``tables``, ``variables``, ``derived``, ``survival``,
        ``groups``, the time points).
    space
        The namespace of every statistics file
        (:func:`retrocohort.manuscript.resolve.build_namespace`): only its keys are written.
    declared
        Declared table id -> its statistics records (``results/stats/<id>.json``).
    paired, survival, groups
        Records of ``table3_paired.json``, ``survival.json`` and ``groups.json`` when the study
        has them.
    table1
        Whether the study has the classic Table 1 (``results/stats/table1.csv``).

    Returns
    -------
    str
        Markdown with placeholders, ending with a newline.
    """
    tables = config["tables"]
    paragraphs: dict[str, str] = {}
    for table_id, spec in tables.items():
        if table_id in declared:
            kind = spec["kind"]
            if kind == "descriptive":
                paragraphs[table_id] = descriptive_paragraph(space, table_id, declared[table_id], config)
            elif kind == "regression":
                paragraphs[table_id] = regression_paragraph(space, table_id, declared[table_id], config)
            elif kind in ANALYSIS_PARAGRAPHS:
                paragraphs[table_id] = analysis_paragraph(space, table_id, declared[table_id], config)
            elif kind == "paired" and declared[table_id]:
                paragraphs[table_id] = paired_paragraph(
                    space, declared[table_id], config, table_id, table_key(table_id)
                )
            elif kind != "listing":  # a kind without sentences yet: said where its paragraph would be
                paragraphs[table_id] = (
                    f"<!-- {table_id} (kind: {kind}): no generated sentences for this kind -->"
                )
        elif table_id == "table1" and table1:
            paragraphs[table_id] = (
                f"{table_reference('table1', spec)} describes {placeholder(space, 'cohort.n')} patients."
            )
        elif table_id == "table3" and paired:
            paragraphs[table_id] = paired_paragraph(space, paired, config)
    if survival and "survival" not in declared:  # a declared tables.survival has its paragraph
        paragraphs["survival"] = survival_paragraph(space, survival, config)
    if groups and "groups" not in declared:  # tables.groups declared: its paragraph above
        paragraphs["groups"] = groups_paragraph(space, groups, config)
    order = [t for t in tables if t in paragraphs] + [t for t in paragraphs if t not in tables]
    body = [cohort_paragraph(space)] + [paragraphs[t] for t in order]
    blocks = ["# Results", GENERATED_NOTE, EDIT_COMMENT] + [b for b in body if b]
    return "\n\n".join(blocks) + "\n"
