"""``pip install`` of the built wheel, in a fresh venv, runs the whole pipeline (issue 13, item 7).

How, and why this way (honest, and fast enough for the e2e lane: ~30-60 s with a warm pip cache):

1. Build: copy ``pyproject.toml``, ``README.md``, ``LICENSE`` and ``src/`` to a temporary folder and
   run ``pip wheel --no-deps`` there (build isolation on, as any user's build; the checkout itself is
   never written: an in-tree build would leave ``build/`` and ``*.egg-info`` in it).
2. Install: a fresh venv *without* ``--system-site-packages`` (so neither the base interpreter's
   packages nor the development venv's editable ``retrocohort`` can leak in), then
   ``pip install --constraint requirements.lock <wheel>``. The dependencies come from the
   wheel's own metadata, i.e. from ``pyproject.toml`` alone: a dependency missing there is missing
   here and the run fails. ``requirements.lock`` is used only as *constraints* (versions, not a list
   of what to install), so the test is reproducible and pip reuses its cache. Shortcuts rejected:
   a ``.pth`` pointing at the development venv, or ``--system-site-packages`` over it, would hide
   exactly the missing-dependency defect this test exists for.
3. Run: ``PYTHONPATH`` unset, a temporary study directory holding only ``.test/config`` and
   ``.test/data`` (no ``Snakefile``, ``workflow/``, ``notebooks/`` or ``src/``), and from another
   working directory ``<venv>/bin/retrocohort run STUDY_DIR --cores 2``: the workflow installed with
   the wheel (``<venv>/share/retrocohort``) runs, rule ``notebook`` (nbclient + ipykernel) included.
4. Where ``retrocohort`` came from: the wheel is installed with ``--no-compile`` and the other
   checks import it with ``python -B``, so bytecode appears under the venv's
   ``site-packages/retrocohort`` only if the pipeline run imported it from there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from study import ROOT

pytestmark = pytest.mark.e2e

# Files a wheel must ship beyond the Python modules: the config schemas and the typing marker.
PACKAGE_DATA = (
    "retrocohort/py.typed",
    "retrocohort/config/schemas/config.schema.yaml",
    "retrocohort/config/schemas/published.schema.yaml",
)
# The workflow installed with the package (data files under <prefix>/share/retrocohort).
WORKFLOW_DATA = (
    "Snakefile",
    "workflow/rules/common.smk",
    "workflow/scripts/cohort_table.py",
    "workflow/report/workflow.rst",
    "notebooks/reviewer_walkthrough.ipynb",
)
# Enough for a cold pip cache on a slow mirror; the usual total is well under 2 minutes.
INSTALL_TIMEOUT_S = 600
RUN_TIMEOUT_S = 600


def _clean_env() -> dict[str, str]:
    """This process's environment without anything that points Python at the checkout or a venv, and
    with bytecode writing on (the evidence of where ``retrocohort`` was imported from)."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _run(cmd: list[str], cwd: Path, timeout: int) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The project's wheel, built from a copy of the sources."""
    source = tmp_path_factory.mktemp("wheel-source")
    for name in ("pyproject.toml", "README.md", "LICENSE", "Snakefile"):
        shutil.copy(ROOT / name, source / name)
    for folder in ("src", "workflow", "notebooks"):
        shutil.copytree(
            ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info")
        )
    dist = source / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", str(dist), "."],
        cwd=source,
        timeout=INSTALL_TIMEOUT_S,
    )
    (built,) = dist.glob("retrocohort-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv (no system site-packages) with the wheel and its declared dependencies."""
    path = tmp_path_factory.mktemp("wheel-venv") / "venv"
    _run([sys.executable, "-m", "venv", str(path)], cwd=path.parent, timeout=120)
    _run(
        [
            str(path / "bin/python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            "--constraint",
            str(ROOT / "requirements.lock"),
            str(wheel),
        ],
        cwd=path.parent,
        timeout=INSTALL_TIMEOUT_S,
    )
    return path


def _site_packages_package(venv: Path) -> Path:
    (package,) = venv.glob("lib/python3.*/site-packages/retrocohort")
    return package


def test_wheel_ships_package_data_and_license(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in PACKAGE_DATA if name not in names]
    assert not missing, f"{wheel.name} lacks {missing}"
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names), "LICENSE not in the wheel"
    shared = {
        name.split("/data/share/retrocohort/", 1)[1] for name in names if "/data/share/retrocohort/" in name
    }
    assert set(WORKFLOW_DATA) <= shared, f"{wheel.name} lacks workflow files {set(WORKFLOW_DATA) - shared}"
    rules = {f"workflow/rules/{p.name}" for p in (ROOT / "workflow/rules").glob("*.smk")}
    scripts = {f"workflow/scripts/{p.name}" for p in (ROOT / "workflow/scripts").glob("*.py")}
    assert rules | scripts <= shared, f"not installed with the package: {sorted((rules | scripts) - shared)}"


def test_fresh_venv_is_isolated_from_the_checkout(venv, tmp_path):
    """In the fresh venv, ``import retrocohort`` resolves to its site-packages, never to ``src/``."""
    code = "import retrocohort; print(retrocohort.__file__)"
    proc = _run([str(venv / "bin/python"), "-B", "-c", code], cwd=tmp_path, timeout=60)
    imported = Path(proc.stdout.strip()).resolve()
    assert imported.is_relative_to(_site_packages_package(venv).resolve()), imported
    cfg = (venv / "pyvenv.cfg").read_text()
    assert "include-system-site-packages = false" in cfg


def test_fresh_venv_installs_only_locked_versions(venv, tmp_path):
    """What ``pip install <wheel>`` pulled in is exactly pinned in requirements.lock (no unlocked dist)."""
    proc = _run([str(venv / "bin/python"), "-m", "pip", "list", "--format=json"], cwd=tmp_path, timeout=60)
    installed = {canonicalize_name(d["name"]): d["version"] for d in json.loads(proc.stdout)}
    pins = [line.split("==") for line in (ROOT / "requirements.lock").read_text().split()]
    lock = {canonicalize_name(name): version for name, version in pins}
    bootstrap = {"pip", "setuptools", "retrocohort"}  # from ensurepip, and the wheel itself
    unlocked = {name: v for name, v in installed.items() if name not in bootstrap and lock.get(name) != v}
    assert not unlocked, f"installed but not pinned (or pinned differently) in requirements.lock: {unlocked}"


def test_wheel_runs_a_study_directory_from_anywhere(venv, tmp_path):
    """``retrocohort run STUDY_DIR`` with the installed package alone: no checkout, no Snakefile in
    the study directory, started from another working directory."""
    package = _site_packages_package(venv)
    assert not list(package.rglob("*.pyc")), "installed with --no-compile: no bytecode yet"
    study = tmp_path / "study"
    for folder in ("config", "data"):
        shutil.copytree(ROOT / ".test" / folder, study / folder)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = _run(
        [str(venv / "bin/retrocohort"), "run", str(study), "--cores", "2", "--no-report", "--", "--quiet"],
        cwd=elsewhere,
        timeout=RUN_TIMEOUT_S,
    )
    assert str(venv / "share/retrocohort/Snakefile") in proc.stderr, proc.stderr[-2000:]
    assert (study / "results/notebook/reviewer_walkthrough.html").is_file(), "rule notebook did not run"
    assert not list(elsewhere.iterdir()), "the run wrote into the working directory it was started from"
    compiled = {p.parent.parent.name for p in package.rglob("__pycache__/*.pyc")}
    assert {"retrocohort", "cohort", "tables"} <= compiled, f"the run imported only {compiled} from {package}"
    provenance = json.loads((study / "results/provenance/inputs.json").read_text())
    assert provenance["retrocohort"]["source"] == "installed package"
    assert len(provenance["retrocohort"]["digest"]) == 64
    assert provenance["study_directory"]["repository"] is False
