"""Text from a study config made inert for reStructuredText (Snakemake report captions).

Snakemake renders each report caption as a Jinja2 template and then as reStructuredText
(docutils). A config label inserted there as it is can carry markup: a hyperlink target
(`` `x <javascript:alert(1)>`_ ``), a standalone URI, a substitution, a role, or on its own line a
directive (``.. raw:: html``) that passes raw HTML through. :func:`rst_escape` makes such text
print literally:

* every ASCII punctuation character is backslash-escaped (docutils spec, "Escaping Mechanism":
  a backslash makes the next character literal), which disarms inline markup (``* ` _ | [ ]``),
  hyperlink references and targets, roles (``:raw:`...```), standalone URIs (the scheme's colon),
  directive and comment starts (``..``), list and line-block markers (``- 1. |``), field lists
  and the ``::`` literal-block marker; it also breaks Jinja2 delimiters (``{{ {% {#``);
* line breaks, tabs and other control characters become single spaces, so the text cannot start
  a new block (an indented block, a directive on its own line, a section underline).

The escaped text renders, through docutils, to exactly the original characters (with runs of
whitespace collapsed to one space).

A note (:data:`NOTE_KEYS`, e.g. ``study.synthetic_note``) may carry a Markdown code span (a command
between backticks), which the tables set in a monospaced font (:func:`retrocohort.render.model.code_parts`);
:func:`rst_note` makes it an RST inline literal, everything else escaped as above.
"""

from __future__ import annotations

import re
import string
from typing import Any

from retrocohort.render.model import code_parts

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")
_BREAKS = re.compile(r"[\s\x00-\x1f\x7f]+")


def rst_escape(text: str) -> str:
    r"""``text`` with every ASCII punctuation character backslash-escaped and whitespace runs
    (line breaks included) and control characters collapsed to one space (see the module doc).

    Examples
    --------
    ``rst_escape("*a* :b:")`` returns the characters ``\*a\* \:b\:``, which docutils prints
    as the text "*a* :b:".
    """
    if not isinstance(text, str):
        raise TypeError(f"rst_escape expects a string, got {type(text).__name__}: {text!r}")
    return _PUNCTUATION.sub(r"\\\1", _BREAKS.sub(" ", text))


#: Jinja2 delimiters: a code span holding one stays escaped text (inside an inline literal a
#: backslash cannot break it).
_JINJA = re.compile(r"\{[{%#]|[}%#]\}")


def rst_note(text: str) -> str:
    r"""``text`` as inert reStructuredText in which each Markdown code span (a command between
    backticks) is an inline literal (docutils: ``<tt class="docutils literal">``) and the rest is
    :func:`rst_escape`\ d.

    Inside an inline literal no markup is recognised (docutils spec, "Inline literals"), so the
    span's text prints as typed; it is put between escaped spaces (``\ ``, removed from the
    output) so that it is recognised whatever characters surround it. A span that cannot be an
    inline literal as it is (empty, with leading or trailing whitespace, or holding a Jinja2
    delimiter) stays escaped text with its backticks.

    Examples
    --------
    ``rst_note("by `retrocohort simulate --seed 1`.")`` returns ``by \ ``retrocohort simulate
    --seed 1``\ \.``, which docutils prints as "by " and the command in a monospaced font, then ".".
    """
    if not isinstance(text, str):
        raise TypeError(f"rst_note expects a string, got {type(text).__name__}: {text!r}")
    parts = []
    for part, code in code_parts(_BREAKS.sub(" ", text)):
        if code and part.strip() == part and not _JINJA.search(part):
            parts.append(rf"\ ``{part}``\ ")
        else:
            parts.append(rst_escape(f"`{part}`" if code else part))
    return "".join(parts)


def rst_escape_tree(value: Any) -> Any:
    """A copy of a config tree (dicts, lists, tuples) with every string *value* passed through
    :func:`rst_escape`; keys, numbers, booleans and None are unchanged. For handing a whole config
    to the report captions at once (``snakemake.config`` in the caption templates)."""
    if isinstance(value, str):
        return rst_escape(value)
    if isinstance(value, dict):
        return {key: rst_escape_tree(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(rst_escape_tree(item) for item in value)
    return value


#: Config keys whose values are free text written by the study's authors (labels, titles, notes):
#: the strings under them reach the report captions escaped. Other values (enumerated settings
#: such as ``rounding: half_up`` that the caption templates compare, numbers) stay as they are.
TEXT_KEYS = frozenset(
    {
        "id",
        "title",
        "label",
        "labels",
        "citation",
        "authors",
        "section",
        "footnotes",
        "columns",
        "note",
        "synthetic_note",
        "time_label",
        "ylabel",
        "event_name",
        "published",
        "duration",
        "groups",
        "analysis_label",
        "comparison_label",
        "reference",
    }
)


#: Free-text keys whose strings are notes: their Markdown code spans render as code (:func:`rst_note`).
NOTE_KEYS = frozenset({"synthetic_note"})


def rst_escape_text(
    value: Any, keys: frozenset[str] = TEXT_KEYS, _text: bool = False, _note: bool = False
) -> Any:
    """A copy of a config tree in which every string under a free-text key (:data:`TEXT_KEYS`,
    at any depth, including lists and maps below it) is passed through :func:`rst_escape`, or
    through :func:`rst_note` under a note key (:data:`NOTE_KEYS`).

    Enumerated settings keep their exact values, so a caption template can still test
    ``rounding == "half_up"``; only what an author wrote as text is made inert.
    """
    if isinstance(value, str):
        return (rst_note(value) if _note else rst_escape(value)) if _text else value
    if isinstance(value, dict):
        return {
            key: rst_escape_text(item, keys, _text or key in keys, _note or key in NOTE_KEYS)
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return type(value)(rst_escape_text(item, keys, _text, _note) for item in value)
    return value
