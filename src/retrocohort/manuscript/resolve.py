"""Resolve a manuscript template against the statistics files.

:func:`build_namespace` reads the five statistics files into one
:class:`~retrocohort.manuscript.namespace.Namespace`; :func:`resolve_template` replaces every
placeholder and returns the text with one traceability record per placeholder (what
``results/manuscript/values.json`` holds: placeholder -> full-precision value -> printed text ->
source file, record and column -> the rule that wrote the file).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from retrocohort.analysis.descriptive import summary_records
from retrocohort.errors import ConfigError, InputError, Problem
from retrocohort.manuscript.namespace import NOT_COMPUTED_TEXT, Namespace, TextStyle
from retrocohort.manuscript.sources_declared import declared_entries
from retrocohort.manuscript.sources_descriptive import cohort_size, flow_entries, table1_entries
from retrocohort.manuscript.sources_matching import read_matchings
from retrocohort.manuscript.sources_tests import groups_entries, paired_entries, survival_entries
from retrocohort.manuscript.template import parse_placeholders, substitute
from retrocohort.tables.cells import DAGGER

#: The statistics files a template reads (input names of the rule ``manuscript``).
SOURCES = ("table1", "paired", "groups", "survival", "flow")


@dataclass(frozen=True)
class ResolvedText:
    """A template with its placeholders replaced, and the record of each replacement."""

    text: str
    records: list[dict]

    @property
    def synthetic(self) -> bool:
        """True when any printed number rests on synthetic data."""
        return any(r.get("synthetic", False) for r in self.records)


def read_json_records(path: str) -> list[dict]:
    try:
        records = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read statistics file {path}", [Problem(str(exc), file=path)]) from None
    if not isinstance(records, list):
        raise InputError(
            f"unexpected statistics file {path}",
            [
                Problem(
                    "not a list of records", file=path, value=type(records).__name__, expected="a JSON list"
                )
            ],
        )
    return records


def build_namespace(
    paths: Mapping[str, str],
    config: Mapping,
    declared: Mapping[str, str] | None = None,
    matchings: Mapping[str, str] | None = None,
) -> Namespace:
    """Every placeholder key of the statistics files named in ``paths`` (keys of :data:`SOURCES`;
    only ``flow`` is required: the others are absent when the study has no such table) and of
    the declared tables' statistics in ``declared`` (table id -> ``results/stats/<id>.json``,
    keys ``tables.<id>.*`` of :mod:`retrocohort.manuscript.sources_declared`) and of each
    propensity-score matching's summary in ``matchings`` (name -> its JSON, keys
    ``matching.<name>.*`` of :mod:`retrocohort.manuscript.sources_matching`)."""
    style = TextStyle.from_config(config)
    flow = pd.read_csv(paths["flow"])
    space = Namespace()
    parts = [flow_entries(flow, paths["flow"], style)]
    if paths.get("table1"):
        raw = pd.read_csv(paths["table1"])
        declared_layout = "n_group@Overall" in raw  # a Table 1 declared kind: descriptive
        table1 = summary_records(raw, config["statistics"]["quantile_type"]) if declared_layout else raw
        suffix = "@Overall" if declared_layout else ""  # the declared table's own column names
        parts.append(table1_entries(table1, paths["table1"], config, cohort_size(flow), style, suffix))
    if paths.get("paired"):
        parts.append(paired_entries(read_json_records(paths["paired"]), paths["paired"], config, style))
    if paths.get("groups"):
        parts.append(groups_entries(read_json_records(paths["groups"]), paths["groups"], style))
    if paths.get("survival"):
        parts.append(survival_entries(read_json_records(paths["survival"]), paths["survival"], style))
    for table_id, path in (declared or {}).items():
        parts.append(declared_entries(read_json_records(path), path, table_id, config))
    if matchings:  # matched and unmatched counts of each matching
        parts.append(read_matchings(matchings, style))
    for part in parts:
        space.records |= part.records
        for key in part.keys():
            space.add(key, part[key])
    return space


def _unknown(template: str, placeholder, space: Namespace) -> Problem:
    close = difflib.get_close_matches(placeholder.key, space.keys(), n=3, cutoff=0.6)
    hint = (
        f"a key of the statistics files; closest: {', '.join(close)}"
        if close
        else "a key of the statistics files"
    )
    return Problem(
        "unknown placeholder",
        file=template,
        row=placeholder.line,
        column=f"character {placeholder.column}",
        value=placeholder.key,
        expected=hint,
    )


def resolve_template(
    text: str, template: str, space: Namespace, rules: Mapping[str, str] | None = None
) -> ResolvedText:
    """Replace every placeholder of ``text`` (read from file ``template``) by its printed value.

    Parameters
    ----------
    text, template
        The template's text and its path (for error messages and the records).
    space
        The namespace of :func:`build_namespace`.
    rules
        Source file -> the rule that wrote it (recorded beside each value).

    Raises
    ------
    ConfigError
        Naming template line, character and key of every unknown placeholder, with the closest
        known keys.
    """
    placeholders = parse_placeholders(text, template)
    problems = [
        _unknown(template, p, space)
        for p in placeholders
        if p.key not in space and not_computed_reason(p.key, space) is None
    ]
    if problems:
        raise ConfigError(
            f"{template}: {len(problems)} unknown placeholder(s); see results/manuscript/values.json "
            "of a previous run or retrocohort.manuscript.sources_* for the keys",
            problems,
        )
    texts, records = [], []
    for placeholder in placeholders:
        reason = not_computed_reason(placeholder.key, space) if placeholder.key not in space else None
        if reason is not None:
            texts.append(NOT_COMPUTED_TEXT)
            records.append(
                {
                    "placeholder": placeholder.token,
                    "template_line": placeholder.line,
                    "value": None,
                    "text": NOT_COMPUTED_TEXT,
                    "not_computed": reason,
                }
            )
            continue
        entry = space[placeholder.key]
        printed = entry.text(placeholder.decimals)
        texts.append(printed)
        records.append(
            {
                "placeholder": placeholder.token,
                "template_line": placeholder.line,
                "value": entry.value,
                "text": printed,
                "synthetic": entry.synthetic,
                "source": {
                    "file": entry.file,
                    "record": entry.row,
                    "column": entry.column,
                    "rule": (rules or {}).get(entry.file),
                },
            }
        )
    return ResolvedText(substitute(text, placeholders, texts), records)


#: Every statistic name (last part of a key) the statistics sources can give a record; a key of
#: an existing record with one of these names but no value was not computed for these data.
#: tests/unit/test_manuscript.py checks that the flagship's namespace uses no other name.
STATISTIC_NAMES = frozenset(
    "ci complement count count_pct day0_count_pct day0_mean day0_median day7_count_pct day7_mean "
    "day7_median denominator events events_count_pct excluded hl_ci hl_estimate iqr max mean "
    "mean_sd median median_ci median_iqr min missing n n_in n_out p p_value pct q1 q3 range "
    "screened sd size test survival survival_ci n_at_risk".split()
)
#: Statistics of a time point, named ``<time point>_<statistic>`` (``baseline_median``): the
#: time point names come from the study, so these are recognised by their suffix.
TIME_POINT_STATISTICS = ("_median", "_mean", "_count_pct")


def not_computed_reason(key: str, space: Namespace) -> str | None:
    """Why ``key`` has no value although its record exists (the statistic was not computed: no
    patient, one value, an empty group...), or None when ``key`` is simply unknown.

    ``key`` names a statistic (its last part is a statistic some record has) of a record that
    exists in the namespace (other statistics of it are there).
    """
    parent, _, leaf = key.rpartition(".")
    if not parent:
        return None
    if parent in space.records and (leaf in STATISTIC_NAMES or leaf.endswith(TIME_POINT_STATISTICS)):
        return f"{parent} has no {leaf}: the statistic was not computed for these data (see its row)"
    return None


def synthetic_footnote(note: str) -> str:
    """The closing line of a text with synthetic numbers: the dagger and the study's note."""
    return f"{DAGGER} {' '.join(note.split())}"
