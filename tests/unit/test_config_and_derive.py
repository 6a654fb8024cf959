import pandas as pd
import pytest
import yaml

from retrocohort.config.check import load_config
from retrocohort.cohort.derive import derive_variables
from retrocohort.errors import ConfigError


def test_flagship_config_is_valid(root, monkeypatch):
    monkeypatch.chdir(root)
    cfg = load_config(root / "config/config.yaml")
    assert cfg["study"]["id"] == "baverez2022"


@pytest.mark.parametrize("edit, fragment", [
    (lambda c: c.update(unknown_key=1), "Additional properties are not allowed"),
    (lambda c: c["statistics"].update(quantile_type="seven"), "statistics/quantile_type"),
    (lambda c: c["tables"]["table1"]["rows"].append({"variable": "not_declared"}), "unknown variable"),
    (lambda c: c["sites"]["lyon_rouen"]["sources"][0].update(path="data/raw/missing.csv"), "input file does not exist"),
])
def test_config_errors_are_located(root, tmp_path, monkeypatch, edit, fragment):
    monkeypatch.chdir(root)
    cfg = yaml.safe_load((root / "config/config.yaml").read_text())
    edit(cfg)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=root)
    assert fragment in str(err.value)


def test_derived_variables_kleene_and_treatment_lines():
    patients = pd.DataFrame({"patient_id": pd.array(["1", "2", "3"], dtype="string"),
                             "a": pd.array([True, False, None], dtype="boolean"),
                             "b": pd.array([False, False, False], dtype="boolean"),
                             "age": pd.array([4.0, 40.0, None], dtype="Float64")})
    treatments = pd.DataFrame({"patient_id": ["1", "2", "2", "2"], "line": [1, 1, 2, 2],
                               "agent": ["ANA", "CTC", "ANA", "CTC"]})
    out = derive_variables(patients, treatments, {
        "any": {"any_of": ["a", "b"]}, "n": {"count_of": ["a", "b"]},
        "child": {"less_than": {"variable": "age", "value": 18}},
        "line": {"treatment_line_of": {"agent": "ANA"}}, "first": {"first_line": {"agent": "ANA"}},
        "mono": {"monotherapy": {"agent": "ANA"}}})
    assert out["any"].tolist() == [True, False, pd.NA]
    assert out["n"].tolist() == [1, 0, 0]
    assert out["child"].tolist() == [True, False, pd.NA]
    assert out["line"].tolist() == [1, 2, pd.NA]
    assert out["first"].tolist() == [True, False, pd.NA]
    assert out["mono"].tolist() == [True, False, pd.NA]
