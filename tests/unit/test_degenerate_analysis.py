"""Degenerate but legal data never crash an analysis (issue 14, item 4).

Property-based tests (hypothesis) over small random cohorts that include the corners: no
patient, one patient, all values tied, a constant variable, all times equal or zero, an empty
group, no pair. Each analysis function must return its rows without raising, and every
statistic that does not exist (NaN) must come with a reason in its row: a ``method`` or
``note`` starting "not computed:", or ``details["reason"]``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loaded_sections import items, statistics

from retrocohort.analysis.descriptive import table1_statistics
from retrocohort.analysis.groups import group_statistics
from retrocohort.analysis.paired import compare_parameter, table3_from_pairs
from retrocohort.analysis.survival import survival_statistics

PROFILE = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: A few values so that ties, constants and zero differences are frequent; NaN = missing.
SMALL_VALUES = st.sampled_from([0.0, 0.0, 1.0, 2.5, 2.5, 7.0, np.nan])
VARIABLES = {
    "x": {"kind": "continuous", "table": "patients", "label": "X"},
    "flag": {"kind": "binary", "table": "patients", "label": "Flag"},
    "arm": {"kind": "categorical", "table": "patients", "categories": ["A", "B"]},
    "lab": {"kind": "continuous", "table": "measurements", "label": "Lab"},
    "days": {"kind": "continuous", "table": "patients", "unit": "days"},
}


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _reason(row: dict) -> str:
    """The 'not computed: ...' text of a row ('' if none)."""
    for key in ("method", "note"):
        text = row.get(key)
        if isinstance(text, str) and "not computed:" in text:
            return text
    details = row.get("details")
    if isinstance(details, dict) and str(details.get("reason", "")).startswith("not computed:"):
        return details["reason"]
    return ""


def assert_missing_statistics_explained(frame: pd.DataFrame, columns: list[str]) -> None:
    """Every row with a NaN in one of ``columns`` states why in its own text."""
    for row in frame.to_dict("records"):
        missing = [c for c in columns if c in row and _is_missing(row[c])]
        if missing:
            reason = _reason(row)
            assert reason and reason.split("not computed:", 1)[1].strip(), (missing, row)


@st.composite
def cohorts(draw, max_patients: int = 6) -> pd.DataFrame:
    """0..max_patients patients; x continuous (ties, constants, missing), flag binary, arm A/B
    (sometimes all one arm, sometimes missing), days a time (zeros, all equal), event."""
    n = draw(st.integers(0, max_patients))
    constant = draw(st.booleans())
    x = [draw(SMALL_VALUES) for _ in range(n)]
    if constant and n:
        x = [x[0]] * n
    days = draw(st.lists(st.sampled_from([0.0, 0.0, 1.0, 3.0, np.nan]), min_size=n, max_size=n))
    if draw(st.booleans()) and n:
        days = [days[0]] * n
    return pd.DataFrame(
        {
            "x": np.array(x, dtype=float),
            "flag": pd.array(
                draw(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)),
                dtype="boolean",
            ),
            "arm": draw(st.lists(st.sampled_from(["A", "A", "B", None]), min_size=n, max_size=n)),
            "days": np.array(days, dtype=float),
            "event": pd.array(
                draw(st.lists(st.sampled_from([True, False, None]), min_size=n, max_size=n)),
                dtype="boolean",
            ),
        },
        index=pd.Index([f"P{i}" for i in range(n)], name="patient_id"),
    )


@PROFILE
@given(cohorts(), st.sampled_from([2, 6, 7]))
def test_table1_never_raises_and_explains_missing_statistics(frame, hf_type):
    rows = [
        {"variable": "x"},
        {"variable": "flag"},
        {"section": "Labs"},
        {"variable": "lab"},  # a measurement nobody has on the baseline day: no column at all
    ]
    variables = {**VARIABLES, "event": {"kind": "binary", "table": "patients"}}
    stats = table1_statistics(frame, rows, variables, {}, hf_type, set())
    assert len(stats) == len(rows)
    body = stats[stats["stat"] != "section"]
    assert_missing_statistics_explained(body[body["stat"] == "count_pct"], ["percent"])
    continuous = body[body["stat"] == "median_iqr"]
    assert_missing_statistics_explained(continuous, ["median", "q1", "q3", "mean", "sd", "min", "max"])
    lab = body.set_index("variable").loc["lab"]
    assert lab["n"] == 0 and lab["missing"] == len(frame) and lab["note"].startswith("not computed:")


@st.composite
def pairs(draw) -> pd.DataFrame:
    n = draw(st.integers(0, 6))
    before = draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 5.0]), min_size=n, max_size=n))
    shift = draw(st.sampled_from(["zero", "constant", "random"]))
    if shift == "zero":
        after = before
    elif shift == "constant":
        after = [b + 1.0 for b in before]
    else:
        after = draw(st.lists(st.sampled_from([0.0, 1.0, 2.0, 5.0]), min_size=n, max_size=n))
    return pd.DataFrame(
        {"before": before, "after": after},
        index=pd.Index([f"P{i}" for i in range(n)], name="patient_id"),
        dtype=float,
    )


PAIRED_STATISTICS = ["statistic", "p_value", "hl_estimate", "rank_biserial"]


@PROFILE
@given(pairs(), st.sampled_from(["retrocohort", "R"]), st.sampled_from(["continuous", "binary"]))
def test_paired_tests_never_raise_and_explain_missing_statistics(pair_frame, preset, kind):
    if kind == "binary":
        pair_frame = (pair_frame > 1).astype(float)
    cfg = {"wilcoxon": {"preset": preset}, "extra_tests": ["sign", "paired_t"], "multiplicity": "holm"}
    rows = compare_parameter("lab", kind, pair_frame, statistics(cfg))
    assert rows[0]["role"] == "main" and rows[0]["n_pairs"] == len(pair_frame)
    frame = pd.DataFrame(rows)
    assert_missing_statistics_explained(
        frame[frame["role"] == "main"], PAIRED_STATISTICS[: 4 if kind != "binary" else 2]
    )
    assert_missing_statistics_explained(frame[frame["role"] != "main"], ["statistic", "p_value"])
    table = table3_from_pairs(
        {"lab": pair_frame}, [{"variable": "lab"}], VARIABLES, (0, 7), statistics(cfg), set()
    )
    main = table[table["role"] == "main"].iloc[0]
    assert np.isnan(main["p_adjusted"]) == np.isnan(main["p_value"])


def test_all_zero_differences_are_not_tested_under_either_preset():
    same = pd.DataFrame({"before": [1.0, 2.0, 3.0], "after": [1.0, 2.0, 3.0]})
    for preset in ("retrocohort", "R"):
        rows = compare_parameter("lab", "continuous", same, statistics({"wilcoxon": {"preset": preset}}))
        assert rows[0]["method"].startswith("not computed: every paired difference is zero")
        assert np.isnan(rows[0]["p_value"]) and rows[0]["day0_median"] == 2.0


def test_constant_differences_give_no_paired_t_but_a_sign_test():
    shifted = pd.DataFrame({"before": [1.0, 2.0, 3.0], "after": [2.0, 3.0, 4.0]})
    rows = {
        r["role"]: r
        for r in compare_parameter(
            "lab", "continuous", shifted, statistics({"extra_tests": ["sign", "paired_t"]})
        )
    }
    assert rows["paired_t"]["method"].startswith("not computed: the paired differences have zero variance")
    assert rows["sign"]["p_value"] == 0.25 and rows["main"]["p_value"] == 0.25


GROUP_SPECS = [
    {"id": "x_by_arm", "outcome": "x", "group_variable": "arm", "groups": {"A": "Arm A", "B": "Arm B"}},
    {"id": "flag_by_arm", "outcome": "flag", "group_variable": "arm", "groups": {"A": "Arm A", "B": "Arm B"}},
    {"id": "x_by_observed_arm", "outcome": "x", "group_variable": "arm"},
]


@PROFILE
@given(cohorts())
def test_group_comparisons_never_raise_and_explain_missing_statistics(frame):
    stats = group_statistics(frame, items("groups", GROUP_SPECS), VARIABLES, {}, statistics(), set())
    tests = stats[stats["role"] == "test"]
    assert len(tests) == len(GROUP_SPECS)
    assert_missing_statistics_explained(tests, ["statistic", "p_value"])
    summaries = stats[stats["role"] == "summary"]
    binary = summaries["outcome_kind"] == "binary"
    assert_missing_statistics_explained(summaries[binary], ["percent"])
    assert_missing_statistics_explained(summaries[~binary], ["median", "q1", "q3", "mean", "sd"])


SURVIVAL_SPECS = [
    {"id": "all", "time": "days", "event": "event", "horizons": [0, 1, 5]},
    {"id": "observed", "time": "days", "event_when_observed": True},
    {
        "id": "by_arm",
        "time": "days",
        "event": "event",
        "group_variable": "arm",
        "groups": {"A": "A", "B": "B"},
    },
]


@PROFILE
@given(cohorts())
def test_survival_never_raises_and_explains_missing_statistics(frame):
    variables = {**VARIABLES, "event": {"kind": "binary", "table": "patients"}}
    stats, results = survival_statistics(
        frame, items("survival", SURVIVAL_SPECS), variables, {}, statistics(), set()
    )
    assert set(results) == {"all", "observed", "by_arm"}
    medians = stats[stats["role"] == "median"]
    assert len(medians) == 4  # one per group (1 + 1 + 2), even an empty one
    for row in medians.to_dict("records"):
        if _is_missing(row["median"]):
            assert _reason(row), row
    assert_missing_statistics_explained(stats[stats["role"] == "logrank"], ["statistic", "p_value"])


def test_a_constant_outcome_is_not_ranked_even_beyond_the_exact_limit():
    frame = pd.DataFrame({"x": [3.0] * 120, "arm": ["A", "B"] * 60})
    spec = {"id": "constant", "outcome": "x", "group_variable": "arm"}
    stats = group_statistics(frame, items("groups", [spec]), VARIABLES, {}, statistics(), set())
    test = stats[stats["role"] == "test"].iloc[0]
    assert test["method"] == "not computed: every known outcome value is equal (nothing to rank)"
    assert np.isnan(test["p_value"]) and test["n"] == 120
    summaries = stats[stats["role"] == "summary"]
    assert (summaries["median"] == 3.0).all() and (summaries["sd"] == 0.0).all()


def test_many_equal_paired_differences_use_the_normal_approximation_without_raising():
    shifted = pd.DataFrame({"before": [1.0] * 60, "after": [2.0] * 60})
    for preset in ("retrocohort", "R"):
        main = compare_parameter("lab", "continuous", shifted, statistics({"wilcoxon": {"preset": preset}}))[
            0
        ]
        assert main["details"]["exact"] is False and 0 < main["p_value"] < 1e-10
