"""Placeholder entries of the tests: the two paired time points (the study's paired table
``tables.table3``: ``results/stats/table3_paired.json`` classic, ``table3.json`` as ``kind: paired``),
group comparisons (``groups.json``) and time to event (``survival.json``).

Keys
----
``paired.<variable>.<stat>`` (main test of each parameter of ``tables.table3``)
    ``p`` ("= 0.011" or "<0.001", for "p {{ paired.crp.p }}"), ``p_value`` ("0.011"), ``n``
    (pairs), ``test``; ``<time point>_median``/``<time point>_mean`` (continuous) or
    ``<time point>_count_pct`` (binary) for each of the two paired time points (``day0``/``day7``
    without ``time_points``, e.g. ``baseline``/``year1`` with them); ``hl_estimate``, ``hl_ci``. With a
    multiplicity adjustment, ``p``/``p_value`` are the adjusted p (as the tables print them).
``groups.<comparison>.<stat>`` and ``groups.<comparison>.<group value>.<stat>``
    ``p``, ``p_value``, ``n``; per group ``n``, ``median``, ``iqr``, ``median_iqr``, ``count_pct``.
``survival.<analysis>[.<group value>].<stat>``
    ``median``, ``ci`` ("1.0–2.0"), ``median_ci`` ("1.0 (95% CI 1.0–2.0)"), ``events``,
    ``events_count_pct`` (events among all patients of the analysis, those without a time
    included), ``n``; ``survival.<analysis>.p`` / ``p_value`` for the log-rank test. The group
    segment is left out for the ungrouped analysis (group value ``all``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from retrocohort.format.numbers import EN_DASH
from retrocohort.kinds.paired import spec_points
from retrocohort.manuscript.namespace import Entry, Namespace, TextStyle, key_part, present
from retrocohort.manuscript.sources_descriptive import location_entries
from retrocohort.manuscript.sources_weighted import is_weighted, weighted_count_entries
from retrocohort.stats.registry import stated_test


def _p_entries(rec: dict, style: TextStyle, where: dict, column: str = "p_value") -> dict[str, Entry]:
    p = rec[column]
    return {
        "p": Entry(p, style.p_relation(p), 0, column=column, **where),
        "p_value": Entry(p, style.p_value(p), 0, column=column, **where),
    }


def parameter_decimals(parameters: Sequence[Mapping]) -> dict[str, int]:
    """Variable -> the decimals a paired table's parameter declares (1 when it declares none)."""
    return {s["variable"]: int(s["decimals"]) for s in parameters if "decimals" in s}


def paired_entries(
    records: list[dict],
    path: str,
    config: Mapping,
    style: TextStyle,
    prefix: str = "paired",
    table_id: str = "table3",
) -> Namespace:
    """Entries ``<prefix>.<variable>.*`` of the main test of each parameter of paired table
    ``table_id`` (summaries named by its two time points: the table's ``time_points``, else
    the study's ``paired_days`` / ``paired_time_points``; decimals of its ``parameters``).

    Parameters
    ----------
    records
        The table's statistics records (``table3_paired.json``, or a declared paired table's
        ``<id>.json``).
    path
        Their file (recorded as each value's source).
    config
        The study config (``tables.<table_id>``, the time points).
    style
        The number and p-value style of the table.
    prefix
        The key prefix: ``paired`` (classic Table 3) or ``tables.<id>`` (a declared table).
    table_id
        The table's key under ``tables:``.
    """
    spec = config["tables"][table_id]
    decimals = parameter_decimals(spec.get("parameters", []))
    tags = [point.name for point in spec_points(config, spec)]  # a classic Table 3 declares none
    space = Namespace()
    for index, rec in enumerate(records):
        if rec.get("role", "main") != "main":
            continue
        where = {"file": path, "row": index, "synthetic": bool(rec.get("synthetic"))}
        adjusted = rec.get("adjustment", "none") != "none" and present(rec.get("p_adjusted"))
        entries = _p_entries(rec, style, where, "p_adjusted" if adjusted else "p_value")
        entries["n"] = Entry(rec["n_pairs"], style.integer(rec["n_pairs"]), 0, column="n_pairs", **where)
        said = stated_test(rec)
        entries["test"] = Entry(rec["test"], lambda d, t=said: t, 0, column="test", **where)
        dec = decimals.get(rec["variable"], 1)
        for day in tags:
            for stat in ("median", "mean"):
                value = rec.get(f"{day}_{stat}")
                if present(value):
                    row = [rec.get(f"{t}_{stat}") for t in tags]  # Table 3's row: one grouping
                    entries[f"{day}_{stat}"] = Entry(
                        value, style.row_number(value, row), dec, column=f"{day}_{stat}", **where
                    )
            count = rec.get(f"{day}_count")
            if present(count):
                n = int(rec["n_pairs"])
                entries[f"{day}_count_pct"] = Entry(
                    {"count": count, "denominator": n},
                    style.count_pct(int(count), n, n, 1),
                    1,
                    column=f"{day}_count,n_pairs",
                    **where,
                )
        if present(rec.get("hl_estimate"), rec.get("hl_ci_low"), rec.get("hl_ci_high")):
            est, low, high = rec["hl_estimate"], rec["hl_ci_low"], rec["hl_ci_high"]
            entries["hl_estimate"] = Entry(est, style.number(est), dec, column="hl_estimate", **where)
            entries["hl_ci"] = Entry(
                {"low": low, "high": high},
                style.interval(low, high, " to "),
                dec,
                column="hl_ci_low,hl_ci_high",
                **where,
            )
        space.add_all(f"{prefix}.{key_part(rec['variable'])}", entries)
    return space


def groups_entries(records: list[dict], path: str, style: TextStyle, prefix: str = "groups") -> Namespace:
    """Entries ``<prefix>.<comparison>.*`` (test) and ``<prefix>.<comparison>.<group>.*``
    (summary) of group comparison records (``groups.json`` with ``prefix`` ``groups``, or a
    declared comparison table's with ``tables.<id>``)."""
    space = Namespace()
    for index, rec in enumerate(records):
        where = {"file": path, "row": index, "synthetic": bool(rec.get("synthetic"))}
        key = f"{prefix}.{key_part(rec['comparison'])}"
        if rec["role"] == "test":
            entries = _p_entries(rec, style, where) if present(rec.get("p_value")) else {}
            if present(rec.get("n")):
                entries["n"] = Entry(int(rec["n"]), style.integer(rec["n"]), 0, column="n", **where)
            space.add_all(key, entries)
            continue
        if rec["role"] != "summary":
            continue
        if present(rec.get("count"), rec.get("denominator")) and rec["denominator"] and is_weighted(rec):
            entries = weighted_count_entries(rec, "", 0, style, where)  # a table on a sample
        elif present(rec.get("count"), rec.get("denominator")) and rec["denominator"]:
            count, denominator = int(rec["count"]), int(rec["denominator"])
            entries = {
                "count_pct": Entry(
                    {"count": count, "denominator": denominator},
                    style.count_pct(count, denominator, denominator, 0),
                    0,
                    column="count,denominator",
                    **where,
                ),
                "count": Entry(count, style.integer(count), 0, column="count", **where),
                "denominator": Entry(
                    denominator, style.integer(denominator), 0, column="denominator", **where
                ),
            }
        else:
            entries = location_entries(rec, 1, style, where)
        if present(rec.get("n_group")):
            entries["size"] = Entry(
                int(rec["n_group"]), style.integer(rec["n_group"]), 0, column="n_group", **where
            )
        space.add_all(f"{key}.{key_part(rec['group_value'])}", entries)
    return space


def _median_entries(rec: dict, style: TextStyle, where: dict) -> dict[str, Entry]:
    entries: dict[str, Entry] = {}
    median, low, high = rec.get("median"), rec.get("ci_low"), rec.get("ci_high")
    if present(median):
        entries["median"] = Entry(median, style.number(median), 1, column="median", **where)
    # With a median and a lower limit, a missing upper limit is one the band never reaches: the
    # statistics file holds it as infinite (JSON null); the text prints NR, as the table does.
    if present(median, low) and not present(high):
        ci = lambda d: f"{style.number(low)(d)}{EN_DASH}NR"  # noqa: E731
    else:
        ci = style.interval(low, high)
    if present(low, high) or present(median, low):
        entries["ci"] = Entry({"low": low, "high": high}, ci, 1, column="ci_low,ci_high", **where)
    if present(median, low):
        level = f"{100 * rec['conf_level']:g}%"
        entries["median_ci"] = Entry(
            {"median": median, "ci_low": low, "ci_high": high, "conf_level": rec["conf_level"]},
            lambda d: f"{style.number(median)(d)} ({level} CI {ci(d)})",
            1,
            column="median,ci_low,ci_high,conf_level",
            **where,
        )
    if present(rec.get("n"), rec.get("n_events")):
        n, events = int(rec["n"]), int(rec["n_events"])
        # patients of this group left out of the analysis (older survival files: n_missing)
        excluded = rec.get("n_excluded") if present(rec.get("n_excluded")) else rec.get("n_missing")
        everyone = n + (int(excluded) if present(excluded) else 0)
        entries["n"] = Entry(n, style.integer(n), 0, column="n", **where)
        entries["events"] = Entry(events, style.integer(events), 0, column="n_events", **where)
        entries["events_count_pct"] = Entry(
            {"events": events, "denominator": everyone},
            style.count_pct(events, everyone, everyone, 1),
            1,
            column="n_events,n+n_missing",
            **where,
        )
    return entries


def survival_entries(records: list[dict], path: str, style: TextStyle, prefix: str = "survival") -> Namespace:
    """Entries ``<prefix>.<analysis>[.<group>].*`` (median rows) and ``<prefix>.<analysis>.p``
    of time-to-event records (``survival.json`` with ``prefix`` ``survival``, or a declared
    survival table's with ``tables.<id>``)."""
    space = Namespace()
    for index, rec in enumerate(records):
        where = {"file": path, "row": index, "synthetic": bool(rec.get("synthetic"))}
        key = f"{prefix}.{key_part(rec['analysis'])}"
        if rec["role"] == "median":
            group = key_part(rec.get("group_value") or "all")
            space.add_all(key if group == "all" else f"{key}.{group}", _median_entries(rec, style, where))
        elif rec["role"] == "horizon" and present(rec.get("time")):
            group = key_part(rec.get("group_value") or "all")
            at = "at_" + key_part(format(float(rec["time"]), "g"))  # at_365, at_0_5
            space.add_all(
                f"{key}.{at}" if group == "all" else f"{key}.{group}.{at}",
                _horizon_entries(rec, style, where),
            )
        elif rec["role"] == "logrank" and present(rec.get("p_value")):
            space.add_all(key, _p_entries(rec, style, where))
    return space


def _horizon_entries(rec: dict, style: TextStyle, where: dict) -> dict[str, Entry]:
    """The Kaplan–Meier estimate at a table's horizon as its table prints it (a percentage, 0
    decimals by default): ``survival`` ("30%"), ``ci`` ("11–52%"), ``survival_ci`` ("30% (95% CI
    11–52)") and ``n_at_risk`` (patients still at risk at that time)."""
    entries: dict[str, Entry] = {}
    s, low, high = (rec.get(k) for k in ("survival", "ci_low", "ci_high"))
    if not present(s):
        return entries
    pct = [100 * float(v) if present(v) else None for v in (s, low, high)]
    entries["survival"] = Entry(s, lambda d: f"{style.number(pct[0])(d)}%", 0, column="survival", **where)
    if present(low, high):
        level = f"{100 * rec['conf_level']:g}%"
        entries["ci"] = Entry(
            {"low": low, "high": high},
            lambda d: style.interval(pct[1], pct[2])(d),
            0,
            column="ci_low,ci_high",
            **where,
        )
        entries["survival_ci"] = Entry(
            {"survival": s, "ci_low": low, "ci_high": high, "conf_level": rec["conf_level"]},
            lambda d: f"{style.number(pct[0])(d)}% ({level} CI {style.interval(pct[1], pct[2])(d)})",
            0,
            column="survival,ci_low,ci_high,conf_level",
            **where,
        )
    if present(rec.get("n_at_risk")):
        entries["n_at_risk"] = Entry(
            int(rec["n_at_risk"]), style.integer(rec["n_at_risk"]), 0, column="n_at_risk", **where
        )
    return entries
