"""Shared by the end-to-end tests: copy the project's workflow and a study into a temporary
directory, and run the real Snakemake there (the repository itself is never written).

A study's complete run is made once per test session (:func:`finished_run`, shared by the
pytest-xdist workers); tests that only read its results, or edit and rerun from a complete
state, start from it or from a :func:`warm_copy` instead of their own cold run; the report of
that run is built once too (:func:`finished_report`)."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")


def copy_study(dest: Path, study_dir: Path = ROOT) -> Path:
    """Snakefile, workflow/ and notebooks/ of the project + config/ and data/ of ``study_dir``."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "Snakefile", dest / "Snakefile")
    for folder in ("workflow", "notebooks"):
        shutil.copytree(ROOT / folder, dest / folder)
    for folder in ("config", "data"):
        shutil.copytree(study_dir / folder, dest / folder)
    return dest


def snakemake(workdir: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    """Run Snakemake in ``workdir``; output captured as text."""
    return subprocess.run(
        [str(SNAKEMAKE), *args],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=kwargs.pop("timeout", 600),
        **kwargs,
    )


def run_all(workdir: Path, *extra: str, **kwargs) -> subprocess.CompletedProcess:
    """The whole workflow (rule all) on two cores, quietly."""
    return snakemake(workdir, "--cores", "2", "--quiet", "all", *extra, **kwargs)


def session_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of this test session that every pytest-xdist worker sees (the workers' own
    base temp directories are ``popen-gwN`` inside it); without xdist, the session's own."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _study_name(study_dir: Path) -> str:
    return "root" if study_dir == ROOT else study_dir.relative_to(ROOT).as_posix().replace("/", "_")


def _once_per_session(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    make: Callable[[Path], subprocess.CompletedProcess],
    what: str,
) -> Path:
    """``finished-runs/<name>`` of the session, made once by ``make(directory)`` and shared by
    every pytest-xdist worker: the first caller makes it (a file lock makes the others wait),
    later callers get the finished directory. A failure is recorded, so every test that needs it
    fails with the same message without making it again."""
    shared = session_dir(tmp_path_factory) / "finished-runs"
    shared.mkdir(exist_ok=True)
    work, done, failed = shared / name, shared / f"{name}.done", shared / f"{name}.failed"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not done.exists() and not failed.exists():
            shutil.rmtree(work, ignore_errors=True)
            proc = make(work)
            if proc.returncode == 0:
                done.touch()
            else:
                failed.write_text(proc.stderr[-3000:], encoding="utf-8")
    assert not failed.exists(), f"{what} failed:\n{failed.read_text(encoding='utf-8')}"
    return work


def finished_run(tmp_path_factory: pytest.TempPathFactory, study_dir: Path = ROOT) -> Path:
    """The whole workflow (rule all, :func:`run_all`) of ``study_dir``, run once per test
    session and shared by every pytest-xdist worker: the first caller runs it (a file lock makes
    the others wait), later callers get the finished directory.

    Read it, never write in it: a test that runs or edits anything works on a :func:`warm_copy`.
    A failed run is recorded, so every test that needs it fails with the same message without
    running it again.
    """
    return _once_per_session(
        tmp_path_factory,
        _study_name(study_dir),
        lambda work: run_all(copy_study(work, study_dir), timeout=1200),
        f"the run of {study_dir}",
    )


def finished_report(tmp_path_factory: pytest.TempPathFactory, study_dir: Path = ROOT) -> Path:
    """A copy of :func:`finished_run` with its Snakemake report (``results/report.html``, built
    by ``snakemake --report``), made once per session and shared by every pytest-xdist worker
    like the run itself (the tests that read the report of a complete run built one each
    before: the flagship's four times a session). Read it, never write in it."""

    def build(work: Path) -> subprocess.CompletedProcess:
        shutil.copytree(finished_run(tmp_path_factory, study_dir), work, symlinks=True)
        return snakemake(work, "--cores", "1", "--quiet", "--report", "results/report.html", timeout=300)

    return _once_per_session(
        tmp_path_factory, _study_name(study_dir) + "-report", build, f"the report of {study_dir}"
    )


def warm_copy(tmp_path_factory: pytest.TempPathFactory, dest: Path, study_dir: Path = ROOT) -> Path:
    """A copy of :func:`finished_run` at ``dest``, ``.snakemake/`` and modification times
    included: Snakemake finds it complete (nothing to do), as after ``run_all(copy_study(dest))``."""
    shutil.copytree(finished_run(tmp_path_factory, study_dir), dest, symlinks=True, dirs_exist_ok=True)
    return dest
