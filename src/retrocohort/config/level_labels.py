"""Labels of a variable's values, declared once under ``variables:`` and used by every table.

A categorical or yes/no variable may declare ``level_labels: {value: printed label}`` (values as
printed, the canonical values of config/README.md "Values of a variable"). :func:`with_level_labels`
writes them into every place of the study that prints a level and does not say otherwise, when
the study is loaded (:func:`retrocohort.config.study.load_study`), so each table builder, the
Kaplan–Meier legends and the Results skeleton read one spelling:

- a descriptive table's ``group_labels`` (absent: every value of ``by`` in :func:`level_order`,
  each with its label) and each categorical row's ``level_labels`` (the table's own labels win,
  level by level);
- a regression table's ``level_labels`` per categorical or yes/no predictor (the table's own win,
  level by level);
- the ``groups`` of a group comparison or time-to-event analysis (top level or in a table
  declared by kind) that has none: every value of ``group_variable`` in :func:`level_order`
  with its label;
- a listing column's ``map`` (absent: the labels), the classic ``table2`` included.

A table that writes its own labels keeps them (``group_labels``, ``groups``, ``map`` whole; row
and regression ``level_labels`` per level): overrides only where asked. The values are checked
at load like every written value (:func:`retrocohort.config.values.value_problems`).

References
----------
Sjoberg DD et al. Reproducible summary tables with the gtsummary package. R J 2021;13:570-80
(one label per variable and level, set on the data and used by every table).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from retrocohort.config.analysis_entries import family_entries
from retrocohort.config.competing_risks import competing_analyses
from retrocohort.config.derived_spec import BOOLEAN_OPS, OPTION_KEYS
from retrocohort.config.values import printed, value_domain
from retrocohort.errors import Problem

#: Derived operations giving a time (a number of days): no levels to label.
TIME_VALUED_OPS = ("earliest_of", "time_to_event", "first_event_day")

#: Row and table kinds that print a variable level by level.
LEVEL_KINDS = ("categorical",)


def declared_level_labels(config: Mapping[str, Any], name: str) -> dict[str, str]:
    """``{printed value: label}`` declared for ``name`` under ``variables:`` (empty when none).

    Examples
    --------
    >>> cfg = {"variables": {"trt": {"kind": "categorical", "table": "patients",
    ...        "level_labels": {"placebo": "Placebo"}}}}
    >>> declared_level_labels(cfg, "trt")
    {'placebo': 'Placebo'}
    """
    spec = (config.get("variables") or {}).get(name) or (config.get("derived") or {}).get(name)
    if isinstance(spec, Mapping) and isinstance(spec.get("level_labels"), Mapping):
        return {printed(k): str(v) for k, v in spec["level_labels"].items()}
    return {}


def level_label_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """``level_labels`` on a variable printed as a number (``kind: continuous``): it has no
    levels to label. (Its keys are checked against the variable's values by
    :func:`retrocohort.config.values.value_problems`.)"""
    problems = []
    for name, spec in (config.get("variables") or {}).items():
        if isinstance(spec, Mapping) and spec.get("level_labels") and spec.get("kind") == "continuous":
            problems.append(
                Problem(
                    f"{name!r} is continuous: its values print as numbers, not as labelled levels",
                    file=file,
                    column=f"variables/{name}/level_labels",
                    value=sorted(spec["level_labels"]),
                    expected="level_labels only on a categorical, binary, count or text variable",
                )
            )
    for name, spec in (config.get("derived") or {}).items():
        op = next((k for k in spec if k not in OPTION_KEYS), None) if isinstance(spec, Mapping) else None
        labels = spec.get("level_labels") if op is not None else None
        if labels and op in BOOLEAN_OPS and not set(map(str, labels)) <= {"True", "False"}:
            problems.append(
                Problem(
                    f"derived {name!r} ({op}) is yes/no: its values print as True and False",
                    file=file,
                    column=f"derived/{name}/level_labels",
                    value=sorted(map(str, labels)),
                    expected='labels of "True" and "False", e.g. {"True": "Top decile", "False": "Deciles 1-9"}',
                )
            )
        if labels and op in TIME_VALUED_OPS:
            problems.append(
                Problem(
                    f"derived {name!r} ({op}) is a time: its values print as numbers, not as labelled levels",
                    file=file,
                    column=f"derived/{name}/level_labels",
                    value=sorted(spec["level_labels"]),
                    expected="level_labels only on a yes/no or category derived variable",
                )
            )
    return problems


def level_order(config: Mapping[str, Any], name: str) -> list[str]:
    """The values of ``name`` in display order: its ``categories`` when declared, else the values
    its ``level_labels`` name (in the order written), then any other value known before the data
    (:func:`retrocohort.config.values.value_domain`: yes/no, ``map:`` values, ``first_of`` rules).

    Examples
    --------
    >>> cfg = {"variables": {"edema": {"kind": "categorical", "table": "patients",
    ...        "categories": ["none", "some"], "level_labels": {"some": "Some"}}}}
    >>> level_order(cfg, "edema")
    ['none', 'some']
    """
    spec = (config.get("variables") or {}).get(name)
    if isinstance(spec, Mapping) and spec.get("categories"):
        return [printed(c) for c in spec["categories"]]
    return list(dict.fromkeys([*declared_level_labels(config, name), *(value_domain(config, name) or ())]))


def labelled_groups(config: Mapping[str, Any], name: str) -> dict[str, str]:
    """``{value: label}`` of every value of ``name`` in :func:`level_order` (a value without a
    label prints as itself); empty when ``name`` declares no ``level_labels``."""
    labels = declared_level_labels(config, name)
    return {v: labels.get(v, v) for v in level_order(config, name)} if labels else {}


def _merged(labels: Mapping[str, str], own: Any) -> dict[str, str]:
    """The variable's labels overridden, level by level, by the table's own."""
    return {**labels, **{printed(k): str(v) for k, v in (own or {}).items()}}


def _row_kind(config: Mapping[str, Any], row: Mapping[str, Any]) -> str | None:
    declared = (config.get("variables") or {}).get(row["variable"]) or {}
    return row.get("kind") or declared.get("kind")


def _descriptive(config: Mapping[str, Any], spec: dict) -> None:
    by = spec.get("by")
    if by and "group_labels" not in spec and declared_level_labels(config, by):
        spec["group_labels"] = labelled_groups(config, by)
    for row in spec.get("rows") or []:
        labels = (
            declared_level_labels(config, row["variable"])
            if isinstance(row, dict) and "variable" in row
            else {}
        )
        if labels and _row_kind(config, row) in LEVEL_KINDS:
            row["level_labels"] = _merged(labels, row.get("level_labels"))


def _regression(config: Mapping[str, Any], spec: dict) -> None:
    predictors = list(dict.fromkeys([*(spec.get("predictors") or []), *(spec.get("multivariable") or [])]))
    level_labels = dict(spec.get("level_labels") or {})
    for name in predictors:
        labels = declared_level_labels(config, name)
        if labels:
            level_labels[name] = _merged(labels, level_labels.get(name))
    if level_labels:
        spec["level_labels"] = level_labels


def _listing(config: Mapping[str, Any], spec: dict) -> None:
    for column in spec.get("columns") or []:
        if isinstance(column, dict) and "map" not in column:
            labels = declared_level_labels(config, column.get("variable", ""))
            if labels:
                column["map"] = labels


def _at(config: dict, path: str) -> Any:
    node: Any = config
    for key in path.split("/"):
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def with_level_labels(config: Mapping[str, Any]) -> dict:
    """A deep copy of a checked study config with every declared ``level_labels`` written into
    the places that print a level (see the module docstring); the config itself is unchanged.

    Parameters
    ----------
    config : mapping
        The study config, checked (:func:`retrocohort.config.check.config_problems`) and with
        its schema defaults filled.

    Returns
    -------
    dict
        The config with ``group_labels``, row and regression ``level_labels``, analysis
        ``groups`` and listing ``map`` completed from ``variables:``.

    Examples
    --------
    >>> cfg = {"variables": {"trt": {"kind": "categorical", "table": "patients",
    ...        "categories": ["a", "b"], "level_labels": {"a": "Arm A", "b": "Arm B"}}},
    ...        "tables": {"t1": {"kind": "descriptive", "by": "trt", "rows": []}}}
    >>> with_level_labels(cfg)["tables"]["t1"]["group_labels"]
    {'a': 'Arm A', 'b': 'Arm B'}
    """
    out = copy.deepcopy(dict(config))
    for tid, spec in (out.get("tables") or {}).items():
        if not isinstance(spec, dict):
            continue
        kind = spec.get("kind") or ("listing" if tid == "table2" else None)  # the classic listing
        if kind == "descriptive":
            _descriptive(out, spec)
        elif kind == "regression":
            _regression(out, spec)
        elif kind == "listing":
            _listing(out, spec)
    for family in ("comparison", "survival"):
        for path, _ in list(family_entries(out, family)):
            entry = _at(out, path)
            name = entry.get("group_variable")
            if name and "groups" not in entry and declared_level_labels(out, name):
                entry["groups"] = labelled_groups(out, name)
    for _, entry in competing_analyses(out):  # the analyses of competing_risks tables, likewise
        name = entry.get("group_variable")
        if name and "groups" not in entry and declared_level_labels(out, name):
            entry["groups"] = labelled_groups(out, name)  # type: ignore[index]
    return out
