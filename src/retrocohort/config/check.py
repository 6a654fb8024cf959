"""Load and check a study configuration (the study *is* its config).

Two layers of checks: the JSON Schema in ``src/retrocohort/config/schemas/config.schema.yaml`` (keys, types,
enums; the same file Snakemake's ``validate`` uses), then cross-references the schema cannot
express (a table row naming an undeclared variable, a source file that does not exist:
:mod:`retrocohort.config.references`).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from retrocohort.config.references import semantic_problems
from retrocohort.config.yaml_strict import SAFE_LOADER, StrictYaml, read_yaml_strict
from retrocohort.errors import ConfigError, Problem

__all__ = ["SAFE_LOADER", "SCHEMA_PATH", "check_config", "load_config", "read_yaml"]

#: The study-config schema, shipped with the package (package data, found in a wheel too).
SCHEMA_PATH = Path(__file__).resolve().with_name("schemas") / "config.schema.yaml"


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file with the project's strict loader (:mod:`retrocohort.config.yaml_strict`).

    Syntax errors, duplicate or non-string keys, tags, alias bombs and the YTE key are one
    :class:`ConfigError` naming the file and line.
    """
    return read_yaml_strict(path).data


def schema_problems(config: Any, schema: dict, file: str, located: StrictYaml | None = None) -> list[Problem]:
    """All JSON Schema violations, each located by its key path (and line, when ``located``).

    A value that YAML 1.1 read as a boolean from an unquoted ``Yes``/``No``/``on``/``off`` gets a
    hint to quote it.
    """
    from jsonschema import Draft202012Validator

    problems = []
    for err in sorted(Draft202012Validator(schema).iter_errors(config), key=lambda e: list(e.path)):
        key = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        described = isinstance(err.schema, dict) and err.validator not in ("additionalProperties", "required")
        expected = err.schema.get("description") if described else None
        if err.validator == "additionalProperties":
            expected = (
                "one of the keys documented in config/README.md: "
                + ", ".join(sorted(err.schema.get("properties", {})))
                if err.schema.get("properties")
                else None
            )
        message = err.message
        written = located.yaml11_booleans.get(tuple(err.absolute_path)) if located else None
        if written is not None:
            message += (
                f" (the unquoted {written} is read by YAML 1.1 as the boolean {err.instance}; "
                f'write "{written}" in quotes where text is meant)'
            )
        problems.append(Problem(message, file=file, column=key, expected=expected))
    return problems


def _key_path(text: str | None) -> tuple[str | int, ...]:
    """``"sites/a/sources/0/path"`` -> ``("sites", "a", "sources", 0, "path")``."""
    if not text or text.startswith("("):
        return ()
    return tuple(int(p) if p.isdigit() else p for p in text.split("/"))


def with_lines(problems: list[Problem], located: StrictYaml) -> list[Problem]:
    """Prefix each problem located by a config key path with the line it is written on."""
    out = []
    for p in problems:
        line = located.line_of(_key_path(p.column)) if p.file else None
        out.append(dataclasses.replace(p, message=f"line {line}: {p.message}") if line else p)
    return out


def load_config(path: str | Path, base_dir: str | Path | None = None) -> dict:
    """Read, schema-check and cross-check a study config; raise one :class:`ConfigError`."""
    path = Path(path)
    located = read_yaml_strict(path)
    config = located.data
    schema = read_yaml(SCHEMA_PATH)
    problems = schema_problems(config, schema, str(path), located)
    if not problems:
        problems = semantic_problems(config, str(path), Path(base_dir) if base_dir else Path.cwd())
    if problems:
        raise ConfigError(f"Invalid study configuration {path}", with_lines(problems, located))
    return config


def check_config(config: dict, file: str = "config", base_dir: str | Path | None = None) -> None:
    """Schema, then cross-reference checks (used by the Snakefile before any rule runs).

    Raises one :class:`ConfigError` with one line per problem (key path, value, expectation),
    instead of the full-schema dump of a raw ``jsonschema`` error.
    """
    problems = schema_problems(config, read_yaml(SCHEMA_PATH), file)
    if not problems:
        problems = semantic_problems(config, file, Path(base_dir) if base_dir else Path.cwd())
    if problems:
        raise ConfigError(f"Invalid study configuration {file}", problems)


def variable_label(config: dict, name: str) -> str:
    """Human label of a declared or derived variable (falls back to the name)."""
    spec = config.get("variables", {}).get(name) or config.get("derived", {}).get(name) or {}
    return spec.get("label", name)
