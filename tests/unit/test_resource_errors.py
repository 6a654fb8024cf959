"""Resource failures in a rule's step (issue 14, item 7): a full disk, a read-only or unwritable
results directory each stop the rule with one paragraph naming the cause and the way out, exit
code 1, and the traceback in the rule's log (never on the terminal)."""

from __future__ import annotations

import errno
import logging
import os
from types import SimpleNamespace

import pytest

from retrocohort.pipeline import run_status
from retrocohort.pipeline.step import run_step


@pytest.fixture(autouse=True)
def _restore_root_logger():
    """run_step points the root logger at the rule's log (basicConfig(force=True)): undo it."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:], root.level = handlers, level


def _smk(tmp_path):
    return SimpleNamespace(
        rule="table1", log=[str(tmp_path / "table1.log")], input={}, output={}, params={}, wildcards={}
    )


def _raising(code: int):
    def step(**_):
        raise OSError(code, os.strerror(code), "results/tables/table1.csv")

    return step


def _run(tmp_path, capsys, step):
    smk = _smk(tmp_path)
    with pytest.raises(SystemExit) as stop:
        run_step(smk, step)
    err = capsys.readouterr().err
    log = (tmp_path / "table1.log").read_text(encoding="utf-8")
    return stop.value.code, err, log


@pytest.mark.parametrize(
    "code, cause, recovery",
    [
        (errno.ENOSPC, "the disk is full (No space left on device)", "--rerun-incomplete"),
        (errno.EROFS, "read-only file system", "run from a writable copy"),
        (errno.EACCES, "permission denied", "make results/ and logs/ writable by you, then rerun"),
    ],
    ids=["ENOSPC", "EROFS", "EACCES"],
)
def test_resource_error_is_one_paragraph_with_cause_and_recovery(tmp_path, capsys, code, cause, recovery):
    exit_code, err, log = _run(tmp_path, capsys, _raising(code))
    assert exit_code == 1
    paragraph = err.strip()
    assert "\n" not in paragraph, f"not one paragraph:\n{err}"
    assert paragraph.startswith("retrocohort: rule table1 stopped:")
    assert cause in paragraph and recovery in paragraph
    assert os.strerror(code) in paragraph and "results/tables/table1.csv" in paragraph
    assert "Traceback" not in err
    assert "Traceback (most recent call last)" in log and f"[Errno {code}]" in log


def test_other_os_error_points_to_the_log(tmp_path, capsys):
    exit_code, err, log = _run(tmp_path, capsys, _raising(errno.EIO))
    assert exit_code == 1
    assert "rule table1 failed" in err and "table1.log" in err and "Traceback" not in err
    assert "Traceback (most recent call last)" in log


def test_a_step_that_succeeds_exits_normally(tmp_path, capsys):
    run_step(_smk(tmp_path), lambda **_: None)
    assert capsys.readouterr().err == ""
    assert "done" in (tmp_path / "table1.log").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "hook, args",
    [
        (run_status.start_run, ([("tables", "results/tables/table1.md")],)),
        (run_status.finish_run, ()),
        (run_status.fail_run, ("log.txt",)),
    ],
    ids=["onstart", "onsuccess", "onerror"],
)
def test_a_read_only_results_directory_stops_the_run_status_hooks_with_one_paragraph(
    tmp_path, monkeypatch, hook, args
):
    """The run-status hooks write results/run_status.json: on a read-only results/ they raise
    RunStatusUnwritable carrying the same one paragraph as a rule's step (not a bare OSError)."""
    monkeypatch.chdir(tmp_path)

    def read_only(path, payload):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))

    monkeypatch.setattr(run_status, "_write", read_only)
    with pytest.raises(run_status.RunStatusUnwritable) as stop:
        hook(*args)
    paragraph = str(stop.value)
    assert "\n" not in paragraph
    assert paragraph.startswith("retrocohort: the run stopped: the results directory is on a read-only")
    assert "run from a writable copy" in paragraph and os.strerror(errno.EROFS) in paragraph


def test_the_run_status_hooks_pass_other_os_errors_on(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    def broken(path, payload):
        raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))

    monkeypatch.setattr(run_status, "_write", broken)
    with pytest.raises(OSError) as stop:
        run_status.finish_run()
    assert not isinstance(stop.value, run_status.RunStatusUnwritable)
