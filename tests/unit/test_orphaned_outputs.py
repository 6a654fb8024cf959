"""Outputs of a table, figure or stage the config no longer declares are removed when a run
starts (a user study kept a dropped table's files beside a "complete" status)."""

from __future__ import annotations

import re
from pathlib import Path

from retrocohort.pipeline import run_status

#: What the rules of a toy workflow write: one declared table, a directory output.
PATTERNS = [r"results/tables/kept\.md", r"results/validated/measurements\.parquet"]


def _produced(path: str) -> bool:
    return any(re.fullmatch(p, path) for p in PATTERNS)


def test_files_no_rule_writes_are_orphans_status_report_and_directory_contents_are_not():
    files = [
        Path("results/tables/kept.md"),
        Path("results/tables/dropped.md"),
        Path("results/figures/dropped/km_a.png"),
        Path("results/validated/measurements.parquet/part-0.parquet"),
        run_status.STATUS,
        run_status.REPORT,
    ]
    assert run_status.orphaned_outputs(files, _produced) == [
        "results/figures/dropped/km_a.png",
        "results/tables/dropped.md",
    ]


def test_orphans_are_removed_with_the_directories_they_leave_empty(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("results/tables/kept.md", "results/figures/dropped/km_a.png", "results/figures/x.png"):
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        Path(name).write_text("x", encoding="utf-8")
    removed = run_status.remove_orphaned(["results/figures/dropped/km_a.png", "results/gone.md"])
    assert removed == ["results/figures/dropped/km_a.png"]
    assert not Path("results/figures/dropped").exists()
    assert Path("results/figures/x.png").exists() and Path("results/tables/kept.md").exists()
