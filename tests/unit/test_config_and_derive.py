import pandas as pd
import pytest
import yaml

from retrocohort.cohort.derive import derive_variables
from retrocohort.config.check import load_config
from retrocohort.errors import ConfigError


def test_flagship_config_is_valid(root, monkeypatch):
    monkeypatch.chdir(root)
    cfg = load_config(root / "config/config.yaml")
    assert cfg["study"]["id"] == "baverez2022"


@pytest.mark.parametrize(
    "edit, fragment",
    [
        (lambda c: c.update(unknown_key=1), "Additional properties are not allowed"),
        (lambda c: c["statistics"].update(quantile_type="seven"), "statistics/quantile_type"),
        (lambda c: c["tables"]["table1"]["rows"].append({"variable": "not_declared"}), "unknown variable"),
        (
            lambda c: c["sites"]["lyon_rouen"]["sources"][0].update(path="data/raw/missing.csv"),
            "input file does not exist",
        ),
    ],
)
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
    patients = pd.DataFrame(
        {
            "patient_id": pd.array(["1", "2", "3"], dtype="string"),
            "a": pd.array([True, False, None], dtype="boolean"),
            "b": pd.array([False, False, False], dtype="boolean"),
            "age": pd.array([4.0, 40.0, None], dtype="Float64"),
        }
    )
    treatments = pd.DataFrame(
        {"patient_id": ["1", "2", "2", "2"], "line": [1, 1, 2, 2], "agent": ["ANA", "CTC", "ANA", "CTC"]}
    )
    out = derive_variables(
        patients,
        treatments,
        {
            "any": {"any_of": ["a", "b"]},
            "n": {"count_of": ["a", "b"]},
            "child": {"less_than": {"variable": "age", "value": 18}},
            "line": {"treatment_line_of": {"agent": "ANA"}},
            "first": {"first_line": {"agent": "ANA"}},
            "mono": {"monotherapy": {"agent": "ANA"}},
        },
    )
    assert out["any"].tolist() == [True, False, pd.NA]
    assert out["n"].tolist() == [1, 0, 0]
    assert out["child"].tolist() == [True, False, pd.NA]
    assert out["line"].tolist() == [1, 2, pd.NA]
    assert out["first"].tolist() == [True, False, pd.NA]
    assert out["mono"].tolist() == [True, False, pd.NA]


@pytest.mark.parametrize(
    "edit, fragments",
    [
        (
            lambda c: c["figures"]["swimmer"].update(duration="anakinra_durations"),
            ["figures/swimmer/duration", "unknown variable", "anakinra_durations"],
        ),
        (lambda c: c["selection"].update(score="hscore_reportd"), ["selection/score", "unknown variable"]),
        (
            lambda c: c["hscore"].update(reported_column="h_score"),
            ["hscore/reported_column", "unknown variable"],
        ),
        (
            lambda c: c["tables"]["survival"]["analyses"][0].update(event="age"),
            ["tables/survival/analyses/0/event", "not binary"],
        ),
        (
            lambda c: c["tables"]["survival"]["analyses"][0].update(time="sex"),
            ["tables/survival/analyses/0/time", "not a number"],
        ),
        (
            lambda c: c["tables"]["survival"]["analyses"][0].pop("event_when_observed"),
            ["tables/survival/analyses/0", "no event definition"],
        ),
        (lambda c: c.update(paired_days=[0, 0]), ["paired_days", "the two paired days are the same day"]),
        (lambda c: c.update(paired_days=[0, 9000]), ["paired_days/1", "outside the study window"]),
        (lambda c: c["hscore"].update(window_days=[0, -3]), ["hscore/window_days", "starts after it ends"]),
        (
            lambda c: c["sites"]["lyon_rouen"]["sources"][0]["columns"]["anakinra_efficacy"].update(
                map={"Yes": "yes", "No": "no"}
            ),
            ["sites/lyon_rouen/sources/0/columns/anakinra_efficacy/map/Yes", "not true/false"],
        ),
        (
            lambda c: c["sites"]["lyon_rouen"]["sources"][3].pop("value_column"),
            ["sites/lyon_rouen/sources/3", "needs `value_column`"],
        ),
        (
            lambda c: c["sites"]["lyon_rouen"]["sources"][3].update(layout="wide"),
            ["layout", "'wide' is not one of"],
        ),
    ],
)
def test_every_key_naming_a_variable_or_day_is_cross_checked(root, tmp_path, monkeypatch, edit, fragments):
    monkeypatch.chdir(root)
    cfg = yaml.safe_load((root / "config/config.yaml").read_text())
    edit(cfg)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=root)
    text = str(err.value)
    assert all(f in text for f in fragments), text
    assert "line " in text


def test_unquoted_yes_where_text_is_expected_gets_a_quoting_hint(root, tmp_path, monkeypatch):
    monkeypatch.chdir(root)
    text = (
        (root / "config/config.yaml")
        .read_text()
        .replace(
            "status: {variable: live_status, alive_value: alive}",
            "status: {variable: live_status, alive_value: Yes}",
        )
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=root)
    assert "figures/swimmer/status/alive_value" in str(err.value)
    assert 'unquoted Yes is read by YAML 1.1 as the boolean True; write "Yes" in quotes' in str(err.value)


def test_duplicate_site_block_is_refused_with_its_line(root, tmp_path, monkeypatch):
    monkeypatch.chdir(root)
    text = (
        (root / "config/config.yaml")
        .read_text()
        .replace("sites:\n", "sites:\n  lyon_rouen:\n    sources: []\n", 1)
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    with pytest.raises(ConfigError, match=r"duplicate key 'lyon_rouen' \(first written at line \d+\)"):
        load_config(bad, base_dir=root)


def test_agents_vocabulary_is_cross_checked(root, tmp_path, monkeypatch):
    monkeypatch.chdir(root)
    cfg = yaml.safe_load((root / "config/config.yaml").read_text())
    cfg["agents"] = {"ANA": ["anakinra"], "CTC": ["Anakinra"]}
    cfg["derived"]["anakinra_line"]["treatment_line_of"]["agent"] = "anakinra"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    with pytest.raises(ConfigError) as err:
        load_config(bad, base_dir=root)
    text = str(err.value)
    assert "spelling 'Anakinra' names two agents ('ANA' and 'CTC')" in text
    assert "derived/anakinra_line/treatment_line_of/agent" in text and "unknown agent" in text
