"""Group comparisons: for each configured comparison, per-group summaries and one test.

The test is chosen by the one test policy (:mod:`retrocohort.analysis.test_policy`: the
comparison's ``tests:``, ``statistics.tests``, else ``statistics.default_tests.comparison``);
by default, binary outcome: Fisher's exact test on the 2x2 table (rows = the two groups in config order,
columns = outcome yes / no, so the odds ratio is that of the first group vs the second),
two-sided, minimum-likelihood rule; continuous or count outcome: Mann-Whitney U of the first
group, exact conditional null (exact with ties) when both groups have at most ``exact_max_n``
values, else the normal approximation with tie-corrected variance and continuity correction;
under the R preset (``statistics.mann_whitney.preset: R``, or unset with
``statistics.wilcoxon.preset: R``) R's ``wilcox.test(x, y)``; the method string says which was
used. Patients with a missing group value (or a value not
listed in ``groups``) are excluded and counted; patients with a missing outcome are excluded
from that test and counted per group.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.analysis.descriptive import SUMMARY_COLUMNS, summarise_variable, variable_kind
from retrocohort.analysis.presets import chi_square_correction, mann_whitney_options
from retrocohort.analysis.test_policy import YATES_TESTS, choose_test, resolve_tests, run_group_test
from retrocohort.config.check import variable_label
from retrocohort.errors import ConfigError, Problem
from retrocohort.format.pvalues import p_value_format, printed_p
from retrocohort.stats.quantiles import HF_TYPES
from retrocohort.stats.registry import TestEntry

GROUP_COLUMNS = [
    "comparison",
    "comparison_label",
    "order",
    "role",
    "outcome",
    "outcome_label",
    "outcome_kind",
    "group_variable",
    "group_variable_label",
    "group",
    "group_value",
    "n_group",
    *SUMMARY_COLUMNS,
    "test",
    "statistic",
    "statistic_name",
    "p_value",
    "p_formatted",
    "alternative",
    "n_used",
    "n_excluded",
    "method",
    "details",
    "synthetic",
    "note",
]


def group_key(value: Any) -> str | None:
    """Config spelling of a group value: booleans "True"/"False", whole numbers without ".0".

    Missing values give None.

    Parameters
    ----------
    value : object
        One value of the group variable.

    Returns
    -------
    str or None
        The key the config's ``groups: {value: label}`` uses for it.

    References
    ----------
    YAML Ain't Markup Language, version 1.2.2, 2021, section 10.3 (core schema: booleans and
    integers as plain scalars), https://yaml.org/spec/1.2.2/.

    Examples
    --------
    >>> group_key(True), group_key(2.0), group_key("arm A"), group_key(float("nan"))
    ('True', '2', 'arm A', None)
    """
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, numbers.Real) and float(value).is_integer():
        return str(int(value))
    return str(value)


def group_assignment(values: pd.Series, labels: dict | None) -> tuple[pd.Series, list[tuple[str, str]]]:
    """(key per row, None when excluded; [(key, label)] in display order).

    With ``labels`` ({value: label}) the groups are those keys, in config order; otherwise
    every observed value, sorted, labelled by itself.

    Parameters
    ----------
    values : pandas.Series
        The group variable, one value per patient.
    labels : dict or None
        The comparison's ``groups:`` (value as printed -> label).

    Returns
    -------
    keys : pandas.Series
        The group key of each patient (None: excluded, missing or not listed).
    groups : list of tuple
        ``(key, label)`` per group, in display order.

    References
    ----------
    von Elm E, Altman DG, Egger M, et al. The Strengthening the Reporting of Observational
    Studies in Epidemiology (STROBE) statement. Lancet 2007;370:1453-7 (item 13: numbers
    excluded at each stage).

    Examples
    --------
    >>> import pandas as pd
    >>> keys, groups = group_assignment(pd.Series([1.0, 0.0, None, 2.0]), {"1": "Treated", "0": "Control"})
    >>> keys.tolist(), groups
    (['1', '0', None, None], [('1', 'Treated'), ('0', 'Control')])
    """
    raw = [group_key(v) for v in values]
    if labels:
        order = [(str(k), str(v)) for k, v in labels.items()]
        allowed = {k for k, _ in order}
        raw = [k if k in allowed else None for k in raw]
    else:
        order = [(k, k) for k in sorted({k for k in raw if k is not None})]
    return pd.Series(raw, index=values.index, dtype=object), order


def check_unique_ids(entries: list[dict], section: str) -> None:
    """ConfigError naming the entry whose ``id`` repeats an earlier one (ids name output files).

    Parameters
    ----------
    entries : list of dict
        The entries of a config list (``groups:``, ``survival:``...).
    section : str
        The list's key, named in the error.

    Returns
    -------
    None

    Raises
    ------
    ConfigError
        On the first repeated ``id``, naming its key path.

    References
    ----------
    JSON Schema Validation, draft 2020-12, section 6.4.3 (``uniqueItems``; here unique by id),
    https://json-schema.org/draft/2020-12/json-schema-validation.

    Examples
    --------
    >>> check_unique_ids([{"id": "a"}, {"id": "b"}], "groups")
    >>> check_unique_ids([{"id": "a"}, {"id": "a"}], "groups")
    Traceback (most recent call last):
    ...
    retrocohort.errors.ConfigError: ...
    """
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        if entry["id"] in seen:
            raise ConfigError(
                f"Duplicate id in `{section}`",
                [
                    Problem(
                        "id used twice",
                        file="config",
                        column=f"{section}/{i}/id",
                        value=entry["id"],
                        expected="a unique id per entry",
                    )
                ],
            )
        seen.add(entry["id"])


def _outcome_kind(spec: dict, variables: dict, derived: dict, index: int) -> str:
    kind = variable_kind(spec["outcome"], variables, derived)
    if kind not in ("binary", "continuous", "count"):
        raise ConfigError(
            "Invalid group comparison",
            [
                Problem(
                    f"outcome has kind {kind!r}",
                    file="config",
                    column=f"groups/{index}/outcome",
                    value=spec["outcome"],
                    expected="a binary, continuous or count variable (declare a "
                    "derived `equals` flag to compare one category)",
                )
            ],
        )
    return kind


def _not_computed(reason: str, test: str) -> dict:
    return {
        "test": test,
        "method": f"not computed: {reason}",
        "statistic": np.nan,
        "p_value": np.nan,
        "n_used": 0,
        "alternative": "two-sided",
        "details": {"reason": f"not computed: {reason}"},
    }


def _run_test(
    kind: str,
    samples: list[np.ndarray],
    mw_options: dict,
    entry: TestEntry | None = None,
    correction: bool = False,
) -> dict:
    """The comparison's registered test (``entry``, from the test policy; default Fisher's exact
    test for a binary outcome, Mann-Whitney U with ``mw_options`` (see
    :func:`mann_whitney_options`) for a continuous/count one) between the two groups' values;
    ``correction``: Yates' correction of a chi-square (:func:`chi_square_correction`)."""
    entry = entry or choose_test(resolve_tests("comparison"), kind, 2)
    test = entry.test or entry.title
    if len(samples) != 2:
        return _not_computed(f"{len(samples)} groups (the test compares exactly 2)", test)
    if any(s.size == 0 for s in samples):
        return _not_computed("a group has no patient with a known outcome", test)
    if kind != "binary" and np.ptp(np.concatenate(samples)) == 0:
        # one tied value: no rank information (the normal approximation's variance is zero; R: NA)
        return _not_computed("every known outcome value is equal (nothing to rank)", test)
    # binary: rows the groups in config order, columns outcome yes / no
    data = np.array([[int(s.sum()), int(s.size - s.sum())] for s in samples]) if kind == "binary" else samples
    try:
        res = run_group_test(entry, data, correction=correction, mann_whitney=mw_options)
    except ValueError as exc:  # e.g. a zero row of the table for a chi-square, one value for a t-test
        return _not_computed(str(exc), test)
    out = res.to_dict(flat=False)
    out["statistic_name"] = out["details"].get("statistic_name", "")
    if np.isnan(out["statistic"]):
        out["note"] = (
            f"not computed: the {out['statistic_name'] or 'statistic'} "
            "(a row or column of the 2x2 table is all zero)"
            if kind == "binary"
            else f"not computed: the {out['statistic_name'] or 'statistic'} is undefined for these data"
        )
    return {
        k: out[k]
        for k in (
            "test",
            "method",
            "statistic",
            "statistic_name",
            "p_value",
            "n_used",
            "alternative",
            "details",
            "note",
        )
        if k in out
    }


def compare_groups(
    frame: pd.DataFrame,
    spec: dict,
    index: int,
    variables: dict,
    derived: dict,
    hf_type: int,
    synthetic: set[str],
    p_format: dict,
    stats_cfg: dict | None = None,
) -> list[dict]:
    """Summary rows (one per group) then the test row of one configured comparison
    (``stats_cfg``: the study's ``statistics``, for the Mann-Whitney preset)."""
    outcome, group_var = spec["outcome"], spec["group_variable"]
    for column, name in (("outcome", outcome), ("group_variable", group_var)):
        if name not in frame.columns:
            raise ConfigError(
                "Invalid group comparison",
                [
                    Problem(
                        "variable not available per patient",
                        file="config",
                        column=f"groups/{index}/{column}",
                        value=name,
                        expected="a patient-level variable, derived variable or baseline measurement",
                    )
                ],
            )
    kind = _outcome_kind(spec, variables, derived, index)
    keys, order = group_assignment(frame[group_var], spec.get("groups"))
    labels = {"variables": variables, "derived": derived}
    base = {
        "comparison": spec["id"],
        "comparison_label": spec.get("label", spec["id"]),
        "order": index,
        "outcome": outcome,
        "outcome_label": variable_label(labels, outcome),
        "outcome_kind": kind,
        "group_variable": group_var,
        "group_variable_label": variable_label(labels, group_var),
        "synthetic": outcome in synthetic or group_var in synthetic,
    }
    stat = "count_pct" if kind == "binary" else "median_iqr"
    rows, samples = [], []
    for key, label in order:
        values = frame.loc[(keys == key).to_numpy(), outcome]
        summary = summarise_variable(values, stat, hf_type)
        rows.append(
            {
                **base,
                "role": "summary",
                "group": label,
                "group_value": key,
                "n_group": int(len(values)),
                **summary,
                "quantile_type": hf_type if stat != "count_pct" else np.nan,
                "quantile_method": f"Hyndman–Fan type {hf_type} ({HF_TYPES[hf_type]})"
                if stat != "count_pct"
                else "",
            }
        )
        known = values.dropna()
        samples.append(
            known.astype(bool).to_numpy(dtype=float) if kind == "binary" else known.to_numpy(dtype="float64")
        )
    mw_options = mann_whitney_options(stats_cfg, int(spec["exact_max_n"]))
    policy = resolve_tests("comparison", stats_cfg, spec.get("tests"), f"groups/{index}/tests")
    entry = choose_test(policy, kind, 2)
    correction = entry.name in YATES_TESTS and chi_square_correction(spec, stats_cfg or {})
    test = _run_test(kind, samples, mw_options, entry, correction)
    n_excluded = int(keys.isna().sum())
    test["details"] = {
        **test["details"],
        "groups": [label for _, label in order],
        "first_group": order[0][1] if order else "",
        "n_excluded_group": n_excluded,
        "n_missing_outcome": int(sum(r["missing"] for r in rows)),
    }
    rows.append(
        {
            **base,
            "role": "test",
            **test,
            "n": int(sum(s.size for s in samples)),
            "n_group": int(keys.notna().sum()),
            "n_excluded": n_excluded,
            "p_formatted": printed_p(test["p_value"], p_format),
        }
    )
    return rows


def group_statistics(
    frame: pd.DataFrame,
    comparisons: list[dict],
    variables: dict,
    derived: dict,
    stats_cfg: dict,
    synthetic: set[str],
) -> pd.DataFrame:
    """All configured comparisons: for each, one summary row per group and one test row.

    The test follows the one test policy (:mod:`retrocohort.analysis.test_policy`); by default
    Fisher's exact test for a binary outcome and the Mann-Whitney U test for a continuous or
    count outcome (see the module docstring for the exact variants).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient of the cohort.
    comparisons : list of dict
        The loaded study's ``groups:`` entries (``id``, ``outcome``, ``group_variable``, optional
        ``groups``, ``decimals``, ``exact_max_n``, ``tests``).
    variables, derived : dict
        The study's ``variables:`` and ``derived:`` declarations.
    stats_cfg : dict
        The loaded study's ``statistics:`` section.
    synthetic : set of str
        Variables read from synthetic sources (their rows are marked).

    Returns
    -------
    pandas.DataFrame
        Per comparison, ``role = "summary"`` rows (n, missing, count and percent or median,
        quartiles, mean, SD) and one ``role = "test"`` row (test, statistic, p-value, method).

    References
    ----------
    Fisher RA. On the interpretation of chi-square from contingency tables, and the calculation
    of P. J R Stat Soc 1922;85:87-94.
    Agresti A. Categorical Data Analysis, 3rd ed. Wiley, 2013, section 3.5 (Fisher's exact test).
    Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically
    larger than the other. Ann Math Stat 1947;18:50-60.
    Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods, 3rd ed. Wiley, 2014,
    section 4.1.

    Examples
    --------
    >>> import pandas as pd
    >>> from retrocohort.config.check import SCHEMA_PATH, read_yaml
    >>> from retrocohort.config.study import fill_defaults
    >>> study = fill_defaults({"statistics": {}, "groups": [
    ...     {"id": "ferritin_by_arm", "outcome": "ferritin", "group_variable": "arm"},
    ...     {"id": "death_by_arm", "outcome": "died", "group_variable": "arm",
    ...      "groups": {"b": "Arm B", "a": "Arm A"}}]}, read_yaml(SCHEMA_PATH))
    >>> frame = pd.DataFrame({"arm": ["a", "a", "a", "b", "b", "b", None],
    ...                       "ferritin": [100.0, 200.0, 300.0, 800.0, 900.0, 1000.0, 50.0],
    ...                       "died": [False, False, True, True, True, True, False]})
    >>> variables = {"arm": {"kind": "categorical"}, "ferritin": {"kind": "continuous"},
    ...              "died": {"kind": "binary"}}
    >>> table = group_statistics(frame, study["groups"], variables, {}, study["statistics"], set())
    >>> table[["comparison", "role", "group", "n", "median", "count", "test", "p_value"]]
            comparison     role  group  n  median  count            test  p_value
    0  ferritin_by_arm  summary      a  3   200.0    NaN             NaN      NaN
    1  ferritin_by_arm  summary      b  3   900.0    NaN             NaN      NaN
    2  ferritin_by_arm     test    NaN  6     NaN    NaN  Mann-Whitney U      0.1
    3     death_by_arm  summary  Arm B  3     NaN    3.0             NaN      NaN
    4     death_by_arm  summary  Arm A  3     NaN    1.0             NaN      NaN
    5     death_by_arm     test    NaN  6     NaN    NaN    Fisher exact      0.4
    """
    check_unique_ids(comparisons, "groups")
    hf = stats_cfg["quantile_type"]
    p_format = p_value_format(stats_cfg)
    rows = [
        row
        for i, spec in enumerate(comparisons)
        for row in compare_groups(frame, spec, i, variables, derived, hf, synthetic, p_format, stats_cfg)
    ]
    out = pd.DataFrame.from_records(rows, columns=GROUP_COLUMNS)
    out["details"] = out["details"].map(lambda d: d if isinstance(d, dict) else {})
    return out
