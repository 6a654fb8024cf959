"""Cross-reference checks of the tables declared by kind (``tables.<id>.kind``) and of the optional
HScore stage: every variable a declared table names exists, the model keys fit the model, and
nothing asks for the HScore when the study has no ``hscore:`` key. Each problem names its key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from retrocohort.config.unknown import unknown_variable_problems
from retrocohort.errors import Problem

#: Output stems used by other rules: a declared table cannot take one of these names.
RESERVED_IDS = ("table3_paired", "table3_pairs", "hscore", "flow", "cohort", "groups", "survival")


def declared_tables(config: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """{id: spec} of the tables declared with a ``kind`` (built by the rule ``cohort_table``)."""
    return {
        tid: spec
        for tid, spec in (config.get("tables") or {}).items()
        if isinstance(spec, Mapping) and "kind" in spec
    }


def declared_table_variables(config: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(key path, variable name) of every variable a declared table names."""
    for tid, spec in declared_tables(config).items():
        where = f"tables/{tid}"
        if "by" in spec:
            yield f"{where}/by", spec["by"]
        for i, row in enumerate(spec.get("rows", [])):
            yield f"{where}/rows/{i}/variable", row["variable"]
        for i, col in enumerate(spec.get("columns", [])):
            yield f"{where}/columns/{i}/variable", col["variable"]
        for key in ("outcome", "time", "event"):
            if key in spec:
                yield f"{where}/{key}", spec[key]
        for key in ("predictors", "multivariable"):
            for i, name in enumerate(spec.get(key, [])):
                yield f"{where}/{key}/{i}", name
        for key in ("reference_levels", "labels", "level_labels"):
            for name in spec.get(key, {}):
                yield f"{where}/{key}/{name}", name


#: Keys that only one model reads: given with the other model, they would be ignored silently.
MODEL_ONLY_KEYS = {"logistic": ("outcome", "event_level"), "cox": ("time", "event")}


def exclusive_key_problems(tid: str, spec: Mapping[str, Any], file: str) -> list[Problem]:
    """Keys that contradict the table's kind or model: a cox table with `outcome`/`event_level`,
    a logistic one with `time`/`event`, `group_labels` without `by`; each names both keys."""
    where = f"tables/{tid}"
    problems = []
    model = spec.get("model")
    if spec.get("kind") == "regression" and model in MODEL_ONLY_KEYS:
        other = "cox" if model == "logistic" else "logistic"
        problems += [
            Problem(
                f"`{key}` is a {other} key but `model` is {model}",
                file=file,
                column=f"{where}/{key}",
                value={"model": model, key: spec[key]},
                expected=f"{model} keys only ({', '.join(MODEL_ONLY_KEYS[model])}), or `model: {other}`",
            )
            for key in MODEL_ONLY_KEYS[other]
            if key in spec
        ]
    if spec.get("kind") == "descriptive" and "group_labels" in spec and "by" not in spec:
        problems.append(
            Problem(
                "`group_labels` without `by`: the table has no groups to label",
                file=file,
                column=f"{where}/group_labels",
                value=sorted(spec["group_labels"]),
                expected="`by: <grouping variable>` with the labels, or no `group_labels`",
            )
        )
    return problems


def _model_problems(tid: str, spec: Mapping[str, Any], file: str) -> list[Problem]:
    """Multivariable terms and reference levels must be among the table's predictors' models."""
    problems = exclusive_key_problems(tid, spec, file)
    in_models = set(spec.get("predictors", [])) | set(spec.get("multivariable", []))
    for key in ("reference_levels", "labels", "level_labels"):
        for name in spec.get(key, {}):
            if name not in in_models:
                problems.append(
                    Problem(
                        f"{key} for a variable that is in no model of this table",
                        file=file,
                        column=f"tables/{tid}/{key}/{name}",
                        value=name,
                        expected=f"one of predictors/multivariable: {sorted(in_models)}",
                    )
                )
    return problems


def _kind_problems(tid: str, spec: Mapping[str, Any], config: Mapping[str, Any], file: str) -> list[Problem]:
    """Variables whose declared kind cannot play their role: a grouping or an event that is a
    number, a model whose predictors repeat its outcome, time or event."""
    kinds = {name: v.get("kind") for name, v in (config.get("variables") or {}).items()}
    where = f"tables/{tid}"
    problems = []
    roles = [("by", "a binary or categorical variable (derive one from a number, e.g. less_than)")]
    roles += [("event", "a binary variable (true = event, false = censored)")]
    roles += [("outcome", "a binary variable (or a categorical one with event_level)")]
    for key, expected in roles:
        name = spec.get(key)
        if name in kinds and kinds[name] in ("continuous", "count", "text"):
            problems.append(
                Problem(
                    f"a {kinds[name]} variable cannot be the table's `{key}`",
                    file=file,
                    column=f"{where}/{key}",
                    value=name,
                    expected=expected,
                )
            )
    text_refs = [
        (f"{where}/rows/{i}/variable", row["variable"]) for i, row in enumerate(spec.get("rows", []))
    ]
    text_refs += [
        (f"{where}/{k}/{i}", n)
        for k in ("predictors", "multivariable")
        for i, n in enumerate(spec.get(k, []))
    ]
    problems += [
        Problem(
            "a free-text variable cannot be summarised or modelled",
            file=file,
            column=path,
            value=name,
            expected="a binary, categorical, continuous or count variable (map the text to categories)",
        )
        for path, name in text_refs
        if kinds.get(name) == "text"
    ]
    modelled = {spec[k] for k in ("outcome", "time", "event") if k in spec}
    for key in ("predictors", "multivariable"):
        for i, name in enumerate(spec.get(key, [])):
            if name in modelled:
                problems.append(
                    Problem(
                        "a predictor is the model's own outcome, time or event",
                        file=file,
                        column=f"{where}/{key}/{i}",
                        value=name,
                        expected=f"a variable other than {sorted(modelled)}",
                    )
                )
    return problems


def hscore_stage_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """Keys that need the HScore stage in a study without a ``hscore:`` key."""
    if "hscore" in config:
        return []
    return [
        Problem(
            "the criterion uses the HScore cut-off but the study has no HScore stage",
            file=file,
            column=f"selection/criteria/{i}/operator",
            value="hscore_cutoff",
            expected="a `hscore:` section (HScore stage on), or another operator with a value",
        )
        for i, c in enumerate((config.get("selection") or {}).get("criteria", []))
        if c.get("operator") == "hscore_cutoff"
    ]


def declared_table_problems(config: Mapping[str, Any], known: set[str], file: str) -> list[Problem]:
    """Unknown variables, reserved ids and model keys of the declared tables; HScore-stage keys."""
    problems = unknown_variable_problems(declared_table_variables(config), known, file)
    for tid, spec in declared_tables(config).items():
        if tid in RESERVED_IDS:
            problems.append(
                Problem(
                    "table id used by another output",
                    file=file,
                    column=f"tables/{tid}",
                    value=tid,
                    expected=f"another name than {', '.join(RESERVED_IDS)}",
                )
            )
        problems += _model_problems(tid, spec, file) + _kind_problems(tid, spec, config, file)
    return problems + hscore_stage_problems(config, file)
