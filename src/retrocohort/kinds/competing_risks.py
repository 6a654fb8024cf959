"""``kind: competing_risks``: the cumulative incidence of a cause of interest and of the causes
competing with it (Aalen–Johansen, R ``survfit`` multi-state), at declared times with their CI
per group, the events of each cause, and Gray's test by group (R ``cmprsk::cuminc``); one
cumulative-incidence figure per analysis.

An analysis names a follow-up ``time``, a ``status`` variable whose value says how follow-up
ended (``cause``: the cause of interest, ``competing``: the causes that preclude it,
``censored``: still event-free), and an optional ``group_variable``. A patient without a usable
time, status or group is excluded and counted with the reason (as ``kind: survival``), never
silently dropped; a status value outside the declared levels is refused (patient and value
named).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.analysis.groups import check_unique_ids, group_assignment, group_key
from retrocohort.analysis.survival import ALL_PATIENTS, numbers_at_risk
from retrocohort.analysis.survival_events import exclusion_sentence, group_reasons, numeric_times
from retrocohort.config.check import variable_label
from retrocohort.config.competing_risks import analysis_causes
from retrocohort.errors import InputError, Problem
from retrocohort.format.pvalues import p_value_format, printed_p
from retrocohort.kinds.base import TableKind, TableRequest
from retrocohort.kinds.comparison import with_population
from retrocohort.render.model import Table
from retrocohort.stats.competing_risks import cumulative_incidence, gray_test, incidence_at
from retrocohort.tables.competing_risks_table import build_competing_table

COLUMNS = [
    "analysis",
    "analysis_label",
    "order",
    "role",
    "time_variable",
    "status_variable",
    "cause",
    "cause_label",
    "group_variable",
    "group",
    "group_value",
    "n",
    "n_events",
    "n_censored",
    "n_excluded",
    "excluded_reason",
    "time",
    "n_at_risk",
    "cif",
    "std_err",
    "ci_low",
    "ci_high",
    "conf_level",
    "test",
    "statistic",
    "statistic_name",
    "p_value",
    "p_formatted",
    "n_used",
    "method",
    "details",
    "synthetic",
    "note",
]
CIF_METHOD = (
    "Aalen–Johansen cumulative incidence (competing causes as competing events, not censored); "
    "pointwise {conf:.0%} CI, log transform of the infinitesimal-jackknife variance "
    "(R survfit multi-state)."
)


@dataclass(frozen=True)
class CompetingAnalysis:
    """One analysis: its statistics rows and what its figure needs."""

    rows: list[dict]
    curves: pd.DataFrame  # group, cause, cause_label, time, cif, ci_low, ci_high
    follow_up: pd.DataFrame  # group, time, n: patients whose follow-up ends at each time


def _status_codes(frame: pd.DataFrame, spec: Mapping[str, Any], where: str) -> pd.Series:
    """Per patient: 0 censored, k the k-th cause of ``analysis_causes`` (NaN when unknown);
    InputError naming the first patient whose status is none of the declared levels."""
    causes = analysis_causes(spec)
    code = {group_key(c): k for k, c in enumerate(causes, start=1)}
    code |= {group_key(c): 0 for c in spec["censored"]}
    values = frame[spec["status"]]
    keys = [None if pd.isna(v) else group_key(v) for v in values]
    unknown = [i for i, k in enumerate(keys) if k is not None and k not in code]
    if unknown:
        i = unknown[0]
        patient = frame["patient_id"].iloc[i] if "patient_id" in frame.columns else i
        raise InputError(
            "Competing-risks status value is not a declared level",
            [
                Problem(
                    f"patient {patient} ({len(unknown)} patient(s) in all): value is none of {where}/"
                    "cause, competing, censored",
                    column=spec["status"],
                    value=keys[i],
                    expected=f"one of {sorted(code)} (or empty when unknown)",
                )
            ],
        )
    return pd.Series([np.nan if k is None else float(code[k]) for k in keys], index=frame.index)


def _reasons(
    time: pd.Series, status: pd.Series, spec: Mapping[str, Any], config: Mapping[str, Any]
) -> pd.Series:
    """Exclusion reason per patient ("" when used): time unknown or negative, status unknown."""
    reason = pd.Series("", index=time.index, dtype=object)
    reason[status.isna()] = f"{variable_label(config, spec['status'])} unknown"
    reason[time < 0] = f"{variable_label(config, spec['time'])} negative"
    reason[time.isna()] = f"{variable_label(config, spec['time'])} unknown"
    return reason


def _cause_labels(spec: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, str]:
    """{cause value: label}: the analysis' ``cause_labels``, else the status variable's
    ``level_labels``, else the value itself."""
    declared = (config.get("variables") or {}).get(spec["status"], {}).get("level_labels") or {}
    own = spec.get("cause_labels") or {}
    labels = {group_key(k): str(v) for k, v in declared.items()} | {
        group_key(k): str(v) for k, v in own.items()
    }
    return {group_key(c): labels.get(group_key(c), group_key(c)) for c in analysis_causes(spec)}


def analyse(
    frame: pd.DataFrame,
    spec: Mapping[str, Any],
    index: int,
    config: Mapping[str, Any],
    synthetic: set[str],
    where: str,
) -> CompetingAnalysis:
    """Every statistic of one competing-risks analysis: per group and cause the incidence curve
    (role ``cif``), the incidence at the declared ``times`` (``incidence``) and the events
    (``events``); per cause Gray's test when grouped (``gray``); one ``patients`` row."""
    causes = [group_key(c) for c in analysis_causes(spec)]
    labels = _cause_labels(spec, config)
    time = numeric_times(frame, spec["time"])
    status = _status_codes(frame, spec, where)
    reasons = _reasons(time, status, spec, config)
    group_var = spec.get("group_variable")
    if group_var:
        keys, order = group_assignment(frame[group_var], spec.get("groups"))
        grouping = group_reasons(frame[group_var], keys, variable_label(config, group_var))
        reasons[reasons == ""] = grouping[reasons == ""]
    else:
        keys, order = pd.Series("all", index=frame.index, dtype=object), [("all", ALL_PATIENTS)]
    used = (reasons == "").to_numpy()
    t, c, k = time.to_numpy()[used], status.to_numpy()[used].astype(int), keys.to_numpy()[used]
    conf = float(spec["conf_level"])
    named = {spec["time"], spec["status"], group_var} - {None}
    base = {
        "analysis": spec["id"],
        "analysis_label": spec.get("label", spec["id"]),
        "order": index,
        "time_variable": spec["time"],
        "status_variable": spec["status"],
        "group_variable": group_var or "",
        "conf_level": conf,
        "synthetic": bool(named & synthetic),
    }
    per_cause = {labels[x]: int((c == j).sum()) for j, x in enumerate(causes, start=1)}
    rows = [
        {
            **base,
            "role": "patients",
            "group": "",
            "n": int(t.size),
            "n_events": int((c > 0).sum()),
            "n_censored": int((c == 0).sum()),
            "n_excluded": int((~used).sum()),
            "excluded_reason": exclusion_sentence(reasons),
            "details": {"events_by_cause": per_cause},
        }
    ]
    curves, ends = [], []
    method = CIF_METHOD.format(conf=conf)
    for key, group in order:
        mine = k == key
        g = {**base, "group": group, "group_value": key}
        for j, cause in enumerate(causes, start=1):
            rows.append(
                {**g, "role": "events", "cause": cause, "cause_label": labels[cause], "n": int(mine.sum()),
                 "n_events": int((c[mine] == j).sum()), "n_censored": int((c[mine] == 0).sum())}
            )  # fmt: skip
        if not mine.any():
            continue
        cif = cumulative_incidence(t[mine], c[mine], causes, conf).rename(columns={"n_risk": "n_at_risk"})
        cif = cif.assign(cause_label=cif["cause"].map(labels), group=group)
        curves.append(cif)
        rows += [
            {**g, **rec, "role": "cif", "n_events": rec["n_event"], "method": method}
            for rec in cif.drop(columns=["n_censor"]).to_dict("records")
        ]
        for cause in causes:
            for at in spec.get("times", []):
                rows.append(
                    {**g, "role": "incidence", "cause": cause, "cause_label": labels[cause], "time": float(at),
                     "n_at_risk": int(numbers_at_risk(t[mine], np.array([at]))[0]),
                     **incidence_at(cif, cause, float(at)), "method": method}
                )  # fmt: skip
        ends.append(pd.DataFrame({"group": group, "time": t[mine], "n": 1}))
    if group_var:
        rows += _gray_rows(base, t, c, k, causes, labels, p_value_format(config["statistics"]))
    follow_up = pd.concat(ends, ignore_index=True) if ends else pd.DataFrame(columns=["group", "time", "n"])
    curve_cols = ["group", "cause", "cause_label", "time", "cif", "ci_low", "ci_high"]
    return CompetingAnalysis(
        rows,
        pd.concat(curves, ignore_index=True)[curve_cols] if curves else pd.DataFrame(columns=curve_cols),
        follow_up,
    )


def _gray_rows(
    base: dict, t: np.ndarray, c: np.ndarray, k: np.ndarray, causes: list[str], labels: dict, p_format: dict
) -> list[dict]:
    """Gray's test of each cause across the groups present, or a "not computed" row."""
    rows = []
    for j, cause in enumerate(causes, start=1):
        reason = ""
        if np.unique(k).size < 2:
            reason = "not computed: fewer than 2 groups with data"
        elif not (c == j).any():
            reason = f"not computed: no {labels[cause]} event"
        else:
            try:
                res = gray_test(t, c, k, of=j).to_dict(flat=False)
            except np.linalg.LinAlgError:
                reason = "not computed: Gray's variance matrix is singular"
        if reason:
            res = {"test": "Gray", "method": reason, "statistic": math.nan, "p_value": math.nan,
                   "n": int(t.size), "n_used": 0, "details": {"reason": reason}}  # fmt: skip
        rows.append(
            {
                **base,
                "role": "gray",
                "group": "",
                "cause": cause,
                "cause_label": labels[cause],
                **{
                    key: res[key]
                    for key in ("test", "method", "statistic", "p_value", "n", "n_used", "details")
                },
                "statistic_name": res["details"].get("statistic_name", ""),
                "p_formatted": printed_p(res["p_value"], p_format),
            }
        )
    return rows


def _analyses(request: TableRequest) -> tuple[pd.DataFrame, dict[str, CompetingAnalysis]]:
    specs = list(request.spec["analyses"])
    check_unique_ids(specs, f"tables/{request.table_id}/analyses")
    results = {
        spec["id"]: analyse(
            request.frame,
            spec,
            i,
            request.config,
            set(request.synthetic),
            f"tables/{request.table_id}/analyses/{i}",
        )
        for i, spec in enumerate(specs)
    }
    out = pd.DataFrame.from_records([r for res in results.values() for r in res.rows], columns=COLUMNS)
    out["details"] = out["details"].map(lambda d: d if isinstance(d, dict) else {})
    return out, results


def statistics(request: TableRequest) -> pd.DataFrame:
    """Per analysis: ``patients``; per group and cause ``events``, ``cif`` (the curve) and
    ``incidence`` (at the declared times); per cause ``gray`` when grouped."""
    return _analyses(request)[0]


def build(stats: pd.DataFrame, request: TableRequest) -> Table:
    """The competing-risks table (:func:`retrocohort.tables.competing_risks_table.build_competing_table`),
    its population stated when it declares ``where:``."""
    table = build_competing_table(
        stats, dict(request.config), request.table_id, list(request.spec["analyses"])
    )
    return with_population(table, request)


def draw(request: TableRequest, figure_id: str, stem: str) -> pd.DataFrame:
    """The cumulative-incidence figure of analysis ``figure_id``; returns the numbers at risk
    it prints."""
    from retrocohort.figures.cumulative_incidence import draw_cif_figure

    stats, results = _analyses(request)
    specs = list(request.spec["analyses"])
    index = [s["id"] for s in specs].index(figure_id)
    where = f"tables/{request.table_id}/analyses/{index}"
    return draw_cif_figure(stats, results[figure_id], specs[index], request.config, Path(stem), where)


def figures(spec: Mapping[str, Any]) -> list[str]:
    """One cumulative-incidence figure per analysis."""
    return [a["id"] for a in spec.get("analyses") or []]


KIND = TableKind("competing_risks", statistics, build, figures=figures, draw=draw)
