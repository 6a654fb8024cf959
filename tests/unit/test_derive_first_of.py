"""Derived `first_of`: a category from yes/no flags, first matching rule wins, Kleene missing."""

import pandas as pd

from retrocohort.cohort.derive import derive_variables
from retrocohort.config.derived_spec import derived_inputs

SPEC = {
    "cause": {
        "label": "Cause",
        "first_of": [
            {"variable": "rheum", "value": "still"},
            {"variable": ["malig", "infect"], "value": "malignancy_infection"},
        ],
    }
}


def _patients(rheum, malig, infect):
    n = len(rheum)
    return pd.DataFrame(
        {
            "patient_id": pd.array([str(i + 1) for i in range(n)], dtype="string"),
            "rheum": pd.array(rheum, dtype="boolean"),
            "malig": pd.array(malig, dtype="boolean"),
            "infect": pd.array(infect, dtype="boolean"),
        }
    )


def _cause(patients):
    empty = pd.DataFrame({"patient_id": pd.Series([], dtype="string"), "line": [], "agent": []})
    return derive_variables(patients, empty, SPEC)["cause"].tolist()


def test_overlap_takes_the_first_rule_and_others_are_missing():
    out = _cause(
        _patients(
            rheum=[True, True, False, False, False],
            malig=[False, False, True, False, False],
            infect=[False, True, True, True, False],
        )
    )
    # patient 2 (rheumatic AND infection) is 'still': rule order is the precedence
    assert out[:4] == ["still", "still", "malignancy_infection", "malignancy_infection"]
    assert pd.isna(out[4])  # in no category


def test_unknown_flags_never_guess_a_category():
    out = _cause(
        _patients(
            rheum=[None, None, False, True],
            malig=[True, False, None, None],
            infect=[False, False, False, None],
        )
    )
    # 1: an unknown earlier rule could make it 'still'; 2: same, and nothing later is true;
    # 3: malignancy unknown and infection false: maybe malignancy_infection, maybe none;
    # 4: the first rule is true, so the unknown later flags do not matter
    assert [pd.isna(v) for v in out[:3]] == [True, True, True] and out[3] == "still"


def test_a_later_true_flag_decides_despite_an_unknown_sibling():
    out = _cause(_patients(rheum=[False], malig=[None], infect=[True]))
    assert out == ["malignancy_infection"]


def test_inputs_of_every_operation():
    assert derived_inputs(SPEC["cause"]) == ["rheum", "malig", "infect"]
    assert derived_inputs({"any_of": ["a", "b"]}) == ["a", "b"]
    assert derived_inputs({"equals": {"variable": "sex", "value": "male"}}) == ["sex"]
    assert derived_inputs({"first_line": {"agent": "ANA"}}) == []
