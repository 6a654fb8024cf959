"""Which Table 1 rows disagree with the numbers the paper printed (the ‡ marker of the tables).

The audit (:mod:`retrocohort.audit`) sets every printed number beside its regenerated value with
all the methods it tries; the tables only need its simplest verdict, early (the tables rule runs
before the audit): a printed count that differs from the regenerated count, or a printed median
[Q1–Q3], mean or SD that differs from the regenerated one rounded to the printed decimals under the study's
rounding rule. Such rows get a ‡ and one footnote pointing to the audit
(:func:`retrocohort.render.annotate.mark_published_disagreements`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

from retrocohort.analysis.descriptive import summary_records
from retrocohort.format.numbers import is_missing, round_decimal
from retrocohort.render.annotate import mark_published_disagreements
from retrocohort.render.model import Table


@dataclass(frozen=True)
class PrintedRow:
    """One number of the paper's Table 1: its variable, statistic, parsed values and text."""

    variable: str
    statistic: str
    values: Mapping[str, float]
    decimals: Mapping[str, int]
    printed: str


def _differs(printed: PrintedRow, rec: Mapping, rule: str) -> bool:
    if printed.statistic == "count_pct":
        return (
            "count" in printed.values
            and not is_missing(rec.get("count"))
            and (int(rec["count"]) != int(printed.values["count"]))
        )
    if printed.statistic in ("median_iqr", "mean_iqr", "mean_sd"):
        keys = [
            k
            for k in ("median", "mean", "sd", "q1", "q3")
            if k in printed.values and not is_missing(rec.get(k))
        ]
        return any(
            round_decimal(rec[k], printed.decimals.get(k, 1), rule)
            != round_decimal(printed.values[k], printed.decimals.get(k, 1), rule)
            for k in keys
        )
    return False  # other statistics (ranges, p-values...): left to the audit


def table1_disagreements(stats: pd.DataFrame, printed: Iterable[PrintedRow], rule: str) -> dict[int, str]:
    """``{row index of Table 1: printed text}`` for the rows whose regenerated number differs.

    ``stats`` is Table 1's statistics frame (one record per table row, ``variable`` column);
    a variable printed several times keeps its first printed text.
    """
    rows = {
        rec["variable"]: (i, rec) for i, rec in enumerate(stats.to_dict("records")) if rec.get("variable")
    }
    out: dict[int, str] = {}
    for number in printed:
        if number.variable in rows:
            index, rec = rows[number.variable]
            if index not in out and _differs(number, rec, rule):
                out[index] = number.printed
    return out


def published_rows(numbers: Iterable, where: str) -> list[PrintedRow]:
    """The paper's printed numbers of its table ``where`` ("Table 1"; case and spaces ignored)
    as :class:`PrintedRow` (``numbers``: the ``numbers`` of a loaded published study,
    :func:`retrocohort.audit.published.load_study`)."""
    wanted = where.strip().lower()
    return [
        PrintedRow(n.variable, n.statistic, n.values, n.decimals, n.printed)
        for n in numbers
        if n.where.strip().lower() == wanted
    ]


def mark_published(
    table: Table, stats: pd.DataFrame, printed: Iterable[PrintedRow], rule: str, hf_type: int, audit: str
) -> Table:
    """``table`` with a ‡ on every row whose regenerated number differs from the printed one
    and one footnote naming them and pointing to ``audit``. ``stats`` is the table's statistics
    frame, classic or of a declared descriptive table (its overall column,
    :func:`retrocohort.analysis.descriptive.summary_records`: one record per printed row)."""
    disagree = table1_disagreements(summary_records(stats, hf_type), printed, rule)
    return mark_published_disagreements(table, disagree, audit)
