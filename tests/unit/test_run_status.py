"""results/run_status.json never claims stale results are current (issue 21, deliverable 6): the
outputs of interrupted jobs are removed and listed; a config that fails to load marks earlier
results stale (and the status comes back once the config loads)."""

from __future__ import annotations

import json
import time

import pytest

from retrocohort.errors import ConfigError, Problem
from retrocohort.pipeline import run_status


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _status(project) -> dict:
    return json.loads((project / "results/run_status.json").read_text(encoding="utf-8"))


def test_an_interrupted_jobs_outputs_are_removed_and_listed(project):
    (project / "results/figures").mkdir(parents=True)
    run_status.start_run([("figures", "results/figures/km.png"), ("figures", "results/figures/km.svg")])
    time.sleep(0.01)
    (project / "results/figures/km.png").write_text("half written")  # the job was interrupted
    status = run_status.fail_run("log", incomplete=["results/figures/km.png", "results/figures/km.svg"])
    assert not (project / "results/figures/km.png").exists()
    assert status["interrupted_outputs_removed"] == ["results/figures/km.png"]
    assert status["jobs_not_finished"] == ["figures"]
    assert _status(project) == status


def test_outputs_left_by_a_killed_run_are_removed_at_the_next_start(project):
    (project / "results/stats").mkdir(parents=True)
    (project / "results/stats/table1.csv").write_text("partial")
    removed = run_status.start_run(
        [("table1_statistics", "results/stats/table1.csv")], ["results/stats/table1.csv"]
    )
    assert removed == ["results/stats/table1.csv"]
    assert not (project / "results/stats/table1.csv").exists()
    assert _status(project)["interrupted_outputs_removed"] == removed


def test_a_config_that_fails_to_load_marks_results_stale_until_it_loads_again(project):
    (project / "results").mkdir()
    (project / "results/report.html").write_text("<html></html>")
    run_status.finish_run()
    complete = _status(project)
    error = ConfigError(
        "Invalid config", [Problem(f"unknown key 'k{i}'", file="config/config.yaml") for i in range(5)]
    )
    reason = run_status.load_failure_reason(error)
    assert reason.startswith("Invalid config; ") and "k2" in reason and "k3" not in reason
    assert reason.endswith("and 2 more") and "\n" not in reason
    run_status.config_failed(reason)
    run_status.config_failed(reason)  # twice: the earlier status is still the complete one
    stale = _status(project)
    assert stale["status"] == "stale" and stale["reason"] == f"the config failed to load: {reason}"
    assert stale["previous"] == complete
    assert not (project / "results/report.html").exists()
    run_status.config_loaded()
    assert _status(project) == complete


def test_no_results_no_status(project):
    assert run_status.config_failed("bad") is None
    assert not (project / "results").exists()


def test_a_complete_run_lists_the_stale_wording_of_its_results_template(project):
    """A copied Results template whose config words changed (rule manuscript's ``stale_wording``)
    is named in the run's status, not only in its log."""
    (project / "results/manuscript").mkdir(parents=True)
    run_status.finish_run()
    assert "warnings" not in _status(project)
    stale = [
        'config/manuscript/results.md, line 13: "Younger" was the text of derived/g/level_labels/Q1, now "Lower half"'
    ]
    (project / "results/manuscript/values.json").write_text(
        json.dumps({"stale_wording": stale}), encoding="utf-8"
    )
    run_status.finish_run()
    status = _status(project)
    assert status["status"] == "complete" and status["warnings"] == [f"stale wording: {stale[0]}"]
    assert "1 warning(s) to check" in status["message"]
