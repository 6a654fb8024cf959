"""environment.yml, pyproject.toml and requirements.lock pin the same versions."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lines):
    out = {}
    for line in lines:
        m = re.match(r"^([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)", line)
        if m:
            out[_norm(m.group(1))] = m.group(2)
    return out


def test_pyproject_pins_match_lock_and_environment_yml():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = _pins(project["dependencies"] + project["optional-dependencies"]["test"])
    lock = _pins((ROOT / "requirements.lock").read_text().splitlines())
    env = {}
    for dep in yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]:
        if isinstance(dep, str) and "=" in dep:
            name, version = dep.split("=", 1)
            env[_norm(name)] = version
    assert declared, "pyproject.toml pins nothing"
    for name, version in declared.items():
        assert lock.get(name) == version, f"{name}: pyproject {version}, lock {lock.get(name)}"
        assert env.get(name) == version, f"{name}: pyproject {version}, environment.yml {env.get(name)}"
