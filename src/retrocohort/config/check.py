"""Load and check a study configuration (the study *is* its config).

Two layers of checks: the JSON Schema in ``src/retrocohort/config/schemas/config.schema.yaml`` (keys, types,
enums; the same file Snakemake's ``validate`` uses), then cross-references the schema cannot
express (a table row naming an undeclared variable, a source file that does not exist).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from retrocohort.config.derived_spec import FLAG_OPS, VARIABLE_OPS, first_of_rules
from retrocohort.config.yaml_strict import SAFE_LOADER, StrictYaml, read_yaml_strict
from retrocohort.errors import ConfigError, InputError, Problem

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


def resolve_inside(base_dir: str | Path, relative: str, file: str | None = None) -> Path:
    """``base_dir / relative``, refused unless it resolves (symlinks followed) inside ``base_dir``.

    A raw path is a declared input of the study: ``../``, an absolute path elsewhere, or a
    symlink out of the study directory (to ``/etc/passwd``, say) is an :class:`InputError`
    raised before the file is opened, so no message ever echoes a non-declared file's content.
    """
    root = Path(base_dir).resolve()
    target = (root / relative).resolve()
    if target != root and root not in target.parents:
        link = " (through a symbolic link)" if (root / relative).is_symlink() else ""
        raise InputError(
            f"Input path outside the study directory: {relative}",
            [
                Problem(
                    f"resolves to {target}{link}, outside the study directory {root}",
                    file=file or relative,
                    expected="a raw file inside the study directory (copy it there; no links out of it)",
                )
            ],
        )
    return target


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
                yield from (
                    (f"derived/{name}/first_of/{i}/variable", v)
                    for i, (names, _) in enumerate(first_of_rules(arg))
                    for v in names
                )
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


#: Plausible days relative to diagnosis (the same window ingestion enforces on raw days).
DAY_WINDOW = (-365, 3650)


def _variable_kind(config: dict, name: str) -> str | None:
    """Kind of a declared variable (derived ones: None, their kind depends on the operation)."""
    return config.get("variables", {}).get(name, {}).get("kind")


def _named_variables(config: dict) -> Iterable[tuple[str, str]]:
    """(key path, name) for analysis keys naming a variable beyond tables/groups/survival."""
    swimmer = config.get("figures", {}).get("swimmer") or {}
    for key in ("duration", "efficacy", "line", "ongoing"):
        if key in swimmer:
            yield f"figures/swimmer/{key}", swimmer[key]
    if "status" in swimmer:
        yield "figures/swimmer/status/variable", swimmer["status"]["variable"]
    score = config.get("selection", {}).get("score")
    if score is not None and score != "recomputed":
        yield "selection/score", score
    hscore = config.get("hscore", {})
    if "reported_column" in hscore:
        yield "hscore/reported_column", hscore["reported_column"]
    for item, var in (hscore.get("columns") or {}).items():
        yield f"hscore/columns/{item}", var


def _day_problems(config: dict, file: str) -> list[Problem]:
    """Day settings: two distinct paired days, an ordered HScore window, days in the study window."""
    problems = []
    lo, hi = DAY_WINDOW
    days = [("baseline_day", config.get("baseline_day"))]
    days += [(f"paired_days/{i}", d) for i, d in enumerate(config.get("paired_days", []))]
    window = config.get("hscore", {}).get("window_days", [])
    days += [(f"hscore/window_days/{i}", d) for i, d in enumerate(window)]
    days += [
        (f"tables/table1/rows/{i}/day", r.get("day"))
        for i, r in enumerate(config.get("tables", {}).get("table1", {}).get("rows", []))
    ]
    problems += [
        Problem(
            "day outside the study window",
            file=file,
            column=key,
            value=d,
            expected=f"an integer day within [{lo}, {hi}] relative to diagnosis",
        )
        for key, d in days
        if d is not None and not lo <= d <= hi
    ]
    paired = config.get("paired_days")
    if paired and paired[0] == paired[1]:
        problems.append(
            Problem(
                "the two paired days are the same day",
                file=file,
                column="paired_days",
                value=paired,
                expected="two different days, e.g. [0, 7] (before, after)",
            )
        )
    window = config.get("hscore", {}).get("window_days")
    if window and window[0] > window[1]:
        problems.append(
            Problem(
                "HScore window starts after it ends",
                file=file,
                column="hscore/window_days",
                value=window,
                expected="[first day, last day] with first <= last",
            )
        )
    return problems


def _source_problems(config: dict, file: str) -> list[Problem]:
    """Per-source keys the schema cannot tie to ``table:``; binary maps must give true/false."""
    problems = []
    for site, spec in config.get("sites", {}).items():
        for j, src in enumerate(spec["sources"]):
            where = f"sites/{site}/sources/{j}"
            if src["table"] == "measurements":
                problems += [
                    Problem(
                        f"a measurement source needs `{key}`",
                        file=file,
                        column=where,
                        expected=f"`{key}`: the raw column holding the {key.split('_')[0]}",
                    )
                    for key in ("day_column", "variable_column", "value_column")
                    if key not in src
                ]
                problems += [
                    Problem(
                        f"`{key}` is for patient sources (table: patients)",
                        file=file,
                        column=f"{where}/{key}",
                        expected="`variable_names` for a long file",
                    )
                    for key in ("columns", "treatments")
                    if key in src
                ]
            for var, col in src.get("columns", {}).items():
                kind = _variable_kind(config, var)
                if kind == "binary" and "map" in col:
                    problems += [
                        Problem(
                            f"binary variable {var!r} mapped to {value!r}, not true/false",
                            file=file,
                            column=f"{where}/columns/{var}/map/{code}",
                            value=value,
                            expected="true or false (unquoted) for every code of a binary variable",
                        )
                        for code, value in col["map"].items()
                        if not isinstance(value, bool)
                    ]
                if kind in ("continuous", "count") and "map" in col:
                    problems += [
                        Problem(
                            f"{kind} variable {var!r} mapped to {value!r}, not a number",
                            file=file,
                            column=f"{where}/columns/{var}/map/{code}",
                            value=value,
                            expected="a number for every code of a numeric variable",
                        )
                        for code, value in col["map"].items()
                        if isinstance(value, bool) or not isinstance(value, (int, float))
                    ]
    return problems


#: Derived operations that name a treatment agent.
AGENT_OPS = ("treatment_line_of", "first_line", "monotherapy")


def agent_key(name: str) -> str:
    """How agent spellings compare: NFKC, case-folded, inner spaces collapsed ('2. ana' = 'ANA')."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name)).strip().casefold()


def agent_vocabulary(config: dict) -> dict[str, str]:
    """Declared ``agents:`` as {:func:`agent_key` of a code or synonym: code}; empty when undeclared."""
    vocabulary: dict[str, str] = {}
    for code, synonyms in (config.get("agents") or {}).items():
        for spelling in [code, *(synonyms or [])]:
            vocabulary.setdefault(agent_key(spelling), code)
    return vocabulary


def named_agents(config: dict) -> list[tuple[str, str]]:
    """(key path, agent) for every derived variable built from the treatment lines."""
    return [
        (f"derived/{name}/{op}/agent", spec[op]["agent"])
        for name, spec in config.get("derived", {}).items()
        for op in AGENT_OPS
        if op in spec
    ]


def _agent_problems(config: dict, file: str) -> list[Problem]:
    """Declared agents: a spelling claimed by two codes, or a derived agent that is not a code."""
    declared = config.get("agents")
    if not declared:
        return []
    problems, owner = [], {}
    for code, synonyms in declared.items():
        for spelling in [code, *(synonyms or [])]:
            other = owner.setdefault(agent_key(spelling), code)
            if other != code:
                problems.append(
                    Problem(
                        f"spelling {spelling!r} names two agents ({other!r} and {code!r})",
                        file=file,
                        column=f"agents/{code}",
                        value=spelling,
                        expected="each spelling (compared case-insensitively) for one agent",
                    )
                )
    problems += [
        Problem(
            "unknown agent",
            file=file,
            column=path,
            value=agent,
            expected="an agent code declared under `agents:`: " + ", ".join(declared),
        )
        for path, agent in named_agents(config)
        if agent not in declared
    ]
    return problems


def reference_problems(config: dict, file: str) -> list[Problem]:
    """Analysis keys naming variables (swimmer, selection score, HScore columns), day settings and
    per-source keys, each located by its key path."""
    known = all_variable_names(config)
    problems = [
        Problem(
            "unknown variable",
            file=file,
            column=path,
            value=var,
            expected="a name declared under `variables:` or `derived:`"
            + (" (or `recomputed`)" if path == "selection/score" else ""),
        )
        for path, var in _named_variables(config)
        if var not in known
    ]
    for i, s in enumerate(config.get("survival", [])):
        event_kind = _variable_kind(config, s["event"]) if "event" in s else None
        if event_kind not in (None, "binary"):
            problems.append(
                Problem(
                    "event variable is not binary",
                    file=file,
                    column=f"survival/{i}/event",
                    value=s["event"],
                    expected="a binary variable (true = event)",
                )
            )
        if "event" not in s and not s.get("event_when_observed"):
            problems.append(
                Problem(
                    "no event definition",
                    file=file,
                    column=f"survival/{i}",
                    expected="`event: <binary variable>` or `event_when_observed: true`",
                )
            )
        if s["time"] in known and _variable_kind(config, s["time"]) not in (None, "continuous", "count"):
            problems.append(
                Problem(
                    "time variable is not a number",
                    file=file,
                    column=f"survival/{i}/time",
                    value=s["time"],
                    expected="a continuous or count variable",
                )
            )
    return (
        problems
        + _day_problems(config, file)
        + _source_problems(config, file)
        + _agent_problems(config, file)
    )


def semantic_problems(config: dict, file: str, base_dir: Path) -> list[Problem]:
    """Cross-reference checks: unknown variables, missing input files, bad day settings."""
    known = all_variable_names(config)
    problems = [
        Problem(
            "unknown variable",
            file=file,
            column=path,
            value=var,
            expected="a name declared under `variables:` or `derived:`",
        )
        for path, var in _referenced_variables(config)
        if var not in known
    ]
    for site, spec in config.get("sites", {}).items():
        for j, src in enumerate(spec["sources"]):
            try:
                p = resolve_inside(base_dir, src["path"], file)
            except InputError as exc:
                problems += [
                    dataclasses.replace(q, column=f"sites/{site}/sources/{j}/path", value=src["path"])
                    for q in exc.problems
                ]
                continue
            if not p.exists():
                problems.append(
                    Problem(
                        "input file does not exist",
                        file=file,
                        column=f"sites/{site}/sources/{j}/path",
                        value=src["path"],
                    )
                )
    problems += reference_problems(config, file)
    published = config.get("study", {}).get("published")
    if published and not (base_dir / published).is_file():
        problems.append(
            Problem(
                "published-numbers file does not exist", file=file, column="study/published", value=published
            )
        )
    return problems


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
