"""End to end: a rerun after an edit schedules exactly the jobs the edit concerns, and every
output, provenance included, reflects it; raw files count by content, not modification time;
one study per run; a failed run leaves no output that claims to be current.

One copy of the flagship is run once, then edited scenario by scenario (each rerun brings it
back to a complete state before the next edit). The rules an edit reruns are read from the
rerun's own job-stats table (the table ``snakemake -n`` would print: one Snakemake start less
per scenario), and ``snakemake -n`` after it must find nothing to do.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pandas as pd
import pytest
import yaml

from retrocohort.render.formats import format_names
from study import ROOT, copy_study, run_all, snakemake, warm_copy

pytestmark = pytest.mark.e2e

RAW = Path("data/raw/baverez2022")
#: Jobs every study edit reruns besides the edited rule's own: the provenance record (it holds
#: the whole resolved config) and the target rule.
ALWAYS = {"provenance_inputs", "all"}


def job_stats(text: str) -> set[str]:
    """The rules of the job-stats table Snakemake prints before it runs (or, with ``-n``, would
    run) anything; empty when it has nothing to do."""
    if "Nothing to be done" in text:
        return set()
    block = text.split("Job stats:")[1].split("total")[0]
    return {m.group(1) for m in re.finditer(r"^(\w+)\s+\d+\s*$", block, flags=re.M)} - {"job"}


def scheduled(work: Path) -> set[str]:
    """The rules `snakemake -n` would run (its job-stats table)."""
    proc = snakemake(work, "-n", "all")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return job_stats(proc.stdout + proc.stderr)


def edit_config(work: Path, change) -> None:
    path = work / "config/config.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(config)
    path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def provenance(work: Path) -> dict:
    return json.loads((work / "results/provenance/inputs.json").read_text(encoding="utf-8"))


def rerun(work: Path) -> set[str]:
    """Run rule ``all`` after an edit; the rules it ran (its job-stats table: the same table
    ``snakemake -n`` prints before the run, without a Snakemake start of its own). The run
    must leave nothing to do."""
    proc = snakemake(work, "--cores", "2", "all")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert scheduled(work) == set(), "a rerun must leave nothing to do"
    return job_stats(proc.stdout + proc.stderr)


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """A copy of the session's complete flagship run: nothing to do until a test edits it."""
    work = warm_copy(tmp_path_factory, tmp_path_factory.mktemp("reruns"))
    assert scheduled(work) == set(), "a copy of a complete run must have nothing to do"
    # the config as Snakemake would re-read it after an edit (YAML round trip, same content)
    edit_config(work, lambda c: None)
    assert scheduled(work) == set(), "a YAML round trip of the same config must change nothing"
    return work


def test_a_quantile_type_edit_reruns_every_rule_that_computes_quartiles(work):
    edit_config(work, lambda c: c["statistics"].update(quantile_type=6))
    assert rerun(work) == ALWAYS | {
        # Table 1 (kind: descriptive), the group comparisons (tables.groups, kind: comparison)
        # and the declared tables that print quartiles
        "cohort_table",
        "paired_table",  # the flagship's Table 3 is a declared kind: paired
        "tables",
        "cohort_figure",  # the flagship's Kaplan-Meier figures (tables.survival, kind: survival)
        "notebook",
        "audit",
        "figures_slopes",
        "manuscript",  # prints Table 1 and Table 3 numbers in the Results text
        "methods",  # names the methods the statistics files record
    }
    t1 = pd.read_csv(work / "results/stats/table1.csv")
    assert t1["quantile_method"].str.startswith("Hyndman-Fan type 6").all()
    assert "Hyndman and Fan's type 6" in (work / "results/tables/table1.md").read_text(encoding="utf-8")
    assert provenance(work)["config"]["statistics"]["quantile_type"] == 6


def test_a_wilcoxon_preset_edit_reruns_the_paired_tests_and_what_reads_them(work):
    edit_config(work, lambda c: c["statistics"].update(wilcoxon={"preset": "R"}))
    assert rerun(work) == ALWAYS | {
        "paired_table",  # the flagship's Table 3 is a declared kind: paired
        # Table 1 (kind: descriptive) reads the test presets, as every such table; the group
        # comparisons (tables.groups, kind: comparison): the Mann-Whitney preset follows the R preset
        "cohort_table",
        "cohort_figure",  # a declared survival table's figures read them too (not drawn from them)
        "tables",
        "figures_slopes",
        "notebook",
        "audit",
        "manuscript",
        "methods",
    }
    t3 = pd.read_csv(work / "results/stats/table3.csv").set_index("variable")
    assert "exact_max_n=49" in t3.loc["crp", "details"]  # R: exact only below 50 pairs
    assert provenance(work)["config"]["statistics"]["wilcoxon"]["preset"] == "R"


def test_a_table1_label_edit_reruns_table1_and_its_readers_never_the_data_path(work):
    """Table 1 is a declared kind: rule cohort_table computes and formats in one job, so a label
    edit reruns it and the rules reading results/stats/table1.csv, never ingestion, validation,
    the HScore or another table (a formatting-only rerun needs a statistics/formatting split of
    rule cohort_table: issue 26)."""

    def relabel(c):
        row = next(r for r in c["tables"]["table1"]["rows"] if r.get("variable") == "age")
        row["label"] = "Age at diagnosis (years)"

    edit_config(work, relabel)
    proc = snakemake(work, "--cores", "2", "all")
    assert proc.returncode == 0, proc.stderr[-3000:]
    log = proc.stdout + proc.stderr
    jobs = job_stats(log)  # the rules the rerun ran
    assert {"cohort_table", "tables"} <= jobs, jobs
    assert jobs - ALWAYS <= {"cohort_table", "tables", "audit", "notebook", "manuscript", "methods"}, jobs
    # the reason names the edited key, old -> new, instead of printing the whole config slice
    # (before and now) per job: 68 kB of log for this edit before, 5 kB after
    reasons = [line for line in log.splitlines() if "Params have changed" in line]
    assert reasons and all(
        re.search(r"tables/table1/rows/\d+/label: '[^']*' -> 'Age at diagnosis \(years\)'", line)
        and len(line) < 300
        for line in reasons
    ), reasons
    assert len(log.encode()) < 20_000, f"{len(log.encode())} bytes of log for a label edit"
    assert scheduled(work) == set()
    for ext in ("md", "html", "tex"):
        assert "Age at diagnosis (years)" in (work / f"results/tables/table1.{ext}").read_text(
            encoding="utf-8"
        )
    rows = provenance(work)["config"]["tables"]["table1"]["rows"]
    assert any(r.get("label") == "Age at diagnosis (years)" for r in rows)


def test_a_table3_parameter_list_edit_reruns_table3_and_its_readers(work):
    removed = {}

    def drop_triglycerides(c):  # a parameter the manuscript template does not print
        parameters = c["tables"]["table3"]["parameters"]
        index = next(i for i, p in enumerate(parameters) if p["variable"] == "triglycerides")
        removed["variable"] = parameters.pop(index)["variable"]

    edit_config(work, drop_triglycerides)
    assert rerun(work) == ALWAYS | {
        "paired_table",  # the flagship's Table 3 is a declared kind: paired
        "tables",
        "figures_slopes",
        "notebook",
        "audit",
        "manuscript",
        "methods",
    }
    t3 = pd.read_csv(work / "results/stats/table3.csv")
    assert removed["variable"] not in set(t3["variable"])
    assert removed["variable"] not in {
        p["variable"] for p in provenance(work)["config"]["tables"]["table3"]["parameters"]
    }


def test_a_derived_variable_edit_reruns_its_derivation_never_ingestion(work):
    """Ingestion reads of `derived:` only the agents its operations name (their spellings are
    checked against the treatment lines): adding a derived variable reruns the derivation
    (merge_sites_and_derive) and what reads the patients, never a site's ingestion or validation;
    changing a derived variable's agent reruns the ingestion that checks it."""
    path = work / "config/config.yaml"
    original = path.read_text(encoding="utf-8")

    def add_derived(c):
        c["derived"]["under_65"] = {"label": "Under 65", "less_than": {"variable": "age", "value": 65}}

    edit_config(work, add_derived)
    jobs = scheduled(work)
    assert "merge_sites_and_derive" in jobs, jobs
    assert not jobs & {"ingest_site", "validate_site"}, jobs
    path.write_text(original, encoding="utf-8")
    assert scheduled(work) == set()

    def rename_agent(c):
        c["derived"]["anakinra_first_line"]["first_line"]["agent"] = "CTC"

    edit_config(work, rename_agent)
    assert {"ingest_site", "merge_sites_and_derive"} <= scheduled(work)
    path.write_text(original, encoding="utf-8")
    assert scheduled(work) == set()


def _edit_first_age(path: Path) -> tuple[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    age = header.index("age")
    cells = lines[1].split(",")
    old = cells[age]
    cells[age] = str(int(old) + 1)
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return old, cells[age]


def test_a_raw_data_edit_reruns_the_data_path_and_provenance_has_the_new_checksum(work):
    raw = work / RAW / "table2_patients.csv"
    before = {r["path"]: r["sha256"] for r in provenance(work)["inputs"]}
    _edit_first_age(raw)
    jobs = rerun(work)
    assert {"ingest_site", "validate_site", "merge_sites_and_derive", "cohort_table", "tables"} <= jobs
    after = {r["path"]: r["sha256"] for r in provenance(work)["inputs"]}
    changed = [p for p in after if after[p] != before.get(p)]
    assert changed == [str(RAW / "table2_patients.csv")]


def test_a_corrected_file_with_an_older_mtime_is_still_reingested(work):
    raw = work / RAW / "table2_patients.csv"
    stat = raw.stat()
    _edit_first_age(raw)
    os.utime(raw, ns=(stat.st_atime_ns - 10**12, stat.st_mtime_ns - 10**12))  # as rsync -a, cp -p
    assert "ingest_site" in rerun(work)
    recorded = {r["path"]: r["sha256"] for r in provenance(work)["inputs"]}
    import hashlib

    assert recorded[str(RAW / "table2_patients.csv")] == hashlib.sha256(raw.read_bytes()).hexdigest()


def test_a_late_failure_leaves_no_output_that_claims_to_be_current(work):
    (work / "results/report.html").write_text("<html>an earlier report</html>", encoding="utf-8")

    # quantile type 8 reruns the statistics and every table reader; then `tables` (and `audit`)
    # fail reading the paper's printed numbers, which the config check only requires to exist
    # (a broken config itself now stops at load: every {placeholder} is checked there)
    published = work / "config/published/baverez2022.yaml"
    original = published.read_bytes()
    edit_config(work, lambda c: c["statistics"].update(quantile_type=8))
    published.write_text("numbers: [this is not YAML\n", encoding="utf-8")
    start = time.time_ns()
    proc = run_all(work)
    assert proc.returncode != 0
    status = json.loads((work / "results/run_status.json").read_text(encoding="utf-8"))
    assert status["status"] == "incomplete" and "tables" in status["jobs_not_finished"]
    assert not (work / "results/report.html").exists()
    stale_prone = [
        "stats/table1.csv",
        "stats/table3.csv",
        "stats/groups.csv",
        "stats/survival.csv",
        "audit/audit.json",
        "audit/audit.md",
        "notebook/reviewer_walkthrough.html",
        "figures/slopes.png",
        "provenance/inputs.json",
    ] + [
        f"tables/{stem}.{ext}"
        # not table2: a declared listing reads no statistics setting, so the quantile-type edit
        # leaves it current, as the quantile-type rerun test's set of scheduled jobs says
        for stem in ("table1", "table3", "groups", "survival")
        for ext in format_names()
    ]
    for name in stale_prone:
        path = work / "results" / name
        assert not path.exists() or path.stat().st_mtime_ns >= start, f"{name} is left from an earlier run"
    published.write_bytes(original)
    rerun(work)
    assert json.loads((work / "results/run_status.json").read_text())["status"] == "complete"


def test_two_configfiles_or_config_overrides_are_refused(work):
    other = work / "config/copy.yaml"
    other.write_text((work / "config/config.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    both = snakemake(work, "-n", "--configfile", "config/config.yaml", str(other))
    assert both.returncode != 0 and "more than one --configfile" in both.stdout + both.stderr
    override = snakemake(work, "-n", "--config", "baseline_day=1")
    assert override.returncode != 0 and "--config" in override.stdout + override.stderr


def test_the_second_study_from_the_repository_root_holds_none_of_the_flagship(tmp_path):
    work = copy_study(tmp_path)
    import shutil

    shutil.copytree(ROOT / ".test", work / ".test")
    proc = snakemake(work, "--cores", "2", "--quiet", "--directory", ".test", "all")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (work / "results").exists(), "the second study wrote into the flagship's results"
    second = pd.read_parquet(work / ".test/results/validated/patients.parquet")
    flagship = pd.read_csv(work / RAW / "table2_patients.csv")
    assert len(second) > 0
    config = yaml.safe_load((work / ".test/config/config.yaml").read_text(encoding="utf-8"))
    assert (
        json.loads((work / ".test/results/provenance/inputs.json").read_text())["study"]
        == config["study"]["id"]
    )
    sources = set(pd.read_parquet(work / ".test/results/validated/sources.parquet")["file"])
    assert not any("baverez2022" in s for s in sources)
    assert len(second) != len(flagship) or set(second["patient_id"]) != set(flagship.iloc[:, 0].astype(str))
