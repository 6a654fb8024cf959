"""`retrocohort run`: the Snakemake command lines it builds, exit codes, and a real dry run."""

import subprocess
import sys
from pathlib import Path

import pytest

from retrocohort.cli import main

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = str(Path(sys.executable).with_name("snakemake"))


@pytest.fixture
def calls(monkeypatch):
    """Record subprocess.run calls of the run command; return codes from `codes`."""
    recorded = []
    codes = []

    def fake_run(cmd, cwd=None, env=None):
        recorded.append({"cmd": list(cmd), "cwd": Path(cwd), "env": env})
        return subprocess.CompletedProcess(cmd, codes.pop(0) if codes else 0)

    monkeypatch.setattr("retrocohort.cli.run.subprocess.run", fake_run)
    return recorded, codes


def test_workflow_then_report(calls):
    recorded, _ = calls
    assert main(["-C", str(ROOT), "run", "--cores", "2"]) == 0
    assert [c["cmd"] for c in recorded] == [
        [SNAKEMAKE, "--cores", "2", "--rerun-incomplete"],
        [SNAKEMAKE, "--cores", "2", "--report", "results/report.html"],
    ]
    assert all(c["cwd"] == ROOT for c in recorded)
    assert str(ROOT / "src") in recorded[0]["env"]["PYTHONPATH"].split(":")


def test_options_and_passthrough(calls, tmp_path):
    recorded, _ = calls
    profile = tmp_path / "prof"
    assert (
        main(
            [
                "-C",
                str(ROOT),
                "run",
                "--configfile",
                "config/config.yaml",
                "--profile",
                str(profile),
                "--no-report",
                "--",
                "--forceall",
                "--until",
                "hscore",
            ]
        )
        == 0
    )
    (only,) = recorded
    assert only["cmd"] == [
        SNAKEMAKE,
        "--configfile",
        str(Path("config/config.yaml").resolve()),
        "--profile",
        str(profile),
        "--rerun-incomplete",
        "--forceall",
        "--until",
        "hscore",
    ]


def test_unknown_options_pass_through_without_double_dash(calls):
    recorded, _ = calls
    assert main(["-C", str(ROOT), "run", "-n", "--quiet"]) == 0
    (only,) = recorded  # a dry run builds no report
    assert only["cmd"] == [SNAKEMAKE, "--cores", "all", "--rerun-incomplete", "-n", "--quiet"]


def test_cores_given_to_snakemake_are_not_duplicated(calls):
    recorded, _ = calls
    assert main(["-C", str(ROOT), "run", "--no-report", "--", "--jobs=3"]) == 0
    assert recorded[0]["cmd"] == [SNAKEMAKE, "--rerun-incomplete", "--jobs=3"]


def test_exit_code_is_snakemakes_and_no_report_after_failure(calls):
    recorded, codes = calls
    codes.append(3)
    assert main(["-C", str(ROOT), "run"]) == 3
    assert len(recorded) == 1


def test_report_failure_exit_code(calls):
    recorded, codes = calls
    codes += [0, 4]
    assert main(["-C", str(ROOT), "run"]) == 4
    assert len(recorded) == 2


def _second_study(dest: Path) -> Path:
    import shutil

    for folder in ("config", "data"):
        shutil.copytree(ROOT / ".test" / folder, dest / folder)
    return dest


def test_study_directory_without_snakefile_uses_the_checkout_snakefile(calls, tmp_path):
    recorded, _ = calls
    study = _second_study(tmp_path / "study")
    assert main(["-C", str(study), "run", "--no-report"]) == 0
    assert recorded[0]["cmd"][:3] == [SNAKEMAKE, "--snakefile", str(ROOT / "Snakefile")]
    assert recorded[0]["cwd"] == study.resolve()


def test_study_dir_as_argument_is_the_project_directory(calls, tmp_path):
    recorded, _ = calls
    study = _second_study(tmp_path / "study")
    assert main(["run", str(study), "--no-report"]) == 0
    assert recorded[0]["cwd"] == study.resolve()


def test_a_config_snakemake_would_evaluate_is_refused_before_snakemake_starts(calls, tmp_path, capsys):
    recorded, _ = calls
    study = _second_study(tmp_path / "study")
    config = study / "config/config.yaml"
    config.write_text("__use_yte__: true\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["run", str(study)]) == 1
    assert recorded == [] and "__use_yte__" in capsys.readouterr().err


def test_report_refuses_when_the_last_run_did_not_complete(tmp_path, capsys):
    from retrocohort.cli import main as cli

    (tmp_path / "results").mkdir()
    (tmp_path / "results/report.html").write_text("<html></html>")
    (tmp_path / "results/run_status.json").write_text(
        '{"status": "incomplete", "message": "The last run failed.", "jobs_not_finished": ["tables"]}'
    )
    assert cli(["-C", str(tmp_path), "report"]) == 1
    assert "did not complete" in capsys.readouterr().err


def test_an_interrupted_run_is_recovered_without_extra_flags(calls):
    """Jobs interrupted by Ctrl-C or a kill are rerun: the workflow command (only) carries
    --rerun-incomplete, once, unless the user gave it or the call runs no job."""
    recorded, _ = calls
    assert main(["-C", str(ROOT), "run", "--cores", "1"]) == 0
    assert recorded[0]["cmd"].count("--rerun-incomplete") == 1
    assert "--rerun-incomplete" not in recorded[1]["cmd"]  # the report call
    recorded.clear()
    assert main(["-C", str(ROOT), "run", "--cores", "1", "--", "--ri"]) == 0
    assert "--rerun-incomplete" not in recorded[0]["cmd"] and recorded[0]["cmd"].count("--ri") == 1
    recorded.clear()
    assert main(["-C", str(ROOT), "run", "--", "--unlock"]) == 0
    assert recorded[0]["cmd"] == [SNAKEMAKE, "--cores", "all", "--unlock"]


def test_make_run_recovers_an_interrupted_run_too():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun:")[1].split("\n\n")[0]
    workflow = next(line for line in recipe.splitlines() if "snakemake" in line and "--report" not in line)
    assert "--rerun-incomplete" in workflow


def _status(study: Path) -> dict:
    import json

    return json.loads((study / "results/run_status.json").read_text(encoding="utf-8"))


def test_a_config_that_fails_to_load_marks_earlier_results_stale(calls, tmp_path, capsys):
    """A typo in a key: `run` refuses before Snakemake, the earlier results are marked stale with
    the reason, the old report is removed, and `report` refuses, naming the reason."""
    recorded, _ = calls
    study = _second_study(tmp_path / "study")
    (study / "results").mkdir()
    (study / "results/report.html").write_text("<html>an earlier report</html>")
    complete = {"status": "complete", "message": "All outputs come from the current config and data."}
    import json

    (study / "results/run_status.json").write_text(json.dumps(complete))
    config = study / "config/config.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original.replace("baseline_day:", "baseline_dya:", 1), encoding="utf-8")
    assert "baseline_dya" in config.read_text(encoding="utf-8")
    assert main(["run", str(study)]) == 1
    assert recorded == []
    status = _status(study)
    assert status["status"] == "stale"
    assert status["reason"].startswith("the config failed to load: ") and "baseline_dya" in status["reason"]
    assert status["previous"] == complete
    assert not (study / "results/report.html").exists()
    capsys.readouterr()
    assert main(["-C", str(study), "report"]) == 1
    err = capsys.readouterr().err
    assert "not current" in err and "the config failed to load" in err and "baseline_dya" in err


def test_a_first_run_whose_config_fails_writes_no_results(calls, tmp_path):
    recorded, _ = calls
    study = _second_study(tmp_path / "study")
    config = study / "config/config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("baseline_day:", "baseline_dya:", 1))
    assert main(["run", str(study)]) == 1
    assert not (study / "results").exists()
