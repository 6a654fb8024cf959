"""Bad-input corpus (tests/corpus): every fault class stops the pipeline with a located message.

In-process (fast): each case under ``tests/corpus/cases/<id>/`` is applied to a copy of the
base study (``tests/corpus/base``) and run through the same functions the rules call: config
loading, per-site ingestion, per-site validation, merge + cross-site checks. The error must be
a :class:`RetrocohortError` (never a traceback) whose text contains every expected fragment
(file, row, column, value, expectation), and the raw files must be byte-unchanged.

Through Snakemake (a representative subset on the flagship study): non-zero exit, the message
on stderr, no output of the failing rule or any later rule in ``results/`` (Snakemake deletes
a failed job's incomplete outputs; writes are atomic), raw inputs byte-unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from retrocohort.config.check import SCHEMA_PATH, load_config, read_yaml
from retrocohort.config.study import fill_defaults
from retrocohort.errors import RetrocohortError, ValidationFailed
from retrocohort.ingest.sources import ingest_site, merge_sites
from retrocohort.io import raw as readers
from retrocohort.validate.canonical import cross_site_problems, validate_site
from study import ROOT, copy_study, snakemake

CORPUS = ROOT / "tests" / "corpus"
CASES = sorted(p.name for p in (CORPUS / "cases").iterdir() if (p / "case.yaml").is_file())


def _case(case_id: str) -> dict:
    return yaml.safe_load((CORPUS / "cases" / case_id / "case.yaml").read_text(encoding="utf-8"))


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _set(config: dict, path: str, value) -> None:
    *parents, last = path.split("/")
    node = config
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


def prepare(case_id: str, work: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> Path:
    """Base study + the case's files, config patch and special file (directory, FIFO, unreadable)."""
    case = _case(case_id)
    shutil.copytree(CORPUS / "base", work, dirs_exist_ok=True)
    for target, name in (case["replace"] or {}).items():
        shutil.copy(CORPUS / "cases" / case_id / name, work / target)
    config = yaml.safe_load((work / "config.yaml").read_text(encoding="utf-8"))
    appended = ""
    for op in case["config"] or []:
        if "set" in op:
            _set(config, op["set"], op["value"])
        else:
            appended += op["raw_append"]
    (work / "config.yaml").write_text(
        yaml.safe_dump(config, allow_unicode=True, sort_keys=False) + appended, encoding="utf-8"
    )
    if case["special"]:
        kind, target = case["special"].split(":", 1)
        path = work / target
        path.unlink()
        if kind == "directory":
            path.mkdir()
            (path / "part1.csv").write_text("patient,day\n", encoding="utf-8")
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "unreadable":
            shutil.copy(CORPUS / "base" / target, path)
            path.chmod(0)
            if os.geteuid() == 0:
                # root ignores permission bits, so chmod 000 cannot make a file unreadable here;
                # simulate the kernel's answer for that one path (the reader's os.access check).
                assert monkeypatch is not None
                real = os.access
                monkeypatch.setattr(
                    readers.os,
                    "access",
                    lambda p, mode, **kw: False if Path(p) == path else real(p, mode, **kw),
                )
    return work


def run_pipeline(work: Path) -> None:
    """Config check, then per-site ingest + validate, then merge + cross-site checks."""
    checked = load_config(work / "config.yaml", base_dir=work)  # its messages give the YAML line
    config = fill_defaults(checked, read_yaml(SCHEMA_PATH))  # the schema's defaults, as a run has them
    parts = []
    for site in sorted(config["sites"]):
        tables = ingest_site(site, config["sites"][site], config, work)
        validate_site(tables, config["variables"])
        parts.append(tables)
    problems = cross_site_problems(merge_sites(parts), config["variables"])
    if problems:
        raise ValidationFailed("Validation failed across sites", problems)


def test_base_study_passes(tmp_path):
    run_pipeline(prepare_base(tmp_path))


def prepare_base(work: Path) -> Path:
    shutil.copytree(CORPUS / "base", work, dirs_exist_ok=True)
    return work


def test_corpus_covers_at_least_120_fault_classes():
    faults = {_case(c)["fault"] for c in CASES}
    assert len(faults) == len(CASES) >= 120


@pytest.mark.parametrize("case_id", CASES)
def test_bad_input_is_refused_with_a_located_message(case_id, tmp_path, monkeypatch):
    work = prepare(case_id, tmp_path / "study", monkeypatch)
    before = _digest(work / "data")
    with pytest.raises(RetrocohortError) as err:
        run_pipeline(work)
    text = str(err.value)
    missing = [f for f in _case(case_id)["expect"] if f not in text]
    assert not missing, f"{case_id}: fragments {missing} not in message:\n{text}"
    assert _digest(work / "data") == before, "raw inputs were modified"


# --- through the real workflow (flagship study copy) -------------------------------------------

FLAGSHIP_RAW = "data/raw/baverez2022"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _thousands(work: Path) -> None:
    labs = work / FLAGSHIP_RAW / "synthetic_measurements.csv"
    lines = labs.read_text(encoding="utf-8").splitlines()
    row = next(i for i, line in enumerate(lines) if ",ferritin," in line)
    parts = lines[row].split(",")
    parts[3] = f'"{int(float(parts[3])):,}"'
    lines[row] = ",".join(parts)
    labs.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _identifier(work: Path) -> None:
    path = work / FLAGSHIP_RAW / "conditions_judgement.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",date_of_birth"] + [f"{line},12/03/19{50 + i}" for i, line in enumerate(lines[1:])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _config_key(work: Path) -> None:
    _edit(work / "config/config.yaml", "baseline_day:", "baseline_days: 0\nbaseline_day:")


def _missing_file(work: Path) -> None:
    (work / FLAGSHIP_RAW / "synthetic_baseline.csv").unlink()


def _undeclared_category(work: Path) -> None:
    # only per-site validation sees this: the config maps a code to a category it does not declare
    _edit(work / FLAGSHIP_RAW / "table2_patients.csv", "1,38,M,", "1,38,U,")
    _edit(work / "config/config.yaml", "map: {M: male, F: female}", "map: {M: male, F: female, U: unknown}")


# (id, corruption, expected fragments on stderr, first rule whose outputs must be absent)
WORKFLOW_CASES = [
    ("thousands_separator", _thousands, ["synthetic_measurements.csv", "no thousands separator"], "ingest"),
    (
        "identifier_dob",
        _identifier,
        ["conditions_judgement.csv", "column 'date_of_birth'", "direct identifier (date of birth)"],
        "ingest",
    ),
    ("config_unknown_key", _config_key, ["baseline_days", "unexpected"], "config"),
    ("missing_input_file", _missing_file, ["synthetic_baseline.csv", "does not exist"], "config"),
    (
        "undeclared_category",
        _undeclared_category,
        ["Validation failed for site 'lyon_rouen'", "table2_patients.csv", "value 'unknown'"],
        "validate_site",
    ),
]


@pytest.mark.e2e
@pytest.mark.parametrize(
    "case_id, corrupt, fragments, stage", WORKFLOW_CASES, ids=[c[0] for c in WORKFLOW_CASES]
)
def test_workflow_stops_cleanly(case_id, corrupt, fragments, stage, tmp_path):
    work = copy_study(tmp_path)
    corrupt(work)
    before = _digest(work / "data")
    # no --quiet: Snakemake 9 prints nothing at all for a parse-time (config) error with it
    proc = snakemake(work, "--cores", "2", "all", timeout=300)
    assert proc.returncode != 0
    missing = [f for f in fragments if f not in proc.stderr]
    assert not missing, f"{missing} not in stderr:\n{proc.stderr[-3000:]}"
    assert "Traceback" not in proc.stderr or stage == "config"
    assert _digest(work / "data") == before, "raw inputs were modified"
    results = work / "results"
    produced = (
        sorted(str(p.relative_to(results)) for p in results.rglob("*") if p.is_file())
        if results.exists()
        else []
    )
    if "run_status.json" in produced:  # a run that started says it did not finish
        assert json.loads((results / "run_status.json").read_text())["status"] == "incomplete"
        produced.remove("run_status.json")
    assert not [p for p in produced if p.endswith(".tmp") or "/." in p], produced
    # outputs of rules that completed independently of the failing one are complete, not partial
    allowed = {"config": (), "ingest": (), "validate_site": ("interim/", "provenance/")}[stage]
    assert all(p.startswith(allowed) for p in produced) if allowed else produced == [], produced
    assert not any(p.startswith("interim/") and p.endswith("validation.json") for p in produced)
