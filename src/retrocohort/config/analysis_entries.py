"""Every analysis of one family the study declares, wherever it is declared.

A group comparison, a time-to-event analysis or a paired parameter is written either in the
study's top-level list (``groups:``, ``survival:``, ``tables.table3.parameters``) or inside a
table declared by kind (``tables.<id>.comparisons`` of a ``comparison`` table,
``tables.<id>.analyses`` of a ``survival`` table, ``tables.<id>.parameters`` of a ``paired``
table). The config checks iterate these functions, so each entry is checked the same way under
its own key path, whichever table holds it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

#: family -> (top-level list or None, the declared kind holding such entries, its list key)
FAMILIES = {
    "comparison": ("groups", "comparison", "comparisons"),
    "survival": ("survival", "survival", "analyses"),
    "paired": (None, "paired", "parameters"),
}

#: Kinds whose tables hold entries of a family rather than rows of per-patient values.
ENTRY_KINDS = tuple(kind for _, kind, _ in FAMILIES.values())


def _entries(items: Any, prefix: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    for i, entry in enumerate(items if isinstance(items, list) else []):
        if isinstance(entry, Mapping):
            yield f"{prefix}/{i}", entry


def family_entries(config: Mapping[str, Any], family: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(key path, entry) of every entry of ``family`` (``comparison``, ``survival`` or
    ``paired``): the top-level list first, then the declared tables of the family's kind in
    config order (the classic Table 3's parameters count as a paired table's)."""
    top, kind, key = FAMILIES[family]
    if top is not None:
        yield from _entries(config.get(top), top)
    for tid, spec in (config.get("tables") or {}).items():
        if not isinstance(spec, Mapping):
            continue
        if spec.get("kind") == kind or (family == "paired" and tid == "table3" and "kind" not in spec):
            yield from _entries(spec.get(key), f"tables/{tid}/{key}")


def table_figures(spec: Mapping[str, Any]) -> list[str]:
    """Ids of the figures a declared table draws (one rule job each): one Kaplan–Meier figure
    per analysis of a ``survival`` table, one cumulative-incidence figure per analysis of a
    ``competing_risks`` table, a Love plot and an overlap figure per ``balance`` table, none for
    the other kinds."""
    if spec.get("kind") == "balance":
        return ["love", "overlap"]
    if spec.get("kind") not in ("survival", "competing_risks"):
        return []
    return [a["id"] for a in spec.get("analyses") or [] if isinstance(a, Mapping)]
