"""Table 1 rows that differ from the printed paper get the ‡ marker (counts, medians, means)."""

import pandas as pd

from retrocohort.tables.published_marks import PrintedRow, table1_disagreements

STATS = pd.DataFrame.from_records(
    [
        {"variable": None, "stat": "section"},
        {"variable": "sex_male", "stat": "count_pct", "count": 12, "denominator": 21},
        {"variable": "age", "stat": "median_iqr", "median": 45.0, "q1": 33.0, "q3": 58.0},
        {
            "variable": "n_conditions",
            "stat": "median_iqr",
            "median": 1.0,
            "mean": 1.4285714,
            "q1": 1,
            "q3": 2,
        },
        {"variable": "rash", "stat": "count_pct", "count": 6, "denominator": 21},
    ]
)


def _row(variable, statistic, values, decimals, printed):
    return PrintedRow(variable, statistic, values, decimals, printed)


def test_differing_counts_and_means_are_marked_and_agreeing_rows_are_not():
    printed = [
        _row("sex_male", "count_pct", {"count": 13, "pct": 62}, {"count": 0, "pct": 0}, "13 (62%)"),
        _row(
            "age", "median_iqr", {"median": 45.0, "q1": 33.0, "q3": 58.0}, {"median": 1}, "45.0 [33.0–58.0]"
        ),
        _row(
            "n_conditions",
            "mean_iqr",
            {"mean": 2, "q1": 1, "q3": 2},
            {"mean": 0, "q1": 0, "q3": 0},
            "2 (1–2)",
        ),
        _row("rash", "count_pct", {"count": 6, "pct": 29}, {"count": 0}, "6 (29%)"),
        _row("unknown", "count_pct", {"count": 1}, {"count": 0}, "1"),
    ]
    assert table1_disagreements(STATS, printed, "half_up") == {1: "13 (62%)", 3: "2 (1–2)"}


def test_rounding_to_the_printed_decimals_decides():
    printed = [_row("age", "median_iqr", {"median": 45.04}, {"median": 1}, "45.0")]
    stats = STATS.assign(median=[None, None, 45.04, 1.0, None])
    assert table1_disagreements(stats, printed, "half_up") == {}
    stats = STATS.assign(median=[None, None, 45.06, 1.0, None])
    assert table1_disagreements(stats, printed, "half_up") == {2: "45.0"}
