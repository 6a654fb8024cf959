"""The reviewer audit of one study, assembled as JSON-ready data.

:func:`audit_one_study` joins the published-vs-regenerated comparison (``regenerated`` +
``compare``, one record per printed number: :func:`comparison_rows`), the data-free consistency
checks (``audit_study``), missing values as parameters (``unknown_entries``) and, for count-only
studies, every 2x2 test's p (:func:`count_only_tests`). Output order is the file order of the study.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from retrocohort.audit.checks.data_free_rows import apply_data_free_statuses
from retrocohort.audit.checks.impossible import mark_impossible_rows
from retrocohort.audit.checks.study_checks import audit_study
from retrocohort.audit.published import PublishedNumber, PublishedStudy
from retrocohort.audit.regen.calibration import Calibration, calibration_status
from retrocohort.audit.regen.compare import STATUSES, compare_entry, describe_matches
from retrocohort.audit.regen.regenerated import (
    DEFAULT_QUANTILE_TYPES,
    AuditData,
    input_files,
    is_synthetic,
    regenerate_study,
)
from retrocohort.audit.regen.unknown_entries import group_unknown_analyses, unknown_value_analyses
from retrocohort.format.numbers import round_decimal

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
    "impossible": "impossible as printed (no data can give it)",
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
    mark_impossible_rows(rows, findings)
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
