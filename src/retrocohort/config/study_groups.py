"""The study's group comparisons: ``tables.groups`` declared ``kind: comparison`` (rule
``cohort_table``), or the top-level ``groups:`` (rule ``group_comparisons``). Either way their
statistics are ``results/stats/groups.{csv,json}``, which the audit and the Results text's
``groups.*`` keys read; a study declares them one way only (:func:`groups_twice_problems`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrocohort.errors import Problem

#: The table id of the study's group comparisons under ``tables:``.
STUDY_GROUPS_TABLE = "groups"
#: Their statistics, without suffix (``.csv`` and ``.json``), whichever way they are declared.
STUDY_GROUPS_STATS = "results/stats/groups"


def declares_groups_table(config: Mapping[str, Any]) -> bool:
    """Whether ``tables.groups`` is declared ``kind: comparison``.

    Examples
    --------
    >>> declares_groups_table({"tables": {"groups": {"kind": "comparison", "comparisons": []}}})
    True
    >>> declares_groups_table({"tables": {"groups": {"title": "Group comparisons."}}})
    False
    """
    spec = (config.get("tables") or {}).get(STUDY_GROUPS_TABLE)
    return isinstance(spec, Mapping) and spec.get("kind") == "comparison"


def study_group_comparisons(config: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The comparisons of the study's group comparisons (module docstring).

    Parameters
    ----------
    config : mapping
        The loaded study (``tables``, ``groups``).

    Returns
    -------
    list of mapping
        The ``comparisons`` of ``tables.groups`` declared ``kind: comparison``, else the
        top-level ``groups:``; empty when the study compares no groups.

    References
    ----------
    Fisher RA. On the interpretation of chi-square from contingency tables, and the calculation
    of P. J R Stat Soc 1922;85:87-94. Mann HB, Whitney DR. On a test of whether one of two random
    variables is stochastically larger than the other. Ann Math Stat 1947;18:50-60.

    Examples
    --------
    >>> entry = {"id": "a", "outcome": "y", "group_variable": "g"}
    >>> [c["id"] for c in study_group_comparisons({"groups": [entry]})]
    ['a']
    >>> declared = {"groups": {"kind": "comparison", "comparisons": [entry]}}
    >>> [c["id"] for c in study_group_comparisons({"tables": declared, "groups": []})]
    ['a']
    >>> study_group_comparisons({"tables": {}, "groups": []})
    []
    """
    if declares_groups_table(config):
        return list(config["tables"][STUDY_GROUPS_TABLE]["comparisons"])
    return list(config.get("groups") or [])


def study_groups_stats(config: Mapping[str, Any]) -> str | None:
    """:data:`STUDY_GROUPS_STATS` when the study compares groups (either way), else None.

    Examples
    --------
    >>> study_groups_stats({"tables": {}, "groups": []}) is None
    True
    >>> study_groups_stats({"groups": [{"id": "a", "outcome": "y", "group_variable": "g"}]})
    'results/stats/groups'
    """
    return STUDY_GROUPS_STATS if study_group_comparisons(config) else None


def groups_twice_problems(config: Mapping[str, Any], file: str) -> list[Problem]:
    """The top-level ``groups:`` beside ``tables.groups`` declared ``kind: comparison``: both
    would write ``results/stats/groups.*``; the problem says how to rewrite.

    Examples
    --------
    >>> entry = {"id": "a", "outcome": "y", "group_variable": "g"}
    >>> tables = {"groups": {"kind": "comparison", "comparisons": [entry]}}
    >>> [p.column for p in groups_twice_problems({"tables": tables, "groups": [entry]}, "c.yaml")]
    ['groups']
    >>> groups_twice_problems({"tables": tables, "groups": []}, "c.yaml")
    []
    """
    if not (declares_groups_table(config) and config.get("groups")):
        return []
    return [
        Problem(
            "group comparisons declared twice: the top-level `groups:` and `tables.groups` "
            "declared `kind: comparison` would both write results/stats/groups.csv and .json",
            file=file,
            column="groups",
            value=[entry.get("id") for entry in config["groups"]],
            expected="one of them: move the entries of the top-level `groups:` under "
            "`tables.groups.comparisons` (same keys) and delete `groups:`, or remove `kind:` and "
            "`comparisons:` from tables.groups",
        )
    ]
