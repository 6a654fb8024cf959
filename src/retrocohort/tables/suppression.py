"""Small-cell suppression for outputs to be shared (primary and complementary, counts only).

A count ``c`` of ``n`` patients is suppressed when ``1 <= c < k`` (shown as ``"< k"``) or when
its complement is small, ``1 <= n - c < k`` (shown as ``"> n - k"``), since the complement of
a binary row reveals the small cell just as well. Zeros and full counts are kept (they
disclose no individual beyond the table's own denominator). Pure functions: the statistics
frame (``results/stats/table1.csv`` layout: ``stat``, ``count``, ``denominator``, ``percent``)
and the formatted :class:`~retrocohort.render.model.Table` built from it row for row.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from retrocohort.render.model import Table


def small_cell_k(config: dict) -> int | None:
    """``statistics.small_cell_k`` (``None``: no suppression)."""
    return config.get("statistics", {}).get("small_cell_k")


def suppressed_rows(stats: pd.DataFrame, k: int) -> pd.Series:
    """Per stats row: ``"low"`` (count 1..k-1), ``"high"`` (complement 1..k-1) or ``""``."""
    count = pd.to_numeric(stats.get("count"), errors="coerce").to_numpy(dtype="float64")
    denom = pd.to_numeric(stats.get("denominator"), errors="coerce").to_numpy(dtype="float64")
    is_count = (stats["stat"] == "count_pct").to_numpy()
    with np.errstate(invalid="ignore"):
        low = is_count & (count >= 1) & (count < k)
        high = is_count & ~low & (denom - count >= 1) & (denom - count < k)
    return pd.Series(np.select([low, high], ["low", "high"], ""), index=stats.index)


def suppression_footnote(k: int) -> str:
    return (
        f'Small cells suppressed: counts from 1 to {k - 1} are shown as "< {k}", and counts '
        f'within {k - 1} of their denominator n as "> n − {k}", so that no group of fewer '
        f"than {k} patients can be identified."
    )


def suppress_stats(stats: pd.DataFrame, k: int | None) -> pd.DataFrame:
    """Copy of the statistics frame with suppressed counts and percentages blanked (NA) and a
    ``suppressed`` column (``"< k"``, ``"> n - k"`` or empty); unchanged when ``k`` is None."""
    if not k:
        return stats
    kind = suppressed_rows(stats, k)
    out = stats.copy()
    hit = (kind != "").to_numpy()
    for column in ("count", "percent"):
        if column in out:
            out[column] = out[column].astype("Float64").mask(hit)
    denom = pd.to_numeric(stats["denominator"], errors="coerce")
    out["suppressed"] = np.where(
        kind == "low", f"< {k}", np.where(kind == "high", "> " + (denom - k).astype("Int64").astype(str), "")
    )
    return out


def suppress_table(table: Table, stats: pd.DataFrame, k: int | None) -> Table:
    """The formatted table with each suppressed row's last cell replaced, plus a footnote.

    ``table.rows`` must correspond one to one to ``stats`` rows (as :func:`build_table1` makes
    them). Unchanged when ``k`` is None or nothing is suppressed.
    """
    if not k:
        return table
    if len(table.rows) != len(stats):
        raise ValueError(
            f"table {table.label!r} has {len(table.rows)} rows but the statistics "
            f"frame has {len(stats)}: cannot align them for suppression"
        )
    kind = suppressed_rows(stats, k).to_numpy()
    if not (kind != "").any():
        return table
    denom = pd.to_numeric(stats["denominator"], errors="coerce").to_numpy()
    rows = []
    for row, what, n in zip(table.rows, kind, denom):
        if what:
            text = f"< {k}" if what == "low" else f"> {int(n) - k}"
            row = replace(row, cells=row.cells[:-1] + [text])
        rows.append(row)
    return Table(
        title=table.title,
        columns=table.columns,
        rows=rows,
        footnotes=list(table.footnotes) + [suppression_footnote(k)],
        label=table.label,
    )


__all__ = ["small_cell_k", "suppress_stats", "suppress_table", "suppressed_rows", "suppression_footnote"]
