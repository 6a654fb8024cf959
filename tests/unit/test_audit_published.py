"""Loading and validating published-numbers YAML files."""

import dataclasses
from pathlib import Path

import pytest
import yaml

from retrocohort.audit.published import load_published, load_study, printed_tokens
from retrocohort.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
BAVEREZ = ROOT / "config" / "published" / "baverez2022.yaml"
CAVALLI = ROOT / "config" / "published" / "cavalli2020.yaml"

GOOD = {
    "source": {"citation": "Test 2024"},
    "numbers": [
        {
            "id": "t1_age_median_iqr",
            "where": "Table 1",
            "printed": "45.0 [33.0–58.0]",
            "statistic": "median_iqr",
            "values": {"median": 45.0, "q1": 33.0, "q3": 58.0},
            "decimals": {"median": 1, "q1": 1, "q3": 1},
            "variable": "age",
        },
        {
            "id": "t1_sex_male",
            "where": "Table 1",
            "printed": "13 (62%)",
            "statistic": "count_pct",
            "values": {"count": 13, "pct": 62},
            "decimals": {"count": 0, "pct": 0},
            "variable": "sex_male",
        },
    ],
    "agreements": [{"name": "men", "members": ["t1_sex_male.count", "t1_sex_male.count"]}],
}


def _write(tmp_path, doc):
    path = tmp_path / "paper.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return path


def _error(tmp_path, doc) -> str:
    with pytest.raises(ConfigError) as exc:
        load_published(_write(tmp_path, doc))
    return str(exc.value)


def test_good_file_loads_frozen_entries(tmp_path):
    [age, men] = load_published(_write(tmp_path, GOOD))
    assert age.values == {"median": 45.0, "q1": 33.0, "q3": 58.0} and men.decimals["pct"] == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        age.printed = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        age.values["median"] = 1.0  # type: ignore[index]


def test_schema_error_names_file_entry_and_field(tmp_path):
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["numbers"][0]["decimals"]["q1"] = 1.5
    msg = _error(tmp_path, doc)
    assert "paper.yaml" in msg and "entry 't1_age_median_iqr'" in msg and "decimals.q1" in msg


def test_statistic_requires_its_value_keys(tmp_path):
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    del doc["numbers"][0]["values"]["q3"], doc["numbers"][0]["decimals"]["q3"]
    msg = _error(tmp_path, doc)
    assert "entry 't1_age_median_iqr'" in msg and "'q3' is a required property" in msg


def test_value_must_be_visible_in_printed_at_its_decimals(tmp_path):
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["numbers"][1]["values"]["count"] = 12
    msg = _error(tmp_path, doc)
    assert "entry 't1_sex_male'" in msg and "values.count" in msg and "count=12" in msg
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["numbers"][0]["decimals"]["median"] = 0  # "45" is not printed, "45.0" is
    assert "values.median" in _error(tmp_path, doc)


def test_duplicate_ids_and_dangling_references(tmp_path):
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["numbers"].append(dict(doc["numbers"][1]))
    assert "entry 't1_sex_male': duplicate id" in _error(tmp_path, doc)
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["agreements"][0]["members"][1] = "t1_sex_female.count"
    assert "unknown entry 't1_sex_female'" in _error(tmp_path, doc)


def test_printed_tokens_read_digits_separators_and_words():
    assert printed_tokens("13,835.0 [6072.5–27,001.0]") == {"13835.0", "6072.5", "27001.0"}
    assert {"6", "5", "1"} <= printed_tokens("In six patients (five with infection, one with HL)")
    assert printed_tokens("(1, 2)") == {"1", "2"}


def test_baverez_file_covers_every_table_3_row_and_abstract_number():
    study = load_study(BAVEREZ)
    ids = {e.id for e in study.numbers}
    for row in ("fever", "crp", "ferritin", "triglycerides", "ast", "hemoglobin", "leukocytes", "platelets"):
        assert {f"t3_{row}_day0", f"t3_{row}_day7", f"t3_{row}_p"} <= ids
    by_id = study.by_id()
    assert by_id["t3_crp_p"].printed_p == "<0.001" and by_id["t3_triglycerides_p"].printed_p == "1.000"
    assert by_id["t3_fever_p"].n == 18 and by_id["t3_ast_p"].n == 19
    assert by_id["t1_age_median_iqr"].values == {"median": 45.0, "q1": 33.0, "q3": 58.0}
    assert by_id["t1_crp"].reference_range["printed"] == "0.0–0.8"
    assert sum(e.where == "abstract" for e in study.numbers) == 12
    assert (
        sum(e.where == "Table 1" for e in study.numbers) == 32
    )  # 19 count rows + 11 labs + marrow + H score
    assert all(e.test and e.design for e in study.numbers if e.statistic == "p_value")


def test_cavalli_file():
    study = load_study(CAVALLI)
    assert (
        study.value("cav_survival_anakinra.count") == 26 and study.value("cav_survival_standard.total") == 16
    )
    assert study.by_id()["cav_survival_p"].printed_p == "0.009"


def test_regenerate_definitions_load_and_validate(tmp_path):
    doc = {
        **GOOD,
        "regenerate": {
            "sex_male": {"equals": {"variable": "sex", "value": "male"}, "label": "men"},
            "mono": {"definitions": [{"all_of": ["a", "b"]}, {"only_agent": "ANA", "label": "only ANA"}]},
        },
    }
    study = load_study(_write(tmp_path, doc))
    assert study.regenerate["sex_male"][0].op == "equals" and study.regenerate["sex_male"][0].label == "men"
    assert [d.op for d in study.regenerate["mono"]] == ["all_of", "only_agent"]
    assert study.regenerate["mono"][0].arg == ("a", "b")


def test_regenerate_needs_exactly_one_operation_and_a_valid_pattern(tmp_path):
    doc = {
        **GOOD,
        "regenerate": {
            "two": {"variable": "a", "known": "b"},
            "bad": {"text_matches": {"variable": "t", "pattern": "(unclosed"}},
        },
    }
    msg = _error(tmp_path, doc)
    assert "regenerate 'two' definition 1: needs exactly one of" in msg
    assert "regenerate 'bad': invalid pattern" in msg


def test_flagship_regenerate_section_loads():
    study = load_study(BAVEREZ)
    assert len(study.regenerate["anakinra_monotherapy"]) == 2
    assert study.regenerate["n_centres"][0].op == "missing"
