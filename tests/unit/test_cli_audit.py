"""``retrocohort audit``: outputs, batch summary and documented exit codes (issue 17 item 1)."""

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from loaded_sections import filled

from retrocohort.cli import main

ROOT = Path(__file__).resolve().parents[2]
FLAGSHIP = ROOT / "config/published/baverez2022.yaml"
COUNTS = ROOT / "config/published/cavalli2020.yaml"


def test_flagship_without_data_finds_its_inconsistencies(tmp_path, capsys):
    assert main(["audit", str(FLAGSHIP), "--out", str(tmp_path)]) == 1
    out = tmp_path / "baverez2022"
    assert sorted(p.name for p in out.iterdir()) == ["audit.csv", "audit.html", "audit.json", "audit.md"]
    doc = json.loads((out / "audit.json").read_text())
    [study] = doc["referee"]["studies"]
    assert study["data"] == "none" and study["counts"]["inconsistent"] >= 1
    assert {"results_anakinra_duration", "t3_fever_p"} <= {e for f in study["findings"] for e in f["entries"]}
    md = (out / "audit.md").read_text()
    assert md.index("## Referee summary") < md.index("## Findings summary")
    assert "baverez2022: " in capsys.readouterr().out


def test_batch_directory_writes_summary_and_exit_zero_without_serious_findings(tmp_path):
    papers = tmp_path / "papers"
    papers.mkdir()
    shutil.copy(COUNTS, papers / "counts.yaml")
    assert main(["audit", str(papers), "--out", str(tmp_path / "out")]) == 0
    summary = pd.read_csv(tmp_path / "out/summary.csv")
    assert list(summary.columns) == [
        "paper",
        "file",
        "data",
        "checks",
        "ok",
        "warnings",
        "inconsistent",
        "serious",
    ]
    row = summary.iloc[0]
    assert (
        row["paper"] == "counts"
        and row["serious"] == 0
        and row["checks"] == row["ok"] + row["warnings"] + row["inconsistent"]
    )
    assert (tmp_path / "out/counts/audit.html").is_file()


def test_input_errors_exit_2_with_a_located_message(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "source: {citation: x}\nnumbers:\n  - {id: a, where: abstract, printed: '5', "
        "statistic: count, values: {count: 6}, decimals: {count: 0}, variable: v}\n"
    )
    assert main(["audit", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "bad.yaml" in err and "count=6" in err and "not visible in printed '5'" in err
    assert not (tmp_path / "o").exists()
    assert main(["audit", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "o")]) == 2
    assert "no such file or directory" in capsys.readouterr().err


def test_data_dir_without_a_run_is_an_input_error(tmp_path, capsys):
    project = tmp_path / "proj"
    (project / "config").mkdir(parents=True)
    shutil.copy(ROOT / "config/config.yaml", project / "config/config.yaml")
    code = main(["audit", str(COUNTS), "--data", str(project), "--out", str(tmp_path / "o")])
    assert code == 2
    assert "error:" in capsys.readouterr().err


def test_audit_options_read_from_the_study_config():
    from retrocohort.audit.regen.study_inputs import audit_options
    from retrocohort.config.study import load_study

    config = load_study(ROOT / "config/config.yaml", base_dir=ROOT).data  # as `audit --data` loads it
    options = audit_options(config, ROOT)
    assert options.rule == config["statistics"]["rounding"]
    assert options.ranges and all(lo <= hi for lo, hi in options.ranges.values())
    assert (options.calibration is not None) == bool(config.get("audit", {}).get("calibration"))
    bare = audit_options(filled({}))  # a study that sets none of these: the schema's defaults
    assert (bare.rule, bare.max_group_total, bare.calibration) == ("half_up", None, None)


def test_negative_sd_is_reported_as_impossible_not_refused_with_a_false_reason(tmp_path, capsys):
    """Before: exit 2, "value sd=-3.1 ... is not visible in printed '12.6 ± -3.1'" (it is)."""
    paper = tmp_path / "neg.yaml"
    paper.write_text(
        "source: {citation: x}\nnumbers:\n  - {id: bmi, where: Table 1, printed: '12.6 ± -3.1', "
        "statistic: mean_sd, values: {mean: 12.6, sd: -3.1}, decimals: {mean: 1, sd: 1}, variable: bmi, n: 10}\n",
        encoding="utf-8",
    )
    assert main(["audit", str(paper), "--out", str(tmp_path / "o")]) == 1
    assert "not visible" not in capsys.readouterr().err
    md = (tmp_path / "o/neg/audit.md").read_text(encoding="utf-8")
    assert "Table 1 reports “12.6 ± -3.1”: the SD -3.1 is negative: a spread cannot be below 0." in md


def test_a_config_run_refuses_is_refused_by_audit_data_with_the_same_error(tmp_path, capsys, monkeypatch):
    """Issue 22: `audit --data` loaded the study with its own loader (schema, no defaults filled):
    its error differed from `run`'s, and the code fell back on restated defaults."""
    from retrocohort.cli import run as run_cli

    study = tmp_path / "study"
    for folder in ("config", "data"):
        shutil.copytree(ROOT / ".test" / folder, study / folder)
    config = study / "config/config.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("cutoff: 169", "cutoff: high"), encoding="utf-8"
    )
    assert main(["audit", str(COUNTS), "--data", str(study), "--out", str(tmp_path / "o")]) == 2
    audit_err = capsys.readouterr().err
    monkeypatch.setattr(run_cli.subprocess, "run", lambda *a, **k: pytest.fail("Snakemake started"))
    assert main(["run", str(study), "--no-report"]) == 1
    run_err = capsys.readouterr().err
    assert "hscore/cutoff" in audit_err and not (tmp_path / "o").exists()
    assert "error: " + run_err.split("error: ", 1)[1] == audit_err


def test_audit_data_reads_the_study_with_its_schema_defaults(tmp_path, monkeypatch):
    """The config handed to the audit is the loaded study (defaults filled), not the raw file."""
    from retrocohort.audit.regen import study_inputs

    seen = {}

    def record(project, config):
        seen["config"] = config
        raise study_inputs.InputError("stop here", [])

    monkeypatch.setattr(study_inputs, "load_run_data", record)
    main(["audit", str(COUNTS), "--data", str(ROOT / ".test"), "--out", str(tmp_path / "o")])
    assert seen["config"]["statistics"]["decimals_for_tests"] == 6  # not in .test's file: the schema's
    assert seen["config"]["audit"]["quantile_types"] == [2, 6, 7]
