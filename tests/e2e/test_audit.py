"""End to end: the real Snakemake workflow run to the audit target on a copy of the study.

Asserts rows computed from real Table 2 data, synthetic labelling, the data-free checks, the
count-only study, the summary at the top, and byte-identical outputs when the audit reruns.
"""

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
OUTPUTS = [f"results/audit/audit.{ext}" for ext in ("md", "html", "json", "csv")]
pytestmark = pytest.mark.e2e


def _run(workdir: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SNAKEMAKE), "--cores", "2", "--quiet", "all", *options, "--", *OUTPUTS],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("audit")
    shutil.copy(ROOT / "Snakefile", work / "Snakefile")
    for folder in ("workflow", "config", "data"):
        shutil.copytree(ROOT / folder, work / folder)
    proc = _run(work)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return work


def _rows(work: Path) -> pd.DataFrame:
    return pd.read_csv(work / "results/audit/audit.csv").set_index("id")


def test_real_rows_reproduced_and_not_reproduced(audited):
    rows = _rows(audited)
    assert rows.loc["results_age_median_iqr", ["status", "data"]].tolist() == ["reproduced", "real"]
    assert rows.loc["abstract_age_median", "status"] == "reproduced"
    assert rows.loc["t1_sex_male", ["status", "data"]].tolist() == ["not_reproduced", "real"]
    assert "count 12" in rows.loc["t1_sex_male", "regenerated"]
    assert rows.loc["t1_immunodepression", "status"] == "not_reproduced"
    assert rows.loc["abstract_monotherapy", "status"] == "reproduced_other_method"
    assert "no corticosteroids" in rows.loc["abstract_monotherapy", "matches"]
    assert rows.loc["abstract_n_centres", "status"] == "not_recomputable"


def test_synthetic_rows_are_labelled(audited):
    rows = _rows(audited)
    assert rows.loc["t1_ferritin", "data"] == "synthetic"
    assert set(rows.loc[rows.index.str.startswith("t3_"), "data"]) == {"synthetic"}
    assert set(rows.loc[rows["status"] == "not_recomputable", "data"].fillna("")) == {""}


def test_consistency_checks_unknowns_and_count_only(audited):
    audit = json.loads((audited / "results/audit/audit.json").read_text())["studies"]
    flagship = audit["baverez2022"]
    bad = {(f["check"], f["entry_id"]) for f in flagship["consistency"] if f["status"] == "inconsistent"}
    assert {
        ("quartile_order", "results_anakinra_duration"),
        ("granularity", "t1_ferritin"),
        ("subset_quantile", "t3_hemoglobin_day0"),
        ("attainable_p", "t3_fever_p"),
    } <= bad
    unknowns = {u["entry_id"]: u for u in flagship["unknown_values"]}
    assert set(unknowns) == {
        "results_anakinra_duration",
        "results_duration_still",
        "results_duration_group_p",
    }
    assert all(u["missing_patients"] == ["7"] for u in unknowns.values())
    assert not unknowns["results_anakinra_duration"]["feasible"]
    # the Still's median alone and the group p alone are attainable, never together
    assert unknowns["results_duration_still"]["feasible"] and unknowns["results_duration_group_p"]["feasible"]
    assert unknowns["results_duration_still"]["joint_all_solutions"] == []
    assert "results_duration_malignancy_infection" not in unknowns["results_duration_still"]["depends"]
    # nor under any other Mann-Whitney variant or grouping
    assert not any(a["with_subgroup_medians"] for a in unknowns["results_duration_group_p"]["alternatives"])
    [tests] = audit["cavalli2020"]["count_only_tests"]
    assert not any(t["prints_as_published"] for t in tests["tests"])


def test_group_rows_come_from_the_group_comparison(audited):
    rows = _rows(audited)
    group_ids = [
        "results_duration_still",
        "results_duration_malignancy_infection",
        "results_duration_group_p",
    ]
    assert "not_recomputable" not in set(rows.loc[group_ids, "status"])
    assert set(rows.loc[group_ids, "data"]) == {"real"}
    assert "groups.json" in rows.loc["results_duration_group_p", "configured_method"]
    assert "Mann-Whitney" in rows.loc["results_duration_group_p", "configured_method"]
    groups = json.loads((audited / "results/stats/groups.json").read_text())
    test = next(r for r in groups if r["comparison"] == "duration_by_cause" and r["role"] == "test")
    audit = json.loads((audited / "results/audit/audit.json").read_text())["studies"]["baverez2022"]
    row = next(r for r in audit["rows"] if r["id"] == "results_duration_group_p")
    assert row["regenerated_values"]["p"] == test["p_value"]
    names = [m["name"] for m in row["methods_tried"]]
    assert any("without continuity correction" in n for n in names)
    assert any("with continuity correction" in n for n in names)


def test_synthetic_rows_name_their_calibration(audited):
    rows = _rows(audited)
    assert rows.loc["t3_hemoglobin_day0", "calibration"] == "infeasible"
    assert "attainable" in rows.loc["t3_hemoglobin_day0", "calibration_text"]
    synthetic = rows[rows["data"] == "synthetic"]
    assert {"target", "infeasible"} <= set(synthetic["calibration"])
    assert set(rows.loc[rows["data"] == "real", "calibration"].fillna("")) == {""}
    md = (audited / "results/audit/audit.md").read_text()
    assert "by construction" in md


def test_summary_on_top_and_rerun_byte_identical(audited):
    md = (audited / "results/audit/audit.md").read_text()
    assert md.index("## Findings summary") < md.index("every printed number")
    assert "NOT REPRODUCED from real per-patient data" in md and "not independent evidence" in md
    before = {p: hashlib.sha256((audited / p).read_bytes()).hexdigest() for p in OUTPUTS}
    proc = _run(audited, "--forcerun", "audit")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert before == {p: hashlib.sha256((audited / p).read_bytes()).hexdigest() for p in OUTPUTS}


def test_referee_summary_first_with_the_five_serious_findings(audited):
    """The referee reads the serious findings first: the summary precedes everything else, and
    the paper's five serious problems are among its shown findings (issue 17)."""
    md = (audited / "results/audit/audit.md").read_text()
    assert md.index("## Referee summary") < md.index("## Findings summary")
    referee = json.loads((audited / "results/audit/audit.json").read_text())["referee"]
    study = next(s for s in referee["studies"] if s["study"] == "baverez2022")
    shown = [f for f in study["findings"] if f["shown"]]
    entries = {e for f in shown for e in f["entries"]}  # t3_ast_p: a warning (needs ties), shown
    serious = {
        "results_sex_male",
        "results_anakinra_duration",
        "t3_fever_p",
        "t3_ast_p",
        "results_duration_group_p",
    }
    assert serious <= entries, serious - entries
    severities = [f["severity"] for f in shown]
    assert severities == sorted(
        severities, key=["inconsistent", "unattainable", "not_reproduced", "warning"].index
    )
    summary = md[md.index("## Referee summary") : md.index("## Findings summary")]
    assert len(summary.split()) <= 450 * len(referee["studies"])
