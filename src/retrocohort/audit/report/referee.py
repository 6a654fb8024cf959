"""The referee summary: the audit's findings by severity, as plain sentences a referee can paste.

Built only from the computed audit of each study (:func:`retrocohort.audit.report.report.audit_one_study`);
nothing is hard-coded. Severities, most serious first (``SEVERITIES``):

- ``inconsistent``: printed numbers that cannot all be true (an impossible number,
  :mod:`retrocohort.audit.checks.impossible`: a percentage over 100, a count over its denominator, p
  outside [0, 1], a statistic of n = 0, a negative SD; a percentage its count and
  denominator cannot give, a median outside its IQR, the same count printed differently, a
  quantile no data can produce, GRIM/GRIMMER/DEBIT/statcheck/HScore failures);
- ``unattainable``: a printed p-value that no test on any data compatible with the printed
  counts can give;
- ``not_reproduced``: a printed number the real per-patient data do not reproduce under any
  method tried (independent evidence; synthetic data are never counted here);
- ``warning``: everything a referee should know but that is not proof of an error (p-values
  that need ties, a normal approximation or truncation; numbers reproduced only under another
  method; rows not reproduced by synthetic data, which are not evidence either way).

JSON schema (``referee_json``; ``schema`` = ``REFEREE_SCHEMA``, stable; fields are only added)::

    {"schema": "retrocohort-referee/1", "words": int, "omitted": int,
     "studies": [{"study": str, "file": str, "citation": str,
                  "data": "none" | "real" | "synthetic" | "real and synthetic",
                  "counts": {"inconsistent": int, "unattainable": int, "not_reproduced": int,
                             "warning": int},
                  "findings": [{"severity": str, "check": str, "sentence": str,
                                "entries": [str], "data": "real" | "synthetic" | "none",
                                "evidence": str, "shown": bool}]}]}

``evidence`` is the anchor (``#audit-<study>-rows`` or ``#audit-<study>-checks``) of the table
below the summary that holds the entries; ``omitted`` counts warnings left out of the printed
summary to keep each study under ``WORD_BUDGET`` words (they stay in the JSON and the tables);
``words`` counts the words of the shown sentences over all studies.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from retrocohort.audit.checks.finding import plural

REFEREE_SCHEMA = "retrocohort-referee/1"
SEVERITIES = ("inconsistent", "unattainable", "not_reproduced", "warning")
SEVERITY_TITLE = {
    "inconsistent": "Inconsistent",
    "unattainable": "Unattainable p-values",
    "not_reproduced": "Not reproduced by the real data",
    "warning": "Warnings",
}
#: Each severity counted in words, singular and plural ("1 warning", "2 unattainable p-values").
COUNT_WORDS = {
    "inconsistent": ("inconsistent", "inconsistent"),
    "unattainable": ("unattainable p-value", "unattainable p-values"),
    "not_reproduced": ("not reproduced by the real data", "not reproduced by the real data"),
    "warning": ("warning", "warnings"),
}
WORD_BUDGET = 400
_P_CHECKS = ("attainable_p", "count_p_value")

Record = dict[str, Any]


def _finding(
    severity: str, check: str, sentence: str, entries: Sequence[str], data: str, evidence: str
) -> Record:
    return {
        "severity": severity,
        "check": check,
        "sentence": sentence,
        "entries": list(entries),
        "data": data,
        "evidence": evidence,
    }


def _where(row: Mapping[str, Any] | None) -> str:
    if row is None:
        return "The paper"
    w = str(row["where"])
    return w[0].upper() + w[1:]


def _short(message: str) -> str:
    """A checker message without its long tail of candidate lists."""
    cut = re.split(r"; closest:|; only by truncation:| All: ", message)[0]
    return cut.rstrip(" .;")


def _members(entry_id: str) -> list[str]:
    """The entry ids of a finding's ``entry_id`` ("a.count = b.count", "sum(a + b) = t")."""
    refs = entry_id.split(" = ")
    inner = [p for r in refs if r.startswith("sum(") for p in r[4:-1].split(" + ")]
    return [m.split(".")[0] for m in [*inner, *(r for r in refs if not r.startswith("sum("))]]


def _order_words(violations: Sequence[str]) -> str:
    """What a quartile-order violation ("median=21 > q3=19") says, in words."""
    keys = {k.split("=")[0] for v in violations for k in v.split(" > ")}
    if "median" in keys and keys & {"q1", "q3"}:
        return "a median outside its own interquartile range"
    if "median" in keys:
        return "a median outside its own printed range"
    return "summary values out of order (no data can have them)"


def _inconsistent_sentence(f: Mapping[str, Any], rows: Mapping[str, Mapping[str, Any]]) -> str:
    if f["check"] == "agreement":
        parts = [f"{rows[m]['where']} “{rows[m]['printed']}”" for m in _members(f["entry_id"]) if m in rows]
        return "The same number is printed differently: " + "; ".join(parts) + "."
    if f["check"] == "stated_tests":  # one sentence for the paper, not for one entry
        return f"{f['message'][0].upper()}{f['message'][1:]}."
    if f["check"] == "versions":
        parts = [
            f"{rows[m]['where']} “{rows[m]['printed']}” ({f['details'][r]:g}, {m})"
            for r in f["details"]
            if (m := _members(r)[0]) in rows
        ]
        return (
            "The two versions of the paper print different values (a change between versions, not an "
            "inconsistency within one): " + " vs ".join(parts) + "."
        )
    if f["check"] == "sum":
        d = f["details"]
        label, total_ref = f["entry_id"].split(" = ")
        added, part_refs = d[label], list(d["parts"])
        shown = " + ".join(
            f"“{rows[_members(r)[0]]['printed']}”" if _members(r)[0] in rows else r for r in part_refs
        )
        total = rows.get(_members(total_ref)[0])
        return (
            f"Parts do not add up to their printed total: {shown} = {added:g} vs "
            + (f"{total['where']} “{total['printed']}” = {d[total_ref]:g}" if total else f"{d[total_ref]:g}")
            + f" ({added:g} vs {d[total_ref]:g})."
        )
    row = rows.get(f["entry_id"])
    if row is None:
        return f"{_short(f['message'])[0].upper()}{_short(f['message'])[1:]}."
    printed = f" “{row['printed']}”"
    if f["check"] == "quartile_order":
        return f"{_where(row)} reports{printed}, {_order_words(f['details'].get('violations', []))} " + (
            f"({_short(f['message']).replace('order violated: ', '')})."
        )
    return f"{_where(row)} reports{printed}: {_short(f['message'])}."


def _p_reason(f: Mapping[str, Any]) -> str | None:
    """Why an attainable p-value still deserves a warning, or None."""
    d = f["details"]
    if f["status"] == "warning" and d.get("n_eff_rounding_match") is not None:
        return "needs tied or zero differences"
    if f["status"] == "warning":
        rules = {r for m in d.get("matches", []) for r in m["rules"]}
        return "only truncation prints it" if rules == {"truncate"} else "no test tried prints it"
    matches = [m for m in d.get("matches", []) if set(m["rules"]) & {"half_up", "half_even", "bound"}]
    tests = {f"{m['test']} {m['method']}" for m in matches}
    if tests and not any(k in t for t in tests for k in ("exact", "fisher", "barnard", "boschloo")):
        return "only a normal approximation gives it"
    return None


def _p_findings(
    sid: str, cons: Sequence[Mapping[str, Any]], rows: Mapping[str, Mapping[str, Any]]
) -> list[Record]:
    """Unattainable p-values (one finding each), then one warning for all printed p-values that
    need ties, a normal approximation or truncation (each p once, with every place it is printed)."""
    out: list[Record] = []
    warned: dict[tuple[str, str, str], list] = {}
    for f in cons:
        if f["check"] not in _P_CHECKS:
            continue
        row = rows.get(f["entry_id"])
        variable = row["variable"].replace("_", " ") if row else f["entry_id"]
        printed = f["message"].split(" ", 1)[0].rstrip(":")
        if f["status"] == "inconsistent":
            out.append(
                _finding(
                    "unattainable",
                    f["check"],
                    f"{_where(row)} prints p = {printed} for {variable}, which no data "
                    f"compatible with the printed counts can give: "
                    f"{_short(f['message']).split(' not attainable ', 1)[-1]}.",
                    [f["entry_id"]],
                    "none",
                    f"#audit-{sid}-checks",
                )
            )
        elif f["check"] == "count_p_value":
            if f["status"] == "warning":
                reason = "no standard 2x2 test on the printed counts gives it when rounded" + (
                    "; only truncation does" if _p_reason(f) == "only truncation prints it" else ""
                )
                warned.setdefault((variable, printed, reason), []).append((f, row))
        elif (reason := _p_reason(f)) is not None:
            warned.setdefault((variable, printed, reason), []).append((f, row))
    if warned:
        places = {
            key: ", ".join(dict.fromkeys(r["where"] if r else "?" for _, r in items))
            for key, items in warned.items()
        }
        listed = "; ".join(
            f"{variable} p = {printed} ({places[(variable, printed, reason)]}: {reason})"
            for variable, printed, reason in warned
        )
        out.append(
            _finding(
                "warning",
                "attainable_p",
                f"These printed p-values arise only under special conditions: {listed}.",
                [f["entry_id"] for items in warned.values() for f, _ in items],
                "none",
                f"#audit-{sid}-checks",
            )
        )
    return out


def _grouped_rows(rows: Sequence[Mapping[str, Any]], status: str, data: str) -> dict[str, list]:
    """Rows of one status and data kind, grouped by what they print: variable, subgroup, and
    p-value vs summary (so the same count printed in three places is one finding). An
    impossible row counts under the status its data gave (``data_status``)."""
    groups: dict[str, list] = {}
    for r in rows:
        if status in (r["status"], r.get("data_status")) and r["data"] == data:
            label = r["variable"].replace("_", " ")
            if r["statistic"] == "p_value":
                label = f"p-value for {label}"
            if r.get("group"):
                label += f" (subgroup {r['group'].replace('_', ' ')})"
            groups.setdefault(label[0].upper() + label[1:], []).append(r)
    return groups


def _row_findings(sid: str, rows: Sequence[Mapping[str, Any]]) -> list[Record]:
    out = []
    for variable, group in _grouped_rows(rows, "not_reproduced", "real").items():
        prints = "; ".join(f"{r['where']} “{r['printed']}”" for r in group)
        notes = [n for r in group for n in r.get("notes", [])][:1]
        out.append(
            _finding(
                "not_reproduced",
                "regenerated",
                f"{variable}: the paper prints {prints}, but "
                f"the per-patient data give {group[0]['regenerated']}"
                + (f" ({notes[0]})" if notes else "")
                + ".",
                [r["id"] for r in group],
                "real",
                f"#audit-{sid}-rows",
            )
        )
    listings = (
        (
            "reproduced_other_method",
            "real",
            "Reproduced only under another method or definition than the stated one",
        ),
        ("not_reproduced", "synthetic", "Not reproduced by the synthetic data (not evidence either way)"),
    )
    for status, data, prefix in listings:
        listed = [r for r in rows if r["status"] == status and r["data"] == data]
        if listed:
            printed = "; ".join(f"{r['where']} “{r['printed']}”" for r in listed)
            out.append(
                _finding(
                    "warning",
                    "regenerated",
                    f"{prefix}: {printed}.",
                    [r["id"] for r in listed],
                    data,
                    f"#audit-{sid}-rows",
                )
            )
    return out


def referee_findings(sid: str, study_audit: Mapping[str, Any]) -> list[Record]:
    """Every referee finding of one study, most serious first (see module docstring)."""
    rows = {r["id"]: r for r in study_audit["rows"]}
    cons = study_audit["consistency"]
    out = [
        _finding(
            "inconsistent",
            f["check"],
            _inconsistent_sentence(f, rows),
            _members(f["entry_id"]),
            "none",
            f"#audit-{sid}-checks",
        )
        for f in cons
        if f["status"] == "inconsistent" and f["check"] not in _P_CHECKS
    ]
    out += _p_findings(sid, cons, rows) + _row_findings(sid, study_audit["rows"])
    out += [
        _finding(
            "warning",
            f["check"],
            _inconsistent_sentence(f, rows),
            _members(f["entry_id"]),
            "none",
            f"#audit-{sid}-checks",
        )
        for f in cons
        if f["status"] == "warning" and f["check"] not in _P_CHECKS
    ]
    return sorted(out, key=lambda r: SEVERITIES.index(r["severity"]))


def data_kind(study_audit: Mapping[str, Any]) -> str:
    """ "none", "real", "synthetic" or "real and synthetic": what the regenerated rows rest on."""
    kinds = {r["data"] for r in study_audit["rows"] if r["data"]}
    return " and ".join(sorted(kinds)) or "none"


def _words(text: str) -> int:
    return len(text.split())


def referee_json(audits: Mapping[str, Mapping[str, Any]], budget: int = WORD_BUDGET) -> Record:
    """The referee summary of every study as JSON (schema in the module docstring). Serious
    findings are always shown; a warning that would take the sentences past ``budget`` words gets
    ``"shown": false`` (it stays in the JSON and in the tables below the summary)."""
    studies, total, omitted = [], 0, 0
    for sid, a in audits.items():
        found, words = referee_findings(sid, a), 0
        for f in found:
            f["shown"] = f["severity"] != "warning" or words + _words(f["sentence"]) <= budget
            if f["shown"]:
                words += _words(f["sentence"])
            else:
                omitted += 1
        total += words
        studies.append(
            {
                "study": sid,
                "file": a["file"],
                "citation": a["citation"],
                "data": data_kind(a),
                "counts": {s: sum(f["severity"] == s for f in found) for s in SEVERITIES},
                "findings": found,
            }
        )
    return {"schema": REFEREE_SCHEMA, "words": total, "omitted": omitted, "studies": studies}


def data_line(study: Mapping[str, Any]) -> str:
    """One sentence saying what the regenerated values rest on (real vs synthetic)."""
    return {
        "none": "Data: none — checked from the printed numbers alone.",
        "real": "Data: real per-patient data (independent evidence).",
        "synthetic": "Data: synthetic, calibrated to the published summaries — not independent evidence.",
    }.get(
        study["data"],
        "Data: real per-patient data (independent evidence) and synthetic "
        "data calibrated to the published summaries (not evidence); each "
        "finding says which.",
    )


def has_inconsistency(summary: Mapping[str, Any]) -> bool:
    """True when any study has an inconsistent, unattainable or not-reproduced finding."""
    return any(s["counts"][k] for s in summary["studies"] for k in SEVERITIES[:3])


def referee_blocks(summary: Mapping[str, Any]) -> list[tuple[str, Any]]:
    """Report blocks of the referee summary: per study a heading, the data line, then one
    ``findings`` block per severity of (sentence, evidence anchor, entry ids)."""
    blocks: list[tuple[str, Any]] = [("h2", "Referee summary")]
    for s in summary["studies"]:
        blocks += [
            ("h3", f"{s['study']}: {s['citation']}"),
            (
                "p",
                data_line(s)
                + " Findings: "
                + ", ".join(plural(s["counts"][k], *COUNT_WORDS[k]) for k in SEVERITIES)
                + ".",
            ),
        ]
        for severity in SEVERITIES:
            shown = [
                (f["sentence"], f["evidence"], ", ".join(f["entries"]))
                for f in s["findings"]
                if f["severity"] == severity and f["shown"]
            ]
            if shown:
                blocks += [("h4", SEVERITY_TITLE[severity]), ("findings", shown)]
    if summary["omitted"]:
        blocks.append(
            (
                "p",
                f"{plural(summary['omitted'], 'further warning')} "
                f"{'is' if summary['omitted'] == 1 else 'are'} listed in the sections below "
                "and in the JSON (left out here to keep this summary short).",
            )
        )
    return blocks
