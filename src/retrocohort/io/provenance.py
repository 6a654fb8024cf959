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
    """Commit, dirty flag and top-level folder of the git checkout holding ``repo``.

    Parameters
    ----------
    repo
        Any folder; ``git -C repo`` finds the checkout that contains it.

    Returns
    -------
    dict
        ``{"commit": str | None, "dirty": bool | None, "toplevel": str | None}``: all ``None``
        when ``repo`` is not inside a git checkout (or git is not installed). ``dirty`` ignores
        untracked files (``git status --porcelain --untracked-files=no``).
    """
    import subprocess

    def git(*args: str) -> str | None:
        try:
            return subprocess.run(
                ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, timeout=10
            ).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no") if commit else None
    toplevel = git("rev-parse", "--show-toplevel") if commit else None
    return {"commit": commit, "dirty": bool(status) if status is not None else None, "toplevel": toplevel}


def tree_digest(
    folder: str | Path, suffixes: tuple[str, ...] = (".py", ".yaml", ".smk", ".rst", ".R")
) -> str:
    """SHA-256 over the files of an installed package: relative path and content, sorted by path.

    Identifies the code that ran when it is not a git checkout (a wheel installed with
    ``pip install``): two installations with the same digest hold the same source files.
    Byte-compiled caches (``__pycache__``) are left out.
    """
    root = Path(folder)
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(sha256_file(path).encode() + b"\n")
    return digest.hexdigest()


def software_state() -> dict[str, object]:
    """Which retrocohort ran: its version and, from a checkout, the commit; else a source digest.

    Returns
    -------
    dict
        ``version`` (package metadata), ``source`` (``"git checkout"`` or ``"installed
        package"``), and ``commit`` + ``dirty`` for a checkout or ``digest``
        (:func:`tree_digest` of the installed ``retrocohort`` folder) for an installed package.
    """
    from importlib.metadata import PackageNotFoundError, version

    import retrocohort

    package_dir = Path(retrocohort.__file__).resolve().parent
    try:
        installed = version("retrocohort")
    except PackageNotFoundError:
        installed = "not installed"
    checkout = git_state(package_dir)
    if checkout["commit"]:
        return {
            "version": installed,
            "source": "git checkout",
            "commit": checkout["commit"],
            "dirty": checkout["dirty"],
        }
    return {"version": installed, "source": "installed package", "digest": tree_digest(package_dir)}


def study_state(study_dir: str | Path = ".") -> dict[str, object]:
    """The study directory's own git state, when it is (inside) a git repository.

    Returns
    -------
    dict
        ``{"repository": bool, "commit", "dirty"}``; ``repository`` is False (commit and
        dirty ``None``) for a study directory that is not under git. A study kept inside the
        retrocohort checkout (``studies/pbc``) reports that checkout's commit.
    """
    state = git_state(study_dir)
    return {"repository": state["commit"] is not None, "commit": state["commit"], "dirty": state["dirty"]}


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
    return {
        **snakemake_invocation(),
        "recorded_utc": now,
        "host": platform.node(),
        "retrocohort": software_state(),
        "study_directory": study_state(),
    }
