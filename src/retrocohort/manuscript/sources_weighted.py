"""Placeholder entries of a weighted n (%) cell (a descriptive or comparison table on a
treatment comparison's matched or weighted sample, ``sample:``): the sum of the weights and the
weighted percentage as the table prints them (:func:`retrocohort.tables.sample_descriptive_table.weighted_count_text`),
never an integer count truncated from a sum of weights nor a percentage recomputed from one.

References
----------
Austin PC, Stuart EA. Stat Med 2015;34:3661-79 (weighted counts and proportions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrocohort.format.numbers import format_number
from retrocohort.manuscript.namespace import Entry, TextStyle
from retrocohort.tables.sample_descriptive_table import weighted_count_text


def is_weighted(record: Mapping[str, Any]) -> bool:
    """Whether a statistics record is of a table on a sample (``design`` column, or in its
    ``details``).

    Examples
    --------
    >>> is_weighted({"design": "each patient weighted by its weight"}), is_weighted({"details": {}})
    (True, False)
    """
    details = record.get("details")
    in_details = isinstance(details, Mapping) and bool(details.get("design"))
    return in_details or (isinstance(record.get("design"), str) and bool(record["design"]))


def weighted_count_entries(
    record: Mapping[str, Any], suffix: str, pct_decimals: int, style: TextStyle, where: dict
) -> dict[str, Entry]:
    """``count``, ``denominator`` (sums of weights), ``pct`` and ``count_pct`` of a weighted
    cell, read from the record's ``count<suffix>``, ``denominator<suffix>``, ``percent<suffix>``.

    Parameters
    ----------
    record : mapping
        A statistics record of a table on a sample.
    suffix : str
        ``@<stratum>`` for a descriptive table's record, "" for a comparison's summary.
    pct_decimals : int
        The table's decimals of percentages (the entries' default).
    style : TextStyle
        The study's number style.
    where : dict
        The record's source (``file``, ``row``, ``synthetic``).

    Returns
    -------
    dict of Entry
        The four entries.

    References
    ----------
    Austin PC, Stuart EA. Stat Med 2015;34:3661-79.

    Examples
    --------
    >>> from retrocohort.render.number_style import NumberStyle
    >>> style = TextStyle(NumberStyle(), {"decimals": 3, "threshold": 0.001, "rule": "half_up"})
    >>> rec = {"count@T": 322.159, "denominator@T": 363.868, "percent@T": 88.537}
    >>> entries = weighted_count_entries(rec, "@T", 1, style, {"file": "t.json", "row": 0})
    >>> entries["count_pct"].text(), entries["pct"].text(0), entries["count"].text()
    ('322.2 (88.5%)', '89%', '322.2')
    """
    count, denominator, percent = (record[f"{k}{suffix}"] for k in ("count", "denominator", "percent"))
    rule = style.numbers.rule

    def total(value: float) -> Any:
        return lambda d: weighted_count_text(value, 0.0, 0, rule).split(" (")[0]

    return {
        "count": Entry(count, total(count), 0, column=f"count{suffix}", **where),
        "denominator": Entry(denominator, total(denominator), 0, column=f"denominator{suffix}", **where),
        "pct": Entry(
            percent,
            lambda d: format_number(percent, d, thousands_sep="", rule=rule) + "%",
            pct_decimals,
            column=f"percent{suffix}",
            **where,
        ),
        "count_pct": Entry(
            {"count": count, "denominator": denominator, "percent": percent},
            lambda d: weighted_count_text(count, percent, d, rule),
            pct_decimals,
            column=f"count{suffix},percent{suffix}",
            **where,
        ),
    }
