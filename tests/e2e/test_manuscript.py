"""End to end: rule ``manuscript`` regenerates the flagship's Abstract and Results text and a
methods section from the statistics files, every number traceable to its file, record and column.

Runs on a copy of the shared flagship run (its results included, so only ``manuscript`` runs).
Until the lead wires the rule into the Snakefile (``include: "workflow/rules/manuscript.smk"``
and ``manuscript_outputs()`` in ``all_outputs``), the copy's Snakefile gets the include here.
"""

import io
import json
import re
import shutil
from pathlib import Path

import docx
import pandas as pd
import pytest

from retrocohort.manuscript.docx_text import NOT_REGENERATED_HEADING
from study import ROOT, copy_study, snakemake

pytestmark = pytest.mark.e2e
OUTPUTS = ("results.md", "results.docx", "methods.md", "methods.docx", "values.json")
INCLUDE = 'include: "workflow/rules/manuscript.smk"'


def _wire_rule(work: Path) -> str:
    """Include the rule in the copy's Snakefile unless it is already; return the target that
    builds the manuscript outputs (``all`` once wired by the lead, else a local rule)."""
    snakefile = work / "Snakefile"
    text = snakefile.read_text(encoding="utf-8")
    if INCLUDE in text:
        return "all"
    local = f"\n\n{INCLUDE}\n\n\nrule manuscript_all:\n    input:\n        manuscript_outputs(),\n"
    snakefile.write_text(text + local, encoding="utf-8")
    return "manuscript_all"


def _run_manuscript(work: Path):
    return snakemake(work, "--cores", "1", *(f"results/manuscript/{name}" for name in OUTPUTS), "--quiet")


@pytest.fixture(scope="module")
def study(flagship, tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("manuscript") / "study"
    shutil.copytree(flagship, work, symlinks=True)
    _wire_rule(work)
    proc = _run_manuscript(work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work


def _source_value(work: Path, source: dict) -> object:
    path = work / source["file"]
    if path.suffix == ".json":
        record = json.loads(path.read_text(encoding="utf-8"))[source["record"]]
    else:
        record = pd.read_csv(path).to_dict("records")[source["record"]]
    return record


def test_every_placeholder_resolved_and_traceable(study):
    text = (study / "results/manuscript/results.md").read_text(encoding="utf-8")
    assert "{{" not in re.sub(r"<!--.*?-->", "", text, flags=re.S)
    values = json.loads((study / "results/manuscript/values.json").read_text(encoding="utf-8"))
    records = values["placeholders"]
    assert len(records) >= 30
    template = (study / "config/manuscript/results.md").read_text(encoding="utf-8").splitlines()
    for rec in records:
        assert rec["placeholder"].split(":")[0] in template[rec["template_line"] - 1], rec
        source = rec["source"]
        assert source["rule"] in {
            "select_cohort",
            "table1_statistics",
            "cohort_table",  # a Table 1 declared kind: descriptive (the flagship's)
            "paired_tests",
            "paired_table",
            "group_comparisons",
            "survival",
        }
        row = _source_value(study, source)
        columns = source["column"].split(",")
        if len(columns) == 1 and columns[0] in row and not isinstance(rec["value"], dict | str):
            assert rec["value"] == row[columns[0]], rec  # full precision, not the printed text
        assert rec["text"] in text
    checksummed = {entry["path"] for entry in values["inputs"]}
    assert {r["source"]["file"] for r in records} <= checksummed


def test_synthetic_numbers_carry_the_dagger(study):
    values = json.loads((study / "results/manuscript/values.json").read_text(encoding="utf-8"))
    for rec in values["placeholders"]:
        row = _source_value(study, rec["source"])
        if "synthetic" in row:
            assert rec["synthetic"] == bool(row["synthetic"]), rec
        assert rec["text"].endswith("†") == rec["synthetic"], rec
    assert any(r["synthetic"] for r in values["placeholders"])
    assert any(not r["synthetic"] for r in values["placeholders"])
    text = (study / "results/manuscript/results.md").read_text(encoding="utf-8")
    assert text.rstrip().splitlines()[-1].startswith("† Synthetic")


def test_word_text_matches_markdown_without_comments(study):
    document = docx.Document(io.BytesIO((study / "results/manuscript/results.docx").read_bytes()))
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "Abstract" and "Results" in paragraphs
    body = "\n".join(paragraphs)
    text = "\n".join(paragraphs[: paragraphs.index(NOT_REGENERATED_HEADING)])  # the list quotes the notes
    assert "<!--" not in body and "{{" not in body and " ." not in text
    values = json.loads((study / "results/manuscript/values.json").read_text(encoding="utf-8"))
    assert all(rec["text"] in body for rec in values["placeholders"])


def test_methods_name_tests_quantiles_and_versions(study):
    methods = (study / "results/manuscript/methods.md").read_text(encoding="utf-8")
    for phrase in (
        "Hyndman and Fan (1996), type 7",
        "Wilcoxon signed-rank",
        "McNemar",
        "Kaplan",
        "Python 3.",
    ):
        assert phrase in methods, phrase
    assert "† Synthetic" in methods


def test_outputs_are_byte_identical_on_rerun(study):
    before = {name: (study / "results/manuscript" / name).read_bytes() for name in OUTPUTS}
    for name in OUTPUTS:
        (study / "results/manuscript" / name).unlink()
    proc = _run_manuscript(study)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert {name: (study / "results/manuscript" / name).read_bytes() for name in OUTPUTS} == before


def test_unknown_placeholder_names_line_and_key(study, tmp_path):
    work = tmp_path / "study"
    shutil.copytree(study, work, symlinks=True)
    template = work / "config/manuscript/results.md"
    lines = template.read_text(encoding="utf-8").splitlines()
    template.write_text("\n".join([*lines, "", "Age {{ table1.age.medain }}."]) + "\n", encoding="utf-8")
    proc = _run_manuscript(work)
    assert proc.returncode != 0
    log = (work / "logs/manuscript.log").read_text(encoding="utf-8") + proc.stderr
    assert f"row {len(lines) + 2}" in log and "'table1.age.medain'" in log and "unknown placeholder" in log
    assert "table1.age.median" in log  # the closest key is suggested


@pytest.mark.parametrize(
    "study_dir, expected", [(".test", False), ("", True)], ids=["second-study", "flagship"]
)
def test_rule_runs_only_for_a_study_with_a_template(tmp_path, study_dir, expected):
    work = copy_study(tmp_path / "study", ROOT / study_dir)
    target = _wire_rule(work)
    assert (work / "config/manuscript/results.md").exists() == expected
    proc = snakemake(work, "--cores", "1", "-n", target, "--quiet", "rules")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (
        re.search(r"^manuscript\b", proc.stdout, flags=re.M) is not None
        if expected
        else "manuscript " not in proc.stdout
    )
