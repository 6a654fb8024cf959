"""Two clean runs of the flagship workflow give byte-identical results.

Every file under ``results/`` (CSV, Parquet, JSON, Markdown, LaTeX, HTML tables, DOCX, PNG,
SVG, PDF) is compared byte for byte. The one exception is ``results/report.html``: Snakemake
embeds each job's wall-clock ``starttime``/``endtime`` and ``runtime`` in the report's
statistics section, which no workflow setting can fix; it is compared after those three
fields are blanked, and the test asserts that they are the *only* difference.

The command line and timestamps of a run are deliberately kept out of ``results/`` (they go to
``logs/provenance/run.json``), which is why ``results/provenance/inputs.json`` is byte-stable.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from study import copy_study, finished_report, snakemake

pytestmark = pytest.mark.e2e
REPORT = "report.html"
#: Fields of Snakemake's report that hold wall-clock times of the run itself.
VOLATILE_REPORT_FIELDS = re.compile(r'"(starttime|endtime|runtime)": ("[^"]*"|[0-9.eE+-]+)')
FORMATS = {"csv", "parquet", "json", "md", "tex", "html", "docx", "png", "svg", "pdf"}


def clean_run(dest: Path) -> Path:
    """A fresh copy, the whole workflow, then the report."""
    work = copy_study(dest)
    proc = snakemake(work, "--cores", "2", "--quiet", "all")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return with_report(work)


def with_report(work: Path) -> Path:
    proc = snakemake(work, "--cores", "1", "--quiet", "--report", f"results/{REPORT}")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work


def result_files(work: Path) -> list[str]:
    return sorted(str(p.relative_to(work / "results")) for p in (work / "results").rglob("*") if p.is_file())


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> tuple[Path, Path]:
    """Two independent clean runs in two directories: the session's shared flagship run with its
    report (:func:`study.finished_report`: made by another process at another time, read
    only) and one of this module's own."""
    return finished_report(tmp_path_factory), clean_run(tmp_path_factory.mktemp("run_b"))


def test_every_result_file_is_byte_identical(two_runs):
    a, b = two_runs
    files = result_files(a)
    assert files == result_files(b)
    differing = [
        f
        for f in files
        if f != REPORT and (a / "results" / f).read_bytes() != (b / "results" / f).read_bytes()
    ]
    assert differing == []


def test_every_output_format_is_covered(two_runs):
    formats = {Path(f).suffix.lstrip(".") for f in result_files(two_runs[0])}
    assert FORMATS <= formats, FORMATS - formats


def test_report_differs_only_in_run_times(two_runs):
    a, b = (w / "results" / REPORT for w in two_runs)
    text_a, text_b = (p.read_text(encoding="utf-8") for p in (a, b))
    blank = lambda t: VOLATILE_REPORT_FIELDS.sub(lambda m: f'"{m.group(1)}": null', t)  # noqa: E731
    assert blank(text_a) == blank(text_b)
    assert VOLATILE_REPORT_FIELDS.search(text_a), "report no longer holds run times: compare it by bytes"


def test_run_record_is_outside_results(two_runs):
    for work in two_runs:
        record = (work / "logs/provenance/run.json").read_text(encoding="utf-8")
        assert "snakemake" in record and "started_utc" in record and "recorded_utc" in record
        assert "recorded_utc" not in (work / "results/provenance/inputs.json").read_text(encoding="utf-8")


def test_csv_outputs_hold_no_formula_cells(two_runs):
    """Output safety: no CSV cell a spreadsheet would evaluate (numbers like -1.5 are fine)."""
    number = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?inf|nan", re.I)
    work = two_runs[0]
    bad = [
        (f, i, cell)
        for f in result_files(work)
        if f.endswith(".csv")
        for i, row in enumerate(csv.reader((work / "results" / f).open(encoding="utf-8")))
        for cell in row
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not number.fullmatch(cell)
    ]
    assert bad == []
