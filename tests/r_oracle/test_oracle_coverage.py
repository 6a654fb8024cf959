"""The table-level R oracle covers every table a study declares (issue 23, item 4): a declared
table no comparator covers, or whose statistics file is missing, is a failure naming it, never
skipped silently; only kinds that compute no statistic (a listing) are left out, by name. No R
needed: no cell is compared."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from r_study_tables import NO_STATISTICS, StudyInput, classic_tables, compare_study, declared


def _input(tmp_path: Path, tables: dict, stats: tuple[str, ...] = ()) -> StudyInput:
    (tmp_path / "results" / "stats").mkdir(parents=True)
    for stem in stats:
        pd.DataFrame({"x": [1]}).to_csv(tmp_path / "results" / "stats" / f"{stem}.csv", index=False)
    config = {"tables": tables, "statistics": {"wilcoxon": {"preset": "retrocohort"}}}
    return StudyInput(tmp_path, config, pd.DataFrame(), pd.DataFrame())


def test_a_declared_table_without_a_comparator_fails_naming_it(tmp_path):
    inp = _input(tmp_path, {"forest": {"kind": "forest_plot", "rows": []}}, ("forest",))
    cmp = compare_study(inp, {})
    assert cmp.failures == ["forest: a declared table of kind forest_plot that no R comparator covers"]


def test_a_declared_table_without_its_statistics_file_fails_naming_it(tmp_path):
    inp = _input(tmp_path, {"cr": {"kind": "competing_risks", "analyses": []}})
    assert compare_study(inp, {}).failures == [
        "cr: declared (kind competing_risks) but results/stats/cr.csv is missing"
    ]


def test_only_listings_are_left_out_and_classic_tables_are_told_from_declared_ones(tmp_path):
    assert NO_STATISTICS == ("listing",)
    inp = _input(tmp_path, {"patients": {"kind": "listing", "columns": []}})
    assert compare_study(inp, {}).failures == []
    config = {
        "tables": {"table1": {"kind": "descriptive", "by": "sex"}, "table3": {"parameters": []}},
        "survival": [{"id": "os"}],
    }
    assert classic_tables(config) == ["table3", "survival"]
    assert list(declared(config)) == ["table1"]
