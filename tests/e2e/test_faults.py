"""A run killed with SIGKILL at the start of every job, then resumed, ends byte-identical.

One working copy is driven through a chain of interrupted runs (``--cores 1``, so one job at a
time): each run is killed (SIGKILL to its whole process group: Snakemake and the job's Python
process, no chance to clean up) as soon as a job that has not been killed yet opens its log
file. The next run does what a user would do after a crash: ``snakemake --unlock`` (the killed
process leaves its lock behind), then ``snakemake --rerun-incomplete`` (the killed job's
outputs are marked incomplete). Once every job of the workflow has been killed once, a final
run completes, and every file under ``results/`` must equal, byte for byte, the result of an
uninterrupted run. Jobs are discovered from the uninterrupted run's logs, so new rules are
covered without editing this test.
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


def job_logs(work: Path) -> set[str]:
    logs = work / "logs"
    return (
        {str(p.relative_to(work)) for p in logs.rglob("*.log") if "benchmarks" not in p.parts}
        if logs.exists()
        else set()
    )


def run_until_a_new_job_starts(work: Path, killed: set[str]) -> str | None:
    """Start the workflow; SIGKILL it when a job not yet killed writes its log. Returns that
    job's log path, or None when the run finished first."""
    started = time.time()
    proc = subprocess.Popen(
        [str(SNAKEMAKE), "--cores", "1", "--quiet", "--rerun-incomplete", "all"],
        cwd=work,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        while proc.poll() is None:
            fresh = sorted(log for log in job_logs(work) - killed if (work / log).stat().st_mtime >= started)
            if fresh:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return fresh[0]
            time.sleep(0.01)
        assert proc.returncode == 0, proc.stderr.read()[-3000:]
        return None
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def test_sigkill_at_every_job_then_resume_is_byte_identical(tmp_path, tmp_path_factory):
    work = copy_study(tmp_path / "killed")
    killed: set[str] = set()
    for _ in range(100):  # each run kills a job not killed before, until one run completes
        victim = run_until_a_new_job_starts(work, killed)
        if victim is None:
            break
        killed.add(victim)
        unlock = snakemake(work, "--unlock")
        assert unlock.returncode == 0, unlock.stderr[-2000:]
    # the uninterrupted run (the session's, read only), asked for only now: another pytest
    # worker can make it while this chain runs
    reference = finished_run(tmp_path_factory)
    jobs = job_logs(reference)
    assert len(jobs) >= 7, jobs
    assert killed == jobs, f"jobs never interrupted: {sorted(jobs - killed)}"

    final = snakemake(work, "--cores", "1", "--quiet", "--rerun-incomplete", "all")
    assert final.returncode == 0, final.stderr[-3000:]
    assert result_files(work) == result_files(reference)
    differing = [
        f
        for f in result_files(work)
        if (work / "results" / f).read_bytes() != (reference / "results" / f).read_bytes()
    ]
    import difflib

    diffs = {
        f: "\n".join(
            difflib.unified_diff(
                (reference / "results" / f).read_text(errors="replace").splitlines(),
                (work / "results" / f).read_text(errors="replace").splitlines(),
                lineterm="",
                n=1,
            )
        )[:2000]
        for f in differing
    }
    assert differing == [], diffs
    leftovers = [
        p
        for p in (work / "results").rglob("*")
        if p.name.endswith(".tmp") or (p.name.startswith(".") and p.name != ".snakemake_timestamp")
    ]  # Snakemake's
    # own marker in a directory() output (the validated measurements dataset) is expected
    assert leftovers == []


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
