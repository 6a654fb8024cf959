"""Table 1 statistics: counts, denominators, missing, quantile types, mean (SD), kinds."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrocohort.analysis.descriptive import summarise_variable, table1_statistics, variable_kind
from retrocohort.stats.quantiles import NUMPY_METHOD

VARIABLES = {
    "age": {"kind": "continuous", "label": "Age"},
    "male": {"kind": "binary"},
    "ferritin": {"kind": "continuous"},
}
DERIVED = {
    "organ": {"any_of": ["male"]},
    "n_cond": {"count_of": ["male"]},
    "line": {"treatment_line_of": {"agent": "ANA"}},
}


def test_variable_kind_of_declared_derived_and_builtin_variables():
    assert variable_kind("age", VARIABLES, DERIVED) == "continuous"
    assert variable_kind("organ", VARIABLES, DERIVED) == "binary"
    assert variable_kind("n_cond", VARIABLES, DERIVED) == "count"
    assert variable_kind("line", VARIABLES, DERIVED) == "count"
    assert variable_kind("hscore_probability_pct", VARIABLES, DERIVED) == "continuous"


def test_rows_sections_denominators_and_missing():
    frame = pd.DataFrame(
        {
            "age": [30.0, 40, 50, np.nan],
            "male": pd.array([True, False, None, True], dtype="boolean"),
            "ferritin": [100.0, 200, 300, 400],
        }
    )
    rows = [
        {"section": "Demographics"},
        {"variable": "male"},
        {"variable": "age", "stat": "mean_sd"},
        {"variable": "ferritin"},
    ]
    out = table1_statistics(frame, rows, VARIABLES, DERIVED, 7, {"ferritin"})
    assert out["stat"].tolist() == ["section", "count_pct", "mean_sd", "median_iqr"]
    male = out.iloc[1]
    assert (male["count"], male["denominator"], male["missing"], male["percent"]) == (
        2,
        3,
        1,
        pytest.approx(200 / 3),
    )
    age = out.iloc[2]
    assert age["n"] == 3 and age["missing"] == 1
    assert age["mean"] == 40 and age["sd"] == pytest.approx(10.0)  # n - 1 denominator
    assert out.iloc[3]["synthetic"] and not out.iloc[2]["synthetic"]
    assert out.iloc[3]["quantile_method"].startswith("Hyndman–Fan type 7")


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(st.integers(-1000, 1000).map(lambda v: v / 10), min_size=1, max_size=40),
    hf=st.integers(2, 9),
)  # type 1: numpy applies no tolerance at p*n = integer (stats.quantiles)
def test_quartiles_equal_numpy_methods_for_every_type(values, hf):
    out = summarise_variable(pd.Series(values + [np.nan]), "median_iqr", hf)
    expected = np.quantile(np.array(values), [0.25, 0.5, 0.75], method=NUMPY_METHOD[hf])
    assert [out["q1"], out["median"], out["q3"]] == pytest.approx(expected, abs=1e-9)
    assert out["missing"] == 1 and out["n"] == len(values)


def test_empty_columns_give_missing_numbers_not_errors():
    out = summarise_variable(pd.Series([np.nan, np.nan]), "median_iqr", 7)
    assert out["n"] == 0 and out["missing"] == 2 and "median" not in out
    binary = summarise_variable(pd.Series([None, None], dtype="boolean"), "count_pct", 7)
    assert binary["denominator"] == 0 and np.isnan(binary["percent"])
