"""Config-driven cohort selection and its flow table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from loaded_sections import criteria as loaded_criteria

from retrocohort.cohort.selection import FLOW_COLUMNS, apply_selection
from retrocohort.errors import ConfigError


@pytest.fixture
def patients() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "hscore": [250, 169, 170, np.nan, 200, 100, 230],
            "shlh_confirmed": pd.array([True, True, True, True, False, None, True], dtype="boolean"),
            "anakinra": [True, True, True, True, True, True, False],
            "centre": ["A", "B", "C", "A", "B", "A", None],
        },
        index=pd.Index([f"p{i}" for i in range(7)], name="patient_id"),
    )


CRITERIA = loaded_criteria(
    [
        {
            "id": "hscore",
            "label": "H score > 169",
            "column": "hscore",
            "operator": ">",
            "value": 169,
            "missing": "exclude",
        },
        {
            "id": "confirmed",
            "label": "sHLH confirmed",
            "column": "shlh_confirmed",
            "operator": "is_true",
            "missing": "exclude",
        },
        {"id": "anakinra", "label": "Received anakinra", "column": "anakinra", "operator": "is_true"},
    ]
)


def test_flow(patients: pd.DataFrame) -> None:
    selected, flow = apply_selection(patients, CRITERIA)
    assert list(selected.index) == ["p0", "p2"]
    assert list(flow.columns) == FLOW_COLUMNS
    assert flow[["n_in", "n_excluded", "n_excluded_missing", "n_out"]].values.tolist() == [
        [7, 3, 1, 4],  # 169 (not > 169), NaN (missing), 100
        [4, 1, 0, 3],  # p4 False (p5's missing value was already excluded by step 1)
        [3, 1, 0, 2],  # p6 no anakinra
    ]
    assert flow["reason"].tolist() == [
        "hscore > 169 (missing: exclude)",
        "shlh_confirmed is true (missing: exclude)",
        "anakinra is true (missing: exclude)",
    ]
    assert flow["step"].tolist() == [1, 2, 3]


def test_missing_include_and_operators(patients: pd.DataFrame) -> None:
    selected, flow = apply_selection(
        patients,
        [
            {
                "id": "c",
                "label": "Centre A or B",
                "column": "centre",
                "operator": "in",
                "value": ["A", "B"],
                "missing": "include",
            },
            {
                "id": "h",
                "label": "H score >= 169",
                "column": "hscore",
                "operator": ">=",
                "value": 169,
                "missing": "include",
            },
        ],
    )
    assert list(selected.index) == ["p0", "p1", "p3", "p4", "p6"]
    assert flow["n_excluded"].tolist() == [1, 1]
    assert flow["reason"].iloc[0] == "centre in {A, B} (missing: include)"


@pytest.mark.parametrize(
    "operator,value,expected",
    [
        ("<", 170, ["p1", "p5"]),
        ("<=", 170, ["p1", "p2", "p5"]),
        ("==", 200, ["p4"]),
        ("!=", 200, ["p0", "p1", "p2", "p5", "p6"]),
        ("notna", None, ["p0", "p1", "p2", "p4", "p5", "p6"]),
    ],
)
def test_operators(patients: pd.DataFrame, operator: str, value, expected: list[str]) -> None:
    criterion = {"id": "x", "label": "x", "column": "hscore", "operator": operator}
    if value is not None:
        criterion["value"] = value
    selected, flow = apply_selection(patients, loaded_criteria([criterion]))
    assert list(selected.index) == expected
    assert flow["n_excluded_missing"].iloc[0] == 1  # p3's missing H score


@pytest.mark.parametrize(
    "change,field",
    [
        ({"operator": "gt"}, "operator"),
        ({"column": "hscor"}, "column"),
        ({"missing": "drop"}, "missing"),
        ({"value": None}, "value"),
        ({"operator": "in", "value": 3}, "value"),
        ({"operator": "notna", "missing": "include", "value": None}, "missing"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_config_errors_name_criterion_and_field(patients: pd.DataFrame, change: dict, field: str) -> None:
    bad = {**CRITERIA[0], **change}
    with pytest.raises(ConfigError) as err:
        apply_selection(patients, [CRITERIA[1], bad])
    assert f"criterion 'hscore', field '{field}'" in str(err.value)


def test_type_mismatch_is_config_error(patients: pd.DataFrame) -> None:
    with pytest.raises(ConfigError, match="criterion 'c', field 'value'"):
        apply_selection(
            patients, loaded_criteria([{"id": "c", "column": "centre", "operator": ">", "value": 3}])
        )
    with pytest.raises(ConfigError, match="true/false"):
        apply_selection(patients, loaded_criteria([{"id": "c", "column": "centre", "operator": "is_true"}]))


def test_a_criterion_without_its_missing_policy_is_a_config_error(patients: pd.DataFrame) -> None:
    """Failed before the policy was read from the loaded study: a criterion without ``missing``
    was applied as ``exclude`` (a default restated in code, not the schema's)."""
    bare = {"id": "c", "column": "hscore", "operator": ">", "value": 169}
    with pytest.raises(ConfigError, match="criterion 'c', field 'missing': no missing-data policy"):
        apply_selection(patients, [bare])
    selected, flow = apply_selection(patients, loaded_criteria([bare]))
    assert flow["reason"].iloc[0] == "hscore > 169 (missing: exclude)"
    assert list(selected.index) == ["p0", "p2", "p4", "p6"]


def test_duplicate_ids(patients: pd.DataFrame) -> None:
    with pytest.raises(ConfigError, match="duplicate id"):
        apply_selection(patients, [CRITERIA[0], CRITERIA[0]])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.integers(0, 337)), min_size=0, max_size=60),
    st.lists(
        st.tuples(
            st.sampled_from([">", ">=", "<", "<=", "==", "!="]),
            st.integers(0, 337),
            st.sampled_from(["exclude", "include"]),
        ),
        min_size=1,
        max_size=5,
    ),
)
def test_property_flow_adds_up(scores: list, rules: list) -> None:
    df = pd.DataFrame({"hscore": pd.array(scores, dtype="Float64")})
    criteria = [
        {"id": f"r{i}", "label": "", "column": "hscore", "operator": op, "value": v, "missing": miss}
        for i, (op, v, miss) in enumerate(rules)
    ]
    selected, flow = apply_selection(df, criteria)
    assert flow["n_in"].iloc[0] == len(df)
    assert (flow["n_in"] - flow["n_excluded"] == flow["n_out"]).all()
    assert (flow["n_in"].iloc[1:].to_numpy() == flow["n_out"].iloc[:-1].to_numpy()).all()
    assert flow["n_out"].iloc[-1] == len(selected)
    assert (flow["n_excluded_missing"] <= flow["n_excluded"]).all()
    assert flow["n_excluded"].sum() + len(selected) == len(df)
