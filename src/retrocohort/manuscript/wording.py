"""Wording a generated Results template takes from the config, recorded so that a copied
template that has gone stale is detected.

The generated skeleton (rule ``results_skeleton``, ``results_template.md``) prints words of the
config as plain text: variable and group labels, level labels, table titles, the subjects' noun.
Copied to ``config/manuscript/results.md``, those words no longer follow the config: relabel
``female`` from "Female" to "Women" and the copied text still says "Female" beside numbers that
are now the women's under another name. So the skeleton ends with one HTML comment recording, for
each config text it printed, its key path and its text (:func:`wording_record`); the rule
``manuscript`` compares that record with the study's current config (:func:`stale_wording`) and
warns, naming the template line, the words, the key path and the new text. Placeholders need no
record: a key that no longer exists already stops the run, naming its line
(:func:`retrocohort.manuscript.resolve.resolve_template`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from retrocohort.config.slices import UndeclaredConfigKey
from retrocohort.format.words import with_subjects_noun
from retrocohort.manuscript.template import COMMENT, PLACEHOLDER

#: Config keys whose strings are words a text prints (at any depth below them).
WORD_KEYS = frozenset(
    {"label", "labels", "level_labels", "group_labels", "groups", "title", "event_name", "subjects_noun"}
)
#: The comment a generated template ends with: the config texts it printed, by key path.
RECORD = re.compile(
    r"<!-- retrocohort wording \(config texts this template printed\): (\{.*?\}) -->", re.DOTALL
)


def _texts(node: Any, path: tuple[str, ...] = (), under: bool = False) -> Iterator[tuple[str, str]]:
    if isinstance(node, Mapping):
        for key in node:
            yield from _texts(node[key], (*path, str(key)), under or str(key) in WORD_KEYS)
    elif isinstance(node, (list, tuple)):
        for i, item in enumerate(node):
            yield from _texts(item, (*path, str(i)), under)
    elif under and isinstance(node, str) and re.search(r"[^\W\d_]{2,}", node):
        yield "/".join(path), node


def config_texts(config: Mapping[str, Any]) -> dict[str, str]:
    """Key path -> text of every config string under a :data:`WORD_KEYS` key.

    Examples
    --------
    >>> config_texts({"variables": {"sex": {"label": "Sex", "kind": "categorical",
    ...     "level_labels": {"female": "Female"}}}})
    {'variables/sex/label': 'Sex', 'variables/sex/level_labels/female': 'Female'}
    """
    return dict(_texts(config))


def _occurs(words: str, line: str) -> bool:
    """``words`` in ``line`` as whole words, in any case (a sentence lower-cases a label's first
    letter: "by treatment arm")."""
    return re.search(rf"(?<!\w){re.escape(words)}(?!\w)", line, re.IGNORECASE) is not None


def _visible(text: str) -> str:
    """``text`` without comments and placeholders (lines kept)."""
    text = COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), text)


def wording_record(text: str, config: Mapping[str, Any]) -> str:
    """The comment recording each config text that ``text`` prints (whole words, outside
    placeholders and comments), to end a generated template with.

    Examples
    --------
    >>> cfg = {"variables": {"sex": {"level_labels": {"female": "Female", "male": "Male"}}}}
    >>> wording_record("Female: {{ x.n }}.", cfg)
    '<!-- retrocohort wording (config texts this template printed): {"variables/sex/level_labels/female": "Female"} -->'
    """
    visible = _visible(text)
    printed = {path: words for path, words in config_texts(config).items() if _occurs(words, visible)}
    body = json.dumps(printed, ensure_ascii=False, sort_keys=True)
    return f"<!-- retrocohort wording (config texts this template printed): {body} -->"


def _current(config: Mapping[str, Any], path: str) -> str | None:
    """The text at ``path`` now; None when there is none this rule can read (a key it does not
    declare, or one its slice leaves out, as the classic Table 1's row labels): not checked."""
    node: Any = config
    try:
        for key in path.split("/"):
            if isinstance(node, Mapping) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return None
    except UndeclaredConfigKey:
        return None
    return node if isinstance(node, str) else None


def stale_wording(template_text: str, template: str, config: Mapping[str, Any]) -> list[str]:
    """A warning per template line that prints a config text that has since changed.

    Parameters
    ----------
    template_text, template
        The template (copied from a generated ``results_template.md``) and its path.
    config
        The study's current config (the rule's slice: paths it cannot read are not checked).

    Returns
    -------
    list of str
        ``"<template>, line <n>: \\"Female\\" was the text of variables/sex/level_labels/female,
        now \\"Women\\""``; empty when the template has no record or nothing changed. A text
        no longer set (or that this rule does not read) is not checked.

    Examples
    --------
    >>> old = {"variables": {"sex": {"level_labels": {"female": "Female"}}}}
    >>> text = "Results\\n\\nFemale: {{ x.n }}.\\n" + wording_record("Female", old) + "\\n"
    >>> new = {"variables": {"sex": {"level_labels": {"female": "Women"}}}}
    >>> stale_wording(text, "results.md", new)
    ['results.md, line 3: "Female" was the text of variables/sex/level_labels/female, now "Women"']
    >>> stale_wording(text, "results.md", old)
    []
    """
    match = RECORD.search(template_text)
    if match is None:
        return []
    try:
        recorded = json.loads(match.group(1))
    except json.JSONDecodeError:
        return [f"{template}: the wording record at its end is not valid JSON: not checked"]
    lines = _visible(template_text).splitlines()
    found = []
    for path, words in recorded.items():
        now = _current(config, path)
        if now is None or now == words:
            continue
        found += [
            (number, path, f'{template}, line {number}: "{words}" was the text of {path}, now "{now}"')
            for number, line in enumerate(lines, start=1)
            if _occurs(words, line)
        ]
    seen: set[tuple[int, str]] = set()  # one warning per line and words (a level label is also
    out = []  # written as the group labels of the tables grouped by it: the first path is named)
    for number, path, message in sorted(found):
        words = recorded[path].lower()
        if (number, words) not in seen:
            seen.add((number, words))
            out.append(message)
    return out


def without_record(template_text: str) -> str:
    """``template_text`` without its wording record (lines kept), for the resolved Results text.

    Examples
    --------
    >>> without_record('Text.\\n<!-- retrocohort wording (config texts this template printed): {} -->\\n')
    'Text.\\n\\n'
    """
    return RECORD.sub("", template_text)


def template_in_subjects_noun(text: str, noun: Mapping[str, str] | None) -> str:
    """A template's words in the study's noun for its subjects (``study.subjects_noun``), its
    placeholders' keys untouched (:func:`retrocohort.format.words.with_subjects_noun`).

    Examples
    --------
    >>> template_in_subjects_noun("Of {{ cohort.patients.n }} patients assessed",
    ...                           {"singular": "participant", "plural": "participants"})
    'Of {{ cohort.patients.n }} participants assessed'
    """
    out, last = [], 0
    for match in PLACEHOLDER.finditer(text):
        out += [with_subjects_noun(text[last : match.start()], noun), match.group(0)]
        last = match.end()
    return "".join([*out, with_subjects_noun(text[last:], noun)])
