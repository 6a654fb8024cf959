"""Input checksums and run provenance (kept apart from byte-compared results)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    """SHA-256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def checksums(paths: list[str]) -> list[dict]:
    """One record per input: path, size in bytes, SHA-256 (sorted by path)."""
    return [{"path": p, "bytes": Path(p).stat().st_size, "sha256": sha256_file(p)} for p in sorted(paths)]


def package_versions(
    names: tuple[str, ...] = (
        "retrocohort",
        "snakemake",
        "pandas",
        "numpy",
        "scipy",
        "statsmodels",
        "matplotlib",
        "pandera",
        "pyarrow",
        "python-docx",
        "pint",
        "openpyxl",
        "PyYAML",
    ),
) -> dict[str, str]:
    """Installed versions of the packages that shape the results."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in names:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "not installed"
    return out


def git_state(repo: str | Path = ".") -> dict[str, object]:
    """Commit hash and dirty flag of the workflow checkout (None outside git)."""
    import subprocess

    def git(*args: str) -> str | None:
        try:
            return subprocess.run(
                ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}


def snakemake_invocation() -> dict[str, object]:
    """Command line and start time of the Snakemake process running this job (psutil).

    Walks up the parent processes to the first whose command line names ``snakemake``; the
    job itself runs in a child Python process whose own ``sys.argv`` is a temporary script.
    """
    import datetime as dt

    import psutil

    proc = psutil.Process()
    while proc is not None:
        try:
            cmdline = proc.cmdline()
        except (psutil.Error, OSError):
            break
        if any(Path(arg).name.startswith("snakemake") for arg in cmdline[:3]):
            started = dt.datetime.fromtimestamp(proc.create_time(), tz=dt.UTC)
            return {
                "command_line": cmdline,
                "cwd": proc.cwd(),
                "started_utc": started.isoformat(timespec="seconds"),
            }
        proc = proc.parent()
    return {"command_line": None, "cwd": str(Path.cwd()), "started_utc": None}


def run_record() -> dict[str, object]:
    """The non-reproducible part of provenance: command line, start and record timestamps, host.

    Written under ``logs/provenance/`` (never under ``results/``), so results stay
    byte-identical across runs while each run still says how and when it was made.
    """
    import datetime as dt
    import platform

    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return {**snakemake_invocation(), "recorded_utc": now, "host": platform.node(), "git": git_state()}
