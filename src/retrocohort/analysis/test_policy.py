"""The one test policy: which registered test a table row, a group comparison or a paired
parameter gets, by variable kind and design (two groups, more than two, paired).

The choice of a slot (``<kind>_<design>``, :data:`retrocohort.stats.registry.SLOTS`) is, first
found: the table's or comparison's own ``tests:``; the study's ``statistics.tests``; the
default of the caller, ``statistics.default_tests.<caller>`` (callers: ``descriptive`` for
declared descriptive tables, ``comparison`` for ``groups:``, ``paired`` for Table 3). The
defaults live only in the config schema; they differ by caller where the package's outputs
always have: a binary variable between two groups gets the expected-count rule
(``chi_square_or_exact``) in a descriptive table and Fisher's exact test in a group comparison.

References
----------
Sjoberg DD, Whiting K, Curry M, Lavery JA, Larmarange J. Reproducible summary tables with the
gtsummary package. R J 2021;13:570-80 (the descriptive default, ``add_p()``).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from retrocohort.config.check import SCHEMA_PATH
from retrocohort.errors import ConfigError, Problem
from retrocohort.stats.registry import SLOTS, TESTS, TestEntry, choosable
from retrocohort.stats.result import TestResult

CALLERS = ("descriptive", "comparison", "paired")
#: Variable kinds summarised as another kind (counts are compared as continuous values).
KIND_ALIASES = {"count": "continuous"}


@cache
def _schema_defaults() -> dict[str, dict[str, str]]:
    from retrocohort.config.yaml_strict import read_yaml_strict

    spec = read_yaml_strict(SCHEMA_PATH).data["properties"]["statistics"]["properties"]["default_tests"]
    return {
        caller: {slot: sub["default"] for slot, sub in spec["properties"][caller]["properties"].items()}
        for caller in CALLERS
    }


def caller_defaults(caller: str, statistics: Mapping[str, Any] | None = None) -> dict[str, str]:
    """``statistics.default_tests.<caller>`` with the schema's defaults for unset slots.

    Examples
    --------
    >>> caller_defaults("comparison")["binary_two_groups"]
    'fisher'
    >>> caller_defaults("descriptive")["binary_two_groups"]
    'chi_square_or_exact'
    """
    if caller not in CALLERS:
        raise ValueError(f"caller must be one of {CALLERS}, got {caller!r}")
    own = ((statistics or {}).get("default_tests") or {}).get(caller) or {}
    return {**_schema_defaults()[caller], **own}


def check_tests(tests: Mapping[str, Any] | None, where: str) -> None:
    """ConfigError naming each ``<where>/<slot>`` that is not a slot or names a test not
    registered for it (with the registered names that are)."""
    problems = []
    for slot, name in (tests or {}).items():
        if slot not in SLOTS:
            problems.append(
                Problem(
                    "unknown slot",
                    file="config",
                    column=f"{where}/{slot}",
                    value=slot,
                    expected=f"one of {list(SLOTS)}",
                )
            )
        elif name not in choosable(slot):
            problems.append(
                Problem(
                    "not a registered test for this slot",
                    file="config",
                    column=f"{where}/{slot}",
                    value=name,
                    expected=f"one of {choosable(slot)} (registered in retrocohort.stats.registry)",
                )
            )
    if problems:
        raise ConfigError("Unknown test in the configuration", problems)


def resolve_tests(
    caller: str,
    statistics: Mapping[str, Any] | None = None,
    own: Mapping[str, Any] | None = None,
    where: str = "",
) -> dict[str, str]:
    """The test of every slot for one table, comparison or paired table: ``own`` (its
    ``tests:``, key path ``where``), then ``statistics.tests``, then the caller's defaults.

    Parameters
    ----------
    caller : {"descriptive", "comparison", "paired"}
        Whose defaults apply.
    statistics : mapping, optional
        The study's ``statistics:`` (``tests``, ``default_tests``).
    own : mapping, optional
        The table's or comparison's ``tests:``.
    where : str
        Key path of ``own`` for error messages (``tables/table1/tests``).

    Returns
    -------
    dict
        ``{slot: registered test name}`` for every slot.

    Raises
    ------
    ConfigError
        A name that is not a registered test of its slot, naming the key path and the
        registered names.

    References
    ----------
    Sjoberg DD, Whiting K, Curry M, Lavery JA, Larmarange J. Reproducible summary tables with
    the gtsummary package. R J 2021;13:570-80 (a test per variable type, overridable per table).

    Examples
    --------
    >>> resolve_tests("comparison", {"tests": {"continuous_two_groups": "welch_t"}})["continuous_two_groups"]
    'welch_t'
    """
    statistics = statistics or {}
    defaults = caller_defaults(caller, statistics)
    check_tests(statistics.get("tests"), "statistics/tests")
    check_tests(own, where or "tests")
    check_tests({s: n for s, n in defaults.items()}, f"statistics/default_tests/{caller}")
    return {**defaults, **(statistics.get("tests") or {}), **(own or {})}


def choose_test(policy: Mapping[str, str], kind: str, n_groups: int | None) -> TestEntry:
    """The registered test of a variable ``kind`` for ``n_groups`` groups (None: paired values).

    Parameters
    ----------
    policy : mapping
        ``{slot: registered test}`` (:func:`resolve_tests`).
    kind : str
        The variable's kind (``count`` is compared as ``continuous``).
    n_groups : int or None
        Number of groups compared; None for paired values.

    Returns
    -------
    TestEntry
        The registered test (:data:`retrocohort.stats.registry.TESTS`).

    References
    ----------
    Sjoberg DD, Whiting K, Curry M, Lavery JA, Larmarange J. Reproducible summary tables with
    the gtsummary package. R J 2021;13:570-80.
    Conover WJ. Practical Nonparametric Statistics, 3rd ed. Wiley, 1999 (rank tests for two,
    several and paired samples).

    Examples
    --------
    >>> choose_test(resolve_tests("descriptive"), "count", 3).name
    'kruskal_wallis'
    >>> choose_test(resolve_tests("paired"), "binary", None).name
    'mcnemar'
    """
    design = "paired" if n_groups is None else "two_groups" if n_groups == 2 else "k_groups"
    return TESTS[policy[f"{KIND_ALIASES.get(kind, kind)}_{design}"]]


#: Registered tests whose function takes Yates' ``correction`` (chi-square on 2x2 tables).
YATES_TESTS = ("chi_square_or_exact", "chi_square")


def run_group_test(
    entry: TestEntry,
    data: Any,
    *,
    labels: list[str] | None = None,
    correction: bool = False,
    mann_whitney: Mapping[str, Any] | None = None,
) -> TestResult:
    """Run a registered between-groups test on its data: a counts table (``inputs`` "table",
    with Yates' ``correction`` for :data:`YATES_TESTS`) or a list of samples (two: x, y, the
    Mann-Whitney keyword arguments ``mann_whitney`` for that test; more: with ``labels``).

    Parameters
    ----------
    entry : TestEntry
        The registered test (:func:`choose_test`).
    data : array_like or list of array_like
        A counts table (groups x levels) or the groups' samples.
    labels : list of str, optional
        The groups' names (tests of k samples).
    correction : bool, default False
        Yates' continuity correction of a 2x2 chi-square.
    mann_whitney : mapping, optional
        Keyword arguments of the Mann-Whitney test
        (:func:`retrocohort.analysis.presets.mann_whitney_options`).

    Returns
    -------
    TestResult
        The test's statistic, p-value, method sentence and details.

    References
    ----------
    Welch BL. The generalization of "Student's" problem when several different population
    variances are involved. Biometrika 1947;34:28-35.
    Cochran WG. Some methods for strengthening the common chi-square tests. Biometrics
    1954;10:417-51.
    Agresti A. Categorical Data Analysis, 3rd ed. Wiley, 2013, section 3.5 (Fisher's exact test).

    Examples
    --------
    >>> result = run_group_test(TESTS["welch_t"], [[1.0, 2.0, 3.0], [2.0, 4.0, 7.0]])
    >>> result.test, round(result.statistic, 4), round(result.p_value, 4)
    ('Welch t-test', -1.4924, 0.2451)
    >>> result = run_group_test(TESTS["chi_square_or_exact"], [[3, 0], [1, 2]])
    >>> result.test, round(result.p_value, 4)
    ('Fisher exact', 0.4)
    """
    if entry.inputs == "table":
        return (
            entry.function(data, correction=correction) if entry.name in YATES_TESTS else entry.function(data)
        )
    if entry.inputs == "k_samples":
        return entry.function(data, labels)
    if entry.inputs == "two_samples":
        options = dict(mann_whitney or {}) if entry.name == "mann_whitney" else {}
        return entry.function(data[0], data[1], **options)
    raise ValueError(f"{entry.name} is not a between-groups test (inputs {entry.inputs!r})")
