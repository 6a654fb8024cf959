"""Derived variables comparing a variable with values or two columns (``equals_column``,
``greater_than``, ``at_least``, ``at_most``, ``between``, ``in``, ``not``): values, missing-value
semantics, and each key's mistakes refused at load naming the key."""

import pandas as pd
import pytest
import yaml

from retrocohort.cohort.derive import compare, derive_variables, equals_column
from retrocohort.config.check import load_config
from retrocohort.errors import ConfigError

NA = pd.NA


def _values(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series]


@pytest.mark.parametrize(
    "op, arg, expected",
    [
        ("less_than", {"value": 60}, [True, False, False, None]),
        ("greater_than", {"value": 60}, [False, False, True, None]),
        ("at_least", {"value": 60}, [False, True, True, None]),
        ("at_most", {"value": 60}, [True, True, False, None]),
        ("between", {"low": 59.5, "high": 60}, [False, True, False, None]),  # both bounds inclusive
        ("between", {"low": 12, "high": 60}, [True, True, False, None]),
    ],
)
def test_number_comparisons_with_missing_propagating(op, arg, expected):
    months = pd.Series(pd.array([12.0, 60.0, 61.5, None], dtype="Float64"))
    assert _values(compare(months, op, {"variable": "futime", **arg})) == expected


def test_in_compares_printed_values_and_keeps_missing_missing():
    stage = pd.Series(pd.array(["I", "II", "IV", None], dtype="string"))
    assert _values(compare(stage, "in", {"values": ["III", "IV"]})) == [False, False, True, None]
    # a whole number stored as 2.0 is the printed "2"; a boolean is True/False as written
    grade = pd.Series(pd.array([1.0, 2.0, None], dtype="Float64"))
    assert _values(compare(grade, "in", {"values": [2, 3]})) == [False, True, None]
    flag = pd.Series(pd.array([True, False, None], dtype="boolean"))
    assert _values(compare(flag, "in", {"values": [False]})) == [False, True, None]


def test_equals_column_numbers_text_and_missing():
    a = pd.Series(pd.array([1.0, 2.0, None, 4.0], dtype="Float64"))
    b = pd.Series(pd.array([1, 3, 3, None], dtype="Int64"))
    assert _values(equals_column(a, b)) == [True, False, None, None]
    x = pd.Series(pd.array(["left", "right", None], dtype="string"))
    y = pd.Series(pd.array(["left", "left", "left"], dtype="string"))
    assert _values(equals_column(x, y)) == [True, False, None]


def test_not_and_comparisons_through_derive_variables():
    patients = pd.DataFrame(
        {
            "patient_id": pd.array(["1", "2", "3", "4"], dtype="string"),
            "death": pd.array([True, False, None, False], dtype="boolean"),
            "futime": pd.array([30.0, 80.0, 20.0, None], dtype="Float64"),
            "side_tumour": pd.array(["left", "right", "left", None], dtype="string"),
            "side_surgery": pd.array(["left", "left", "left", "left"], dtype="string"),
        }
    )
    empty = pd.DataFrame({"patient_id": [], "line": [], "agent": []})
    out = derive_variables(
        patients,
        empty,
        {
            "alive": {"not": "death"},
            "followed_5y": {"at_least": {"variable": "futime", "value": 60}},
            "same_side": {"equals_column": ["side_tumour", "side_surgery"]},
        },
    )
    assert _values(out["alive"]) == [False, True, None, True]
    assert _values(out["followed_5y"]) == [False, True, False, None]
    assert _values(out["same_side"]) == [True, False, True, None]
    assert str(out["alive"].dtype) == "boolean"


def _refused(root, tmp_path, monkeypatch, derived: dict) -> str:
    study = root / "studies/mgus2"
    monkeypatch.chdir(study)
    cfg = yaml.safe_load((study / "config/config.yaml").read_text())
    cfg["derived"].update(derived)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=study)
    return str(err.value)


@pytest.mark.parametrize(
    "derived, key, fragment",
    [
        ({"x": {"at_least": {"variable": "sex", "value": 1}}}, "derived/x/at_least/variable", "not a number"),
        (
            {"x": {"at_most": {"variable": "nope", "value": 1}}},
            "derived/x/at_most/variable",
            "unknown variable",
        ),
        ({"x": {"at_most": {"variable": "age", "value": "60"}}}, "derived/x/at_most/value", "not of type"),
        (
            {"x": {"greater_than": {"variable": "death", "value": 0}}},
            "derived/x/greater_than/variable",
            "not a number",
        ),
        (
            {"x": {"less_than": {"variable": "sex", "value": 1}}},
            "derived/x/less_than/variable",
            "not a number",
        ),
        (
            {"x": {"between": {"variable": "age", "low": 80, "high": 60}}},
            "derived/x/between/low",
            "is above high",
        ),
        ({"x": {"between": {"variable": "age", "low": 60}}}, "derived/x/between", "'high' is a required"),
        ({"x": {"in": {"variable": "sex", "values": ["female", "F"]}}}, "derived/x/in/values/1", "raw code"),
        (
            {"x": {"in": {"variable": "sex", "values": ["women"]}}},
            "derived/x/in/values/0",
            "not a value of 'sex'",
        ),
        ({"x": {"in": {"variable": "sex", "values": []}}}, "derived/x/in/values", "should be non-empty"),
        ({"x": {"not": "age"}}, "derived/x/not", "not a yes/no variable"),
        ({"x": {"not": "nope"}}, "derived/x/not", "unknown variable"),
        ({"x": {"equals_column": ["age", "sex"]}}, "derived/x/equals_column/1", "never equal"),
        ({"x": {"equals_column": ["pstat", "sex"]}}, "derived/x/equals_column/1", "share no value"),
        ({"x": {"equals_column": ["age", "age"]}}, "derived/x/equals_column/1", "compared with itself"),
        ({"x": {"equals_column": ["age"]}}, "derived/x/equals_column", "too short"),
        ({"x": {"equals_column": ["age", "nope"]}}, "derived/x/equals_column/1", "unknown variable"),
        # computed in the order written: an input derived below has no values yet (KeyError
        # at the cohort rule before), nor has the variable itself
        (
            {"a_first": {"not": "z_later"}, "z_later": {"at_least": {"variable": "age", "value": 60}}},
            "derived/a_first/not",
            "derived below 'a_first'",
        ),
        ({"x": {"not": "x"}}, "derived/x/not", "derived below 'x'"),
        (
            {"x": {"at_least": {"variable": "age", "value": 60}, "not": "death"}},
            "derived/x",
            "2 operations",
        ),
    ],
)
def test_each_comparison_mistake_is_refused_naming_its_key(
    root, tmp_path, monkeypatch, derived, key, fragment
):
    message = _refused(root, tmp_path, monkeypatch, derived)
    lines = [line for line in message.splitlines() if f"'{key}'" in line or f"{key}:" in line]
    assert lines, message
    assert any(fragment in line for line in lines), message


def test_valid_comparisons_load(root, monkeypatch, tmp_path):
    study = root / "studies/mgus2"
    monkeypatch.chdir(study)
    cfg = yaml.safe_load((study / "config/config.yaml").read_text())
    cfg["derived"].update(
        {
            "older": {"between": {"variable": "age", "low": 65, "high": 80}},
            "male": {"in": {"variable": "sex", "values": ["male"]}},
            "same": {"equals_column": ["pstat", "death"]},
            "survived": {"not": "death"},
        }
    )
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    assert "older" in load_config(good, base_dir=study)["derived"]


def test_an_entry_broken_inside_and_outside_a_list_is_reported_not_a_traceback(root, tmp_path, monkeypatch):
    """Two schema errors in one derived entry, one in a list item (``points/0``) and one beside
    it (``missing_items``): the config check listed neither (KeyError 'points') before the fix."""
    message = _refused(
        root,
        tmp_path,
        monkeypatch,
        {"x": {"points": [{"variable": "age"}], "missing_items": "sometimes"}},
    )
    assert "derived/x/points/0" in message and "derived/x/missing_items" in message
    assert "operations" not in message  # the emptied entry is not reported again
