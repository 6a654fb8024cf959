"""A study without selection criteria includes everyone, through every rule that reads the flow
(issue 15): ``selection: {criteria: []}`` or no ``selection:`` key at all."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from retrocohort.cohort.selection import EVERYONE, FLOW_COLUMNS, apply_selection
from retrocohort.config.check import SCHEMA_PATH, check_config, read_yaml
from retrocohort.config.slices import config_slice
from retrocohort.config.study import fill_defaults
from retrocohort.figures.flow import cohort_flow, layout_flow
from retrocohort.io.tabular import read_parquet, write_parquet
from retrocohort.manuscript.namespace import TextStyle
from retrocohort.manuscript.sources_descriptive import cohort_size, flow_entries

ROOT = Path(__file__).resolve().parents[2]
SELECT_COHORT = ROOT / "workflow" / "scripts" / "select_cohort.py"


@pytest.fixture
def patients() -> pd.DataFrame:
    return pd.DataFrame({"patient_id": [f"p{i}" for i in range(5)], "age": [30, 40, None, 60, 70]})


def test_no_criteria_selects_everyone_in_one_flow_row(patients):
    selected, flow = apply_selection(patients, [])
    assert selected.equals(patients)
    assert list(flow.columns) == FLOW_COLUMNS
    assert len(flow) == 1
    row = flow.iloc[0]
    assert (row["id"], row["n_in"], row["n_excluded"], row["n_out"]) == (EVERYONE["id"], 5, 0, 5)


def test_the_flow_of_everyone_reads_as_a_cohort(patients):
    """The manuscript's and the audit's readers: screened = analysed = everyone, nobody excluded."""
    _, flow = apply_selection(patients, [])
    assert cohort_size(flow) == 5
    style = TextStyle.from_config(_study_without_selection(criteria_key=False))
    space = flow_entries(flow, "flow.csv", style)
    assert space["cohort.n"].value == 5
    assert space["cohort.screened"].value == 5
    assert space["cohort.excluded"].value == 0


def test_flow_figure_without_criteria_has_no_exclusion_box(patients, tmp_path):
    _, flow = apply_selection(patients, [])
    flow.to_csv(tmp_path / "flow.csv", index=False)
    steps = pd.read_csv(tmp_path / "flow.csv")  # as the figures rule reads it
    boxes, height = layout_flow(steps, 3.5, "Included in the analysis")
    assert [b.kind for b in boxes] == ["main", "main"]
    assert boxes[0].x + boxes[0].w / 2 == pytest.approx(3.5 / 2)  # centred: no exclusion column
    assert height > 0
    text = "\n".join(t.get_text() for t in cohort_flow(steps).axes[0].texts)
    assert "Excluded" not in text
    assert text.count("(n = 5)") == 2


def _study_without_selection(criteria_key: bool) -> dict:
    config = read_yaml(ROOT / ".test" / "config" / "config.yaml")
    if criteria_key:
        config["selection"] = {"criteria": []}
    else:
        del config["selection"]
    check_config(config, base_dir=ROOT / ".test")  # the schema and cross-references accept it
    return fill_defaults(config, read_yaml(SCHEMA_PATH))


@pytest.mark.parametrize("criteria_key", [True, False], ids=["criteria-empty", "no-selection-key"])
@pytest.mark.parametrize("with_hscore", [True, False], ids=["hscore-stage", "no-hscore-stage"])
def test_select_cohort_rule_without_criteria(tmp_path, patients, criteria_key, with_hscore):
    config = _study_without_selection(criteria_key)
    assert config["selection"]["criteria"] == []
    write_parquet(patients, tmp_path / "patients.parquet")
    inputs = {"patients": str(tmp_path / "patients.parquet")}
    if with_hscore:
        scores = pd.DataFrame(
            {
                "patient_id": patients["patient_id"],
                "hscore": 100.0,
                "hscore_used": 100.0,
                "hscore_probability_pct": 1.0,
            }
        )
        write_parquet(scores, tmp_path / "hscore.parquet")
        inputs["hscore"] = str(tmp_path / "hscore.parquet")
    output = {"flow": str(tmp_path / "flow.csv"), "cohort": str(tmp_path / "cohort.parquet")}
    sliced = config_slice(config, ["selection/criteria", "hscore/cutoff", "hscore/operator"])
    smk = SimpleNamespace(
        input=inputs,
        output=output,
        params={"config": sliced},
        wildcards={},
        log=[str(tmp_path / "select_cohort.log")],
        rule="select_cohort",
    )
    runpy.run_path(str(SELECT_COHORT), init_globals={"snakemake": smk})
    flow = pd.read_csv(output["flow"])
    assert flow[["n_in", "n_excluded", "n_out"]].values.tolist() == [[5, 0, 5]]
    assert read_parquet(output["cohort"])["patient_id"].tolist() == patients["patient_id"].tolist()
