"""Refused-mistake tests of the issue-23 model keys that had none (audit of issue 23 item 9):
``ph_threshold`` outside (0, 1] or on a logistic model, ``global_p`` that is not true/false.
Each is a config error at load naming the key path."""

from __future__ import annotations

import pytest
from test_regression_model_terms import COX, _problems

LOGISTIC = {"kind": "regression", "model": "logistic", "outcome": "died", "predictors": ["age"]}


@pytest.mark.parametrize(
    "table, key",
    [
        ({**COX, "ph_threshold": 0}, "tables/t9/ph_threshold"),
        ({**COX, "ph_threshold": 1.5}, "tables/t9/ph_threshold"),
        ({**COX, "ph_threshold": "5%"}, "tables/t9/ph_threshold"),
        ({**LOGISTIC, "ph_threshold": 0.05}, "tables/t9/ph_threshold"),
        ({**COX, "global_p": "yes"}, "tables/t9/global_p"),
    ],
)
def test_model_key_mistakes_are_refused_at_load_naming_the_key(root, tmp_path, monkeypatch, table, key):
    problems = _problems(root, tmp_path, monkeypatch, table)
    assert any(key in f"{p.column} {p.message}" for p in problems), problems


def test_the_documented_values_load(root, tmp_path, monkeypatch):
    assert _problems(root, tmp_path, monkeypatch, {**COX, "ph_threshold": 0.01, "global_p": False}) == []
