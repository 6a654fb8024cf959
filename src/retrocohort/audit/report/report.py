"""The reviewer audit of one or more studies, rendered as Markdown, HTML and CSV.

Each study's audit is assembled as data by :func:`retrocohort.audit.report.study_audit.audit_one_study`
and summarised in sentences by :func:`retrocohort.audit.report.summary_sentences.findings_summary`.
:func:`report_blocks` lays the audits out as (kind, content) blocks, which
:func:`render_markdown` / :func:`render_html` render; :func:`rows_frame` is the CSV and
:func:`json_safe` makes the JSON plain. Output order is the file order of each study.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd

from retrocohort.audit.regen.unknown_entries import describe_unknown
from retrocohort.audit.report.method_examples import examples_note
from retrocohort.audit.report.referee import referee_blocks, referee_json
from retrocohort.audit.report.study_audit import STATUS_TEXT
from retrocohort.audit.report.summary_sentences import findings_summary
from retrocohort.render.html import to_html
from retrocohort.render.markdown import escape as md_escape
from retrocohort.render.markdown import to_markdown
from retrocohort.render.model import Row, Table

Block = tuple[str, Any]


def _table(title: str, columns: list[str], rows: list[list[str]], label: str, foot: list[str]) -> Block:
    if not rows:
        return ("p", f"{title}: none.")
    return (
        "table",
        Table(title=title, columns=columns, rows=[Row(r) for r in rows], footnotes=foot, label=label),
    )


def report_blocks(audits: Mapping[str, Mapping[str, Any]], methods_note: str) -> list[Block]:
    """The report as a list of (kind, content) blocks, summary first."""
    blocks: list[Block] = [
        ("h1", "Reviewer audit: published numbers vs regenerated values"),
        *referee_blocks(referee_json(audits)),
        ("h2", "Methods"),
        ("p", methods_note),
        ("h2", "Findings summary"),
    ]
    for sid, a in audits.items():
        blocks += [("h3", f"{sid}: {a['citation']}"), ("ul", findings_summary(a))]
    for sid, a in audits.items():
        blocks.append(("h2", f"{sid}: every printed number"))
        blocks.append(
            _table(
                f"{sid}: published vs regenerated",
                [
                    "Id",
                    "Where",
                    "Printed",
                    "Regenerated (configured method)",
                    "Status",
                    "Data",
                    "Method / reason",
                ],
                [
                    [
                        r["id"],
                        r["where"],
                        r["printed"],
                        r["regenerated"],
                        STATUS_TEXT[r["status"]],
                        r["evidence"] + (f" ({r['calibration_text']})" if r["calibration_text"] else ""),
                        "; ".join([r["message"], *r["notes"]]),
                    ]
                    for r in a["rows"]
                ],
                f"audit-{sid}-rows",
                [
                    "Regenerated values are shown at the printed decimals with the "
                    "configured rounding rule (full precision in parentheses)."
                ],
            )
        )
        blocks.append(("h2", f"{sid}: consistency checks without patient data"))
        blocks.append(
            _table(
                f"{sid}: consistency checks",
                ["Check", "Entry", "Status", "Result"],
                [[f["check"], f["entry_id"], f["status"], f["message"]] for f in a["consistency"]],
                f"audit-{sid}-checks",
                [],
            )
        )
        if a["unknown_values"]:
            blocks += [
                ("h2", f"{sid}: unknown values as parameters"),
                ("ul", [describe_unknown(r) for r in a["unknown_values"]]),
            ]
        for t in a["count_only_tests"]:
            blocks.append(
                _table(
                    f"{sid}: {t['entry_id']}: standard tests on the 2x2 counts",
                    ["Test", "p", "Prints as published (rounded)"],
                    [
                        [
                            x["test"],
                            f"{x['p']:.6f}",
                            "yes"
                            if x["prints_as_published"]
                            else "only if truncated"
                            if x["only_by_truncation"]
                            else "no",
                        ]
                        for x in t["tests"]
                    ],
                    f"audit-{sid}-{t['entry_id']}",
                    [],
                )
            )
    return [*blocks, ("h2", "Checks against published examples"), ("p", examples_note())]


def render_markdown(blocks: Sequence[Block]) -> str:
    """Markdown: headings, paragraphs, bullet lists and pipe tables."""
    out = []
    for kind, content in blocks:
        if kind in ("h1", "h2", "h3", "h4"):
            out.append("#" * int(kind[1]) + " " + md_escape(content))
        elif kind == "findings":
            out.append(
                "\n".join(
                    f"- {md_escape(text)} ([evidence: {md_escape(ids)}]({href}))"
                    for text, href, ids in content
                )
            )
        elif kind == "p":
            out.append(md_escape(content))
        elif kind == "ul":
            out.append("\n".join(f"- {md_escape(x)}" for x in content))
        else:
            anchor = f'<a id="{content.label}"></a>\n\n' if getattr(content, "label", None) else ""
            out.append(anchor + to_markdown(content, heading_level=4).rstrip("\n"))
    return "\n\n".join(out) + "\n"


def render_html(blocks: Sequence[Block], title: str) -> str:
    """A standalone HTML page (no scripts, no timestamps)."""
    body = []
    for kind, content in blocks:
        if kind in ("h1", "h2", "h3", "h4"):
            body.append(f"<{kind}>{escape(content)}</{kind}>")
        elif kind == "findings":
            body.append(
                "<ul>"
                + "".join(
                    f'<li>{escape(text)} <a href="{escape(href)}">evidence: {escape(ids)}</a></li>'
                    for text, href, ids in content
                )
                + "</ul>"
            )
        elif kind == "p":
            body.append(f"<p>{escape(content)}</p>")
        elif kind == "ul":
            body.append("<ul>" + "".join(f"<li>{escape(x)}</li>" for x in content) + "</ul>")
        else:
            body.append(to_html(content))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>body{{font-family:sans-serif;max-width:90em;"
        "margin:1em auto}td,th{vertical-align:top;font-size:90%}</style></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def json_safe(obj: Any) -> Any:
    """Plain JSON: NaN -> null, +-inf -> "inf"/"-inf", tuples -> lists, numpy scalars -> Python."""
    if isinstance(obj, Mapping):
        return {str(k): json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if hasattr(obj, "item") and not isinstance(obj, (str, bytes)):
        obj = obj.item()
    if isinstance(obj, float) and obj != obj:
        return None
    if isinstance(obj, float) and obj in (float("inf"), float("-inf")):
        return "inf" if obj > 0 else "-inf"
    return obj


def rows_frame(audits: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """One CSV row per published number of every study."""
    cols = [
        "study",
        "id",
        "where",
        "printed",
        "statistic",
        "variable",
        "status",
        "data",
        "regenerated",
        "configured_method",
        "n",
        "definition",
        "matches",
        "notes",
        "message",
        "calibration",
        "calibration_text",
    ]
    recs = []
    for sid, a in audits.items():
        for r in a["rows"]:
            recs.append(
                {
                    **{k: r.get(k) for k in cols},
                    "study": sid,
                    "matches": "; ".join(r["matches"]),
                    "notes": "; ".join(r["notes"]),
                }
            )
    return pd.DataFrame.from_records(recs, columns=cols)
