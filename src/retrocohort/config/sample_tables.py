"""Load-time checks of a descriptive or comparison table on a treatment comparison's matched or
weighted sample (``kind: descriptive`` or ``comparison`` with ``sample:``): what has no weighted, design-based version is refused
with the key that asks for it and what is supported instead, never computed unweighted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrocohort.config.study_groups import STUDY_GROUPS_TABLE
from retrocohort.errors import Problem

#: Keys of a descriptive table that have no meaning on a weighted sample, and why.
UNSUPPORTED_WITH_SAMPLE = {
    "tests": "the tests are the design-based ones (svyttest, Rao-Scott svychisq); remove `tests`",
    "correction": "no Yates correction of a Rao-Scott chi-square; remove `correction`",
    "published_table": "a paper's printed counts are not weighted; remove `published_table`",
    "reference_range": "no reference-range column on a weighted table; remove `reference_range`",
    "overall_header": "the weighted table names its columns itself; remove `overall_header`",
}


def sample_descriptive_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """Problems of each ``kind: descriptive`` table with ``sample:``.

    Refused: no ``by``; a key of :data:`UNSUPPORTED_WITH_SAMPLE` (``reference_range`` only when
    true), ``label_statistic: false``, ``missing: footnote``; a continuous row (declared kind
    continuous or count, or the row's ``kind``) whose ``stat`` is not ``mean_sd`` (the default
    median [Q1-Q3] included: a weighted quantile is not the study's quantile rule); p-values with
    a ``by`` of more than two groups and a continuous row (the design-based t-test compares two
    groups).

    Parameters
    ----------
    config : mapping
        The study config.
    file : str
        The config file, named in the problems.

    Returns
    -------
    list of Problem
        One per refused key, naming ``tables/<id>/...``, the value and what is supported.

    References
    ----------
    Lumley T. Analysis of complex survey samples. J Stat Softw 2004;9(8):1-19 (the weighted
    statistics and design-based tests that exist).

    Examples
    --------
    >>> config = {"variables": {"age": {"kind": "continuous"}, "t": {"kind": "binary"}},
    ...           "tables": {"t1": {"kind": "descriptive", "sample": "psm", "by": "t",
    ...                              "rows": [{"variable": "age"}]}}}
    >>> [(p.column, p.value) for p in sample_descriptive_problems(config, "config.yaml")]
    [('tables/t1/rows/0/stat', 'median_iqr')]
    """
    variables = config.get("variables") or {}
    problems = []
    for tid, spec in (config.get("tables") or {}).items():
        if not isinstance(spec, Mapping) or spec.get("kind") != "descriptive" or not spec.get("sample"):
            continue

        def refuse(key: str, value: Any, expected: str, tid: str = tid) -> None:
            problems.append(
                Problem(
                    "not computed on a matched or weighted sample (`sample:`)",
                    file=file,
                    column=f"tables/{tid}/{key}",
                    value=value,
                    expected=expected,
                )
            )

        if not spec.get("by"):
            refuse("by", None, "the grouping variable (e.g. the comparison's treatment)")
        for key, why in UNSUPPORTED_WITH_SAMPLE.items():
            if key in spec and (key != "reference_range" or spec[key] is True):
                refuse(key, spec[key], why)
        if spec.get("label_statistic") is False:
            refuse("label_statistic", False, "true (the statistic stated in each row's label)")
        if spec.get("missing") == "footnote":
            refuse("missing", "footnote", "ifany, always or no")
        continuous = False
        for i, row in enumerate(spec.get("rows") or []):
            if not isinstance(row, Mapping) or "variable" not in row:
                continue
            kind = row.get("kind") or (variables.get(row["variable"]) or {}).get("kind")
            if kind in ("continuous", "count"):
                continuous = True
                if row.get("stat", "median_iqr") != "mean_sd":
                    refuse(
                        f"rows/{i}/stat",
                        row.get("stat", "median_iqr"),
                        "stat: mean_sd (weighted mean and SD); no weighted median, quartiles or range",
                    )
        groups = _n_groups(spec, variables)
        if spec.get("p_value", True) and continuous and groups is not None and groups > 2:
            refuse("p_value", True, "false, or a `by` of two groups (the design-based t-test compares two)")
    return problems


def _n_groups(spec: Mapping[str, Any], variables: Mapping[str, Any]) -> int | None:
    """The number of groups of the table's ``by`` when the config says it (None: unknown)."""
    if spec.get("group_labels"):
        return len(spec["group_labels"])
    declared = variables.get(spec.get("by")) or {}
    if declared.get("kind") == "binary":
        return 2
    return len(declared["categories"]) if declared.get("categories") else None


def sample_comparison_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """Problems of each ``kind: comparison`` table with ``sample:``: a comparison's ``tests``
    (the tests are the design-based ones), and ``sample:`` on the study's ``tables.groups``
    (whose statistics feed the unweighted ``groups.*`` Results keys and the audit).

    Parameters
    ----------
    config : mapping
        The study config.
    file : str
        The config file, named in the problems.

    Returns
    -------
    list of Problem
        One per refused key, naming ``tables/<id>/...``.

    References
    ----------
    Lumley T. J Stat Softw 2004;9(8):1-19.

    Examples
    --------
    >>> config = {"tables": {"c": {"kind": "comparison", "sample": "psm", "comparisons": [
    ...     {"id": "x", "outcome": "y", "group_variable": "t", "tests": {"binary_two_groups": "fisher"}}]}}}
    >>> [p.column for p in sample_comparison_problems(config, "config.yaml")]
    ['tables/c/comparisons/0/tests']
    """
    problems = []
    for tid, spec in (config.get("tables") or {}).items():
        if not isinstance(spec, Mapping) or spec.get("kind") != "comparison" or not spec.get("sample"):
            continue
        if tid == STUDY_GROUPS_TABLE:
            problems.append(
                Problem(
                    "the study's group comparisons are not made on a sample",
                    file=file,
                    column=f"tables/{tid}/sample",
                    value=spec["sample"],
                    expected="another table id for the comparison on the sample",
                )
            )
        for i, comparison in enumerate(spec.get("comparisons") or []):
            if isinstance(comparison, Mapping) and "tests" in comparison:
                problems.append(
                    Problem(
                        "not computed on a matched or weighted sample (`sample:`)",
                        file=file,
                        column=f"tables/{tid}/comparisons/{i}/tests",
                        value=comparison["tests"],
                        expected=UNSUPPORTED_WITH_SAMPLE["tests"],
                    )
                )
    return problems
