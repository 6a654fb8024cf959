"""TestResult record and the shared p-value helpers."""

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest

from retrocohort.stats.result import (
    TestResult,
    as_binary_vector,
    as_float_vector,
    check_alternative,
    discrete_pvalue,
    normal_pvalue,
)


def _result() -> TestResult:
    return TestResult(
        test="t",
        method="m",
        statistic=np.float64(1.5),
        p_value=np.float64(0.25),
        n=10,
        n_used=9,
        alternative="two-sided",
        details={"exact": np.bool_(True), "k": np.int64(3), "v": (1, 2)},
    )


def test_to_dict_flat_is_plain_python_and_json_serialisable():
    row = _result().to_dict()
    assert row["statistic"] == 1.5 and type(row["statistic"]) is float
    assert row["details.exact"] is True and type(row["details.k"]) is int
    assert row["details.v"] == [1, 2]
    assert json.loads(json.dumps(row))["n_used"] == 9


def test_to_dict_nested_keeps_details_together():
    row = _result().to_dict(flat=False)
    assert row["details"] == {"exact": True, "k": 3, "v": [1, 2]}
    assert not any(key.startswith("details.") for key in row)


def test_result_is_immutable_including_details():
    res = _result()
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.p_value = 0.5  # type: ignore[misc]
    with pytest.raises(TypeError):
        res.details["k"] = 4  # type: ignore[index]


def test_as_float_vector_converts_pandas_na_and_rejects_bad_input():
    out = as_float_vector(pd.Series([1, None, 3], dtype="Int64"), "x")
    assert np.isnan(out[1]) and out[2] == 3
    for bad in (np.ones((2, 2)), ["a", "b"], [1.0, np.inf]):
        with pytest.raises(ValueError):
            as_float_vector(bad, "x")


def test_as_binary_vector_accepts_booleans_with_missing_and_rejects_other_codes():
    out = as_binary_vector([True, False, None], "b")
    assert out[:2].tolist() == [1.0, 0.0] and np.isnan(out[2])
    with pytest.raises(ValueError, match="boolean"):
        as_binary_vector([0, 1, 2], "b")


def test_check_alternative():
    assert check_alternative("less") == "less"
    with pytest.raises(ValueError, match="alternative"):
        check_alternative("two.sided")


def test_discrete_pvalue_tails_and_doubling():
    pmf = np.array([0.125, 0.375, 0.375, 0.125])
    assert discrete_pvalue(pmf, 3, "greater") == 0.125
    assert discrete_pvalue(pmf, 3, "less") == 1.0
    assert discrete_pvalue(pmf, 0, "two-sided") == 0.25
    assert discrete_pvalue(pmf, 1, "two-sided") == 1.0  # capped


def test_normal_pvalue_continuity_correction_moves_towards_mean():
    z, p = normal_pvalue(12.0, 10.0, 4.0, "two-sided", correction=False)
    assert z == 1.0 and p == pytest.approx(0.3173105, abs=1e-7)
    z_cc, _ = normal_pvalue(12.0, 10.0, 4.0, "two-sided", correction=True)
    assert z_cc == 0.75
    assert normal_pvalue(8.0, 10.0, 4.0, "less", correction=True)[0] == -0.75
    assert normal_pvalue(1.0, 1.0, 0.0, "two-sided", correction=False)[1] == 1.0  # one-point null
