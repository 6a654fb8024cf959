"""A study's workflow through SLURM (profiles/slurm) gives byte-identical results.

Needs a reachable SLURM (e.g. `sudo scripts/slurm-localhost.sh start`) and
snakemake-executor-plugin-slurm; without them the test is skipped and says why, except when
RETROCOHORT_REQUIRE_SLURM=1 (set by .ci/run once it has started SLURM), where it fails.

It runs the workflow of ``.test`` (the smallest study: 15 jobs of 15 rules, among them every
rule of the profile's set-resources) through SLURM with the profile and the flags of
scripts/slurm-integration.sh (whose single-node defaults it shares) and compares every file
under results/ with the session's local run of the same study (:func:`study.finished_run`,
``--cores 2``), which other tests use too. The plugin is imported from the environment or from
RETROCOHORT_SLURM_PLUGINS (a directory .ci/run installs it into, so that the other tests'
Snakemake runs do not pay for importing it).

The SLURM run is mostly waiting: each SLURM job costs 10-20 s of scheduling and status checks
(the plugin checks 1 s after a job ends, then 11 s, 21 s, ... later) whatever its size, about
five minutes for the 15 jobs, nearly all of it asleep. So it does not occupy a test worker: when
the session holds this test, the first end-to-end test of the session starts the run in the
background (:func:`start_slurm_run`, from tests/e2e/conftest.py), while the other tests use the
CPU; this test, collected last (tests/conftest.py), waits for that run to end and then compares.
Run alone, it starts the run itself. Same command, same comparison: only its start moved.
"""

from __future__ import annotations

import fcntl
import importlib.machinery
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from study import ROOT, SNAKEMAKE, copy_study, finished_run, session_dir

pytestmark = pytest.mark.e2e
STUDY = ROOT / ".test"
#: scripts/slurm-integration.sh's SLURM_EXTRA for a cluster without accounting (slurmdbd).
SLURM_EXTRA = (
    "--slurm-status-command",
    "squeue",
    "--slurm-no-account",
    "--slurm-init-seconds-before-status-checks",
    "1",
)
#: Seconds the SLURM run may take (as the run's own timeout before it moved to the background).
TIMEOUT = 1800


def _plugin_path() -> list[str]:
    extra = os.environ.get("RETROCOHORT_SLURM_PLUGINS")
    return [extra] if extra else []


def slurm_missing() -> str | None:
    """Why no SLURM run can be made here (no plugin, no client tools, no idle node), or None."""
    finder = importlib.machinery.PathFinder
    if finder.find_spec("snakemake_executor_plugin_slurm", _plugin_path() + sys.path) is None:
        return "snakemake-executor-plugin-slurm is not installed"
    if shutil.which("sinfo") is None:
        return "SLURM client tools (sinfo) are not installed"
    proc = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
    if proc.returncode != 0 or not {"idle", "mixed", "allocated"} & set(proc.stdout.split()):
        return "no idle SLURM node (start one with scripts/slurm-localhost.sh start)"
    return None


def _result_files(work: Path) -> list[str]:
    results = work / "results"
    return sorted(str(p.relative_to(results)) for p in results.rglob("*") if p.is_file())


def _run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's SLURM run (every pytest-xdist worker sees the same directory)."""
    return session_dir(tmp_path_factory) / "slurm-run"


def start_slurm_run(tmp_path_factory: pytest.TempPathFactory) -> subprocess.Popen | None:
    """Start the session's SLURM run of ``.test`` in the background, once per session: the
    returned process for the caller that started it (it must wait for it, see
    tests/e2e/conftest.py), None for every later caller or where SLURM is missing. The run's
    exit status goes to ``returncode`` in :func:`_run_dir` when it ends, its output beside it."""
    if slurm_missing() is not None:
        return None
    run = _run_dir(tmp_path_factory)
    run.mkdir(exist_ok=True)
    with open(run / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (run / "started").exists():
            return None
        work = copy_study(run / "work", STUDY)
        pythonpath = [*_plugin_path(), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in pythonpath if p)}
        command = [str(SNAKEMAKE), "--profile", str(ROOT / "profiles/slurm"), *SLURM_EXTRA, "--quiet"]
        # the exit status is written by a shell around Snakemake: a worker other than the one
        # that started the run reads it from the file
        script = 'timeout "$0" "$@" >../stdout 2>../stderr; echo $? >../returncode.tmp; mv ../returncode.tmp ../returncode'
        proc = subprocess.Popen(
            ["sh", "-c", script, str(TIMEOUT), *command], cwd=work, env=env, start_new_session=True
        )
        (run / "started").touch()
        return proc


def wait_for(proc: subprocess.Popen) -> None:
    """Wait for a SLURM run this process started; interrupted (Ctrl-C), stop it as Ctrl-C in a
    terminal would (SIGINT to its process group: Snakemake cancels its SLURM jobs)."""
    try:
        proc.wait()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def slurm_run_result(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """Wait for the session's SLURM run (starting it if nobody has): its exit status, the end
    of its output, its working directory."""
    started = start_slurm_run(tmp_path_factory)
    run = _run_dir(tmp_path_factory)
    deadline = time.monotonic() + TIMEOUT + 60
    while not (run / "returncode").exists():
        assert time.monotonic() < deadline, f"the SLURM run in {run} did not end in {TIMEOUT} s"
        time.sleep(1)
    if started is not None:
        wait_for(started)
    output = (run / "stdout").read_text(errors="replace")[-2000:] + (run / "stderr").read_text(
        errors="replace"
    )[-3000:]
    return int((run / "returncode").read_text()), output, run / "work"


def test_slurm_run_matches_local_run(tmp_path_factory) -> None:
    missing = slurm_missing()
    if missing is not None:
        # CI starts a single-node SLURM and sets this: there a missing SLURM is a failure.
        if os.environ.get("RETROCOHORT_REQUIRE_SLURM") == "1":
            pytest.fail(f"RETROCOHORT_REQUIRE_SLURM=1 but {missing}")
        pytest.skip(missing)
    returncode, output, work = slurm_run_result(tmp_path_factory)
    assert returncode == 0, output
    local = finished_run(tmp_path_factory, STUDY)  # read only
    files = _result_files(local)
    assert _result_files(work) == files
    differing = [
        f for f in files if (work / "results" / f).read_bytes() != (local / "results" / f).read_bytes()
    ]
    assert differing == [], f"results differ between the local and the SLURM run: {differing}"
