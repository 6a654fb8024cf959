"""The Results skeleton's sentences of a ``competing_risks`` table: per analysis and cause, the
cumulative incidence at the last declared time in each group (events, patients) and Gray's p,
every number a placeholder of :mod:`retrocohort.manuscript.sources_competing`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrocohort.cohort.time_units import time_unit
from retrocohort.format.words import in_sentence
from retrocohort.manuscript.namespace import Namespace, key_part
from retrocohort.manuscript.skeleton_words import Records, p_and_test, placeholder
from retrocohort.manuscript.sources_competing import group_key, time_key

GRAY = "Gray's test"


def competing_paragraph(
    space: Namespace, records: Records, config: Mapping[str, Any], analyses: Records, prefix: str
) -> str:
    """Per analysis and cause: the cumulative incidence at the last declared time in each group
    (events, patients) and Gray's p when grouped."""
    specs = {a["id"]: a for a in analyses}
    sentences = []
    for analysis in dict.fromkeys(r["analysis"] for r in records):
        spec = specs.get(analysis, {})
        times = spec.get("times") or []
        unit = time_unit(config, spec.get("time", ""))
        label = next((r["analysis_label"] for r in records if r["analysis"] == analysis), analysis)
        parts = []
        for cause in dict.fromkeys(
            r["cause"] for r in records if r["analysis"] == analysis and r["role"] == "events"
        ):
            events = [
                r
                for r in records
                if r["analysis"] == analysis and r["role"] == "events" and r["cause"] == cause
            ]
            cells = []
            for rec in events:
                key = group_key(prefix, rec)
                value = placeholder(space, f"{key}.{time_key(times[-1])}") if times else None
                counts = (
                    f"{placeholder(space, f'{key}.events')} events, {placeholder(space, f'{key}.n')} patients"
                )
                who = (
                    ""
                    if key_part(rec.get("group_value") or "all") == "all"
                    else f" in {in_sentence(rec['group'])}"
                )
                cells.append(f"{value or 'not estimable'}{who} ({counts})")
            at = f" at {times[-1]:g}{f' {unit}' if unit else ''}" if times else ""
            text = f"{events[0]['cause_label']}{at}: {' vs '.join(cells)}"
            gray = next(
                (
                    r
                    for r in records
                    if r["analysis"] == analysis and r["role"] == "gray" and r["cause"] == cause
                ),
                None,
            )
            p_key = f"{prefix}.{key_part(analysis)}.{key_part(cause)}"
            if gray is not None and placeholder(space, f"{p_key}.p"):
                text += f" ({p_and_test(space, p_key, GRAY)})"
            parts.append(text)
        sentences.append(f"{label}: cumulative incidence of " + "; ".join(parts) + ".")
    return " ".join(sentences)
