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


def package_versions(names: tuple[str, ...] = (
        "retrocohort", "snakemake", "pandas", "numpy", "scipy", "statsmodels", "matplotlib",
        "pandera", "pyarrow", "python-docx", "pint", "openpyxl", "PyYAML")) -> dict[str, str]:
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
            return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                                  check=True, timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status) if status is not None else None}
