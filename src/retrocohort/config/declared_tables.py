"""Cross-reference checks of the tables declared by kind (``tables.<id>.kind``) and of the optional
HScore stage: every variable a declared table names exists, the model keys fit the model, and
nothing asks for the HScore when the study has no ``hscore:`` key. Each problem names its key."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from retrocohort.config.analysis_samples import e_value_problems, sample_problems
from retrocohort.config.competing_risks import competing_risks_problems
from retrocohort.config.derived_spec import CATEGORY_OPS, NUMERIC_OPS
from retrocohort.config.regression_terms import regression_term_problems, regression_term_variables
from retrocohort.config.sample_tables import sample_comparison_problems, sample_descriptive_problems
from retrocohort.config.study_groups import STUDY_GROUPS_TABLE, groups_twice_problems
from retrocohort.config.unknown import unknown_variable_problems
from retrocohort.config.values import is_boolean, value_domain
from retrocohort.errors import Problem

#: Output stems used by other rules: a declared table cannot take one of these names.
RESERVED_IDS = ("table3_paired", "table3_pairs", "hscore", "flow", "cohort", "groups", "survival")
#: Reserved ids a declared table may take when it is of this kind and replaces the classic table
#: of the same name (then the top-level key of that classic table's analyses must be empty):
#: ``tables.survival`` of ``kind: survival`` is the study's survival table, as the classic one
#: (``results/stats/survival.{csv,json}``, the Results text's ``survival.*`` keys).
CLASSIC_REPLACEMENTS = {"survival": ("survival", "survival")}


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
            if "variable" in row:  # not a section heading
                yield f"{where}/rows/{i}/variable", row["variable"]
        for i, col in enumerate(spec.get("columns", [])):
            if isinstance(col, Mapping):  # a listing's columns (a comparison table's are headers)
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
        for i, condition in enumerate(spec.get("where") or []):
            yield f"{where}/where/{i}/column", condition["column"]
        yield from regression_term_variables(where, spec)


#: Keys that only one model reads: given with the other model, they would be ignored silently.
MODEL_ONLY_KEYS = {"logistic": ("outcome", "event_level"), "cox": ("time", "event", "strata", "ph_threshold")}


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
    for key in ("reference_levels", "labels", "level_labels", "per"):
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
        (f"{where}/rows/{i}/variable", row["variable"])
        for i, row in enumerate(spec.get("rows", []))
        if "variable" in row
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


def _per_problems(tid: str, spec: Mapping[str, Any], config: Mapping[str, Any], file: str) -> list[Problem]:
    """``per: {predictor: k}`` rescales a number predictor (ratio per k units): a predictor that
    is not a number (a category, a yes/no) has no "per k units" and is refused."""
    return [
        Problem(
            "`per` rescales a number predictor; this predictor is not a number",
            file=file,
            column=f"tables/{tid}/per/{name}",
            value=name,
            expected="a continuous or count predictor (its ratio is then per k units)",
        )
        for name in spec.get("per") or {}
        if _predictor_kind(config, name) not in ("numeric", None) or _is_yes_no(config, name)
    ]


def _predictor_kind(config: Mapping[str, Any], name: str) -> str | None:
    """``numeric``, ``categorical`` or None (yes/no, or not known before the data)."""
    declared = (config.get("variables") or {}).get(name)
    if isinstance(declared, Mapping):
        kind = declared.get("kind")
        return (
            "numeric" if kind in ("continuous", "count") else "categorical" if kind == "categorical" else None
        )
    spec = (config.get("derived") or {}).get(name)
    if isinstance(spec, Mapping):
        if any(op in spec for op in NUMERIC_OPS):
            return "numeric"
        if any(op in spec for op in CATEGORY_OPS):
            return "categorical"
    return None


def _is_yes_no(config: Mapping[str, Any], name: str) -> bool:
    declared = (config.get("variables") or {}).get(name)
    return is_boolean(config, name) or (isinstance(declared, Mapping) and declared.get("kind") == "binary")


def _row_problems(tid: str, spec: Mapping[str, Any], config: Mapping[str, Any], file: str) -> list[Problem]:
    """Per-variable settings that the variable's kind cannot honour: a row ``kind`` that does not
    fit (``binary`` for a variable that is not yes/no, ``continuous`` for one that is not a
    number, ``categorical`` for a continuous one), ``levels`` of a number, listing ``decimals`` of
    a value that is not a number, and ``patient_id`` anywhere but a listing column."""
    where = f"tables/{tid}"
    problems = []

    def refuse(key: str, message: str, value: Any, expected: str) -> None:
        problems.append(Problem(message, file=file, column=f"{where}/{key}", value=value, expected=expected))

    for i, row in enumerate(spec.get("rows") or []):
        if "variable" not in row:  # a section heading
            continue
        name, kind = row["variable"], row.get("kind")
        numeric = _predictor_kind(config, name) == "numeric"
        continuous = (config.get("variables") or {}).get(name, {}).get("kind") == "continuous"
        if kind == "binary" and not _is_yes_no(config, name):
            refuse(
                f"rows/{i}/kind",
                f"{name!r} is not a yes/no variable",
                kind,
                "categorical (one row per level)",
            )
        elif kind == "continuous" and not numeric:
            refuse(f"rows/{i}/kind", f"{name!r} is not a number", kind, "categorical or binary")
        elif kind == "categorical" and continuous:
            refuse(
                f"rows/{i}/kind",
                f"{name!r} is continuous: one row per distinct value is not a summary",
                kind,
                "continuous (or derive a category, e.g. less_than)",
            )
        elif (kind or ("continuous" if numeric else None)) == "continuous":
            for key in ("levels", "level_labels"):
                if key in row:
                    refuse(
                        f"rows/{i}/{key}",
                        f"{name!r} is summarised as a number: it has no levels",
                        row[key],
                        f"no `{key}`, or `kind: categorical` for a count",
                    )
    first_row: dict[str, int] = {}
    for i, row in enumerate(spec.get("rows") or []):
        if "variable" not in row:  # a section heading
            continue
        if row["variable"] in first_row:
            refuse(
                f"rows/{i}/variable",
                f"{row['variable']!r} is already row {first_row[row['variable']]} of this table: each "
                "row's numbers are cited by variable (tables.<table>.<variable>.…), so a variable "
                "appears once per table",
                row["variable"],
                "each variable once; to show it a second way (e.g. mean (SD) beside its levels), "
                "declare a second derived variable with the same definition under a new name and "
                "use that as the second row",
            )
        first_row.setdefault(row["variable"], i)
    for i, col in enumerate(spec.get("columns") or []):
        if "decimals" in col and _predictor_kind(config, col["variable"]) != "numeric":
            refuse(
                f"columns/{i}/decimals",
                f"{col['variable']!r} is not a number: decimals cannot apply",
                col["decimals"],
                "`decimals` only for continuous or count variables (`map` prints other values)",
            )
    ids = [("by", spec.get("by"))] + [
        (f"rows/{i}/variable", r["variable"]) for i, r in enumerate(spec.get("rows") or []) if "variable" in r
    ]
    ids += [(k, spec.get(k)) for k in ("outcome", "time", "event")]
    ids += [(f"{k}/{i}", n) for k in ("predictors", "multivariable") for i, n in enumerate(spec.get(k) or [])]
    for key, name in ids:
        if name == "patient_id":
            refuse(
                key,
                "the patient id identifies patients: it cannot be summarised or modelled",
                name,
                "a listing column",
            )
    return problems


def _reference_problems(
    tid: str, spec: Mapping[str, Any], config: Mapping[str, Any], file: str
) -> list[Problem]:
    """A numeric predictor has no levels (a reference level would turn it into one term per
    distinct value); a categorical predictor needs a reference level: its first declared
    category, or `reference_levels`."""
    if spec.get("kind") != "regression":
        return []
    where = f"tables/{tid}"
    problems = []
    for key in ("reference_levels", "level_labels"):
        for name in spec.get(key) or {}:
            if _predictor_kind(config, name) == "numeric":
                problems.append(
                    Problem(
                        f"{name!r} is a number: it has no levels, so no {key.replace('_', ' ')}",
                        file=file,
                        column=f"{where}/{key}/{name}",
                        value=name,
                        expected=f"{key} only for categorical predictors (derive a category from a "
                        "number, e.g. less_than, to model it by levels)",
                    )
                )
    refs = spec.get("reference_levels") or {}
    for name in dict.fromkeys([*spec.get("predictors", []), *spec.get("multivariable", [])]):
        declared = (config.get("variables") or {}).get(name) or {}
        if (
            _predictor_kind(config, name) == "categorical"
            and name not in refs
            and not declared.get("categories")
        ):
            domain = value_domain(config, name)
            problems.append(
                Problem(
                    f"categorical predictor {name!r} without a reference level (it declares no categories)",
                    file=file,
                    column=f"{where}/reference_levels/{name}",
                    value=name,
                    expected="`reference_levels: {"
                    + name
                    + ": <level>}`"
                    + (f", one of {', '.join(domain)}" if domain else "")
                    + f", or `categories:` under variables/{name}",
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


def where_problems(tid: str, spec: Mapping[str, Any], config: Mapping[str, Any], file: str) -> list[Problem]:
    """``where:`` conditions the table cannot apply: on a long-format measurement (one value
    per patient is needed: derive a patient-level variable), or the selection-only
    ``hscore_cutoff`` operator."""
    problems = []
    variables = config.get("variables") or {}
    for i, condition in enumerate(spec.get("where") or []):
        name = condition["column"]
        if (variables.get(name) or {}).get("table") == "measurements":
            problems.append(
                Problem(
                    f"{name!r} is a long-format measurement: a table's population needs one "
                    "value per patient",
                    file=file,
                    column=f"tables/{tid}/where/{i}/column",
                    value=name,
                    expected="a patient-level or derived variable (derive one, e.g. less_than)",
                )
            )
        if condition.get("operator") == "hscore_cutoff":
            problems.append(
                Problem(
                    "hscore_cutoff is a selection criterion only",
                    file=file,
                    column=f"tables/{tid}/where/{i}/operator",
                    value="hscore_cutoff",
                    expected="a comparison (==, !=, <, <=, >, >=, in, notna, is_true) with a value",
                )
            )
    return problems


def published_table_problems(
    tid: str, spec: Mapping[str, Any], config: Mapping[str, Any], file: str
) -> list[Problem]:
    """``published_table`` without ``study.published``: no printed number to compare the rows
    with, so no ‡ would ever be set (silently)."""
    if "published_table" not in spec or "published" in (config.get("study") or {}):
        return []
    return [
        Problem(
            "`published_table` but the study has no published numbers to compare with",
            file=file,
            column=f"tables/{tid}/published_table",
            value=spec["published_table"],
            expected="`study.published: <the paper's numbers, YAML>`, or no `published_table`",
        )
    ]


def classic_replacement_problems(
    tid: str, spec: Mapping[str, Any], config: Mapping[str, Any], file: str
) -> list[Problem] | None:
    """Problems of a declared table that takes the id of a classic one (:data:`CLASSIC_REPLACEMENTS`).

    Parameters
    ----------
    tid : str
        The table's id under ``tables:``.
    spec : mapping
        Its entry (with ``kind``).
    config : mapping
        The study's config (the classic table's top-level key).
    file : str
        The config file, named by each problem.

    Returns
    -------
    list of Problem or None
        None when the id replaces no classic table (another kind, or not such an id: a reserved
        id is then refused as any other); else the problems (empty when none): the classic
        table's analyses still declared at the top level, which would write the same files.

    Examples
    --------
    >>> classic_replacement_problems("survival", {"kind": "survival"}, {"survival": []}, "c.yaml")
    []
    >>> classic_replacement_problems("survival", {"kind": "comparison"}, {}, "c.yaml") is None
    True
    """
    kind, key = CLASSIC_REPLACEMENTS.get(tid, (None, None))
    if kind is None or spec.get("kind") != kind:
        return None
    classic = config.get(key)
    if not classic:
        return []
    ids = [e.get("id") for e in classic if isinstance(e, Mapping)] if isinstance(classic, list) else classic
    return [
        Problem(
            f"`tables.{tid}` declares `kind: {kind}` but the top-level `{key}:` lists analyses too "
            f"(both would write results/stats/{tid}.csv)",
            file=file,
            column=key,
            value=ids,
            expected=f"the analyses under `tables.{tid}.analyses` and no top-level `{key}:` "
            f"(or no `kind:` in tables.{tid}, the classic table)",
        )
    ]


def declared_table_problems(config: Mapping[str, Any], known: set[str], file: str) -> list[Problem]:
    """Unknown variables, reserved ids and model keys of the declared tables; HScore-stage keys."""
    problems = unknown_variable_problems(declared_table_variables(config), known, file)
    for tid, spec in declared_tables(config).items():
        replacement = classic_replacement_problems(tid, spec, config, file)
        if tid in RESERVED_IDS and replacement is None and tid != STUDY_GROUPS_TABLE:
            problems.append(
                Problem(
                    "table id used by another output",
                    file=file,
                    column=f"tables/{tid}",
                    value=tid,
                    expected=f"another name than {', '.join(RESERVED_IDS)}",
                )
            )
        problems += replacement or []
        problems += _model_problems(tid, spec, file) + _kind_problems(tid, spec, config, file)
        problems += _per_problems(tid, spec, config, file)
        problems += _reference_problems(tid, spec, config, file) + _row_problems(tid, spec, config, file)
        problems += where_problems(tid, spec, config, file)
        problems += regression_term_problems(tid, spec, config, file)
        problems += published_table_problems(tid, spec, config, file)
    problems += competing_risks_problems(config, known, file)
    problems += groups_twice_problems(config, file)
    problems += sample_problems(config, file)
    problems += e_value_problems(config, file)
    problems += sample_descriptive_problems(config, file) + sample_comparison_problems(config, file)
    return problems + hscore_stage_problems(config, file)
