"""Formatted competing-risks table from the machine-readable statistics of a
``competing_risks`` table (:mod:`retrocohort.kinds.competing_risks`).

Per analysis, cause and group: n (events of the cause), the Aalen–Johansen cumulative incidence
in percent with its CI at each declared time, and Gray's p-value per cause. Layout, labels,
decimals and footnotes come from the study config; shared pieces (digit grouping, synthetic
dagger, lettered p-values) from :mod:`retrocohort.tables.cells`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from retrocohort.analysis.groups import group_key
from retrocohort.cohort.time_units import common_time_unit
from retrocohort.config.competing_risks import analysis_causes
from retrocohort.format.numbers import EM_DASH, format_number, is_missing, rounding_rule_sentence
from retrocohort.render.model import Row, Table
from retrocohort.render.pvalue_marks import bold_footnote, bold_threshold, is_bold_p, method_footnotes
from retrocohort.tables.cells import marked_p, number_style, synthetic_footnote, synthetic_label
from retrocohort.tables.survival_table import time_quantity


def _pct_ci(rec: Mapping[str, Any], decimals: int, rule: str) -> str:
    """ "6.4 (5.2–7.9)": the incidence and its CI in percent; an em dash when not estimable."""
    if is_missing(rec["cif"]):
        return EM_DASH
    values = [None if is_missing(rec[k]) else 100 * float(rec[k]) for k in ("cif", "ci_low", "ci_high")]
    text = [EM_DASH if v is None else format_number(v, decimals, rule=rule) for v in values]
    return text[0] if values[1] is None else f"{text[0]} ({text[1]}–{text[2]})"


def accounting_note(patients: Mapping[str, Any]) -> str:
    """The footnote accounting for an analysis' patients: how many were analysed, then each
    cause's label, as declared, heading its count after a colon or semicolon, then the censored
    and the excluded.

    A cause label stands where a capital reads naturally (the head of a list item), so it is
    printed exactly as declared: lower-casing it mid-sentence ("115 progression to ...") would
    also lower-case acronyms and proper nouns ("AML", "Hodgkin lymphoma"), which no rule on the
    first letter can tell apart.

    Parameters
    ----------
    patients : mapping
        The analysis' ``patients`` statistics row (``analysis_label``, ``n``, ``n_censored``,
        ``excluded_reason``, ``details['events_by_cause']``: {cause label: events}).

    Returns
    -------
    str
        "<analysis>: <n> patients analysed. First event: <cause>, <k>; ...; Censored, <c>."

    References
    ----------
    Iverson C, et al. AMA Manual of Style, 11th ed. Oxford University Press; 2020, 8.3.1
    (a colon introducing a list; semicolons separating items that contain commas).

    Examples
    --------
    >>> accounting_note({"analysis_label": "By arm", "n": 14, "n_censored": 4, "excluded_reason": "",
    ...                  "details": {"events_by_cause": {"AML": 6, "Death without AML": 4}}})
    'By arm: 14 patients analysed. First event: AML, 6; Death without AML, 4; Censored, 4.'
    """
    n = int(patients["n"])
    counts = [f"{label}, {k}" for label, k in patients["details"]["events_by_cause"].items()]
    counts.append(f"Censored, {int(patients['n_censored'])}")
    excluded = patients["excluded_reason"] if isinstance(patients["excluded_reason"], str) else ""
    return (
        f"{patients['analysis_label']}: {n} patient{'' if n == 1 else 's'} analysed. "
        f"First event: {'; '.join(counts)}" + (f"; {excluded}." if excluded else ".")
    )


def build_competing_table(stats: pd.DataFrame, config: dict, tid: str, specs: list[dict]) -> Table:
    """Per analysis, cause and group: n (events of the cause), cumulative incidence (%) with
    its CI at each declared time, and Gray's p-value (superscript test letter; bold below the
    table's ``bold_p_below``); footnotes: the patients analysed, events per cause and censored
    (and excluded, with the reasons), the method, the rounding rule."""
    spec_t = config["tables"][tid]
    style = number_style(config, tid)
    threshold = bold_threshold(config, tid, None)
    times = sorted({float(h) for s in specs for h in s.get("times", [])})
    conf = sorted({float(s["conf_level"]) for s in specs})
    conf_text = "/".join(f"{100 * x:g}%" for x in conf)
    unit = common_time_unit(config, specs)
    rows, markers, notes = [], {}, []
    for order, part in stats.groupby("order", sort=True):
        spec = specs[int(order)]
        (patients,) = part[part["role"] == "patients"].to_dict("records")
        rows.append(
            Row([synthetic_label(patients["analysis_label"], bool(patients["synthetic"]))], section=True)
        )
        events, inc, gray = (part[part["role"] == r] for r in ("events", "incidence", "gray"))
        for cause in [group_key(x) for x in analysis_causes(spec)]:
            mine = events[events["cause"] == cause]
            rows.append(Row([str(mine["cause_label"].iloc[0])], indent=1, section=True))
            test = gray[gray["cause"] == cause]
            p_text, bold = "", False
            if len(test):
                rec = test.iloc[0].to_dict()
                p_text, bold = (
                    marked_p(rec["p_value"], rec, config, markers),
                    is_bold_p(rec["p_value"], threshold),
                )
            for i, rec in enumerate(mine.to_dict("records")):
                cells = [rec["group"], f"{int(rec['n'])} ({int(rec['n_events'])})"]
                for h in times:
                    at = inc[(inc["cause"] == cause) & (inc["group"] == rec["group"]) & (inc["time"] == h)]
                    cells.append(_pct_ci(at.iloc[0], spec["decimals"], style.rule) if len(at) else EM_DASH)
                cells.append(p_text if i == 0 else "")
                rows.append(Row(cells, indent=2, bold=[False] * (len(cells) - 1) + [bold and i == 0]))
        notes.append(accounting_note(patients))
    columns = (
        ["Analysis, cause and group", "n (events)"]
        + [f"Cumulative incidence at {time_quantity(h, unit)}, % ({conf_text} CI)" for h in times]
        + ["p-Value"]
    )
    foot = list(spec_t.get("footnotes", [])) + notes
    foot.append(
        "Cumulative incidence: Aalen–Johansen estimator, each competing cause treated as a competing "
        f"event (not as censoring); pointwise {conf_text} CI, log transform of the infinitesimal-jackknife "
        "variance; — beyond the last follow-up."
    )
    foot.append(rounding_rule_sentence(style.rule))  # type: ignore[arg-type]
    foot += bold_footnote(threshold, rows)
    foot += method_footnotes(markers)
    if stats["synthetic"].astype(bool).any():
        foot.append(synthetic_footnote(config))
    return style.table(
        Table(
            title=spec_t.get("title", "Cumulative incidence"),
            columns=columns,
            rows=rows,
            footnotes=foot,
            label=f"tab:{tid}",
        )
    )
