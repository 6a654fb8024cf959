"""End to end: the third REAL study, adjuvant chemotherapy for colon cancer (studies/colon,
survival::colon; issue 23 item 7).

The raw file is R's data set as distributed: one row per patient and event type (recurrence,
death), each with its day and status, read as a ``table: events`` source whose baseline columns
give the patients. The real workflow runs once (``finished_run``, shared with
tests/r_oracle/test_colon_vs_r.py, which checks the statistics against R); here: the canonical
events table, the patients, and the endpoints' counts, each recomputed from the raw file.
"""

import json
import shutil
import subprocess

import pandas as pd
import pytest

from study import ROOT, finished_run

pytestmark = pytest.mark.e2e

STUDY = ROOT / "studies" / "colon"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return finished_run(tmp_path_factory, STUDY)


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    return pd.read_csv(STUDY / "data/raw/colon.csv")


def test_the_events_file_becomes_the_canonical_events_table(run, raw):
    events = pd.read_parquet(run / "results/validated/events.parquet")
    assert len(events) == len(raw)
    assert sorted(events["event"].unique()) == ["death", "recurrence"]
    assert int(events["status"].sum()) == int(raw["status"].sum())
    patients = pd.read_parquet(run / "results/validated/patients.parquet")
    assert len(patients) == raw["id"].nunique()
    # the baseline columns repeated on both rows of a patient are the layout, not a cleaning
    assert json.loads((run / "results/validation/adjustments.json").read_text(encoding="utf-8")) == []


def test_endpoint_counts_equal_the_raw_file(run, raw):
    patients = pd.read_parquet(run / "results/validated/patients.parquet")
    per = raw.groupby("id")["status"].max()
    deaths = raw[(raw["etype"] == 2) & (raw["status"] == 1)]["id"].nunique()
    recurrences = raw[(raw["etype"] == 1) & (raw["status"] == 1)]["id"].nunique()
    assert int(patients["died"].sum()) == deaths
    assert int(patients["recurred"].sum()) == recurrences
    assert int(patients["rfs_event"].sum()) == int(per.sum())
    assert patients["n_events"].sum() == raw["status"].sum()
    rows = json.loads((run / "results/stats/rfs.json").read_text(encoding="utf-8"))
    (everyone,) = [r for r in rows if r["role"] == "patients"]
    assert (everyone["n"], everyone["n_events"]) == (len(per), int(per.sum()))


def test_table1_counts_each_arm_of_the_raw_file(run, raw):
    arms = raw.drop_duplicates("id")["rx"].value_counts()
    text = (run / "results/tables/table1.md").read_text(encoding="utf-8")
    for label, code in (("Observation", "Obs"), ("Levamisole", "Lev"), ("Levamisole + 5-FU", "Lev+5FU")):
        assert f"{label} (n = {arms[code]})" in text


def test_every_declared_table_is_written(run):
    for table in ("table1", "rfs", "os", "cox_rfs", "cox_os"):
        assert (run / "results/tables" / f"{table}.md").is_file(), table
    for analysis in ("rfs/km_rfs_by_arm", "os/km_os_by_arm"):
        assert (run / "results/figures" / f"{analysis}.png").is_file(), analysis


def test_the_committed_script_regenerates_the_raw_file_byte_for_byte(tmp_path):
    """data/make_data.R (write.csv of survival::colon, nothing else) gives the committed file."""
    (tmp_path / "data/raw").mkdir(parents=True)
    shutil.copy(STUDY / "data/make_data.R", tmp_path / "data/make_data.R")
    proc = subprocess.run(
        ["Rscript", "data/make_data.R"], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    made = (tmp_path / "data/raw/colon.csv").read_bytes()
    assert made == (STUDY / "data/raw/colon.csv").read_bytes()
