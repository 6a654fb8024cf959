"""The one JSON policy (retrocohort.io.json, written by retrocohort.io.atomic.write_json)."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrocohort.io import atomic, tabular
from retrocohort.io.json import json_ready, json_text


def strict_loads(text: str):
    """json.loads that refuses the NaN / Infinity tokens (as JavaScript's JSON.parse does)."""

    def refuse(token: str):
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


def test_non_finite_floats_become_null_at_any_depth() -> None:
    doc = {"a": float("nan"), "b": [1.5, float("inf"), {"c": -float("inf"), "d": (float("nan"), 2)}]}
    assert strict_loads(json_text(doc)) == {"a": None, "b": [1.5, None, {"c": None, "d": [None, 2]}]}


def test_numpy_and_pandas_values_become_plain_json() -> None:
    doc = {
        "i": np.int64(7),
        "f": np.float32(0.5),
        "nan": np.float64("nan"),
        "b": np.bool_(True),
        "s": np.str_("x"),
        "arr": np.array([[1.0, np.nan], [np.inf, 2.0]]),
        "zero_d": np.array(3),
        "na": pd.NA,
        "nat": pd.NaT,
        "keys": {np.int64(2): "two"},
    }
    assert strict_loads(json_text(doc)) == {
        "i": 7,
        "f": 0.5,
        "nan": None,
        "b": True,
        "s": "x",
        "arr": [[1.0, None], [None, 2.0]],
        "zero_d": 3,
        "na": None,
        "nat": None,
        "keys": {"2": "two"},
    }
    ready = json_ready(doc)
    assert type(ready["i"]) is int and type(ready["b"]) is bool and type(ready["s"]) is str


def test_records_of_a_frame_with_missing_values_are_valid_json() -> None:
    frame = pd.DataFrame({"p_value": [0.011, np.nan], "n": [9, 3], "label": ["crp", None]})
    text = json_text(frame.to_dict("records"))
    assert "NaN" not in text
    assert strict_loads(text) == [
        {"label": "crp", "n": 9, "p_value": 0.011},
        {"label": None, "n": 3, "p_value": None},
    ]


def test_dates_and_paths_keep_the_text_previous_writers_gave_them() -> None:
    doc = {"d": dt.date(2022, 3, 1), "t": dt.datetime(2022, 3, 1, 8, 30), "p": Path("data/raw/x.csv")}
    assert json_ready(doc) == {"d": "2022-03-01", "t": "2022-03-01 08:30:00", "p": "data/raw/x.csv"}


@pytest.mark.parametrize(
    "bad,where",
    [
        ({"inputs": [{"share": Fraction(1, 3)}]}, "$.inputs[0].share"),
        ({"ids": {1, 2}}, "$.ids"),
        ([object()], "$[0]"),
    ],
)
def test_unsupported_objects_are_refused_with_their_location(bad, where: str) -> None:
    with pytest.raises(TypeError, match="cannot be written as JSON") as err:
        json_text(bad)
    assert str(err.value).startswith(f"{where}: a ")


def test_unsupported_mapping_keys_are_refused() -> None:
    with pytest.raises(TypeError, match=r"\$: a mapping key of type tuple"):
        json_text({(1, 2): "pair"})


def test_format_sorted_indented_unicode_with_final_newline() -> None:
    assert json_text({"b": 1, "a": ["µg/L"]}) == '{\n  "a": [\n    "µg/L"\n  ],\n  "b": 1\n}\n'
    assert json_text({"b": 1, "a": 2}, sort_keys=False) == '{\n  "b": 1,\n  "a": 2\n}\n'


def test_text_without_non_finite_values_is_what_json_dumps_wrote_before() -> None:
    doc = {
        "study": "x",
        "inputs": [{"path": "a.csv", "bytes": 10, "sha256": "ab"}],
        "ratio": 1e-7,
        "nested": {"z": True, "y": None, "x": [1, 2.5, "é"]},
    }
    before = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"
    assert json_text(doc) == before


def test_write_json_is_the_one_writer(tmp_path: Path) -> None:
    assert tabular.write_json is atomic.write_json
    target = tmp_path / "sub" / "stats.json"
    atomic.write_json({"p": float("nan"), "n": np.int64(4)}, target)
    assert target.read_text(encoding="utf-8") == '{\n  "n": 4,\n  "p": null\n}\n'
    with pytest.raises(TypeError):
        atomic.write_json({"bad": {1, 2}}, tmp_path / "bad.json")
    assert not (tmp_path / "bad.json").exists()  # nothing written when the document is refused
