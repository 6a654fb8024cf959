"""The draft as a file a referee can run: its YAML layout and the guarantee that it loads.

:func:`draft_yaml` writes a draft document in the layout of config/published/ (one flow mapping
per entry); :func:`plain_printed` rewrites a printed text whose numbers the loader would not see
as read ("71·0", "29,7%", "32.000" read as 32000) and :func:`loadable` leaves out any entry
the loader (:func:`retrocohort.audit.published.load_study`) still refuses, naming it, so a draft
that does not load is never written.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from retrocohort.audit.draft.cells import NUM, dot_thousands
from retrocohort.audit.draft.cells import number_value as cell_number
from retrocohort.audit.published import load_study, printed_tokens
from retrocohort.errors import ConfigError


def plain_printed(printed: str, values: dict[str, float], decimals: dict[str, int]) -> tuple[str, str | None]:
    """(printed, note): when a value is not visible in ``printed`` as the loader reads it
    ("71·0", "75,0", "p<0,05", "32.000" in a decimal-comma paper), the text with its numbers
    rewritten as read ("71.0", "p<0.05", "32000") and a note keeping the original; else
    (``printed``, None).

    >>> plain_printed("29,7%", {"pct": 29.7}, {"pct": 1}), plain_printed("12", {"count": 12}, {"count": 0})
    (('29.7%', "printed as '29,7%'"), ('12', None))
    """
    printed = printed.strip()
    if all(f"{v:.{decimals[k]}f}" in printed_tokens(printed) for k, v in values.items()):
        return printed, None

    wanted = set(values.values())

    def _plain(m: re.Match[str]) -> str:
        grouped = dot_thousands(m.group(0))
        if grouped is not None and grouped in wanted:
            return f"{grouped:.0f}"  # read as thousands in a count-like context
        value, shown = cell_number(m.group(0))
        return f"{value:.{shown}f}"

    return re.sub(NUM, _plain, printed), f"printed as {printed!r}"


def _flow_items(key: str, items: list[dict[str, Any]]) -> list[str]:
    """``key:`` and one YAML flow mapping per item (one line each, as config/published/ files)."""
    return [f"{key}:"] + [
        "  - "
        + yaml.safe_dump(
            item, allow_unicode=True, sort_keys=False, default_flow_style=True, width=10_000
        ).strip()
        for item in items
    ]


def draft_yaml(doc: dict[str, Any]) -> str:
    """The draft as YAML, one flow mapping per entry (the layout of config/published/), then its
    ``shares`` when the draft found any."""
    head = yaml.safe_dump({"source": doc["source"]}, allow_unicode=True, sort_keys=False, width=110)
    lines = [head, *_flow_items("numbers", doc["numbers"])]
    if doc.get("shares"):
        lines += _flow_items("shares", doc["shares"])
    return "\n".join(lines) + "\n"


_PROBLEM_ENTRY = re.compile(r"^entry '([^']+)'")


def loadable(doc: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """(the draft without the entries the loader refuses, one sentence per entry left out):
    a draft that does not load is never written, whatever a reader misreads. Each round writes
    the draft to a temporary file, loads it with
    :func:`~retrocohort.audit.published.load_study` (the very check a referee's run makes) and
    leaves out every entry a problem names, with the shares that use it, until it loads."""
    dropped: list[str] = []
    for _ in range(len(doc["numbers"]) + 1):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "draft.yaml"
            path.write_text(draft_yaml(doc), encoding="utf-8")
            try:
                load_study(path)
                return doc, dropped
            except ConfigError as exc:
                problems = {
                    m.group(1): p.message for p in exc.problems if (m := _PROBLEM_ENTRY.match(p.message))
                }
        bad = [e for e in doc["numbers"] if e["id"] in problems]
        if not bad:
            return doc, dropped
        dropped += [
            f"entry {e['id']} (printed {e['printed']!r}, {e['note'].split(';')[0]}) left out: "
            f"{problems[e['id']]}; add it by hand"
            for e in bad
        ]
        ids = {e["id"] for e in bad}
        doc = {**doc, "numbers": [e for e in doc["numbers"] if e["id"] not in ids]}
        if "shares" in doc:
            doc["shares"] = [s for s in doc["shares"] if not ids & _share_ids(s)]
    return doc, dropped


def _share_ids(share: dict[str, Any]) -> set[str]:
    """The entry ids a share's parts (and a total given as a reference) point to."""
    refs = [share["total"], *(x for part in share["parts"] for x in (part["count"], part["pct"]))]
    return {str(r).split(".")[0] for r in refs if isinstance(r, str)}
