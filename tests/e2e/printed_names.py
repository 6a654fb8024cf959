"""Internal names in printed output: the declared variable ids (and category values) a study's
tables print outside a code span although the study's own text never uses them (issue 22,
deliverable 4: "no internal name ever printed").

An id that is also a word of the study's printed text (a label, title, footnote, header or level
label it declares: "time" of "Prothrombin time") is left alone, since that text may print it;
any other id in a table was printed by the code from a variable's name (e.g. "event = died
true, censored at time otherwise").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

#: Config keys whose string values (or lists of strings) are printed as written.
TEXT_KEYS = {"label", "title", "footnotes", "header", "event_name", "time_label", "ylabel",
             "characteristic_header", "citation", "synthetic_note", "columns"}  # fmt: skip
#: Config keys whose mappings' values are printed labels.
LABEL_MAPS = {"level_labels", "group_labels", "groups", "map", "labels"}
#: Code spans and template placeholders ({{ tables.t.trt.placebo.p }}) name keys, not text.
CODE_SPAN = re.compile(r"`[^`]*`|\{\{[^}]*\}\}")
WORD = re.compile(r"[A-Za-z0-9_]+")


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, Mapping):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def printed_vocabulary(config: Any, key: str | None = None) -> set[str]:
    """Every word of the text the config itself prints (labels, titles, footnotes, headers)."""
    words: set[str] = set()
    if isinstance(config, Mapping):
        for k, value in config.items():
            if k in TEXT_KEYS and (isinstance(value, str) or isinstance(value, list)):
                words |= {
                    w
                    for s in _strings(
                        [v for v in value if isinstance(v, str)] if isinstance(value, list) else value
                    )
                    for w in WORD.findall(s)
                }
            if k in LABEL_MAPS and isinstance(value, Mapping):
                words |= {w for s in _strings(value) for w in WORD.findall(s)}
            words |= printed_vocabulary(value, k)
    elif isinstance(config, list):
        for value in config:
            words |= printed_vocabulary(value, key)
    return words


def internal_names(config: Mapping[str, Any]) -> set[str]:
    """Declared variable and derived ids and category values that the study's text never uses."""
    names = set(config.get("variables") or {}) | set(config.get("derived") or {})
    for spec in (config.get("variables") or {}).values():
        names |= {str(c) for c in spec.get("categories") or [] if not str(c).isdigit()}
    return {n for n in names - printed_vocabulary(config) if len(n) > 1}


def printed_internal_names(folder: Path, config: Mapping[str, Any]) -> list[str]:
    """``file: name in "line"`` for each internal name a Markdown file of ``folder`` prints
    outside a code span."""
    names = internal_names(config)
    hits = []
    for path in sorted(folder.glob("*.md")):
        # an HTML comment is not printed (a template's wording record names config keys)
        shown = re.sub(r"<!--.*?-->", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
        for line in shown.splitlines():
            text = CODE_SPAN.sub("", line.replace("\\", ""))  # Markdown escapes: d\_penicillamine
            for word in sorted(set(WORD.findall(text)) & names):
                hits.append(f"{path.name}: {word} in {line.strip()!r}")
    return hits
