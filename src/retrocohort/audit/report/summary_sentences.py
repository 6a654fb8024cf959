"""The audit's findings summary: plain sentences for the top of the report.

:func:`findings_summary` turns one study's audit (:func:`retrocohort.audit.report.study_audit.audit_one_study`)
into plain sentences; nothing is hard-coded: every sentence is built from a computed result.
:func:`p_sentence` says in words what a printed p-value's attainability check found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from retrocohort.audit.checks.stated_names import title_of
from retrocohort.audit.regen.compare import STATUSES
from retrocohort.audit.regen.unknown_entries import describe_unknown
from retrocohort.audit.report.study_audit import REAL, STATUS_TEXT, SYNTHETIC

#: A check's name in words (summary sentences never show the internal check name).
CHECK_WORDS = {
    "percentage": "percentage vs count and denominator",
    "quartile_order": "quartiles out of order",
    "granularity": "quantile not attainable for n",
    "agreement": "the same number printed differently",
    "versions": "two versions of the paper differ",
    "sum": "parts vs their total",
    "subset_quantile": "subset median vs the full sample",
    "hscore_total": "HScore total vs its items",
    "stated_tests": "stated test vs the printed p-values",
    "prose_table_estimate": "the text's estimate vs the table's",
    "prose_table_p": "the text's p-value vs the table's",
    "count_above_n": "a count above its group's n",
    "ratio_ci_p": "a ratio's 95% CI vs its p-value",
}


def _p_methods(f: Mapping[str, Any]) -> list[str]:
    ok = [m for m in f["details"].get("matches", []) if set(m["rules"]) & {"half_up", "half_even", "bound"}]
    return sorted({f"{m['test']}/{m['method']}" for m in ok})


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
    return f"{f['entry_id']}: p {printed} is attainable{only} ({'; '.join(title_of(m) for m in methods)})"


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
        return "; denominators that fit: " + (integer_runs(details["denominators"]) or "none")
    return ""


def integer_runs(values: Sequence[int]) -> str:
    """Sorted integers as runs: consecutive ones as "first–last" (thousands grouped), the rest
    listed, so a referee reads "9,030–9,123" instead of 94 numbers.

    >>> integer_runs([20, 21, 22, 23, 30, 9030, 9031, 9032])
    '20–23, 30, 9,030–9,032'
    >>> integer_runs([])
    ''
    """
    runs: list[list[int]] = []
    for v in sorted(values):
        if runs and v == runs[-1][-1] + 1:
            runs[-1].append(v)
        else:
            runs.append([v])
    return ", ".join(f"{r[0]:,}–{r[-1]:,}" if len(r) > 2 else ", ".join(f"{v:,}" for v in r) for r in runs)


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
                    if s not in ("not_recomputable", "impossible")
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
                f"Inconsistent without patient data ({CHECK_WORDS.get(f['check'], f['check'].replace('_', ' '))}, "
                f"{f['entry_id']}): {f['message']}" + _detail_hint(f["details"]) + "."
            )
    for f in cons:
        if f["check"] == "stated_tests":
            out.append(f"{f['message'][0].upper()}{f['message'][1:]}.")
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
        tests = ", ".join(f"{title_of(x['test'])} p = {x['p']:.4f}" for x in t["tests"])
        hit = [title_of(x["test"]) for x in t["tests"] if x["prints_as_published"]]
        trunc = [title_of(x["test"]) for x in t["tests"] if x["only_by_truncation"]]
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
