"""Ctrl-C while a job has written part of its outputs: the plain command then recovers.

Split from test_faults.py (the SIGKILL chain) so that pytest-xdist (``--dist loadfile``) can
run the two long fault tests on different workers.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from study import SNAKEMAKE, copy_study, finished_run, snakemake
from test_determinism import result_files

pytestmark = pytest.mark.e2e


def _marked_incomplete_and_present(work: Path) -> str | None:
    """An output Snakemake marks incomplete (its job is running) that already exists on disk."""
    import base64

    markers = work / ".snakemake/incomplete"
    for marker in markers.iterdir() if markers.exists() else []:
        try:
            name = base64.b64decode(marker.name, validate=True).decode()
        except ValueError:
            continue
        if (work / name).is_file():
            return name
    return None


def _interrupt_mid_job(work: Path) -> tuple[int, str, str]:
    """Start the workflow in ``work``, SIGINT its whole process group as soon as a running job
    has written one of its outputs; (exit code, stderr, that output)."""
    run = subprocess.Popen(
        [str(SNAKEMAKE), "--cores", "1", "all"],
        cwd=work,
        start_new_session=True,
        # as typed in a terminal: SIGINT at its default disposition (a shell starting this test
        # run in the background sets it to "ignored", which children inherit, and Snakemake would
        # then never see the Ctrl-C)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    interrupted = None
    try:
        while run.poll() is None and interrupted is None:
            interrupted = _marked_incomplete_and_present(work)
            time.sleep(0.002)
        assert interrupted is not None, "no job was caught with an output written"
        os.killpg(run.pid, signal.SIGINT)
        _, err = run.communicate(timeout=120)
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
    return run.returncode, err, interrupted


def test_ctrl_c_mid_job_then_the_plain_command_recovers(tmp_path, tmp_path_factory):
    """Ctrl-C (SIGINT to the whole foreground group) while a job has written part of its outputs:
    those outputs are removed and listed in run_status.json; the plain command then completes
    (no --rerun-incomplete, no --unlock) with results identical to an uninterrupted run. A config
    that then fails to load marks the results stale and removes the report; `retrocohort report`
    refuses with the reason; once the config loads again the status is back."""
    import json
    import shutil

    from study import ROOT

    reference = finished_run(tmp_path_factory, ROOT / ".test")  # uninterrupted (read only)
    (tmp_path / "work").mkdir()
    work = copy_study(tmp_path / "work", ROOT / ".test")

    # The interruption races the job it aims at (on a loaded machine the job may finish between
    # the poll that saw its output and the signal, or the run may end first): try a fresh copy
    # up to three times until a run is really stopped with a job's outputs half written.
    def removed_after_interrupt() -> tuple[int, str, list[str], dict]:
        returncode, err, _ = _interrupt_mid_job(work)
        status_file = work / "results/run_status.json"
        status = json.loads(status_file.read_text(encoding="utf-8")) if status_file.exists() else {}
        return returncode, err, status.get("interrupted_outputs_removed") or [], status

    for _attempt in range(3):
        returncode, err, removed, status = removed_after_interrupt()
        if returncode != 0 and removed:
            break
        shutil.rmtree(work)
        (tmp_path / "work").mkdir()
        work = copy_study(tmp_path / "work", ROOT / ".test")
    assert returncode != 0 and removed, f"three runs were not stopped mid-job: {status}"
    assert status["status"] == "incomplete"
    assert not any((work / name).exists() for name in removed)
    assert all(name in err for name in removed)  # listed on screen too

    plain = snakemake(work, "--cores", "1", "--quiet", "all")
    assert plain.returncode == 0, plain.stderr[-3000:]
    assert json.loads((work / "results/run_status.json").read_text())["status"] == "complete"
    assert result_files(work) == result_files(reference)
    differing = [
        f
        for f in result_files(work)
        if (work / "results" / f).read_bytes() != (reference / "results" / f).read_bytes()
    ]
    assert differing == []

    # a typo in a key: plain Snakemake stops at the config and the results say they are stale
    from retrocohort.cli import main

    (work / "results/report.html").write_text("<html>an earlier report</html>", encoding="utf-8")
    config = work / "config/config.yaml"
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("baseline_day:", "baseline_dya:", 1), encoding="utf-8")
    broken = snakemake(work, "--cores", "1", "all")
    assert broken.returncode != 0 and "baseline_dya" in broken.stderr
    stale = json.loads((work / "results/run_status.json").read_text(encoding="utf-8"))
    assert stale["status"] == "stale" and "baseline_dya" in stale["reason"]
    assert stale["reason"].startswith("the config failed to load")
    assert not (work / "results/report.html").exists()
    assert main(["-C", str(work), "report"]) == 1
    config.write_text(good, encoding="utf-8")
    again = snakemake(work, "--cores", "1", "--quiet", "all")
    assert again.returncode == 0, again.stderr[-3000:]
    assert json.loads((work / "results/run_status.json").read_text())["status"] == "complete"
