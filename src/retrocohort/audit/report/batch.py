"""Audit one or many papers and write their reports: the engine of ``retrocohort audit``.

Per paper (a published-numbers YAML), in ``OUT/<paper stem>/``: ``audit.md``, ``audit.html``
(referee summary first), ``audit.json`` (``{"referee": ..., "studies": ...}``, referee schema in
:mod:`retrocohort.audit.report.referee`) and ``audit.csv`` (one row per printed number); over all
papers, ``OUT/summary.csv`` with one row per paper (``SUMMARY_COLUMNS``):

- ``checks``: data-free consistency checks run plus printed numbers regenerated from
  per-patient data (real or synthetic; rows recomputed from printed numbers alone are already
  counted as checks);
- ``ok``: checks passed plus numbers reproduced under the configured method;
- ``warnings``: check warnings plus numbers reproduced only under another method;
- ``inconsistent``: inconsistent checks plus numbers not reproduced;
- ``serious``: referee findings of severity inconsistent, unattainable or not reproduced
  (the number behind the exit code of the command).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from retrocohort.audit.published import load_study
from retrocohort.audit.regen.regen_model import AuditData
from retrocohort.audit.regen.study_inputs import AuditOptions
from retrocohort.audit.report.referee import SEVERITIES, referee_json
from retrocohort.audit.report.report import json_safe, render_html, render_markdown, report_blocks, rows_frame
from retrocohort.audit.report.study_audit import audit_one_study
from retrocohort.errors import InputError, Problem
from retrocohort.io.atomic import write_json, write_text
from retrocohort.io.tabular import write_csv

SUMMARY_COLUMNS = ["paper", "file", "data", "checks", "ok", "warnings", "inconsistent", "serious"]
OUTPUT_NAMES = ("audit.md", "audit.html", "audit.json", "audit.csv")


def paper_files(paths: Sequence[str | Path]) -> list[Path]:
    """The papers named on the command line: files as given, directories expanded to their
    ``*.yaml``/``*.yml`` files (sorted). Raises InputError for a missing path or an empty list."""
    out: list[Path] = []
    problems = []
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted([*p.glob("*.yaml"), *p.glob("*.yml")])
            out += found
            if not found:
                problems.append(
                    Problem(
                        "directory holds no published-numbers file",
                        file=str(p),
                        expected="*.yaml files (schema: published.schema.yaml)",
                    )
                )
        elif p.is_file():
            out.append(p)
        else:
            problems.append(
                Problem(
                    "no such file or directory",
                    file=str(p),
                    expected="a published-numbers YAML file or a directory of them",
                )
            )
    if problems:
        raise InputError(f"{len(problems)} paper path(s) cannot be read", problems)
    stems = [p.stem for p in out]
    dupes = sorted({s for s in stems if stems.count(s) > 1})
    if dupes:
        raise InputError(
            "two papers would write the same report directory",
            [
                Problem("duplicate file name", file=str(p), expected="distinct file names")
                for p in out
                if p.stem in dupes
            ],
        )
    return out


def summary_row(sid: str, study_audit: Mapping[str, Any], referee: Mapping[str, Any]) -> dict[str, Any]:
    """One ``summary.csv`` row (columns and their meaning in the module docstring)."""
    cc = study_audit["consistency_counts"]
    st = {
        s: sum(
            n
            for key, n in study_audit["status_counts_by_data"].items()
            if key.split("/")[0] == s and key.split("/")[1] in ("real", "synthetic")
        )
        for s in ("reproduced", "reproduced_other_method", "not_reproduced")
    }
    [ref] = [s for s in referee["studies"] if s["study"] == sid]
    return {
        "paper": sid,
        "file": study_audit["file"],
        "data": ref["data"],
        "checks": sum(cc.values()) + sum(st.values()),
        "ok": cc.get("ok", 0) + st["reproduced"],
        "warnings": cc.get("warning", 0) + st["reproduced_other_method"],
        "inconsistent": cc.get("inconsistent", 0) + st["not_reproduced"],
        "serious": sum(ref["counts"][k] for k in SEVERITIES[:3]),
    }


def methods_note(path: str, data_dir: Path | None, options: AuditOptions) -> str:
    """The report's Methods paragraph: what was read and which rules were applied."""
    data = (
        f"Per-patient data: the validated results of {data_dir} (each row says whether its value rests "
        "on real or synthetic data)."
        if data_dir
        else "No per-patient data: every number is checked from the printed numbers alone (impossible "
        "numbers, percentages against counts, quartile order, agreements, sums, attainable p-values, 2x2 tests on printed "
        "counts)."
    )
    return (
        f"Published numbers: {path}. {data} Rounding: {options.rule.replace('_', '-')} (the other "
        f"standard rule is named when only it prints the number); quantile types tried: "
        f"{', '.join(map(str, options.types))}."
    )


def write_paper_reports(out_dir: Path, audits: Mapping[str, Mapping[str, Any]], note: str) -> dict[str, Any]:
    """Write the four report files of ``audits`` into ``out_dir``; returns the referee summary."""
    referee = referee_json(audits)
    blocks = report_blocks(audits, note)
    write_text(out_dir / "audit.md", render_markdown(blocks))
    write_text(out_dir / "audit.html", render_html(blocks, "Reviewer audit"))
    write_json(json_safe({"referee": referee, "studies": audits}), out_dir / "audit.json")
    write_csv(rows_frame(audits), out_dir / "audit.csv")
    return referee


def audit_papers(
    papers: Sequence[Path],
    out_dir: Path,
    *,
    data: AuditData | None = None,
    data_dir: Path | None = None,
    options: AuditOptions | None = None,
) -> pd.DataFrame:
    """Audit every paper (with ``data`` when given), write one report directory per paper and
    ``summary.csv``; return the summary frame. Every paper is loaded first, so one bad file stops
    the run before anything is written."""
    options = options or AuditOptions()
    studies = [(p, load_study(p)) for p in papers]
    rows = []
    for path, study in studies:
        sid = path.stem
        audit = audit_one_study(
            study,
            str(path),
            data,
            rule=options.rule,
            types=options.types,
            max_group_total=options.max_group_total,
            ranges=options.ranges,
            calibration=options.calibration if data is not None else None,
        )
        referee = write_paper_reports(out_dir / sid, {sid: audit}, methods_note(str(path), data_dir, options))
        rows.append(summary_row(sid, audit, referee))
    summary = pd.DataFrame.from_records(rows, columns=SUMMARY_COLUMNS)
    write_csv(summary, out_dir / "summary.csv")
    return summary
