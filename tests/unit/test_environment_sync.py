"""The four descriptions of the environment agree, and they cover everything the code imports.

- ``pyproject.toml`` (what ``pip install .`` installs), ``requirements.lock`` (what ``make setup``
  installs), ``environment.yml`` (conda, for developers) and ``workflow/envs/retrocohort.yaml``
  (the rules' conda env) pin the same versions.
- Every third-party top-level import in ``src/``, ``workflow/scripts/``, ``workflow/rules/``,
  ``Snakefile`` and ``notebooks/*.ipynb`` maps, through
  :func:`importlib.metadata.packages_distributions`, to a *runtime* dependency of
  ``pyproject.toml`` (not only to something the lock happens to pull in), and every notebook's
  kernel is declared too. This is the check that would have caught ``pip install .`` lacking
  nbformat/nbclient/ipykernel for rule ``notebook``.
"""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "retrocohort"
# Conda entries that are the interpreter and installer, not Python distributions we pin.
CONDA_TOOLS = {"python", "pip"}
# Notebook kernel name -> the distribution that provides that kernel.
KERNEL_PROVIDERS = {"python3": "ipykernel"}
# How the rules' conda env installs the package (see the comment in that file).
RULE_ENV_PIP_LINE = "--editable ${RETROCOHORT_ROOT}"


def _norm(name: str) -> str:
    """PEP 503 normalised distribution name (``PyYAML`` -> ``pyyaml``, ``python_docx`` -> ``python-docx``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines: list[str]) -> dict[str, str]:
    """``name==version`` requirement lines -> {normalised name: version}; extras and markers dropped."""
    out = {}
    for line in lines:
        m = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)", line)
        if m:
            out[_norm(m.group(1))] = m.group(2)
    return out


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _runtime_pins() -> dict[str, str]:
    return _pins(_project()["dependencies"])


def _extra_pins(extra: str) -> dict[str, str]:
    return _pins(_project()["optional-dependencies"][extra])


def _lock_pins() -> dict[str, str]:
    return _pins((ROOT / "requirements.lock").read_text().splitlines())


def _conda_env(path: Path) -> tuple[dict[str, str], list[str]]:
    """A conda env file -> ({normalised name: version} of its conda pins, its pip lines)."""
    conda, pip = {}, []
    for dep in yaml.safe_load(path.read_text())["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep.get("pip", []))
        elif "=" in dep:
            name, version = dep.split("=", 1)
            conda[_norm(name)] = version
    return conda, pip


def _env_pins(path: Path) -> dict[str, str]:
    """Every pin of a conda env file: its conda pins and its `pip:` pins (a package conda-forge
    does not carry, e.g. the typst wheel)."""
    conda, pip = _conda_env(path)
    return {**conda, **_pins([line.split("#")[0].strip() for line in pip])}


def _without_tools(pins: dict[str, str]) -> dict[str, str]:
    return {name: version for name, version in pins.items() if name not in CONDA_TOOLS}


# --- pins agree --------------------------------------------------------------------------------


def test_pyproject_pins_match_lock_and_environment_yml():
    declared = {**_runtime_pins(), **_extra_pins("test"), **_extra_pins("dev")}
    lock = _lock_pins()
    env = _env_pins(ROOT / "environment.yml")
    assert declared, "pyproject.toml pins nothing"
    for name, version in declared.items():
        assert lock.get(name) == version, f"{name}: pyproject {version}, lock {lock.get(name)}"
        assert env.get(name) == version, f"{name}: pyproject {version}, environment.yml {env.get(name)}"


def test_environment_yml_pins_only_what_pyproject_declares():
    """environment.yml = runtime + test + dev of pyproject, nothing more (a pin only conda knows drifts)."""
    declared = {**_runtime_pins(), **_extra_pins("test"), **_extra_pins("dev")}
    env = _env_pins(ROOT / "environment.yml")
    assert set(_without_tools(env)) == set(declared), (
        f"only in environment.yml: {sorted(set(_without_tools(env)) - set(declared))}; "
        f"only in pyproject.toml: {sorted(set(declared) - set(_without_tools(env)))}"
    )


def test_dev_extra_includes_test_extra():
    assert f"{PACKAGE}[test]" in _project()["optional-dependencies"]["dev"]


def test_slurm_extra_matches_the_slurm_profile_requirements():
    profile = _pins((ROOT / "profiles/slurm/requirements.txt").read_text().splitlines())
    for name, version in _extra_pins("slurm").items():
        assert profile.get(name) == version, f"{name}: pyproject {version}, profile {profile.get(name)}"


def test_rule_env_pins_exactly_the_runtime_dependencies():
    """workflow/envs/retrocohort.yaml: runtime pins of pyproject (no test tools), same Python."""
    rule_env, _ = _conda_env(ROOT / "workflow/envs/retrocohort.yaml")
    dev_env, _ = _conda_env(ROOT / "environment.yml")
    pins, runtime = _without_tools(rule_env), _runtime_pins()
    assert pins == runtime, (
        f"only in the rule env: {sorted(set(pins.items()) - set(runtime.items()))}; "
        f"only in pyproject dependencies: {sorted(set(runtime.items()) - set(pins.items()))}"
    )
    assert rule_env.get("python") == dev_env.get("python"), "the two conda envs name different Pythons"


def test_rule_env_installs_the_package_itself():
    """--sdm conda jobs must be able to import retrocohort: the env's pip section installs it."""
    _, pip = _conda_env(ROOT / "workflow/envs/retrocohort.yaml")
    assert pip == [RULE_ENV_PIP_LINE]


def test_package_python_requirement_matches_the_conda_envs():
    requires = _project()["requires-python"]
    python = _conda_env(ROOT / "environment.yml")[0]["python"]
    assert requires == f">={python}", f"requires-python {requires} but conda envs use python={python}"


# --- imports are declared ----------------------------------------------------------------------

IMPORT_LINE = re.compile(r"^\s*(?:import\s+([A-Za-z_]\w*)|from\s+([A-Za-z_]\w*)[\w.]*\s+import\s)")


def _ast_imports(source: str) -> Iterator[tuple[int, str]]:
    """(line, top-level module) of every absolute import in Python source."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]


def _snakemake_imports(source: str) -> Iterator[tuple[int, str]]:
    """Imports in Snakemake files (not valid Python, so matched by line)."""
    for number, line in enumerate(source.splitlines(), 1):
        m = IMPORT_LINE.match(line)
        if m:
            yield number, m.group(1) or m.group(2)


def _notebook_imports(path: Path) -> Iterator[tuple[int, str]]:
    """Imports of a notebook's code cells; the line number is the cell's index."""
    for index, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        python = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for _, module in _ast_imports(python):
            yield index, module


def _imports() -> Iterator[tuple[str, int, str]]:
    """(file relative to the repository, line, top-level module) of every import in scope."""
    python = [*sorted((ROOT / "src").rglob("*.py")), *sorted((ROOT / "workflow/scripts").glob("*.py"))]
    for path in python:
        for line, module in _ast_imports(path.read_text()):
            yield str(path.relative_to(ROOT)), line, module
    for path in [ROOT / "Snakefile", *sorted((ROOT / "workflow/rules").glob("*.smk"))]:
        for line, module in _snakemake_imports(path.read_text()):
            yield str(path.relative_to(ROOT)), line, module
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for line, module in _notebook_imports(path):
            yield f"{path.relative_to(ROOT)} (cell {line})", 0, module


def _local_modules() -> set[str]:
    """First-party names: the package and any helper module beside the workflow scripts."""
    return {PACKAGE} | {p.stem for p in (ROOT / "workflow/scripts").glob("*.py")}


def test_the_import_scan_finds_the_known_third_party_imports():
    """Guards the scanner itself: it must see imports in each kind of file it reads."""
    found = {(file.split(" ")[0], module) for file, _, module in _imports()}
    assert ("Snakefile", "snakemake") in found
    assert ("src/retrocohort/figures/style.py", "cycler") in found
    assert any(f.startswith("notebooks/") and m == "pandas" for f, m in found)
    assert any(f.startswith("workflow/scripts/") and m == PACKAGE for f, m in found)


def test_every_third_party_import_is_a_declared_runtime_dependency():
    providers = importlib.metadata.packages_distributions()
    declared = set(_runtime_pins())
    local = _local_modules()
    problems = []
    for file, line, module in _imports():
        if module in sys.stdlib_module_names or module in local:
            continue
        where = f"{file}:{line}" if line else file
        distributions = providers.get(module)
        if not distributions:
            problems.append(f"{where}: imports {module!r}, which no installed distribution provides")
        elif not {_norm(d) for d in distributions} & declared:
            problems.append(
                f"{where}: imports {module!r} (from {', '.join(sorted(set(distributions)))}), "
                "not in pyproject.toml [project] dependencies"
            )
    assert not problems, "undeclared imports:\n" + "\n".join(sorted(set(problems)))


def test_every_notebook_kernel_is_a_declared_runtime_dependency():
    declared = set(_runtime_pins())
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        kernel = json.loads(path.read_text())["metadata"]["kernelspec"]["name"]
        assert kernel in KERNEL_PROVIDERS, f"{path.name}: kernel {kernel!r} has no known provider"
        assert KERNEL_PROVIDERS[kernel] in declared, (
            f"{path.name} runs on kernel {kernel!r}: {KERNEL_PROVIDERS[kernel]} must be a runtime dependency"
        )
