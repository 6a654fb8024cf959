"""Cross-reference checks of a study config, the ones its JSON Schema cannot express.

A table row, group, survival analysis, selection criterion or source naming an undeclared
variable; a source file that does not exist or lies outside the study directory; day settings
outside the study window; per-source keys that do not fit the source's table; agents that are
not declared. Each problem is located by its config key path.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path

from retrocohort.config.agents import agent_problems
from retrocohort.config.analysis_entries import family_entries
from retrocohort.config.captions import placeholder_problems
from retrocohort.config.declared_tables import declared_table_problems
from retrocohort.config.derived_checks import composite_pair_problems, derived_problems
from retrocohort.config.derived_spec import OPTION_KEYS, operation_inputs
from retrocohort.config.level_labels import level_label_problems
from retrocohort.config.paths import resolve_inside
from retrocohort.config.source_checks import event_endpoint_problems, event_source_problems
from retrocohort.config.time_points import day_range, time_point_problems
from retrocohort.config.treatment_comparisons import treatment_comparison_problems
from retrocohort.config.unknown import unknown_variable_problems
from retrocohort.config.values import event_level_problems, value_problems
from retrocohort.errors import InputError, Problem


def all_variable_names(config: dict) -> set[str]:
    """Declared, derived and built-in variables (patient_id, site; the HScore outputs when the
    study has the HScore stage)."""
    builtin = {"patient_id", "site"}
    if "hscore" in config:
        builtin |= {"hscore", "hscore_recomputed", "hscore_probability_pct"}
    return set(config.get("variables", {})) | set(config.get("derived", {})) | builtin


def _join(path: str, sub: str) -> str:
    return f"{path}/{sub}" if sub else path


def _referenced_variables(config: dict) -> Iterable[tuple[str, str]]:
    """(key path, variable name) for every place the config names a variable."""
    for name, spec in config.get("derived", {}).items():
        for op, arg in spec.items():
            if op not in OPTION_KEYS:
                yield from ((_join(f"derived/{name}/{op}", sub), v) for sub, v in operation_inputs(op, arg))
    # the classic tables (a table with a `kind:` is checked by config.declared_tables)
    tables = {k: v for k, v in config.get("tables", {}).items() if not (isinstance(v, dict) and "kind" in v)}
    for i, row in enumerate(tables.get("table1", {}).get("rows", [])):
        if "variable" in row:
            yield f"tables/table1/rows/{i}/variable", row["variable"]
    for i, col in enumerate(tables.get("table2", {}).get("columns", [])):
        yield f"tables/table2/columns/{i}/variable", col["variable"]
    for key, par in family_entries(config, "paired"):
        yield f"{key}/variable", par["variable"]
    for key, g in family_entries(config, "comparison"):
        yield f"{key}/outcome", g["outcome"]
        yield f"{key}/group_variable", g["group_variable"]
    for key, s in family_entries(config, "survival"):
        for name in ("time", "event", "group_variable", "censor_time"):
            if name in s:
                yield f"{key}/{name}", s[name]
    for i, c in enumerate(config.get("selection", {}).get("criteria", [])):
        yield f"selection/criteria/{i}/column", c["column"]
    for site, spec in config.get("sites", {}).items():
        for j, src in enumerate(spec["sources"]):
            for var in src.get("columns", {}):
                yield f"sites/{site}/sources/{j}/columns/{var}", var
            for raw, var in src.get("variable_names", {}).items():
                yield f"sites/{site}/sources/{j}/variable_names/{raw}", var


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
    problems = time_point_problems(config, file)
    lo, hi = day_range(config)
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


def _survival_problems(config: dict, file: str, known: set[str]) -> list[Problem]:
    """Each time-to-event analysis (``survival[]`` or a ``survival`` table's ``analyses``): a binary ``event`` or ``event_when_observed``, numeric ``time``
    and ``censor_time``, ``censor_time`` only with ``event_when_observed`` (no ``event``), and
    ``at_risk_times`` within ``time_axis_max``."""
    problems: list[Problem] = []
    for where, s in family_entries(config, "survival"):
        event_kind = _variable_kind(config, s["event"]) if "event" in s else None
        if event_kind not in (None, "binary"):
            problems.append(
                Problem(
                    "event variable is not binary",
                    file=file,
                    column=f"{where}/event",
                    value=s["event"],
                    expected="a binary variable (true = event)",
                )
            )
        if "event" in s and "event_when_observed" in s:
            problems.append(
                Problem(
                    "`event` and `event_when_observed` are alternatives: both are given",
                    file=file,
                    column=f"{where}/event_when_observed",
                    value={"event": s["event"], "event_when_observed": s["event_when_observed"]},
                    expected="either `event: <binary variable>` (false = censored) or "
                    "`event_when_observed: true` (with optional `censor_time`), not both",
                )
            )
        elif "event" not in s and not s.get("event_when_observed"):
            problems.append(
                Problem(
                    "no event definition",
                    file=file,
                    column=where,
                    expected="`event: <binary variable>` or `event_when_observed: true`",
                )
            )
        for key in ("time", "censor_time"):
            if (
                key in s
                and s[key] in known
                and _variable_kind(config, s[key]) not in (None, "continuous", "count")
            ):
                problems.append(
                    Problem(
                        f"{key.replace('_', ' ')} variable is not a number",
                        file=file,
                        column=f"{where}/{key}",
                        value=s[key],
                        expected="a continuous or count variable",
                    )
                )
        beyond = [
            t
            for t in s.get("at_risk_times") or ()
            if s.get("time_axis_max") is not None and t > s["time_axis_max"]
        ]
        if beyond:
            problems.append(
                Problem(
                    "numbers-at-risk times beyond the time axis",
                    file=file,
                    column=f"{where}/at_risk_times",
                    value=beyond,
                    expected=f"times within time_axis_max ({s['time_axis_max']}): the numbers at risk are "
                    "printed under ticks of the time axis",
                )
            )
        if "censor_time" in s and ("event" in s or s.get("event_when_observed") is not True):
            problems.append(
                Problem(
                    "censor_time given without event_when_observed",
                    file=file,
                    column=f"{where}/censor_time",
                    value=s["censor_time"],
                    expected="`event_when_observed: true` and no `event` (with `event`, false means censored)",
                )
            )
    return problems


def _derived_input_problems(config: dict, file: str) -> list[Problem]:
    """Derived variables are computed per patient: an input that is a measurement (long table,
    one value per day) has no single value to compute them from."""
    variables = config.get("variables", {})
    return [
        Problem(
            f"{name!r} is computed per patient but {var!r} is a measurement (table: measurements)",
            file=file,
            column=path,
            value=var,
            expected="a patient-level variable (declare the value used, e.g. a baseline laboratory "
            "value, with `table: patients`)",
        )
        for path, var in _referenced_variables({"derived": config.get("derived", {})})
        for name in [path.split("/")[1]]
        if (variables.get(var) or {}).get("table") == "measurements"
    ]


def reference_checks(config: dict, file: str) -> list:
    """The checks of analysis keys naming variables (swimmer, selection score, HScore columns),
    survival entries, derived inputs, day settings, per-source keys and agents: one callable
    each, so a check that cannot run on a malformed section does not hide the others."""
    known = all_variable_names(config)
    return [
        lambda: unknown_variable_problems(
            _named_variables(config), known, file, also={"selection/score": "`recomputed`"}
        ),
        lambda: _survival_problems(config, file, known),
        lambda: _derived_input_problems(config, file),
        lambda: derived_problems(config, file),
        lambda: composite_pair_problems(config, file),
        lambda: _day_problems(config, file),
        lambda: _source_problems(config, file),
        lambda: event_source_problems(config, file),
        lambda: event_endpoint_problems(config, file),
        lambda: agent_problems(config, file),
    ]


def reference_problems(config: dict, file: str) -> list[Problem]:
    """Every problem of :func:`reference_checks`, each located by its key path."""
    return [p for check in reference_checks(config, file) for p in check()]


def _input_file_problems(config: dict, file: str, base_dir: Path) -> list[Problem]:
    """Raw paths inside the study directory that exist; the published-numbers file exists."""
    problems = []
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
    published = config.get("study", {}).get("published")
    if published and not (base_dir / published).is_file():
        problems.append(
            Problem(
                "published-numbers file does not exist", file=file, column="study/published", value=published
            )
        )
    return problems


def semantic_problems(config: dict, file: str, base_dir: Path, tolerant: bool = False) -> list[Problem]:
    """Cross-reference checks: unknown variables, missing input files, bad day settings, values
    that are not values of their variable, keys that exclude each other.

    With ``tolerant`` (the config also has schema errors, whose broken entries the caller removed:
    :func:`retrocohort.config.check.config_problems`), a check that cannot run on what is left
    (it needs a key the schema check already reported) is skipped; the other checks still report.
    """
    known = all_variable_names(config)
    checks = [
        lambda: unknown_variable_problems(_referenced_variables(config), known, file),
        lambda: _input_file_problems(config, file, base_dir),
        *reference_checks(config, file),
        lambda: declared_table_problems(config, known, file),
        lambda: value_problems(config, file),
        lambda: event_level_problems(config, file),
        lambda: level_label_problems(config, file),
        lambda: placeholder_problems(config, file),
        lambda: treatment_comparison_problems(config, known, file),
    ]
    problems: list[Problem] = []
    for check in checks:
        try:
            problems += check()
        except (KeyError, TypeError, AttributeError, IndexError, ValueError):
            if not tolerant:
                raise
    return problems
