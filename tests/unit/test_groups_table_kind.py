"""The flagship's group comparisons as a declared ``kind: comparison`` table (issue 22 item 1):
``tables.groups`` declared ``kind: comparison`` is the study's group comparisons, as the
top-level ``groups:`` is (the audit and the Results text's ``groups.*`` keys read either, from
``results/stats/groups.json``); a study declaring both is refused with the rewrite to make, and
the classic ``groups:`` keeps working."""

from __future__ import annotations

import pandas as pd
import yaml
from study_edits import problems_after_edit

from retrocohort.audit.regen.regen_model import build_audit_data
from retrocohort.config.study import load_study
from retrocohort.config.study_groups import STUDY_GROUPS_STATS, study_group_comparisons, study_groups_stats
from retrocohort.manuscript.results_files import statistics_inputs

IDS = ["duration_by_cause", "efficacy_by_first_line"]


def _classic(cfg: dict) -> None:
    """The flagship as it was: the comparisons under the top-level ``groups:``."""
    spec = cfg["tables"]["groups"]
    cfg["groups"] = spec.pop("comparisons")
    del spec["kind"]


def test_the_flagship_declares_its_group_comparisons_as_a_comparison_table(root):
    flagship = load_study(root / "config/config.yaml", base_dir=root).data
    assert flagship["groups"] == []  # no classic comparisons: rule group_comparisons is not defined
    assert flagship["tables"]["groups"]["kind"] == "comparison"
    assert [c["id"] for c in study_group_comparisons(flagship)] == IDS
    assert study_groups_stats(flagship) == STUDY_GROUPS_STATS == "results/stats/groups"


def test_the_classic_groups_still_load_and_are_the_study_comparisons(root, tmp_path, monkeypatch):
    assert problems_after_edit(root, tmp_path, monkeypatch, _classic) == []
    study = {
        "tables": {"groups": {"title": "t"}},
        "groups": [{"id": "a", "outcome": "y", "group_variable": "g"}],
    }
    assert [c["id"] for c in study_group_comparisons(study)] == ["a"]


def test_comparisons_declared_twice_are_refused_saying_how_to_rewrite(root, tmp_path, monkeypatch):
    def both(cfg: dict) -> None:
        cfg["groups"] = list(cfg["tables"]["groups"]["comparisons"])

    problems = problems_after_edit(root, tmp_path, monkeypatch, both)
    assert [p.column for p in problems] == ["groups"], problems
    assert problems[0].value == IDS
    assert "move the entries of the top-level `groups:` under `tables.groups.comparisons`" in (
        problems[0].expected
    )


def test_tables_groups_of_another_kind_is_refused(root, tmp_path, monkeypatch):
    def listing(cfg: dict) -> None:
        cfg["tables"]["groups"] = {"kind": "listing", "columns": [{"variable": "age"}]}

    problems = problems_after_edit(root, tmp_path, monkeypatch, listing)
    assert any(p.column and p.column.startswith("tables/groups") for p in problems), problems


def test_the_audit_matches_published_subgroups_against_the_declared_comparisons(root):
    """The audit's configured comparisons (``AuditData.group_specs``) are those of
    ``tables.groups``: before, it read only the top-level ``groups:`` (empty now)."""
    flagship = load_study(root / "config/config.yaml", base_dir=root).data
    data = build_audit_data(
        cohort=["1"],
        patients=pd.DataFrame({"patient_id": ["1"], "age": [30.0]}),
        measurements=pd.DataFrame({"patient_id": [], "day": [], "variable": [], "value": []}),
        treatments=pd.DataFrame({"patient_id": []}),
        sources=pd.DataFrame({"variable": [], "file": []}),
        hscore=pd.DataFrame({"patient_id": []}),
        table3_records=[],
        synthetic=set(),
        config=flagship,
        table1=None,
        group_records=[],
    )
    assert [(s["id"], s["outcome"], s["group_variable"]) for s in data.group_specs] == [
        ("duration_by_cause", "anakinra_duration_days", "cause_group"),
        ("efficacy_by_first_line", "anakinra_efficacy", "anakinra_first_line"),
    ]


def test_a_declared_groups_table_is_traced_to_cohort_table():
    tables = {"groups": {"kind": "comparison"}}
    inputs = {
        "groups": "results/stats/groups.json",
        "declared_groups": "results/stats/groups.json",
        "flow": "results/selection/flow.csv",
    }
    paths, declared, rules = statistics_inputs(inputs, tables)
    assert paths["groups"] == declared["groups"]
    assert rules == {
        "results/stats/groups.json": "cohort_table",
        "results/selection/flow.csv": "select_cohort",
    }


def test_the_flagship_config_declares_its_groups_as_documented(root):
    """config/README.md's example is the flagship's entry, key for key (first comparison)."""
    readme = (root / "config/README.md").read_text(encoding="utf-8")
    block = readme.split("  groups:                       # config/config.yaml (the flagship)\n")[1]
    example = yaml.safe_load("groups:\n" + block.split("```")[0])["groups"]
    shipped = yaml.safe_load((root / "config/config.yaml").read_text(encoding="utf-8"))["tables"]["groups"]
    assert {k: v for k, v in shipped.items() if k not in ("comparisons", "footnotes")} == {
        k: v for k, v in example.items() if k != "comparisons"
    }
    assert example["comparisons"] == shipped["comparisons"][: len(example["comparisons"])]
