"""Derived variables from arithmetic of columns (``expression``) and from a variable's sample
quantiles (``quantile_groups``): values, missing values and division by zero (counted), the
study's quantile type, R's ``cut(quantile())`` groups, and each mistake refused at load naming its
key (a user trial: flchain's total FLC = kappa + lambda, and its top decile)."""

import numpy as np
import pandas as pd
import pytest
import yaml

from retrocohort.cohort.derive import derive_variables
from retrocohort.cohort.derive_arithmetic import evaluate_expression, quantile_groups
from retrocohort.config.check import load_config
from retrocohort.config.derived_expression import ExpressionError, parse_expression
from retrocohort.config.values import value_domain
from retrocohort.errors import ConfigError
from retrocohort.stats.quantiles import quantile, quantile_definition

EMPTY_LINES = pd.DataFrame({"patient_id": [], "line": [], "agent": []})


def _values(series: pd.Series) -> list:
    return [None if pd.isna(v) else v for v in series]


def _patients() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "patient_id": pd.array([str(i) for i in range(1, 7)], dtype="string"),
            "kappa": pd.array([1.0, 2.5, None, 4.0, 0.5, 3.0], dtype="Float64"),
            "lambda": pd.array([2.0, 0.0, 1.0, 1.0, 1.5, 3.0], dtype="Float64"),
        }
    )


def test_sum_and_ratio_with_missing_and_zero_divisors_counted_in_the_notes():
    notes: list[str] = []
    out = derive_variables(
        _patients(),
        EMPTY_LINES,
        {
            "flc": {"label": "Total FLC", "expression": "kappa + lambda"},
            "ratio": {"expression": "kappa / lambda"},
            "mean_flc": {"expression": "(kappa + lambda) / 2 - -1 * 0"},
        },
        notes=notes,
    )
    assert _values(out["flc"]) == [3.0, 2.5, None, 5.0, 2.0, 6.0]
    assert _values(out["ratio"]) == [0.5, None, None, 4.0, pytest.approx(1 / 3), 1.0]
    assert _values(out["mean_flc"]) == [1.5, 1.25, None, 2.5, 1.0, 3.0]
    assert str(out["flc"].dtype) == "Float64"
    # the one row whose divisor is 0 is named in the report, not silently missing or infinite
    assert notes == ["`ratio` = kappa / lambda: 1 row with a divisor of 0 has no value (missing)."]


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "kappa ** 2",
        "abs(kappa)",
        "kappa.real",
        "kappa > 1",
        "'a' + kappa",
        "kappa +",
    ],
)
def test_anything_but_arithmetic_is_refused_by_the_parser(text):
    with pytest.raises(ExpressionError):
        parse_expression(text)


def test_quantile_groups_follow_r_cut_of_quantile_type_7_and_the_study_type():
    x = pd.Series(pd.array([5.0, 1.0, 9.0, 3.0, None, 7.0, 2.0, 8.0, 4.0, 6.0, 10.0], dtype="Float64"))
    groups, cuts = quantile_groups(x, 4, quantile_definition(7).function)
    # R: cut(x, quantile(x, 0:4/4, na.rm = TRUE), include.lowest = TRUE, labels = FALSE)
    #    -> 2 1 4 1 NA 3 1 4 2 3 4 ; quantile(1:10, 1:3/4) = 3.25 5.5 7.75
    assert cuts == [3.25, 5.5, 7.75]
    assert _values(groups) == ["Q2", "Q1", "Q4", "Q1", None, "Q3", "Q1", "Q4", "Q2", "Q3", "Q4"]
    # the study's quantile type is the one used (SPSS type 6: 2.75, 5.5, 8.25)
    _, cuts6 = quantile_groups(x, 4, quantile_definition(6).function)
    assert cuts6 == quantile(np.arange(1, 11), [0.25, 0.5, 0.75], hf_type=6).tolist() == [2.75, 5.5, 8.25]


def test_top_decile_through_derive_variables_with_cut_points_reported():
    rng = np.random.default_rng(1)
    patients = pd.DataFrame(
        {
            "patient_id": pd.array([str(i) for i in range(200)], dtype="string"),
            "kappa": pd.array(rng.gamma(2.0, 1.0, 200), dtype="Float64"),
            "lambda": pd.array(rng.gamma(2.0, 1.0, 200), dtype="Float64"),
        }
    )
    notes: list[str] = []
    derived = {
        "flc": {"expression": "kappa + lambda"},
        "flc_decile": {"quantile_groups": {"variable": "flc", "groups": 10}},
        "flc_top": {"equals": {"variable": "flc_decile", "value": "Q10"}},
    }
    out = derive_variables(patients, EMPTY_LINES, derived, quantile=quantile_definition(7), notes=notes)
    assert out["flc_decile"].value_counts().to_dict() == {f"Q{i}": 20 for i in range(1, 11)}
    top = out["flc"] > np.quantile(out["flc"].to_numpy(float), 0.9)
    assert out["flc_top"].astype(bool).tolist() == top.tolist()
    assert notes[0].startswith(
        "`flc_decile`: deciles of `flc` (sample quantiles, Hyndman-Fan type 7, of the 200 rows"
    )
    assert "Q10 (x > " in notes[0] and ") 20." in notes[0]
    again = derive_variables(patients, EMPTY_LINES, derived, quantile=quantile_definition(7))
    pd.testing.assert_frame_equal(out, again)  # byte-stable


def test_tied_cut_points_leave_a_group_empty_and_say_so():
    notes: list[str] = []
    patients = pd.DataFrame(
        {
            "patient_id": pd.array(list("abcdef"), dtype="string"),
            "n": pd.array([0, 0, 0, 0, 1, 2], dtype="Float64"),
        }
    )
    derive_variables(
        patients,
        EMPTY_LINES,
        {"g": {"quantile_groups": {"variable": "n", "groups": 3}}},
        quantile=quantile_definition(7),
        notes=notes,
    )
    assert notes[0].endswith("Empty (tied cut points): Q2.")


def test_expression_division_by_a_constant_zero_is_counted_per_row():
    values, zero = evaluate_expression("kappa / 0", _patients())
    assert values.isna().all() and zero == 6


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
        ({"x": {"expression": "hgb + nope"}}, "derived/x/expression", "unknown variable"),
        ({"x": {"expression": "hgb + sex"}}, "derived/x/expression", "'sex' is not a number"),
        ({"x": {"expression": "hgb + death"}}, "derived/x/expression", "'death' is not a number"),
        ({"x": {"expression": "hgb + age"}}, "derived/x/expression", "'g/dL' and 'years' added"),
        ({"x": {"expression": "hgb ** 2"}}, "derived/x/expression", "Pow is not allowed"),
        ({"x": {"expression": "exp(hgb)"}}, "derived/x/expression", "Call is not allowed"),
        (
            {"x": {"quantile_groups": {"variable": "sex", "groups": 4}}},
            "derived/x/quantile_groups/variable",
            "not a number",
        ),
        (
            {"x": {"quantile_groups": {"variable": "nope", "groups": 4}}},
            "derived/x/quantile_groups/variable",
            "unknown variable",
        ),
        (
            {"x": {"quantile_groups": {"variable": "hgb", "groups": 1}}},
            "derived/x/quantile_groups/groups",
            "less than the minimum",
        ),
        (
            {
                "x": {"equals": {"variable": "q", "value": "Q5"}},
                "q": {"quantile_groups": {"variable": "hgb", "groups": 4}},
            },
            "derived/x/equals",
            "",
        ),
    ],
)
def test_each_mistake_is_refused_naming_its_key(root, tmp_path, monkeypatch, derived, key, fragment):
    message = _refused(root, tmp_path, monkeypatch, derived)
    lines = [line for line in message.splitlines() if key in line]
    assert lines, message
    assert any(fragment in line for line in lines), message


def test_valid_declarations_load_with_their_levels_and_units(root, tmp_path, monkeypatch):
    study = root / "studies/mgus2"
    monkeypatch.chdir(study)
    cfg = yaml.safe_load((study / "config/config.yaml").read_text())
    cfg["derived"].update(
        {
            "protein": {"label": "Haemoglobin + M-spike", "expression": "hgb + mspike"},
            "protein_half": {"expression": "protein / 2"},
            "protein_q": {"quantile_groups": {"variable": "protein", "groups": 4}},
            "protein_top": {"equals": {"variable": "protein_q", "value": "Q4"}},
        }
    )
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    loaded = load_config(good, base_dir=study)
    assert value_domain(loaded, "protein_q") == ("Q1", "Q2", "Q3", "Q4")
    from retrocohort.config.derived_checks import variable_unit

    assert variable_unit(loaded, "protein") == "g/dL"
    assert variable_unit(loaded, "protein_half") == ""  # a ratio's unit is never guessed
