"""The Results skeleton's paragraphs of the tests: a paired table, time-to-event analyses and
group comparisons, each for the classic entry (``tables.table3`` with keys ``paired.*``, the
top-level ``survival:`` with ``survival.*``, ``groups:`` with ``groups.*``) and, by the same
builder on its own records and keys ``tables.<id>.*``, for a table declared with ``kind:
paired``, ``survival`` or ``comparison``, after a lead sentence stating its population
(:func:`~retrocohort.manuscript.skeleton_words.table_lead`).

References
----------
Lang TA, Altman DG. Basic statistical reporting for articles published in biomedical
journals: the "Statistical Analyses and Methods in the Published Literature" or the SAMPL
guidelines. Int J Nurs Stud 2015;52:5-9.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrocohort.cohort.time_units import time_unit
from retrocohort.format.words import in_sentence
from retrocohort.kinds.paired import spec_points
from retrocohort.manuscript.namespace import Namespace, key_part, present
from retrocohort.manuscript.skeleton_competing import competing_paragraph
from retrocohort.manuscript.skeleton_words import (
    Records,
    excluded_reason,
    others_sentence,
    p_and_test,
    placeholder,
    table_key,
    table_lead,
    threshold,
)


def paired_paragraph(
    space: Namespace,
    records: Records,
    config: Mapping[str, Any],
    table_id: str = "table3",
    prefix: str = "paired",
) -> str:
    """A paired table (the classic ``tables.table3``, keys ``paired.*``, or a declared
    ``kind: paired`` table, keys ``tables.<id>.*``): its lead (:func:`table_lead`), then per
    parameter below the threshold the two time points' summaries, pairs, p and test; the
    others named."""
    spec = config["tables"][table_id]
    first, second = spec_points(config, spec, declared=prefix != "paired")
    summary = "mean" if spec.get("summary") == "mean" else "median"
    limit = threshold(spec)
    named, others = [], []
    for rec in records:
        if rec.get("role", "main") != "main":
            continue
        key = f"{prefix}.{key_part(rec['variable'])}"
        label = str(rec.get("label") or rec["variable"])
        adjusted = rec.get("adjustment", "none") != "none" and present(rec.get("p_adjusted"))
        p = rec.get("p_adjusted") if adjusted else rec.get("p_value")  # the p the text prints
        if not present(p) or float(p) >= limit:
            others.append(label)
            continue
        stat = "count_pct" if placeholder(space, f"{key}.{first.name}_count_pct") else summary
        values = [placeholder(space, f"{key}.{point.name}_{stat}") for point in (first, second)]
        words = "n (%)" if stat == "count_pct" else stat
        named.append(
            f"{label} changed from {words} {values[0]} at {first.title} to {values[1]} at {second.title} "
            f"({placeholder(space, f'{key}.n')} pairs; {p_and_test(space, key, rec.get('test'))})."
        )
    lead = table_lead(space, table_id, spec, config, f"compares {first.title} with {second.title}")
    return lead + "".join(f" {s}" for s in named) + others_sentence(others, limit, bool(named), "parameters")


def survival_paragraph(
    space: Namespace,
    records: Records,
    config: Mapping[str, Any],
    analyses: Records | None = None,
    prefix: str = "survival",
) -> str:
    """Per time-to-event analysis: per group the Kaplan–Meier median with its CI, events and
    patients; the log-rank p. ``analyses`` (default: the top-level ``survival:``) and
    ``prefix`` (``survival``, or ``tables.<id>`` for a ``kind: survival`` table) name the
    analyses' specs and keys."""
    specs = {s["id"]: s for s in (config.get("survival", []) if analyses is None else analyses)}
    sentences = []
    for analysis in dict.fromkeys(r["analysis"] for r in records):
        spec = specs.get(analysis, {})
        medians = [r for r in records if r["analysis"] == analysis and r["role"] == "median"]
        if not medians:
            continue
        unit = time_unit(config, spec.get("time", "")) or None
        decimals = spec.get("decimals")
        parts = []
        for rec in medians:
            group = key_part(rec.get("group_value") or "all")
            key = f"{prefix}.{key_part(analysis)}" + ("" if group == "all" else f".{group}")
            median = placeholder(space, f"{key}.median_ci", decimals) or placeholder(
                space, f"{key}.median", decimals
            )
            counts = (
                f"{placeholder(space, f'{key}.events')} events, {placeholder(space, f'{key}.n')} patients"
            )
            who = "" if group == "all" else f" in {in_sentence(rec['group'])}"
            parts.append(f"{median or 'not reached'}{who} ({counts})")
        label = str(medians[0].get("analysis_label") or analysis)
        what = f"median time{f' ({unit})' if unit else ''}"
        sentence = f"{label}: {what} {' vs '.join(parts)}"
        p = placeholder(space, f"{prefix}.{key_part(analysis)}.p")
        # the test its record names: the log-rank, or on a weighted sample the robust score test
        test = next(
            (
                str(r["test"])
                for r in records
                if r["analysis"] == analysis and r.get("role") == "logrank" and r.get("test")
            ),
            "log-rank",
        )
        sentences.append(sentence + (f"; {test} p {p}." if p else "."))
    return " ".join(sentences)


def groups_paragraph(
    space: Namespace,
    records: Records,
    config: Mapping[str, Any],
    comparisons: Records | None = None,
    prefix: str = "groups",
) -> str:
    """Per group comparison: each group's summary (median [Q1–Q3] or n (%)), p and test.
    ``comparisons`` (default: the top-level ``groups:``) and ``prefix`` (``groups``, or
    ``tables.<id>`` for a ``kind: comparison`` table) name the comparisons' specs and keys."""
    specs = {g["id"]: g for g in (config.get("groups", []) if comparisons is None else comparisons)}
    sentences = []
    for comparison in dict.fromkeys(r["comparison"] for r in records):
        part = [r for r in records if r["comparison"] == comparison]
        test = next((r for r in part if r["role"] == "test"), None)
        key = f"{prefix}.{key_part(comparison)}"
        decimals = specs.get(comparison, {}).get("decimals")
        cells = []
        for rec in (r for r in part if r["role"] == "summary"):
            group = f"{key}.{key_part(rec['group_value'])}"
            value = placeholder(space, f"{group}.median_iqr", decimals) or placeholder(
                space, f"{group}.count_pct"
            )
            if value is not None:
                cells.append(f"{value} in {in_sentence(rec['group'])}")
        words = "median [Q1–Q3]" if any("median_iqr" in c for c in cells) else "n (%)"
        label = str(part[0].get("comparison_label") or comparison)
        tail = (
            f"; {p_and_test(space, key, test.get('test'))}" if test and placeholder(space, f"{key}.p") else ""
        )
        sentences.append(f"{label}: {words} {' vs '.join(cells)}{tail}.")
    return " ".join(sentences)


#: The paragraph builder of the classic group comparisons and time-to-event analyses that a
#: ``kind: comparison`` / ``kind: survival`` table reuses, the spec list it reads, and the verb
#: of its lead.
ANALYSIS_PARAGRAPHS = {
    "comparison": (groups_paragraph, "comparisons", "compares outcomes between groups"),
    "survival": (survival_paragraph, "analyses", "reports time to event (Kaplan–Meier)"),
    "competing_risks": (
        competing_paragraph,
        "analyses",
        "reports the cumulative incidence of competing events (Aalen–Johansen)",
    ),
}


def analysis_paragraph(space: Namespace, table_id: str, records: Records, config: Mapping[str, Any]) -> str:
    """A ``kind: comparison`` or ``kind: survival`` table: its lead (:func:`table_lead`, the
    population stated), then the sentences of the classic builder (:data:`ANALYSIS_PARAGRAPHS`)
    on its records and keys ``tables.<id>.*``."""
    if not records:
        return ""
    spec = config["tables"][table_id]
    build, specs, verb = ANALYSIS_PARAGRAPHS[spec["kind"]]
    body = build(space, records, config, spec[specs], table_key(table_id))
    lead = table_lead(space, table_id, spec, config, verb, excluded_reason(records))
    return " ".join(t for t in (lead, body) if t)
