"""End to end: the real Snakemake workflow run to the audit target on a copy of the study.

Asserts rows computed from real Table 2 data, synthetic labelling, the data-free checks, the
count-only study, the summary at the top, and byte-identical outputs when the audit reruns.
"""

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from study import warm_copy

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
    """A copy of the session's complete flagship run (rule all includes the audit outputs)."""
    work = warm_copy(tmp_path_factory, tmp_path_factory.mktemp("audit"))
    assert all((work / p).is_file() for p in OUTPUTS)
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


# --- the audit refuses the impossible (issue 21, deliverable 4), through the CLI alone ----------

IMPOSSIBLE_YAML = """\
source: {citation: "Every impossible number of a Table 1 (constructed; not a real paper)"}
numbers:
  - {id: over_pct, where: "Table 1", printed: "25/21 (119%)", statistic: count_pct, values: {count: 25, pct: 119}, decimals: {count: 0, pct: 0}, variable: male, denominator: 21}
  - {id: neg_pct, where: "Table 1", printed: "3 (-5%)", statistic: count_pct, values: {count: 3, pct: -5}, decimals: {count: 0, pct: 0}, variable: female, denominator: 21}
  - {id: neg_count, where: "Table 1", printed: "-2 of 21", statistic: count_of_total, values: {count: -2, total: 21}, decimals: {count: 0, total: 0}, variable: smokers}
  - {id: empty_group_pct, where: "Table 1", printed: "0 (50%)", statistic: count_pct, values: {count: 0, pct: 50}, decimals: {count: 0, pct: 0}, variable: diabetes, denominator: 0}
  - {id: p_big, where: "Table 1", printed: "p = 1.7", statistic: p_value, values: {p: 1.7}, decimals: {p: 1}, variable: age, test: "t test", design: unpaired}
  - {id: p_below_0, where: "Table 1", printed: "p < 0", statistic: p_value, relation: "<", values: {p: 0}, decimals: {p: 0}, variable: weight, test: "t test", design: unpaired}
  - {id: p_above_1, where: "Table 1", printed: "p > 1", statistic: p_value, relation: ">", values: {p: 1}, decimals: {p: 0}, variable: height, test: "t test", design: unpaired}
  - {id: mean_n0, where: "Table 1", printed: "12.6 (n = 0)", statistic: mean, values: {mean: 12.6}, decimals: {mean: 1}, variable: crp, n: 0}
  - {id: neg_sd, where: "Table 1", printed: "12.6 ± -3.1", statistic: mean_sd, values: {mean: 12.6, sd: -3.1}, decimals: {mean: 1, sd: 1}, variable: bmi, n: 10}
  - {id: neg_se, where: "Table 1", printed: "4.2 (SE −0.3)", statistic: mean, values: {mean: 4.2, se: -0.3}, decimals: {mean: 1, se: 1}, variable: ldh, n: 10}
  - {id: iqr_reversed, where: "Table 1", printed: "15 [19–13]", statistic: median_iqr, values: {median: 15, q1: 19, q3: 13}, decimals: {median: 0, q1: 0, q3: 0}, variable: days, n: 10}
  - {id: median_out_iqr, where: "Table 1", printed: "21 [13–19]", statistic: median_iqr, values: {median: 21, q1: 13, q3: 19}, decimals: {median: 0, q1: 0, q3: 0}, variable: duration, n: 10}
  - {id: range_reversed, where: "Table 1", printed: "30 (40–20)", statistic: median, values: {median: 30, min: 40, max: 20}, decimals: {median: 0, min: 0, max: 0}, variable: alt, n: 10}
  - {id: median_out_range, where: "Table 1", printed: "45 (range 10–40)", statistic: median, values: {median: 45, min: 10, max: 40}, decimals: {median: 0, min: 0, max: 0}, variable: ast, n: 10}
  - {id: mean_out_range, where: "Table 1", printed: "45.0 ± 2.0 (range 10–40)", statistic: mean_sd, values: {mean: 45.0, sd: 2.0, min: 10, max: 40}, decimals: {mean: 1, sd: 1, min: 0, max: 0}, variable: ggt, n: 10}
  - {id: sd_too_large, where: "Table 1", printed: "5.0 ± 9.0 (range 1–9)", statistic: mean_sd, values: {mean: 5.0, sd: 9.0, min: 1, max: 9}, decimals: {mean: 1, sd: 1, min: 0, max: 0}, variable: score, n: 10}
  - {id: sd_too_small, where: "Table 1", printed: "5.0 ± 0.1 (range 1–9)", statistic: mean_sd, values: {mean: 5.0, sd: 0.1, min: 1, max: 9}, decimals: {mean: 1, sd: 1, min: 0, max: 0}, variable: score2, n: 10}
  - {id: ci_reversed, where: "Table 1", printed: "OR 2.1 (95% CI 4.0-1.1)", statistic: value, values: {value: 2.1, ci_low: 4.0, ci_high: 1.1}, decimals: {value: 1, ci_low: 1, ci_high: 1}, variable: odds_ratio}
  - {id: chi2_negative, where: "results text, paragraph 1", printed: "χ2(1) = -2.1, p = 0.15", statistic: test_result, test_family: chi2, values: {statistic: -2.1, df1: 1, p: 0.15}, decimals: {statistic: 1, df1: 0, p: 2}, variable: sex}
  - {id: r_above_1, where: "results text, paragraph 1", printed: "r(18) = 1.2, p = .03", statistic: test_result, test_family: r, values: {statistic: 1.2, df1: 18, p: 0.03}, decimals: {statistic: 1, df1: 0, p: 2}, variable: age_crp}
"""
# entry id -> (check, words of the reason the referee summary must print)
IMPOSSIBLE = {
    "over_pct": ("impossible_count", "the count 25 is larger than its denominator 21"),
    "neg_pct": ("impossible_percentage", "the percentage -5% is below 0%"),
    "neg_count": ("impossible_count", "the count -2 is negative"),
    "empty_group_pct": ("zero_n", "a percentage is printed for denominator = 0"),
    "p_big": ("impossible_p", "p = 1.7 is impossible: a p-value is a probability between 0 and 1"),
    "p_below_0": ("impossible_p", "p < 0 is impossible: no p-value is below 0"),
    "p_above_1": ("impossible_p", "p > 1 is impossible: no p-value is above 1"),
    "mean_n0": ("zero_n", "a mean is printed for n = 0"),
    "neg_sd": ("negative_spread", "the SD -3.1 is negative"),
    "neg_se": ("negative_spread", "the SE -0.3 is negative"),
    "iqr_reversed": ("quartile_order", "a median outside its own interquartile range"),
    "median_out_iqr": ("quartile_order", "a median outside its own interquartile range"),
    "range_reversed": ("range_order", "the range is reversed: the minimum 40 is above the maximum 20"),
    "median_out_range": ("quartile_order", "a median outside its own printed range"),
    "mean_out_range": ("outside_range", "the mean 45.0 lies outside the printed range 10–40"),
    "sd_too_large": ("sd_bound", "SD 9.0 is larger than any 10 values within the printed range 1–9"),
    "sd_too_small": ("sd_bound", "SD 0.1 is smaller than any 10 values spanning the printed range 1–9"),
    "ci_reversed": ("range_order", "the confidence interval is reversed"),
    "chi2_negative": ("impossible_statistic", "χ² = -2.1 is negative"),
    "r_above_1": ("impossible_statistic", "r = 1.2 is outside [-1, 1]"),
}


def test_cli_flags_every_impossible_number_with_its_reason(tmp_path):
    """`retrocohort audit FILE.yaml --out DIR` on a file of impossible numbers: exit 1, every
    entry an inconsistency with its reason in the referee summary (Markdown, HTML, JSON) and the
    status "impossible" (never "reproduced") in the CSV."""
    paper = tmp_path / "impossible.yaml"
    paper.write_text(IMPOSSIBLE_YAML, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "retrocohort.cli", "audit", str(paper), "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    out = tmp_path / "out/impossible"
    doc = json.loads((out / "audit.json").read_text(encoding="utf-8"))
    [study] = doc["referee"]["studies"]
    found = {(f["check"], e): f["sentence"] for f in study["findings"] for e in f["entries"]}
    for entry, (check, reason) in IMPOSSIBLE.items():
        assert (check, entry) in found, (entry, check)
        assert found[(check, entry)].startswith(("Table 1 reports", "Results text")), found[(check, entry)]
        assert reason in found[(check, entry)], (entry, found[(check, entry)])
        assert all(f["severity"] == "inconsistent" for f in study["findings"] if entry in f["entries"])
    rows = pd.read_csv(out / "audit.csv").set_index("id")
    assert set(rows["status"]) == {"impossible"} and len(rows) == len(IMPOSSIBLE)
    md, html = (
        (out / "audit.md").read_text(encoding="utf-8"),
        (out / "audit.html").read_text(encoding="utf-8"),
    )
    assert "p = 1.7 is impossible" in md and "p = 1.7 is impossible" in html
    assert "impossible as printed" in md
    summary = pd.read_csv(tmp_path / "out/summary.csv").iloc[0]
    assert summary["ok"] == 0 and summary["serious"] >= len(IMPOSSIBLE)
