"""Manuscript templates: Markdown with ``{{ key }}`` placeholders.

Syntax: ``{{ table1.age.median_iqr }}`` prints the value with the decimals the study's table
uses; ``{{ table1.age.median_iqr:0 }}`` overrides the decimals (0 here). Keys are dotted
lower-case names (letters, digits, ``_``, ``-``). HTML comments (``<!-- ... -->``) are kept in
the Markdown output and dropped from Word; a placeholder inside a comment is not resolved. Any
other ``{{``/``}}`` is an error naming the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrocohort.errors import ConfigError, Problem

PLACEHOLDER = re.compile(r"\{\{\s*([a-z0-9_][a-z0-9_.\-]*)\s*(?::\s*(\d+)\s*)?\}\}")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
KEY_SYNTAX = "{{ dotted.key }} or {{ dotted.key:DECIMALS }}, e.g. {{ table1.age.median_iqr:0 }}"


@dataclass(frozen=True)
class Placeholder:
    """One ``{{ key }}`` of a template: key, optional decimals, 1-based line and column."""

    key: str
    decimals: int | None
    line: int
    column: int
    start: int
    end: int

    @property
    def token(self) -> str:
        """The placeholder as written in values.json: ``key`` or ``key:decimals``."""
        return self.key if self.decimals is None else f"{self.key}:{self.decimals}"


def _blank_comments(text: str) -> str:
    """``text`` with every comment's characters replaced by spaces (newlines kept), so offsets
    and line numbers are unchanged and nothing inside a comment is parsed."""
    return COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def parse_placeholders(text: str, file: str) -> list[Placeholder]:
    """Every placeholder of ``text`` in order of appearance.

    Raises
    ------
    ConfigError
        One :class:`~retrocohort.errors.Problem` per malformed ``{{``/``}}`` (file, line, column,
        the text found, the expected syntax).
    """
    visible = _blank_comments(text)
    found: list[Placeholder] = []
    for match in PLACEHOLDER.finditer(visible):
        line, column = _line_column(text, match.start())
        decimals = int(match.group(2)) if match.group(2) is not None else None
        found.append(Placeholder(match.group(1), decimals, line, column, match.start(), match.end()))
    leftover = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), visible)
    problems = []
    for match in re.finditer(r"\{\{.{0,40}|\}\}", leftover):
        line, column = _line_column(text, match.start())
        snippet = text[match.start() : match.start() + 40].split("\n")[0]
        problems.append(
            Problem(
                "malformed placeholder",
                file=file,
                row=line,
                column=f"character {column}",
                value=snippet,
                expected=KEY_SYNTAX,
            )
        )
    if problems:
        raise ConfigError(f"{file}: {len(problems)} malformed placeholder(s)", problems)
    return found


def substitute(text: str, placeholders: list[Placeholder], texts: list[str]) -> str:
    """``text`` with each placeholder replaced by the corresponding entry of ``texts``."""
    if len(placeholders) != len(texts):
        raise ValueError(f"{len(placeholders)} placeholders but {len(texts)} replacement texts")
    parts, last = [], 0
    for placeholder, replacement in zip(placeholders, texts, strict=True):
        parts += [text[last : placeholder.start], replacement]
        last = placeholder.end
    return "".join(parts) + text[last:]


def strip_comments(text: str) -> str:
    """``text`` without HTML comments (for Word), with the spaces and at most one line break
    before each (so "text <!-- why -->." reads "text.")."""
    kept = re.sub(r"[ \t]*(?:\n[ \t]*)?" + COMMENT.pattern, "", text, flags=re.DOTALL)
    return re.sub(r"\n[ \t]+\n", "\n\n", kept)
