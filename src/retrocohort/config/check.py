"""Load and check a study configuration (the study *is* its config).

Two layers of checks: the JSON Schema in ``src/retrocohort/config/schemas/config.schema.yaml`` (keys, types,
enums; the same file Snakemake's ``validate`` uses), then cross-references the schema cannot
express (a table row naming an undeclared variable, a source file that does not exist).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import yaml

from retrocohort.config.derived_spec import FLAG_OPS, VARIABLE_OPS, first_of_rules
from retrocohort.errors import ConfigError, Problem

#: The study-config schema, shipped with the package (package data, found in a wheel too).
SCHEMA_PATH = Path(__file__).resolve().with_name("schemas") / "config.schema.yaml"


#: libyaml's safe loader when PyYAML was built with it (about 10x faster; same results).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster than pure Python


def read_yaml(path: str | Path) -> Any:
    """Parse a YAML file, turning syntax errors into a located :class:`ConfigError`."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"Configuration file not found: {path}",
                          [Problem("file does not exist", file=str(path))])
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(f"Cannot parse YAML in {path}", [Problem(
            str(getattr(exc, "problem", exc)), file=str(path),
            row=mark.line + 1 if mark else None)]) from None


def schema_problems(config: Any, schema: dict, file: str) -> list[Problem]:
    """All JSON Schema violations, each located by its key path."""
    from jsonschema import Draft202012Validator

    problems = []
    for err in sorted(Draft202012Validator(schema).iter_errors(config), key=lambda e: list(e.path)):
        key = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        described = isinstance(err.schema, dict) and err.validator not in ("additionalProperties", "required")
        expected = err.schema.get("description") if described else None
        if err.validator == "additionalProperties":
            expected = "one of the keys documented in config/README.md: " + ", ".join(
                sorted(err.schema.get("properties", {}))) if err.schema.get("properties") else None
        problems.append(Problem(err.message, file=file, column=key, expected=expected))
    return problems


def all_variable_names(config: dict) -> set[str]:
    """Declared, derived and built-in variables (patient_id, site, hscore outputs)."""
    builtin = {"patient_id", "site", "hscore", "hscore_recomputed", "hscore_probability_pct"}
    return set(config.get("variables", {})) | set(config.get("derived", {})) | builtin


def _referenced_variables(config: dict) -> Iterable[tuple[str, str]]:
    """(key path, variable name) for every place the config names a variable."""
    for name, spec in config.get("derived", {}).items():
        for op, arg in spec.items():
            if op in FLAG_OPS:
                yield from ((f"derived/{name}/{op}", v) for v in arg)
            elif op in VARIABLE_OPS:
                yield f"derived/{name}/{op}/variable", arg["variable"]
            elif op == "first_of":
                yield from ((f"derived/{name}/first_of/{i}/variable", v)
                            for i, (names, _) in enumerate(first_of_rules(arg)) for v in names)
    tables = config.get("tables", {})
    for i, row in enumerate(tables.get("table1", {}).get("rows", [])):
        if "variable" in row:
            yield f"tables/table1/rows/{i}/variable", row["variable"]
    for i, col in enumerate(tables.get("table2", {}).get("columns", [])):
        yield f"tables/table2/columns/{i}/variable", col["variable"]
    for i, par in enumerate(tables.get("table3", {}).get("parameters", [])):
        yield f"tables/table3/parameters/{i}/variable", par["variable"]
    for i, g in enumerate(config.get("groups", [])):
        yield f"groups/{i}/outcome", g["outcome"]
        yield f"groups/{i}/group_variable", g["group_variable"]
    for i, s in enumerate(config.get("survival", [])):
        yield f"survival/{i}/time", s["time"]
        for key in ("event", "group_variable"):
            if key in s:
                yield f"survival/{i}/{key}", s[key]
    for i, c in enumerate(config.get("selection", {}).get("criteria", [])):
        yield f"selection/criteria/{i}/column", c["column"]
    for site, spec in config.get("sites", {}).items():
        for j, src in enumerate(spec["sources"]):
            for var in src.get("columns", {}):
                yield f"sites/{site}/sources/{j}/columns/{var}", var
            for raw, var in src.get("variable_names", {}).items():
                yield f"sites/{site}/sources/{j}/variable_names/{raw}", var


def semantic_problems(config: dict, file: str, base_dir: Path) -> list[Problem]:
    """Cross-reference checks: unknown variables, missing input files, bad day settings."""
    known = all_variable_names(config)
    problems = [
        Problem("unknown variable", file=file, column=path, value=var,
                expected="a name declared under `variables:` or `derived:`")
        for path, var in _referenced_variables(config) if var not in known
    ]
    for site, spec in config.get("sites", {}).items():
        for j, src in enumerate(spec["sources"]):
            p = base_dir / src["path"]
            if not p.exists():
                problems.append(Problem("input file does not exist", file=file,
                                        column=f"sites/{site}/sources/{j}/path", value=src["path"]))
    published = config.get("study", {}).get("published")
    if published and not (base_dir / published).is_file():
        problems.append(Problem("published-numbers file does not exist", file=file,
                                column="study/published", value=published))
    return problems


def load_config(path: str | Path, base_dir: str | Path | None = None) -> dict:
    """Read, schema-check and cross-check a study config; raise one :class:`ConfigError`."""
    path = Path(path)
    config = read_yaml(path)
    schema = read_yaml(SCHEMA_PATH)
    problems = schema_problems(config, schema, str(path))
    if not problems:
        problems = semantic_problems(config, str(path), Path(base_dir) if base_dir else Path.cwd())
    if problems:
        raise ConfigError(f"Invalid study configuration {path}", problems)
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
