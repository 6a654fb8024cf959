"""Placeholders of printed text (titles, footnotes, section and axis labels) checked at load.

The only placeholder a caption may hold is ``{n}`` in the title of a table that resolves it: a
table declared by kind (its population's size) or the classic ``table1`` (the cohort size). Any
other ``{...}`` in printed text (``{N}``, ``{cohort}``, ``{n}`` in a footnote or in the title of
a classic ``table2``/``table3``/``groups``/``survival`` table, which is printed as written) is a
config error naming its key: a caption never prints a literal placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from retrocohort.config.analysis_entries import family_entries
from retrocohort.errors import Problem

#: A placeholder as ``str.format`` reads one: braces around anything but braces.
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
#: Printed text keys of a comparison or time-to-event entry.
ENTRY_TEXT_KEYS = ("label", "time_label", "ylabel", "event_name")


def resolves_n(table_id: str, spec: Mapping[str, Any]) -> bool:
    """Whether the title of ``tables.<table_id>`` has its ``{n}`` replaced when printed."""
    return "kind" in spec or table_id == "table1"


def _texts(config: Mapping[str, Any]) -> Iterator[tuple[str, str, bool]]:
    """(key path, printed text, whether ``{n}`` is resolved there) of every caption."""
    for tid, spec in (config.get("tables") or {}).items():
        if not isinstance(spec, Mapping):
            continue
        if isinstance(spec.get("title"), str):
            yield f"tables/{tid}/title", spec["title"], resolves_n(tid, spec)
        for i, note in enumerate(spec.get("footnotes") or []):
            if isinstance(note, str):
                yield f"tables/{tid}/footnotes/{i}", note, False
    for family in ("comparison", "survival"):
        for path, entry in family_entries(config, family):
            for key in ENTRY_TEXT_KEYS:
                if isinstance(entry.get(key), str):
                    yield f"{path}/{key}", entry[key], False


def placeholder_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """Every unresolved ``{...}`` placeholder of a printed caption, each named by its key path.

    Examples
    --------
    >>> cfg = {"tables": {"table3": {"title": "Table 3 ({n} patients)"}}}
    >>> [p.column for p in placeholder_problems(cfg, "config.yaml")]
    ['tables/table3/title']
    """
    problems = []
    for key, text, n_known in _texts(config):
        unknown = [m for m in PLACEHOLDER.findall(text) if not (n_known and m == "{n}")]
        if unknown:
            problems.append(
                Problem(
                    f"placeholder {', '.join(unknown)} is never filled in: it would print as written",
                    file=file,
                    column=key,
                    value=text,
                    expected="`{n}` (the table's patients) in the title of a table declared by kind or "
                    "of table1; elsewhere, text without braces",
                )
            )
    return problems
