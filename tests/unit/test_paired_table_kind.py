"""The flagship's Table 3 as a declared ``kind: paired`` table (issue 22 item 1): the kind writes
the pairs each row was computed from (the slope figure draws them), ``tables.table3`` is the
study's paired table whether classic or declared (the figure, audit, notebook and Results text
find its statistics), and keys only a declared paired table has are refused in the classic
``table3`` with the rewrite to make."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml
from loaded_sections import filled
from study_edits import problems_after_edit

from retrocohort.analysis.paired import pairs_table
from retrocohort.audit.regen.study_inputs import run_files
from retrocohort.config.study import load_study
from retrocohort.kinds import KINDS, TableRequest, paired
from retrocohort.kinds.paired import study_paired_stats
from retrocohort.manuscript.resolve import ResolvedText
from retrocohort.manuscript.results_files import statistics_inputs, write_results
from retrocohort.review.notebook import notebook_parameters

#: The study's variables: the population's arm, a long-format lab, a patient-level number.
VARIABLES = {
    "arm": {"label": "Arm", "kind": "categorical", "table": "patients", "categories": ["a", "b"]},
    "crp": {"label": "CRP", "kind": "continuous", "table": "measurements", "unit": "mg/L"},
    "age": {"label": "Age", "kind": "continuous", "table": "patients"},
}


def _config(table: dict, **top) -> dict:
    """A loaded study (schema defaults filled) with paired table ``table3``."""
    study = {"study": {"title": "t"}, "variables": VARIABLES, "derived": {}, "baseline_day": 0}
    study |= {"paired_days": [0, 7], "statistics": {}, "tables": {"preset": "ama", "table3": table}}
    return filled({**study, **top})


@pytest.fixture
def subgroup(tmp_path) -> TableRequest:
    """Twelve patients with CRP on days 0 and 7 (one also on day 3); the table is of arm a."""
    ids = [f"p{i:02d}" for i in range(12)]
    arm = ["a", "b"] * 6
    rows = [(pid, day, 100.0 + i + day) for i, pid in enumerate(ids) for day in (0, 7)] + [("p00", 3, 1.0)]
    path = tmp_path / "measurements.parquet"
    pd.DataFrame(rows, columns=["patient_id", "day", "value"]).assign(variable="crp").to_parquet(path)
    spec = {
        "kind": "paired",
        "where": [{"column": "arm", "operator": "==", "value": "a", "label": "arm a"}],
        "parameters": [{"variable": "crp", "label": "CRP (mg/L)"}],
    }
    config = _config(spec)
    frame = pd.DataFrame({"arm": arm, "age": np.arange(12.0)}, index=pd.Index(ids, name="patient_id"))
    population = frame[frame["arm"] == "a"]
    return TableRequest(
        "table3", config["tables"]["table3"], config, population, inputs={"measurements": str(path)}
    )


def test_a_paired_table_gives_the_pairs_of_its_own_population(subgroup):
    stats, pairs = paired.statistics_and_pairs(subgroup)
    table = pairs_table(pairs)
    assert list(table.columns) == ["parameter", "patient_id", "before", "after", "before_day", "after_day"]
    assert sorted(table["patient_id"]) == [f"p{i:02d}" for i in range(0, 12, 2)]  # arm a only
    assert (table["after"] - table["before"]).eq(7.0).all() and table["after_day"].eq(7.0).all()
    assert int(stats.loc[0, "n_pairs"]) == len(table) == 6
    pd.testing.assert_frame_equal(stats, KINDS["paired"].statistics(subgroup))  # the kind's own numbers


def test_the_paired_kind_is_built_by_its_own_rule():
    assert KINDS["paired"].rule == "paired_table"
    assert {k.rule for name, k in KINDS.items() if name != "paired"} == {"cohort_table"}


def test_the_study_paired_table_is_table3_classic_or_declared(root):
    flagship = load_study(root / "config/config.yaml", base_dir=root).data
    pbc = load_study(root / "studies/pbc/config/config.yaml", base_dir=root / "studies/pbc").data
    assert flagship["tables"]["table3"]["kind"] == "paired"
    assert study_paired_stats(flagship["tables"]) == "results/stats/table3"
    assert study_paired_stats(pbc["tables"]) == "results/stats/table3_paired"  # classic, repeated points
    assert study_paired_stats({"t": {"kind": "paired", "parameters": []}}) is None  # not the study's
    assert run_files(flagship)["table3"] == "results/stats/table3.json"  # audit --data
    assert run_files(pbc)["table3"] == "results/stats/table3_paired.json"


def test_a_declared_paired_table3_is_traced_to_its_rule():
    tables = {"table3": {"kind": "paired"}, "t2": {"kind": "listing"}}
    inputs = {
        "paired": "results/stats/table3.json",
        "declared_table3": "results/stats/table3.json",
        "declared_t2": "results/stats/t2.json",
        "flow": "results/selection/flow.csv",
    }
    paths, declared, rules = statistics_inputs(inputs, tables)
    assert paths["paired"] == declared["table3"]
    assert rules == {
        "results/stats/table3.json": "paired_table",
        "results/stats/t2.json": "cohort_table",
        "results/selection/flow.csv": "select_cohort",
    }


def test_the_notebook_recomputes_at_the_declared_tables_time_points():
    points = {"baseline": {"day": 0, "window": [-3, 0]}, "week1": {"day": 7, "window": [5, 9]}}
    spec = {"kind": "paired", "time_points": ["baseline", "week1"], "parameters": [{"variable": "crp"}]}
    config = _config(spec, time_points=points)
    inputs = dict.fromkeys(("patients", "cohort", "table1", "table3"), "results/x")
    injected = notebook_parameters(inputs, config, ["age"], ["crp"])
    assert [p["name"] for p in injected["paired_time_points"]] == ["baseline", "week1"]
    assert injected["paired_time_points"][1]["window"] == [5, 9]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("time_points", ["day0", "day7"]),
        ("where", [{"column": "sex_male", "operator": "==", "value": True}]),
        ("tests", {"continuous_paired": "paired_t"}),
    ],
)
def test_a_declared_only_key_in_the_classic_table3_says_to_add_kind_paired(
    root, tmp_path, monkeypatch, key, value
):
    def edit(cfg):
        del cfg["tables"]["table3"]["kind"]
        cfg["tables"]["table3"][key] = value

    problems = problems_after_edit(root, tmp_path, monkeypatch, edit)
    found = [p for p in problems if p.column == f"tables/table3/{key}"]
    assert found, problems
    assert "add `kind: paired` to tables.table3" in found[0].expected


def test_the_classic_table3_still_loads(root, tmp_path, monkeypatch):
    """Without ``kind:`` the flagship's entry is the classic Table 3 (rule paired_tests)."""
    assert (
        problems_after_edit(root, tmp_path, monkeypatch, lambda cfg: cfg["tables"]["table3"].pop("kind"))
        == []
    )


def test_the_flagship_config_declares_table3_as_documented(root):
    """config/README.md's example is the flagship's entry, key for key."""
    readme = (root / "config/README.md").read_text(encoding="utf-8")
    block = readme.split("  table3:                       # config/config.yaml (the flagship)\n")[1].split(
        "```"
    )[0]
    example = yaml.safe_load("table3:\n" + block)["table3"]
    shipped = yaml.safe_load((root / "config/config.yaml").read_text(encoding="utf-8"))["tables"]["table3"]
    assert {k: v for k, v in shipped.items() if k != "parameters"} == {
        k: v for k, v in example.items() if k != "parameters"
    } | {"footnotes": shipped["footnotes"]}
    assert example["parameters"] == shipped["parameters"][: len(example["parameters"])]


def test_a_statistics_file_read_as_paired_and_as_a_declared_table_is_checksummed_once(tmp_path):
    """The declared ``table3`` is both ``paired.*`` and ``tables.table3.*``: one file, one record."""
    stats = tmp_path / "table3.json"
    stats.write_text("[]", encoding="utf-8")
    template = tmp_path / "results.md"
    template.write_text("Text.\n", encoding="utf-8")
    output = {
        k: str(tmp_path / n)
        for k, n in (("results_md", "r.md"), ("results_docx", "r.docx"), ("values", "v.json"))
    }
    config = {"study": {"title": "t", "synthetic_note": "s"}, "tables": {"preset": "ama"}}
    write_results(ResolvedText("Text.\n", []), str(template), [str(stats), str(stats)], {}, config, output)
    inputs = json.loads((tmp_path / "v.json").read_text(encoding="utf-8"))["inputs"]
    assert [i["path"] for i in inputs] == sorted([str(stats), str(template)])
