"""Small-cell suppression: counts 1..k-1 and their complements, footnote, pure functions."""

import pandas as pd
import pytest

from retrocohort.render.model import Row, Table
from retrocohort.tables.suppression import suppress_stats, suppress_table, suppressed_rows

STATS = pd.DataFrame(
    {
        "stat": ["section", "count_pct", "count_pct", "count_pct", "count_pct", "median_iqr"],
        "label": ["Conditions", "a", "b", "c", "d", "age"],
        "count": [None, 0, 3, 10, 19, None],
        "denominator": [None, 21, 21, 21, 21, None],
        "percent": [None, 0.0, 14.3, 47.6, 90.5, None],
    }
)


def _table() -> Table:
    rows = (
        [Row(["Conditions"], section=True)]
        + [Row([lab, f"{c} ({p:.0f})"]) for lab, c, p in zip("abcd", [0, 3, 10, 19], [0, 14.3, 47.6, 90.5])]
        + [Row(["age", "45 [33–58]"])]
    )
    return Table("T1", ["", "n (%)"], rows, ["note"], "tab:t1")


def test_rows_below_k_and_small_complements_are_flagged():
    assert list(suppressed_rows(STATS, 5)) == ["", "", "low", "", "high", ""]


def test_stats_frame_blanks_counts_and_says_why():
    out = suppress_stats(STATS, 5)
    assert out["count"].isna().tolist() == [True, False, True, False, True, True]
    assert list(out["suppressed"]) == ["", "", "< 5", "", "> 16", ""]
    assert out.loc[3, "count"] == 10 and STATS.loc[2, "count"] == 3  # input not modified


def test_table_cells_replaced_and_footnote_added():
    t = suppress_table(_table(), STATS, 5)
    assert [r.cells[-1] for r in t.rows] == ["Conditions", "0 (0)", "< 5", "10 (48)", "> 16", "45 [33–58]"]
    assert t.footnotes[0] == "note" and '"< 5"' in t.footnotes[-1]


def test_no_k_means_unchanged_and_misaligned_rows_refused():
    assert suppress_table(_table(), STATS, None) is not None
    assert suppress_stats(STATS, None) is STATS
    with pytest.raises(ValueError, match="cannot align"):
        suppress_table(_table(), STATS.iloc[:3], 5)
