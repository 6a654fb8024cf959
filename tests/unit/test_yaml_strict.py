"""Strict config loading: what PyYAML's safe loader would accept silently is a located error."""

import pytest

from retrocohort.config.yaml_strict import MAX_ALIASES, load_yaml_strict, read_yaml_strict
from retrocohort.errors import ConfigError


def _refused(text: str) -> str:
    with pytest.raises(ConfigError) as err:
        load_yaml_strict(text, "study.yaml")
    return str(err.value)


def test_duplicate_key_names_both_lines():
    text = _refused("sites:\n  lyon: {sources: []}\n  lyon: {sources: [x]}\n")
    assert "study.yaml" in text and "line 3" in text and "duplicate key 'lyon'" in text
    assert "first written at line 2" in text and "sites/lyon" in text


@pytest.mark.parametrize(
    "doc, tag",
    [
        ("x: !!python/object/apply:os.system [ls]\n", "python/object/apply"),
        ("x: !local bar\n", "!local"),
        ("x: !!binary aGVsbG8=\n", "binary"),
        ("x: !!timestamp 2022-01-01\n", "timestamp"),
    ],
)
def test_tags_are_refused(doc, tag):
    text = _refused(doc)
    assert "line 1" in text and tag in text and "not allowed" in text


def test_core_tags_are_plain_data():
    assert load_yaml_strict("a: !!str 12\nb: !!int '3'\n", "s.yaml").data == {"a": "12", "b": 3}


def test_alias_bomb_is_refused_before_expansion():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    text = _refused("\n".join(lines) + "\n")
    assert f"more than {MAX_ALIASES} YAML aliases" in text and "line " in text


def test_a_few_aliases_and_merge_keys_are_fine():
    doc = load_yaml_strict("base: &b {x: 1, y: 2}\nc: *b\nd:\n  <<: *b\n  y: 3\n", "s.yaml")
    assert doc.data == {"base": {"x": 1, "y": 2}, "c": {"x": 1, "y": 2}, "d": {"x": 1, "y": 3}}


def test_recursive_alias_is_refused():
    assert "recursive YAML alias" in _refused("a: &a [1, *a]\n")


def test_yte_key_is_refused():
    text = _refused("__use_yte__: true\nstudy: {id: x}\n")
    assert "__use_yte__" in text and "line 1" in text


@pytest.mark.parametrize(
    "doc, key",
    [
        ("map: {1: true}\n", "'1'"),
        ("map: {Yes: true}\n", "'Yes'"),
        ("map: {null: x}\n", "'null'"),
        ("map: {[a]: x}\n", "'?'"),
    ],
)
def test_non_string_keys_are_refused(doc, key):
    text = _refused(doc)
    assert f"key {key} is not a string" in text and "quoted key" in text


def test_yes_no_values_are_recorded_with_their_spelling():
    doc = load_yaml_strict("a: Yes\nb: 'No'\nc: true\nd:\n  - off\n", "s.yaml")
    assert doc.data == {"a": True, "b": "No", "c": True, "d": [False]}
    assert doc.yaml11_booleans == {("a",): "Yes", ("d", 0): "off"}
    assert doc.lines[("d", 0)] == 5 and doc.line_of(("d", 0, "missing")) == 5


def test_syntax_error_and_missing_file_are_located(tmp_path):
    assert "row 2" in _refused("a: [1,\n")
    with pytest.raises(ConfigError, match="not found"):
        read_yaml_strict(tmp_path / "absent.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("a: caf\xe9\n".encode("latin-1"))
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        read_yaml_strict(latin)
