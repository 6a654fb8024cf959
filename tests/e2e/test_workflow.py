"""End to end: the real Snakemake workflow on a copy of the repository's study files.

Asserts numbers in the outputs (Table 1 rows implied by the real Table 2 data) and that broken
raw data stop the run with a located message, no analysis output, and untouched raw files.
Byte-identical reruns: tests/e2e/test_determinism.py; the bad-input corpus: test_corpus.py.
"""

import hashlib
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from retrocohort.analysis.descriptive import summary_records
from retrocohort.render.formats import format_names
from study import ROOT, copy_study, finished_run, run_all, snakemake

pytestmark = pytest.mark.e2e


def _table1(work: Path) -> pd.DataFrame:
    """Table 1's statistics, one record per row (the Overall column of the declared table)."""
    return summary_records(pd.read_csv(work / "results/stats/table1.csv"), 7).set_index("variable")


def test_table1_rows_from_real_table2_data(flagship):
    t1 = _table1(flagship)
    assert (t1.loc["age", ["median", "q1", "q3"]].tolist()) == [45.0, 33.0, 58.0]
    assert (t1.loc["hscore_reported", ["median", "q1", "q3"]].tolist()) == [244.0, 224.0, 267.0]
    assert t1.loc["sex_male", "count"] == 12 and t1.loc["sex_male", "denominator"] == 21
    assert t1.loc["cond_malignancy", "count"] == 5 and not t1.loc["cond_malignancy", "synthetic"]
    assert t1.loc["ferritin", "synthetic"]
    md = (flagship / "results/tables/table1.md").read_text()
    assert "45.0 \\[33.0–58.0\\]" in md and "244.0 \\[224.0–267.0\\]" in md
    assert "Hyndman and Fan's type 7" in md and "† Synthetic" in md


def test_table3_names_test_n_and_method(flagship):
    t3 = pd.read_csv(flagship / "results/stats/table3.csv").set_index("variable")  # kind: paired
    assert t3.loc["fever", "test"].startswith("McNemar") and t3.loc["fever", "n_pairs"] == 18
    assert t3.loc["crp", "test"].startswith("Wilcoxon") and t3.loc["crp", "n_pairs"] == 15
    assert "exact" in t3.loc["crp", "method"] and 0 <= t3.loc["crp", "p_value"] <= 1
    assert t3.loc["crp", "hl_ci_low"] <= t3.loc["crp", "hl_estimate"] <= t3.loc["crp", "hl_ci_high"]
    assert not (flagship / "results/stats/table3_paired.csv").exists()  # the classic path is not run
    pairs = pd.read_parquet(flagship / "results/stats/table3_pairs.parquet")  # what the slopes draw
    counts = pairs.groupby("parameter", observed=True).size()
    assert counts.to_dict() == t3.loc[t3["role"] == "main", "n_pairs"].to_dict()
    assert set(pairs["before_day"]) == {0} and set(pairs["after_day"]) == {7}


def test_hscore_probability_and_selection(flagship):
    hs = pd.read_csv(flagship / "results/hscore/hscore.csv")
    assert len(hs) == 21 and hs["hscore_used"].median() == 244
    assert round(hs["hscore_probability_pct"].median(), 1) == 99.1
    flow = pd.read_csv(flagship / "results/selection/flow.csv")
    assert flow["n_out"].iloc[-1] == 21 and "> 169" in flow["reason"].iloc[0]


def test_outputs_exist_in_every_format(flagship):
    for stem in ("table1", "table2", "table3"):
        for ext in format_names():
            assert (flagship / f"results/tables/{stem}.{ext}").stat().st_size > 0
    for stem in ("slopes", "hscore", "flow", "swimmer"):
        for ext in ("png", "svg", "pdf"):
            assert (flagship / f"results/figures/{stem}.{ext}").stat().st_size > 0
    assert (flagship / "results/provenance/inputs.json").is_file()


def test_report_builds(flagship_report):
    html = flagship_report.read_text(errors="replace")
    assert "Table 1" in html and len(html) > 100_000
    # every caption placeholder resolved: a declared title's {n} (known only once computed) is
    # left out of the report's caption, never printed literally
    captions = re.findall(r'"caption": "(.*?)(?<!\\)"', html)
    assert any("Clinical and laboratory findings in patients" in c for c in captions), captions[:3]
    assert not [c for c in captions if "{n}" in c]


def test_second_study_runs_with_no_code_change(tmp_path_factory):
    work = finished_run(tmp_path_factory, ROOT / ".test")  # rule all, run once per session
    t1 = pd.read_csv(work / "results/stats/table1.csv").set_index("variable")
    flow = pd.read_csv(work / "results/selection/flow.csv")
    assert flow["n_in"].iloc[0] == 8 and t1.loc["age", "n"] == flow["n_out"].iloc[-1]
    tg = t1.loc["triglycerides", "median"]  # recipe median 260 mg/dL -> mmol/L via the unit layer
    assert 1.0 < tg < 8.0  # raw values are ~90-700 mg/dL: only a mmol/L conversion lands here


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_broken_raw_data_stop_the_run_cleanly(tmp_path):
    work = copy_study(tmp_path)
    labs = work / "data/raw/baverez2022/synthetic_measurements.csv"
    lines = labs.read_text(encoding="utf-8").splitlines()
    lines.append("1,0,crp,-5,mg/L")  # duplicated (patient, day, variable) with a negative value
    labs.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _digest(work / "data")
    proc = run_all(work)
    assert proc.returncode != 0
    assert "3 problem(s) (2 kinds) in the raw data of site 'lyon_rouen'" in proc.stderr  # the true total
    assert "synthetic_measurements.csv" in proc.stderr and "implausible crp" in proc.stderr
    assert "conflicting values for the same patient, day and variable" in proc.stderr
    assert "'patient 1, day 0, crp = 104'" in proc.stderr  # the first rows, with their values
    assert not (work / "results/validated").exists() or not any((work / "results/validated").iterdir())
    assert not (work / "results/tables").exists() and not (work / "results/stats").exists()
    assert _digest(work / "data") == before


def test_declared_identifiers_never_reach_results(tmp_path):
    """A name column (dropped) and hospital numbers as ids (pseudonymised) leave no trace in results/."""
    work = copy_study(tmp_path)
    raw = work / "data/raw/baverez2022"
    names = {}
    for csv_file in (
        "table2_patients.csv",
        "conditions_judgement.csv",
        "synthetic_baseline.csv",
        "synthetic_measurements.csv",
    ):
        path = raw / csv_file
        lines = path.read_text(encoding="utf-8").splitlines()
        out = [
            lines[0].replace("patient,", "ipp,", 1) + (",nom" if csv_file == "table2_patients.csv" else "")
        ]
        for line in lines[1:]:
            pid, rest = line.split(",", 1)
            names[pid] = f"Zzpatient{pid}name"
            out.append(
                f"80012{int(pid):03d},{rest}"
                + (f",{names[pid]}" if csv_file == "table2_patients.csv" else "")
            )
        path.write_text("\n".join(out) + "\n", encoding="utf-8")
    cfg = (work / "config/config.yaml").read_text(encoding="utf-8")
    cfg = cfg.replace(
        "        id_column: patient\n",
        "        id_column: ipp\n        identifiers: {ipp: pseudonymise}\n"
        "        pseudonym_salt_env: RETROCOHORT_TEST_SALT\n",
    )
    cfg = cfg.replace(
        "identifiers: {ipp: pseudonymise}\n        pseudonym_salt_env: RETROCOHORT_TEST_SALT\n"
        "        columns:\n          age:",
        "identifiers: {ipp: pseudonymise, nom: drop}\n        pseudonym_salt_env: RETROCOHORT_TEST_SALT\n"
        "        columns:\n          age:",
        1,
    )
    (work / "config/config.yaml").write_text(cfg, encoding="utf-8")
    env = {**os.environ, "RETROCOHORT_TEST_SALT": "a-test-key-of-32-characters-long"}
    proc = run_all(work, env=env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    leaked = [
        str(p)
        for p in (work / "results").rglob("*")
        if p.is_file() and any(token in p.read_bytes() for token in [b"Zzpatient", b"80012"])
    ]
    assert leaked == []
    assert len(pd.read_csv(work / "results/hscore/hscore.csv")) == 21  # same cohort, pseudonymous ids


def test_group_comparisons_and_survival(flagship):
    g = pd.read_csv(flagship / "results/stats/groups.csv")
    tests = g[g["role"] == "test"].set_index("comparison")
    assert tests.loc["efficacy_by_first_line", "test"] == "Fisher exact"
    dur = tests.loc["duration_by_cause"]
    assert dur["test"] == "Mann-Whitney U" and "exact" in dur["method"] and 0 < dur["p_value"] <= 1
    s = pd.read_csv(flagship / "results/stats/survival.csv")
    assert {"km", "median", "horizon", "logrank"} <= set(s["role"])
    for stem in ("groups", "survival"):
        for ext in format_names():
            assert (flagship / f"results/tables/{stem}.{ext}").stat().st_size > 0
    for ext in ("png", "svg", "pdf"):
        assert (flagship / f"results/figures/survival/km_fever_resolution.{ext}").exists()
    assert "† Synthetic" in (flagship / "results/tables/survival.md").read_text()


def test_the_flagship_group_comparisons_are_a_declared_comparison_table(flagship):
    """Issue 22 item 1: the flagship's comparisons are ``tables.groups`` declared ``kind:
    comparison``, built by rule ``cohort_table`` (no ``group_comparisons`` job); its statistics
    equal the classic engine's on the same cohort, and the Results text's ``groups.*`` keys and
    the audit read them."""
    import json

    from retrocohort.analysis.frames import cohort_frame
    from retrocohort.analysis.groups import group_statistics
    from retrocohort.config.study import load_study
    from retrocohort.stats.result import json_safe

    proc = snakemake(flagship, "-n", "--forceall", "all")
    assert proc.returncode == 0, proc.stderr[-3000:]
    jobs = proc.stdout + proc.stderr
    assert "group_comparisons" not in jobs
    assert re.search(r"rule cohort_table:\n(?:[ \t]+\S.*\n)*?[ \t]+wildcards: table=groups\n", jobs)
    config = load_study(flagship / "config/config.yaml", base_dir=flagship).data
    assert config["groups"] == [] and config["tables"]["groups"]["kind"] == "comparison"
    names = ("cohort", "patients", "measurements", "sources")
    files = {
        n: str(flagship / f"results/{'selection' if n == 'cohort' else 'validated'}/{n}.parquet")
        for n in names
    }
    frame, synthetic = cohort_frame(
        {**files, "hscore": str(flagship / "results/hscore/hscore.parquet")}, config
    )
    classic = group_statistics(
        frame,
        config["tables"]["groups"]["comparisons"],
        config["variables"],
        config["derived"],
        config["statistics"],
        synthetic,
    )
    declared = json.loads((flagship / "results/stats/groups.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(json_safe(classic.to_dict("records")))) == declared  # every number
    assert [r["p_value"] for r in declared if r["role"] == "test"] == classic.loc[
        classic["role"] == "test", "p_value"
    ].tolist()
    values = json.loads((flagship / "results/manuscript/values.json").read_text(encoding="utf-8"))
    groups = [r for r in values["placeholders"] if r["placeholder"].startswith("groups.")]
    assert groups and {(r["source"]["file"], r["source"]["rule"]) for r in groups} == {
        ("results/stats/groups.json", "cohort_table")
    }
    audit = json.loads((flagship / "results/audit/audit.json").read_text(encoding="utf-8"))
    assert "configured group comparison 'duration_by_cause' (results/stats/groups.json)" in json.dumps(audit)
