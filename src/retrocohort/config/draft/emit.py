"""YAML text of a draft, written line by line so that every guess keeps its comment.

Strings are written double-quoted (JSON string syntax, which YAML reads the same), so a raw
value such as ``Yes``, ``NA`` or ``0.5`` is never read back as a boolean, null or number.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from retrocohort.config.draft.columns import shown


def scalar(value: Any) -> str:
    """One YAML scalar: booleans, numbers, strings (always quoted), lists and mappings in flow style."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return shown(value)
    if isinstance(value, Mapping):
        return flow(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    return key(str(value))


#: Words YAML 1.1 reads as booleans or null when bare.
_SPECIAL = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "none"}


def key(name: str) -> str:
    """A string bare when it is a plain ASCII name YAML reads back as the same string, else
    double-quoted."""
    text = str(name)
    plain = text.isidentifier() and text.isascii() and text.lower() not in _SPECIAL
    return text if plain else json.dumps(text, ensure_ascii=False)


def flow(mapping: Mapping[str, Any]) -> str:
    """``{a: 1, b: "x"}``."""
    return "{" + ", ".join(f"{key(k)}: {scalar(v)}" for k, v in mapping.items()) + "}"


def with_comment(line: str, notes: Iterable[str], tag: str = "CONFIRM") -> str:
    """``line  # CONFIRM: note; note`` (the line alone without notes)."""
    notes = [n for n in notes if n]
    return f"{line}  # {tag}: " + "; ".join(notes) if notes else line


def comment_block(lines: Iterable[str], indent: int = 0) -> list[str]:
    """Each line commented out at ``indent`` spaces."""
    pad = " " * indent
    return [f"{pad}# {line}".rstrip() for line in lines]
