"""A run killed with SIGKILL at the start of every job, then resumed, ends byte-identical.

One working copy is driven through a chain of interrupted runs (``--cores 1``, so one job at a
time): each run is killed (SIGKILL to its whole process group: Snakemake and the job's Python
process, no chance to clean up) as soon as a job that has not been killed yet opens its log
file. The next run does what a user would do after a crash: ``snakemake --unlock`` (the killed
process leaves its lock behind), then ``snakemake --rerun-incomplete`` (the killed job's
outputs are marked incomplete). Every kill must leave the lock (``.snakemake/locks``);
``snakemake --unlock`` removes it after the first kill, and after the later ones the test
removes that directory itself, which is all ``--unlock`` does (Snakemake 9:
``Workflow.unlock`` parses the workflow, then ``Persistence.cleanup_locks`` deletes the lock
directory): the lock does not depend on which job was killed, and each ``--unlock`` was a
Snakemake start (~3 s of CPU, a fifth of the chain) that tested nothing new. Once every job of the workflow has been killed once, a final
run completes, and every file under ``results/`` must equal, byte for byte, the result of an
uninterrupted run. Jobs are discovered from the uninterrupted run's logs, so new rules are
covered without editing this test.

The study is ``.test``, the smallest (15 jobs, one per rule; test_ctrl_c.py interrupts it too):
each interrupted run costs two Snakemake starts (the run and ``--unlock``) and the rerun of the
killed job, so the chain's time is its number of jobs (the flagship's 19 took five and a half
minutes of CI). The flagship's rules that ``.test`` lacks (audit, manuscript, cohort_table,
group_comparisons, survival) write their outputs through the same Snakemake ``script:``
mechanism the killed rules use.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from study import ROOT, SNAKEMAKE, copy_study, finished_run, snakemake
from test_determinism import result_files

pytestmark = pytest.mark.e2e
STUDY = ROOT / ".test"


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


def unlock(work: Path, with_snakemake: bool) -> None:
    """Remove the lock the killed run left: ``snakemake --unlock`` (the user's command) when
    ``with_snakemake``, else delete ``.snakemake/locks``, which is what that command does."""
    locks = work / ".snakemake" / "locks"
    assert any(locks.glob("*.lock")), "a SIGKILLed run leaves its lock behind"
    if with_snakemake:
        proc = snakemake(work, "--unlock")
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert not locks.exists(), "snakemake --unlock removes the lock directory"
    else:
        shutil.rmtree(locks)


def test_sigkill_at_every_job_then_resume_is_byte_identical(tmp_path, tmp_path_factory):
    work = copy_study(tmp_path / "killed", STUDY)
    killed: set[str] = set()
    for _ in range(100):  # each run kills a job not killed before, until one run completes
        victim = run_until_a_new_job_starts(work, killed)
        if victim is None:
            break
        killed.add(victim)
        unlock(work, with_snakemake=len(killed) == 1)
    # the uninterrupted run (the session's, read only), asked for only now: another pytest
    # worker can make it while this chain runs
    reference = finished_run(tmp_path_factory, STUDY)
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
