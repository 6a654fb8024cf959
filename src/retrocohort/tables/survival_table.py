"""Formatted time-to-event table from the machine-readable survival statistics.

Per analysis and group: n (events), Kaplan–Meier median with its CI, event-free percentage at
each configured horizon and the log-rank p-value. Layout, labels, decimals and footnotes come from
the study config; shared pieces (digit grouping, synthetic dagger, lettered p-values) from
:mod:`retrocohort.tables.cells`. p-values are set in bold below ``bold_p_below`` (parameter, else
config ``tables.survival.bold_p_below``; None: never bold).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from retrocohort.cohort.time_units import common_time_unit
from retrocohort.format.numbers import EM_DASH, format_number, is_missing, rounding_rule_sentence
from retrocohort.render.model import Row, Table
from retrocohort.render.number_style import NumberStyle
from retrocohort.render.pvalue_marks import bold_footnote, bold_threshold, is_bold_p, method_footnotes
from retrocohort.tables.cells import marked_p, number_style, synthetic_footnote, synthetic_label
from retrocohort.tables.footnote_words import km_estimate_words, median_rule_words


def _time_ci(median: object, low: object, high: object, decimals: int, style: NumberStyle) -> str:
    """ "median (low–high)"; "not reached" / NR for a median or upper limit never reached."""
    if is_missing(median):
        return "not reached"
    finite = [v for v in (median, low, high) if not is_missing(v) and abs(float(v)) != float("inf")]
    kw = style.cell(finite, decimals)

    def fmt(v: object) -> str:
        if not is_missing(v) and float(v) == float("inf"):
            return "NR"
        return format_number(v, decimals, **kw)

    return f"{fmt(median)} ({fmt(low)}–{fmt(high)})"


def _pct_ci(s: object, low: object, high: object, style: NumberStyle) -> str:
    if is_missing(s):
        return EM_DASH
    pct = [None if is_missing(v) else 100 * float(v) for v in (s, low, high)]
    fmt = [EM_DASH if v is None else format_number(v, 0, rule=style.rule) for v in pct]
    return f"{fmt[0]}% ({fmt[1]}–{fmt[2]})"


def time_quantity(value: float, unit: str) -> str:
    """ "1 day", "3 days", "0.5 months": a horizon with its unit (singular for exactly 1)."""
    text = format_number(value, 0 if float(value).is_integer() else 1, thousands_sep="")
    if not unit:
        return text
    return f"{text} {unit[:-1] if value == 1 and unit.endswith('s') else unit}"


_TIME_TO_RE = re.compile(
    r"time to (.+?)(?: (?:after|by|from|since|among|according to|in) .*)?", re.IGNORECASE
)


#: Event names whose complement is survival itself: the column reads "Survival at 5 years",
#: not "Without death at 5 years".
DEATH = frozenset(
    {"death", "deaths", "death from any cause", "all-cause death", "mortality", "all-cause mortality"}
)


def event_name(spec: dict) -> str:
    """What a time-to-event analysis counts, for column headers: config ``survival[].event_name``,
    else X of a label "Time to X [after|by|from|since|among|in ...]" ("Time to fever resolution
    after anakinra start" -> "fever resolution"), else "event"."""
    if spec.get("event_name"):
        return str(spec["event_name"])
    match = _TIME_TO_RE.fullmatch(str(spec.get("label", "")).strip().rstrip("."))
    return match.group(1) if match else "event"


def _accounting(part: pd.DataFrame) -> str:
    """ " 20 patients analysed: 19 events, 1 censored; 1 patient excluded (reason)." from the
    analysis' ``patients`` row ("" for statistics written before that row existed)."""
    row = part[part["role"] == "patients"]
    if row.empty:
        return ""
    rec = row.iloc[0]
    n, events, censored = (int(rec[c]) for c in ("n", "n_events", "n_censored"))
    excluded = rec["excluded_reason"] if isinstance(rec["excluded_reason"], str) else ""
    return (
        f" {n} patient{'' if n == 1 else 's'} analysed: {events} event{'' if events == 1 else 's'}, "
        f"{censored} censored" + (f"; {excluded}." if excluded else ".")
    )


def build_survival_table(
    stats: pd.DataFrame,
    config: dict,
    bold_p_below: float | None = None,
    table_id: str = "survival",
    analyses: list[dict] | None = None,
) -> Table:
    """Time to event: per analysis and group, n (events), Kaplan–Meier median with its CI,
    event-free percentage at each configured horizon (headers name the event, see
    :func:`event_name`), and the log-rank p-value (superscript test
    letter; bold below :func:`bold_threshold`). ``table_id`` names the table's entry under
    ``tables:`` (``survival`` for the top-level analyses) and ``analyses`` its analyses (default:
    the top-level ``survival:``)."""
    spec_t = config.get("tables", {}).get(table_id, {})
    style = number_style(config, table_id)
    threshold = bold_threshold(config, table_id, bold_p_below)
    specs = config.get("survival", []) if analyses is None else analyses
    horizons = sorted({float(h) for s in specs for h in s.get("horizons", [])})
    conf = sorted({float(c) for c in stats.loc[stats["role"] == "median", "conf_level"]})
    conf_text = "/".join(f"{100 * c:g}%" for c in conf) or "95%"
    rows, markers, notes = [], {}, []
    for order, part in stats.groupby("order", sort=True):
        spec = specs[int(order)]
        dec = spec["decimals"]
        medians = part[part["role"] == "median"].to_dict("records")
        rows.append(
            Row([synthetic_label(medians[0]["analysis_label"], bool(medians[0]["synthetic"]))], section=True)
        )
        test = part[part["role"] == "logrank"]
        p_text, bold = "", False
        if len(test):
            rec = test.iloc[0].to_dict()
            p_text = marked_p(rec["p_value"], rec, config, markers)
            bold = is_bold_p(rec["p_value"], threshold)
        hz = part[part["role"] == "horizon"]
        for i, rec in enumerate(medians):
            cells = [
                rec["group"],
                f"{int(rec['n'])} ({int(rec['n_events'])})",
                _time_ci(rec["median"], rec["ci_low"], rec["ci_high"], dec, style),
            ]
            for h in horizons:
                at = hz[(hz["group"] == rec["group"]) & (hz["time"] == h)]
                cells.append(
                    _pct_ci(*at.iloc[0][["survival", "ci_low", "ci_high"]], style) if len(at) else EM_DASH
                )
            cells.append(p_text if i == 0 else "")
            rows.append(Row(cells, indent=1, bold=[False] * (len(cells) - 1) + [bold and i == 0]))
        notes.append(f"{medians[0]['analysis_label']}: {medians[0]['event_definition']}{_accounting(part)}")
    unit = common_time_unit(config, specs)
    names = {event_name(s) for s in specs}
    event = names.pop() if len(names) == 1 else "event"
    free = "Event-free" if event == "event" else "Survival" if event.lower() in DEATH else f"Without {event}"
    median_header = (
        f"Median time{'' if event == 'event' else ' to ' + event}"
        f"{', ' + unit if unit else ''} ({conf_text} CI)"
    )
    columns = (
        ["Analysis and group", "n (events)", median_header]
        + [f"{free} at {time_quantity(h, unit)} ({conf_text} CI)" for h in horizons]
        + ["p-Value"]
    )
    methods = sorted(set(stats.loc[stats["role"] == "median", "method"]))
    foot = list(spec_t.get("footnotes", [])) + notes + ([median_rule_words(methods)] if methods else [])
    if horizons:
        ci_types = sorted(set(stats.loc[stats["role"] == "horizon", "ci_type"]))
        who = "event-free" if event == "event" else f"in whom {event} has not yet occurred"
        foot.append(km_estimate_words(free, who, ci_types))
    med = stats[stats["role"] == "median"]
    # "NR" is printed only for an upper limit never reached beside a reached median (a median
    # never reached prints "not reached", which needs no footnote)
    prints_nr = (med["median"].notna() & np.isinf(med["ci_high"].astype(float))).any()
    nr = "NR: confidence limit not reached. " if prints_nr else ""
    foot.append(nr + rounding_rule_sentence(style.rule))  # type: ignore[arg-type]
    foot += bold_footnote(threshold, rows)
    foot += method_footnotes(markers)
    if stats["synthetic"].astype(bool).any():
        foot.append(synthetic_footnote(config))
    return style.table(  # digit grouping decided per column and row
        Table(
            title=spec_t.get("title", "Time to event"),
            columns=columns,
            rows=rows,
            footnotes=foot,
            label=f"tab:{table_id}",
        )
    )
