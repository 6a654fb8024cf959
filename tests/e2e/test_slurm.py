"""A study's workflow through SLURM (profiles/slurm) gives byte-identical results.

Needs a reachable SLURM (e.g. `sudo scripts/slurm-localhost.sh start`) and
snakemake-executor-plugin-slurm; without them the test is skipped and says why, except when
RETROCOHORT_REQUIRE_SLURM=1 (set by .ci/run once it has started SLURM), where it fails.

It runs the workflow of ``.test`` (the smallest study: 15 jobs of 15 rules, among them every
rule of the profile's set-resources) through SLURM with the profile and the flags of
scripts/slurm-integration.sh (whose single-node defaults it shares) and compares every file
under results/ with the session's local run of the same study (:func:`study.finished_run`,
``--cores 2``), which other tests use too. Each SLURM job costs about ten seconds of scheduling
and status checks whatever its size, so the study with the fewest jobs is the cheapest proof
(the flagship's 19 jobs took six minutes of CI). The plugin is imported from the environment or from
RETROCOHORT_SLURM_PLUGINS (a directory .ci/run installs it into, so that the other tests'
Snakemake runs do not pay for importing it).
"""

import importlib.machinery
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from study import ROOT, copy_study, finished_run, snakemake

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


def _plugin_path() -> list[str]:
    extra = os.environ.get("RETROCOHORT_SLURM_PLUGINS")
    return [extra] if extra else []


def _slurm_ready() -> str | None:
    finder = importlib.machinery.PathFinder
    if finder.find_spec("snakemake_executor_plugin_slurm", _plugin_path() + sys.path) is None:
        return "snakemake-executor-plugin-slurm is not installed"
    if shutil.which("sinfo") is None:
        return "SLURM client tools (sinfo) are not installed"
    proc = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
    if proc.returncode != 0 or not {"idle", "mixed"} & set(proc.stdout.split()):
        return "no idle SLURM node (start one with scripts/slurm-localhost.sh start)"
    return None


def _result_files(work: Path) -> list[str]:
    results = work / "results"
    return sorted(str(p.relative_to(results)) for p in results.rglob("*") if p.is_file())


def test_slurm_run_matches_local_run(tmp_path, tmp_path_factory) -> None:
    missing = _slurm_ready()
    if missing is not None:
        # CI starts a single-node SLURM and sets this: there a missing SLURM is a failure.
        if os.environ.get("RETROCOHORT_REQUIRE_SLURM") == "1":
            pytest.fail(f"RETROCOHORT_REQUIRE_SLURM=1 but {missing}")
        pytest.skip(missing)
    local = finished_run(tmp_path_factory, STUDY)  # read only
    work = copy_study(tmp_path / "slurm", STUDY)
    pythonpath = [*_plugin_path(), str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in pythonpath if p)}
    proc = snakemake(
        work, "--profile", str(ROOT / "profiles/slurm"), *SLURM_EXTRA, "--quiet", env=env, timeout=1800
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    files = _result_files(local)
    assert _result_files(work) == files
    differing = [
        f for f in files if (work / "results" / f).read_bytes() != (local / "results" / f).read_bytes()
    ]
    assert differing == [], f"results differ between the local and the SLURM run: {differing}"
