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
    """ConfigError naming the entry whose ``id`` repeats an earlier one (ids name output files)."""
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
    """All configured comparisons: for each, one summary row per group and one test row."""
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
