"""Shared by the end-to-end tests: copy the project's workflow and a study into a temporary
directory, and run the real Snakemake there (the repository itself is never written)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

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
