"""The reviewer audit of one or more studies: assembled as data, rendered as Markdown, HTML, CSV.

:func:`audit_one_study` joins, per study, the published-vs-regenerated comparison
(``regenerated`` + ``compare``), the data-free consistency checks (``audit_study``), missing
values as parameters (``unknown_entries``) and, for count-only studies, every 2x2 test's p.
:func:`findings_summary` turns those results into plain sentences (nothing is hard-coded: every
sentence is built from a computed result). :func:`render_markdown` / :func:`render_html` lay out
the same blocks; :func:`rows_frame` is the CSV. Output order is the file order of each study.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import pandas as pd

from retrocohort.audit import audit_study
from retrocohort.audit.calibration import Calibration, calibration_status
from retrocohort.audit.compare import STATUSES, compare_entry, describe_matches
from retrocohort.audit.data_free_rows import apply_data_free_statuses
from retrocohort.audit.method_examples import examples_note
from retrocohort.audit.published import PublishedNumber, PublishedStudy
from retrocohort.audit.referee import referee_blocks, referee_json
from retrocohort.audit.regenerated import (
    DEFAULT_QUANTILE_TYPES,
    AuditData,
    input_files,
    is_synthetic,
    regenerate_study,
)
from retrocohort.audit.unknown_entries import describe_unknown, group_unknown_analyses, unknown_value_analyses
from retrocohort.format.numbers import round_decimal
from retrocohort.render.html import to_html
from retrocohort.render.markdown import escape as md_escape
from retrocohort.render.markdown import to_markdown
from retrocohort.render.model import Row, Table

REAL = "real"
SYNTHETIC = "synthetic"
EVIDENCE = {
    REAL: "real per-patient data (Table 2 transcription): independent evidence",
    SYNTHETIC: "synthetic, calibrated to published summaries — not independent evidence",
    None: "—",
}
STATUS_TEXT = {
    "reproduced": "reproduced",
    "reproduced_other_method": "reproduced only under another named method",
    "not_reproduced": "not reproduced",
    "not_recomputable": "not recomputable from the available data",
}


def _printed_value(value: float, decimals: int, rule: str) -> str:
    if value != value:
        return "NaN"
    return str(round_decimal(value, decimals, rule))  # type: ignore[arg-type]


def _regenerated_text(e: PublishedNumber, values: Mapping[str, float] | None, rule: str) -> str:
    if not values:
        return "—"
    parts = []
    for k in e.values:
        if k in values:
            shown = _printed_value(values[k], e.decimals[k], rule)
            full = f"{values[k]:.6g}"
            parts.append(f"{k} {shown}" + ("" if shown == full else f" ({full})"))
    return ", ".join(parts)


def comparison_rows(
    study: PublishedStudy,
    data: AuditData | None,
    rule: str,
    types: Sequence[int] = DEFAULT_QUANTILE_TYPES,
    calibration: Calibration | None = None,
) -> list[dict[str, Any]]:
    """One record per published entry: printed, regenerated, status, real/synthetic label and,
    for synthetic rows, whether the number was a calibration target of the synthetic data."""
    rows = []
    for e, r in zip(study.numbers, regenerate_study(study, data, types)):
        c = compare_entry(e, r, rule)
        label = None
        if c.status != "not_recomputable" and data is not None:
            label = SYNTHETIC if is_synthetic(r.inputs, data) else REAL
        cal = calibration_status(e.id, calibration if label == SYNTHETIC else None)
        rows.append(
            {
                "id": e.id,
                "where": e.where,
                "printed": e.printed,
                "statistic": e.statistic,
                "variable": e.variable,
                "group": e.group or "",
                "status": c.status,
                "data": label or "",
                "evidence": EVIDENCE[label],
                "regenerated": _regenerated_text(e, c.configured, rule),
                "regenerated_values": dict(c.configured) if c.configured else {},
                "configured_method": r.methods[0].name if r.methods else "",
                "matches": describe_matches(c.matches),
                "methods_tried": [
                    {"name": m.name, "values": dict(m.values), "configured": m.configured} for m in r.methods
                ],
                "n": r.n,
                "definition": r.definition,
                "inputs": list(r.inputs),
                "files": list(input_files(r.inputs, data)) if data is not None else [],
                "notes": list(r.notes),
                "message": c.message,
                "calibration": cal["role"],
                "calibration_text": cal["text"],
                "calibration_reasons": cal["reasons"],
            }
        )
    return rows


def _finding_record(f: Any) -> dict[str, Any]:
    return {
        "check": f.check,
        "entry_id": f.entry_id,
        "status": f.status,
        "message": f.message,
        "details": f.details,
    }


def count_only_tests(findings: Sequence[Any]) -> list[dict[str, Any]]:
    """For each count-only p-value: every 2x2 test's p and whether it prints as published."""
    out = []
    for f in findings:
        if f.check == "count_p_value":
            rules = {f"{m['test']}/{m['method']}": set(m["rules"]) for m in f.details["matches"]}
            out.append(
                {
                    "entry_id": f.entry_id,
                    "status": f.status,
                    "tests": [
                        {
                            "test": k,
                            "p": v,
                            "prints_as_published": bool(rules.get(k, set()) & {"half_up", "half_even"}),
                            "only_by_truncation": rules.get(k) == {"truncate"},
                        }
                        for k, v in f.details["p_values"].items()
                    ],
                }
            )
    return out


def audit_one_study(
    study: PublishedStudy,
    path: str,
    data: AuditData | None,
    *,
    rule: str,
    types: Sequence[int] = DEFAULT_QUANTILE_TYPES,
    max_group_total: int | None = None,
    ranges: Mapping[str, tuple[float, float]] | None = None,
    calibration: Calibration | None = None,
) -> dict[str, Any]:
    """Everything the audit says about one study (JSON-ready)."""
    rows = comparison_rows(study, data, rule, types, calibration)
    findings = audit_study(study, max_group_total=max_group_total)
    if data is None:
        apply_data_free_statuses(rows, findings, {e.id: e.test for e in study.numbers})
    unknowns = (
        [
            *unknown_value_analyses(study, data, ranges or {}),
            *group_unknown_analyses(study, data, ranges or {}),
        ]
        if data is not None
        else []
    )
    counts = Counter(r["status"] for r in rows)
    by_data = Counter((r["status"], r["data"] or "none") for r in rows)
    return {
        "file": path,
        "citation": study.source.get("citation", ""),
        "calibration": calibration.path if calibration is not None else None,
        "count_only": data is None,
        "status_counts": {s: counts.get(s, 0) for s in STATUSES},
        "status_counts_by_data": {f"{s}/{d}": n for (s, d), n in sorted(by_data.items())},
        "consistency_counts": dict(sorted(Counter(f.status for f in findings).items())),
        "rows": rows,
        "consistency": [_finding_record(f) for f in findings],
        "unknown_values": unknowns,
        "count_only_tests": count_only_tests(findings),
    }


# --- plain-words summary ----------------------------------------------------------------------


def _p_methods(f: Mapping[str, Any]) -> list[str]:
    ok = [m for m in f["details"].get("matches", []) if set(m["rules"]) & {"half_up", "half_even", "bound"}]
    return sorted({f"{m['test']} {m['method']}" for m in ok})


def p_sentence(f: Mapping[str, Any]) -> str:
    """What a printed p-value's attainability check found, in words."""
    methods = _p_methods(f)
    printed = f["message"].split(" ", 1)[0].rstrip(":")
    if "group_sizes" in f["details"]:
        sizes = f["details"]["group_sizes"]
        return (
            f"{f['entry_id']}: group sizes not printed; p {printed} is attainable by an untied "
            f"Mann-Whitney test for {len(sizes)} pairs of group sizes"
            if sizes
            else f"{f['entry_id']}: p {printed} is not attainable by an untied Mann-Whitney test for any "
            "group sizes tried"
        )
    if not methods:
        return f"{f['entry_id']}: {f['message']}"
    exact = [m for m in methods if "exact" in m or "fisher" in m or "barnard" in m or "boschloo" in m]
    only = (
        " only through a normal approximation (no exact p-value of an untied design prints as it)"
        if not exact
        else ""
    )
    n_eff = f["details"].get("n_eff_rounding_match")
    if n_eff is not None:
        only += (
            ", but not with all differences non-zero and untied: it needs zero differences "
            "dropped (non-zero pairs: " + ", ".join(map(str, n_eff)) + ") or ties"
            if n_eff
            else " only with tied differences (no untied design of that size prints it)"
        )
    return f"{f['entry_id']}: p {printed} is attainable{only} ({'; '.join(methods)})"


def _detail_hint(details: Mapping[str, Any]) -> str:
    if details.get("compatible_n") is not None:
        ns = details["compatible_n"]
        return (
            "; no sample size up to " + str(2 * max(ns + [0]) or "2n") + " fits"
            if not ns
            else "; sample sizes for which every printed quantile is attainable: "
            + ", ".join(map(str, ns[:12]))
            + (" …" if len(ns) > 12 else "")
        )
    if details.get("denominators") is not None:
        return "; denominators that fit: " + (", ".join(map(str, details["denominators"])) or "none")
    return ""


def findings_summary(study_audit: Mapping[str, Any]) -> list[str]:
    """Plain sentences for the top of the report, from computed results only."""
    rows, out = study_audit["rows"], []
    c = study_audit["status_counts"]
    by = study_audit["status_counts_by_data"]
    if not study_audit["count_only"]:
        out.append(
            f"{len(rows)} printed numbers: "
            + ", ".join(
                f"{c[s]} {STATUS_TEXT[s]}"
                + (
                    f" ({by.get(s + '/real', 0)} from real data, "
                    f"{by.get(s + '/synthetic', 0)} from synthetic data)"
                    if s != "not_recomputable"
                    else ""
                )
                for s in STATUSES
            )
            + "."
        )
        cc = study_audit["consistency_counts"]
        out.append(
            f"{sum(cc.values())} consistency checks without patient data: "
            + ", ".join(f"{n} {k}" for k, n in cc.items())
            + "."
        )
        for r in rows:
            if r["data"] == REAL and r["status"] == "not_reproduced":
                out.append(
                    f"NOT REPRODUCED from real per-patient data (independent evidence): "
                    f"{r['where']} prints {r['printed']!r} [{r['id']}]; the data give "
                    f"{r['regenerated']} ({r['definition']})."
                    + (" " + "; ".join(r["notes"]) + "." if r["notes"] else "")
                )
        for r in rows:
            if r["status"] == "reproduced_other_method":
                out.append(
                    f"Reproduced only under another named method ({r['data']} data): "
                    f"{r['where']} {r['printed']!r} [{r['id']}]: " + "; ".join(r["matches"]) + "."
                )
        syn_bad = [r for r in rows if r["data"] == SYNTHETIC and r["status"] == "not_reproduced"]
        if study_audit.get("calibration"):
            syn_ok = [r for r in rows if r["data"] == SYNTHETIC and r["status"].startswith("reproduced")]
            by_design = [r for r in syn_ok if r["calibration"] == "target"]
            out.append(
                f"Synthetic data ({study_audit['calibration']}): {len(syn_ok)} synthetic rows "
                f"reproduced, {len(by_design)} of them calibration targets (reproduced by "
                f"construction, not evidence); {len(syn_ok) - len(by_design)} not targets."
            )
            for r in rows:
                if r["calibration"] == "infeasible":
                    out.append(
                        f"Calibration infeasible for {r['id']} ({r['printed']!r}): "
                        + "; ".join(r["calibration_reasons"])
                        + "."
                    )
        if syn_bad:
            out.append(
                "Not reproduced by the synthetic data (calibration could not meet these prints; "
                "not evidence either way): "
                + "; ".join(
                    f"{r['id']} printed {r['printed']!r}, synthetic {r['regenerated']}" for r in syn_bad
                )
                + "."
            )
    else:
        out.append(
            f"No per-patient data: {len(rows)} printed numbers checked from the printed numbers "
            "alone: " + ", ".join(f"{c[s]} {STATUS_TEXT[s]}" for s in STATUSES) + "."
        )
    cons = study_audit["consistency"]
    for f in cons:
        if f["status"] == "inconsistent" and f["check"] != "attainable_p":
            out.append(
                f"Inconsistent without patient data ({f['check']}, {f['entry_id']}): {f['message']}"
                + _detail_hint(f["details"])
                + "."
            )
    for f in cons:
        if f["check"] == "attainable_p":
            sentence = p_sentence(f)
            if f["status"] != "ok" or " only " in sentence:
                out.append(
                    ("Inconsistent: " if f["status"] == "inconsistent" else "Printed p-value: ")
                    + sentence
                    + "."
                )
    for rec in study_audit["unknown_values"]:
        out.append("Unknown value as a parameter: " + describe_unknown(rec))
    for t in study_audit["count_only_tests"]:
        tests = ", ".join(f"{x['test']} p = {x['p']:.4f}" for x in t["tests"])
        hit = [x["test"] for x in t["tests"] if x["prints_as_published"]]
        trunc = [x["test"] for x in t["tests"] if x["only_by_truncation"]]
        out.append(
            f"{t['entry_id']}: "
            + (
                f"printed p reproduced by {', '.join(hit)}"
                if hit
                else "no standard 2x2 test gives the printed p when rounded"
            )
            + (f"; only truncation (not rounding) of {', '.join(trunc)} prints it" if trunc else "")
            + f" ({tests})."
        )
    return out


# --- rendering ----------------------------------------------------------------------------------

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
                    f"- {md_escape(text)} (evidence: {md_escape(ids)}, {href})" for text, href, ids in content
                )
            )
        elif kind == "p":
            out.append(md_escape(content))
        elif kind == "ul":
            out.append("\n".join(f"- {md_escape(x)}" for x in content))
        else:
            out.append(to_markdown(content, heading_level=4).rstrip("\n"))
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
