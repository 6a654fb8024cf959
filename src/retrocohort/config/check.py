"""Load and check a study configuration (the study *is* its config).

Two layers of checks: the JSON Schema in ``src/retrocohort/config/schemas/config.schema.yaml`` (keys, types,
enums; the same file Snakemake's ``validate`` uses), then cross-references the schema cannot
express (a table row naming an undeclared variable, a source file that does not exist:
:mod:`retrocohort.config.references`), in one pass (:func:`config_problems`): every problem of
both layers is reported together."""

from __future__ import annotations

import copy
import dataclasses
import functools
from pathlib import Path
from typing import Any

from retrocohort.config.references import semantic_problems
from retrocohort.config.yaml_strict import SAFE_LOADER, StrictYaml, read_yaml_strict
from retrocohort.errors import ConfigError, Problem

__all__ = ["SAFE_LOADER", "SCHEMA_PATH", "check_config", "config_schema", "load_config", "read_yaml"]

#: The study-config schema, shipped with the package (package data, found in a wheel too).
SCHEMA_PATH = Path(__file__).resolve().with_name("schemas") / "config.schema.yaml"


@functools.cache
def _parsed_schema() -> Any:
    return read_yaml(SCHEMA_PATH)


def config_schema() -> Any:
    """The study-config schema (:data:`SCHEMA_PATH`), parsed once per process, a fresh copy each
    call (a caller may fill defaults into it): the strict parse costs 0.1 s of CPU, paid before
    at every load of a config, in every job and test."""
    return copy.deepcopy(_parsed_schema())


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


#: Top-level sections whose entries are named (``variables/<name>``): a schema error inside an
#: entry removes that entry from the cross-reference checks; ``variables`` and ``derived`` keep
#: the name (so references to it are not reported as unknown), emptied.
NAMED_SECTIONS = ("variables", "derived", "sites", "tables", "time_points", "unit_spellings", "agents")
KEEP_NAME = ("variables", "derived")


def _broken_entry(path: tuple) -> tuple:
    """The config entry a schema error at ``path`` breaks: the first list item on the path
    (``survival/0``, ``tables/t1/rows/2``), else a named entry (``tables/t1``), else the key."""
    if not path:
        return ()
    for k, part in enumerate(path):
        if isinstance(part, int):
            return path[: k + 1]
    if path[0] in NAMED_SECTIONS and len(path) >= 2:
        return path[:2]
    return path


def without_broken(config: Any, paths: list[tuple]) -> tuple[Any, list[tuple[tuple, list[int]]]]:
    """A copy of ``config`` without the entries broken at ``paths`` (see :func:`_broken_entry`),
    and, for each list that lost items, (its key path, the original index of each kept item)."""
    import copy

    pruned = copy.deepcopy(config)
    entries = sorted({e for e in map(_broken_entry, paths) if e}, key=len, reverse=True)
    removed: dict[tuple, set[int]] = {}
    for entry in entries:
        parent: Any = pruned
        try:
            for key in entry[:-1]:
                parent = parent[key]
        except (KeyError, IndexError, TypeError):
            continue  # inside an entry already removed
        last = entry[-1]
        if isinstance(parent, dict) and last in parent:
            if entry[0] in KEEP_NAME and len(entry) == 2:
                parent[last] = {}
            else:
                del parent[last]
        elif isinstance(parent, list) and isinstance(last, int):
            removed.setdefault(entry[:-1], set()).add(last)
    remaps = []
    for prefix in sorted(removed, key=len, reverse=True):  # inner lists first: outer indices still original
        node: Any = pruned
        try:
            for key in prefix:
                node = node[key]
        except (KeyError, IndexError, TypeError):
            continue  # the list's whole entry was emptied or removed (an error outside the list too)
        kept = [i for i in range(len(node)) if i not in removed[prefix]]
        node[:] = [node[i] for i in kept]
        remaps.append((prefix, kept))
    return pruned, sorted(remaps, key=lambda r: len(r[0]))


def _original_path(column: str | None, remaps: list[tuple[tuple, list[int]]]) -> str | None:
    """The key path of a problem found on the pruned config, with list indices as written."""
    path = list(_key_path(column))
    if not path:
        return column
    for prefix, kept in remaps:  # outer lists first
        n = len(prefix)
        if tuple(path[:n]) == prefix and len(path) > n and isinstance(path[n], int) and path[n] < len(kept):
            path[n] = kept[path[n]]
    return "/".join(map(str, path))


def config_problems(
    config: Any,
    schema: dict,
    file: str,
    base_dir: str | Path | None = None,
    located: StrictYaml | None = None,
) -> list[Problem]:
    """Every problem of a study config in one pass: schema violations and cross-reference
    problems together, each with its key path.

    The cross-reference checks run on the config without the entries the schema found broken
    (a table, variable or list item: :func:`without_broken`), and a check that still cannot run
    on what is left is skipped; so a schema error hides only the checks that depend on the
    broken part, never the problems of the rest of the config.
    """
    problems = schema_problems(config, schema, file, located)
    base = Path(base_dir) if base_dir else Path.cwd()
    if not isinstance(config, dict):
        return problems
    if not problems:
        return semantic_problems(config, file, base)
    pruned, remaps = without_broken(config, [_key_path(p.column) for p in problems])
    seen = {(p.column, p.message) for p in problems}
    for p in semantic_problems(pruned, file, base, tolerant=True):
        q = dataclasses.replace(p, column=_original_path(p.column, remaps))
        if (q.column, q.message) not in seen:
            problems.append(q)
    return problems


def load_config(path: str | Path, base_dir: str | Path | None = None) -> dict:
    """Read, schema-check and cross-check a study config; raise one :class:`ConfigError`."""
    path = Path(path)
    located = read_yaml_strict(path)
    config = located.data
    problems = config_problems(config, config_schema(), str(path), base_dir, located)
    if problems:
        raise ConfigError(f"Invalid study configuration {path}", with_lines(problems, located))
    return config


def check_config(config: dict, file: str = "config", base_dir: str | Path | None = None) -> None:
    """Schema and cross-reference checks in one pass (:func:`config_problems`).

    Raises one :class:`ConfigError` with one line per problem (key path, value, expectation),
    instead of the full-schema dump of a raw ``jsonschema`` error.
    """
    problems = config_problems(config, config_schema(), file, base_dir)
    if problems:
        raise ConfigError(f"Invalid study configuration {file}", problems)


def variable_label(config: dict, name: str) -> str:
    """Human label of a declared or derived variable (falls back to the name)."""
    spec = config.get("variables", {}).get(name) or config.get("derived", {}).get(name) or {}
    return spec.get("label", name)
