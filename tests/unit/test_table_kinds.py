"""One engine, one registry of table kinds (issue 22, deliverable 1): every kind the schema admits
is registered; the comparison, survival and paired kinds are checked at load under their own key
paths like the top-level lists they generalise; a paired table of a subgroup is computed for its
own population."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml
from loaded_sections import filled
from study_edits import problems_after_edit

from retrocohort.config.analysis_entries import family_entries, table_figures
from retrocohort.kinds import KINDS, TableRequest
from retrocohort.render.markdown import to_markdown


def _schema_kinds(root) -> list[str]:
    schema = yaml.safe_load((root / "src/retrocohort/config/schemas/config.schema.yaml").read_text("utf-8"))
    return schema["$defs"]["declared_table"]["properties"]["kind"]["enum"]


def test_every_kind_the_schema_admits_is_registered_and_nothing_else(root):
    assert list(KINDS) == _schema_kinds(root)
    for name, kind in KINDS.items():
        assert kind.name == name
        assert (kind.draw is None) == (kind.figures is None), name


@pytest.fixture
def pbc(root):
    return root / "studies" / "pbc"


def test_pbc_declares_one_table_of_each_analysis_kind_and_loads(pbc, tmp_path, monkeypatch):
    assert problems_after_edit(pbc, tmp_path, monkeypatch, lambda cfg: None) == []
    cfg = yaml.safe_load((pbc / "config/config.yaml").read_text(encoding="utf-8"))
    kinds = {spec.get("kind") for spec in cfg["tables"].values() if isinstance(spec, dict)}
    assert {"comparison", "survival", "paired"} <= kinds
    survival = [key for key, _ in family_entries(cfg, "survival")]
    assert survival == ["survival/0", "survival/1", "tables/survival_women/analyses/0"]
    assert table_figures(cfg["tables"]["survival_women"]) == ["by_edema"]


def test_entries_of_declared_tables_are_checked_under_their_own_key(pbc, tmp_path, monkeypatch):
    """Failed before the kinds were declared: the checks read only the top-level lists."""

    def edit(cfg):
        cfg["tables"]["by_sex"]["comparisons"][0]["outcome"] = "bilirubin_typo"
        cfg["tables"]["survival_women"]["analyses"][0]["event"] = "age"  # not binary
        cfg["tables"]["labs_placebo_paired"]["parameters"][0]["variable"] = "bili"  # patient-level
        cfg["tables"]["labs_placebo_paired"]["time_points"] = ["baseline", "year_one"]

    columns = {p.column for p in problems_after_edit(pbc, tmp_path, monkeypatch, edit)}
    assert "tables/by_sex/comparisons/0/outcome" in columns
    assert "tables/survival_women/analyses/0/event" in columns
    assert "tables/labs_placebo_paired/time_points/1" in columns


def test_a_comparison_group_value_written_as_a_raw_code_is_refused(pbc, tmp_path, monkeypatch):
    def edit(cfg):
        cfg["tables"]["by_sex"]["comparisons"][0]["groups"] = {"M": "Male", "F": "Female"}

    columns = {p.column for p in problems_after_edit(pbc, tmp_path, monkeypatch, edit)}
    assert "tables/by_sex/comparisons/0/groups/M" in columns


def _config(table: dict) -> dict:
    """A loaded study (schema defaults filled, as the rule gives it) with table ``t``."""
    return filled(
        {
            "study": {"title": "t"},
            "variables": {
                "arm": {"label": "Arm", "kind": "categorical", "table": "patients", "categories": ["a", "b"]},
                "crp": {"label": "CRP", "kind": "continuous", "table": "measurements", "unit": "mg/L"},
                "dead": {"label": "Died", "kind": "binary", "table": "patients"},
                "months": {"label": "Follow-up", "kind": "continuous", "table": "patients", "unit": "months"},
            },
            "derived": {},
            "baseline_day": 0,
            "paired_days": [0, 7],
            "statistics": {
                "quantile_type": 7,
                "rounding": "half_up",
                "p_value": {"decimals": 3, "threshold": 0.001},
                "wilcoxon": {"preset": "retrocohort"},
                "mcnemar": {"method": "exact"},
                "hodges_lehmann": {"conf_level": 0.95},
                "decimals_for_tests": 6,
                "extra_tests": [],
                "multiplicity": "none",
            },
            "tables": {"preset": "ama", "t": table},
        }
    )


def test_a_paired_table_of_a_subgroup_uses_only_its_patients(tmp_path):
    """Arm a's CRP falls by 10 from day 0 to day 7, arm b's rises by 1: the table of arm a alone
    has 6 pairs and medians 105 -> 95; the whole cohort would have 12 pairs."""
    ids = [f"p{i:02d}" for i in range(12)]
    arm = ["a", "b"] * 6
    rows = []
    for i, (pid, a) in enumerate(zip(ids, arm, strict=True)):
        rows += [(pid, 0, 100.0 + i), (pid, 7, 100.0 + i + (-10 if a == "a" else 1))]
    meas = pd.DataFrame(rows, columns=["patient_id", "day", "value"]).assign(variable="crp")
    path = tmp_path / "measurements.parquet"
    meas.to_parquet(path)
    frame = pd.DataFrame({"arm": arm, "dead": [False] * 12, "months": np.arange(12.0)}, index=ids)
    spec = {
        "kind": "paired",
        "title": "CRP in the {n} patients of arm a",
        "where": [{"column": "arm", "operator": "==", "value": "a", "label": "arm a"}],
        "summary": "median",
        "parameters": [{"variable": "crp", "label": "CRP (mg/L)"}],
    }
    config = _config(spec)
    spec = config["tables"]["t"]
    population = frame[frame["arm"] == "a"]
    request = TableRequest("t", spec, config, population, inputs={"measurements": str(path)})
    stats = KINDS["paired"].statistics(request)
    assert int(stats.loc[0, "n_pairs"]) == 6
    text = to_markdown(KINDS["paired"].build(stats, request))
    assert "CRP in the 6 patients of arm a" in text
    assert "| CRP (mg/L) (n = 6) | 105.0 | 95.0 |" in text
    assert "Patients with arm a (n = 6)." in text
