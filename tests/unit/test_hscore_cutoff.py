"""The HScore cut-off has one home (retrocohort.hscore.cutoff): scoring, selection, the figure
and the CLI apply the same rule and agree at the edge."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from loaded_sections import criteria as loaded_criteria

from retrocohort.cli import main
from retrocohort.cohort.selection import apply_selection
from retrocohort.errors import ConfigError
from retrocohort.figures.hscore import hscore_distribution
from retrocohort.hscore.cutoff import (
    CUTOFF_CRITERION,
    cutoff_label,
    cutoff_rule,
    meets_cutoff,
    resolve_cutoff_criteria,
    study_cutoff,
)
from retrocohort.hscore.score import score_hscore

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "cli"

#: A complete patient whose HScore is exactly 169: temperature 39.0 °C (33), hepatomegaly only
#: (23), triglycerides 5 mmol/L (64), fibrinogen 2 g/L (30), AST 40 U/L (19).
EDGE = {
    "immunodepression": False,
    "temperature_max": 39.0,
    "hepatomegaly": True,
    "splenomegaly": False,
    "hemoglobin": 14.0,
    "leukocytes": 8.0,
    "platelets": 250.0,
    "ferritin": 100.0,
    "triglycerides": 5.0,
    "fibrinogen": 2.0,
    "ast": 40.0,
    "hemophagocytosis_marrow": False,
}


def test_meets_cutoff_strict_and_inclusive_at_the_edge() -> None:
    scores = np.array([168.0, 169.0, 170.0, np.nan])
    assert meets_cutoff(scores, 169, ">").tolist() == [False, False, True, False]
    assert meets_cutoff(scores, 169, ">=").tolist() == [False, True, True, False]


@pytest.mark.parametrize("operator", ["=>", "<", "==", None])
def test_other_operators_are_refused_with_what_was_expected(operator) -> None:
    with pytest.raises(ConfigError, match="cut-off") as err:
        meets_cutoff([170.0], 169, operator)
    text = str(err.value)
    assert "hscore.operator" in text and "'>' or '>='" in text


def test_study_cutoff_explicit_then_config_then_fardet() -> None:
    assert study_cutoff(None) == (169.0, ">")
    assert study_cutoff({"cutoff": 150, "operator": ">="}) == (150.0, ">=")
    assert study_cutoff({"cutoff": 150, "operator": ">="}, cutoff=200, operator=">") == (200.0, ">")
    with pytest.raises(ConfigError, match="hscore.cutoff"):
        study_cutoff({"cutoff": "169"})
    with pytest.raises(ConfigError, match="hscore.operator"):
        study_cutoff({"operator": "gt"})


def test_rule_texts() -> None:
    assert cutoff_rule(169, ">") == "hscore > 169"
    assert cutoff_rule(169.0, ">=", "hscore_reported") == "hscore_reported >= 169"
    assert cutoff_label(169, ">=") == "≥ 169" and cutoff_label(169, ">") == "> 169"


def test_selection_criterion_takes_the_study_rule() -> None:
    patients = pd.DataFrame(
        {"patient_id": ["1", "2", "3"], "score": [168.0, 169.0, np.nan], "treated": [True, True, False]}
    )
    criteria = loaded_criteria(
        [
            {"id": "hscore", "column": "score", "operator": CUTOFF_CRITERION},
            {"id": "treated", "label": "Treated", "column": "treated", "operator": "is_true"},
        ]
    )
    for operator, kept in ((">", []), (">=", ["2"])):
        resolved = resolve_cutoff_criteria(criteria, 169, operator)
        assert resolved[0] == {
            "id": "hscore",
            "column": "score",
            "operator": operator,
            "value": 169,
            "label": f"HScore {operator} 169",
            "missing": "exclude",
        }
        assert resolved[1] is criteria[1]
        selected, flow = apply_selection(patients, resolved)
        assert selected["patient_id"].tolist() == kept
        assert flow.loc[0, "reason"] == f"score {operator} 169 (missing: exclude)"
    with pytest.raises(ConfigError, match="takes its value from hscore.cutoff"):
        resolve_cutoff_criteria([{**criteria[0], "value": 170}], 169, ">")


@pytest.mark.parametrize("operator,status,in_figure", [(">", "unreachable", 0), (">=", "reached", 1)])
def test_scoring_and_figure_agree_at_the_edge(operator: str, status: str, in_figure: int) -> None:
    scored = score_hscore(pd.DataFrame([EDGE]), cutoff=169, operator=operator)
    assert scored["hscore"].iloc[0] == 169
    assert scored["cutoff_status"].iloc[0] == status
    assert scored.attrs["cutoff_rule"] == cutoff_rule(169, operator)
    fig = hscore_distribution(scored["hscore"], 169, operator)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert f"HScore {cutoff_label(169, operator)} ({in_figure}/1)" in legend


def test_figure_default_rule_is_the_study_default() -> None:
    fig = hscore_distribution(pd.Series([169.0, 200.0]), 169)
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert "HScore > 169 (1/2)" in legend


def test_cli_reads_the_rule_from_the_study_config(tmp_path: Path, monkeypatch, capsys) -> None:
    # a whole study config (the CLI loads it like `retrocohort run`), with another cut-off rule
    import yaml

    root = DATA.parents[2]
    study = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    study["hscore"] = {**study["hscore"], "cutoff": 218, "operator": ">="}
    config = tmp_path / "study.yaml"
    config.write_text(yaml.safe_dump(study, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["hscore", str(DATA / "hscore_canonical.csv"), "--configfile", str(config)]) == 0
    out = capsys.readouterr().out
    assert "cut-off >= 218: reached" in out and "cut-off > 169" not in out
    assert (
        main(
            [
                "hscore",
                str(DATA / "hscore_canonical.csv"),
                "--configfile",
                str(config),
                "--operator",
                ">",
                "--cutoff",
                "169",
            ]
        )
        == 0
    )
    assert "cut-off > 169: reached" in capsys.readouterr().out
