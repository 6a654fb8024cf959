"""Cross-reference check of the tables analysed on a treatment comparison's sample
(``tables.<id>.sample``): the name must be a declared treatment comparison (a key of
``treatment_comparisons:``), whose rule writes the design file the table reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrocohort.errors import Problem


def sample_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """A ``sample:`` of a declared table that names no declared treatment comparison.

    Parameters
    ----------
    config : mapping
        The study config.
    file : str
        The config file, named in the problems.

    Returns
    -------
    list of Problem
        One per table whose ``sample`` is not a key of ``treatment_comparisons``, naming
        ``tables/<id>/sample``, the value and the declared names.

    References
    ----------
    Validation only (the analyses: :mod:`retrocohort.analysis.analysis_sample`).

    Examples
    --------
    >>> config = {"treatment_comparisons": {"psm": {}}, "tables": {"t": {"kind": "regression", "sample": "iptw"}}}
    >>> [(p.column, p.value, p.expected) for p in sample_problems(config, "config.yaml")]
    [('tables/t/sample', 'iptw', "a key of treatment_comparisons: 'psm'")]
    """
    declared = config.get("treatment_comparisons") or {}
    names = ", ".join(repr(str(k)) for k in declared) or "(none declared)"
    problems = []
    for tid, spec in (config.get("tables") or {}).items():
        if not isinstance(spec, Mapping) or "sample" not in spec:
            continue
        if spec["sample"] not in declared:
            problems.append(
                Problem(
                    "the table's sample names no declared treatment comparison",
                    file=file,
                    column=f"tables/{tid}/sample",
                    value=spec["sample"],
                    expected=f"a key of treatment_comparisons: {names}",
                )
            )
    return problems


def e_value_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """A regression table's ``e_value:`` naming no predictor of its models, or ``true`` on a
    table without ``sample:`` (no treatment to take).

    Parameters
    ----------
    config : mapping
        The study config.
    file : str
        The config file, named in the problems.

    Returns
    -------
    list of Problem
        One per such table, naming ``tables/<id>/e_value``, the value and what it may be.

    References
    ----------
    VanderWeele TJ, Ding P. Ann Intern Med 2017;167:268-74 (the E-value of one exposure's ratio).

    Examples
    --------
    >>> config = {"tables": {"t": {"kind": "regression", "predictors": ["age"], "e_value": "trt"}}}
    >>> [(p.column, p.value, p.expected) for p in e_value_problems(config, "config.yaml")]
    [('tables/t/e_value', 'trt', "a predictor of the table: 'age'")]
    """
    problems = []
    for tid, spec in (config.get("tables") or {}).items():
        if not isinstance(spec, Mapping) or spec.get("kind") != "regression" or "e_value" not in spec:
            continue
        value = spec["e_value"]
        names = list(dict.fromkeys([*spec.get("predictors", []), *spec.get("multivariable", [])]))
        if value is True and not spec.get("sample"):
            expected = "a predictor name, or true only with sample: (the comparison's treatment)"
        elif isinstance(value, str) and value not in names:
            expected = "a predictor of the table: " + ", ".join(repr(str(n)) for n in names)
        else:
            continue
        problems.append(
            Problem(
                "the E-value names no ratio of the table",
                file=file,
                column=f"tables/{tid}/e_value",
                value=value,
                expected=expected,
            )
        )
    return problems


def sample_file(name: str) -> str:
    """The design file of treatment comparison ``name`` (written by its rule).

    Examples
    --------
    >>> sample_file("iptw")
    'results/stats/treatment_comparison_iptw.csv'
    """
    return f"results/stats/treatment_comparison_{name}.csv"
