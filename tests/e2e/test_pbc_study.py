"""End to end: the second REAL study, the Mayo Clinic PBC trial (studies/pbc, issue 15).

"A new study is config + data, never a code change": the real Snakemake workflow runs on the
study's config and raw files (survival::pbc and pbcseq) in a temporary copy and must give the
stratified Table 1 (p-values and SMDs), the paired baseline vs 1-year table with time point
columns named after the time points, the Cox and logistic tables, the Kaplan-Meier analyses
with censored patients kept, and no HScore output (the study has no `hscore:` key).
Expected counts are computed here from the raw files, never copied from a publication.
"""

import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from study import ROOT, finished_run

pytestmark = pytest.mark.e2e

STUDY = ROOT / "studies" / "pbc"
FORMATS = ("md", "tex", "html", "docx")


def _tables_of_kind(config: dict, kind: str, **match: str) -> list[str]:
    """Ids of the config's tables of ``kind`` (and e.g. ``model=cox``)."""
    return [
        name
        for name, spec in config["tables"].items()
        if isinstance(spec, dict)
        and spec.get("kind") == kind
        and all(spec.get(k) == v for k, v in match.items())
    ]


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((STUDY / "config/config.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def randomised() -> pd.DataFrame:
    """The randomised patients of the raw patients file (trt recorded)."""
    patients = pd.read_csv(STUDY / "data/raw/pbc_patients.csv")
    return patients[patients["trt"].notna()]


@pytest.fixture(scope="module")
def pbc_run(tmp_path_factory) -> Path:
    """The session's complete run of the study (rule all; read only)."""
    return finished_run(tmp_path_factory, STUDY)


def test_the_export_script_regenerates_the_raw_files_byte_for_byte(tmp_path):
    proc = subprocess.run(
        ["Rscript", str(ROOT / "scripts/export_pbc.R"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    committed = sorted(p.name for p in (STUDY / "data/raw").iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    for name in committed:
        assert (tmp_path / name).read_bytes() == (STUDY / "data/raw" / name).read_bytes(), name


def test_the_config_declares_no_hscore_and_the_four_table_kinds(config):
    assert "hscore" not in config
    assert _tables_of_kind(config, "descriptive")
    assert _tables_of_kind(config, "regression", model="cox")
    assert _tables_of_kind(config, "regression", model="logistic")
    assert "table3" in config["tables"] and config["paired_time_points"] == ["baseline", "year1"]


def test_stratified_table_has_p_values_and_smds_per_variable(pbc_run, config, randomised):
    (table_id,) = [
        t
        for t in _tables_of_kind(config, "descriptive")
        if config["tables"][t].get("by") and "where" not in config["tables"][t]
    ]
    stats = pd.read_csv(pbc_run / f"results/stats/{table_id}.csv")
    heads = stats[stats["row_type"].isin(["value", "variable"])]
    declared = [row["variable"] for row in config["tables"][table_id]["rows"]]
    assert sorted(heads["variable"]) == sorted(declared)
    assert heads["p_value"].between(0, 1).all(), heads[["variable", "p_value", "method"]]
    assert (np.isfinite(heads["smd"]) & (heads["smd"] >= 0)).all(), heads[["variable", "smd"]]
    sizes = {c.split("@", 1)[1]: int(stats[c].iloc[0]) for c in stats.columns if c.startswith("n_group@")}
    arms = randomised["trt"].astype(int).value_counts()
    assert sizes["Overall"] == len(randomised)
    assert sizes["D-penicillamine"] == arms[1] and sizes["Placebo"] == arms[2]
    for fmt in FORMATS:
        assert (pbc_run / f"results/tables/{table_id}.{fmt}").stat().st_size > 0


@pytest.mark.parametrize("model", ["cox", "logistic"])
def test_regression_tables_are_written(pbc_run, config, randomised, model):
    (table_id,) = _tables_of_kind(config, "regression", model=model)
    stats = pd.read_csv(pbc_run / f"results/stats/{table_id}.csv")
    multi = stats[stats["analysis"] == "multivariable"]
    assert len(multi) and np.isfinite(multi["ratio"]).all() and (multi["ratio"] > 0).all()
    predictors = config["tables"][table_id]["multivariable"]  # raw columns of the same names
    complete = randomised[predictors].dropna()
    assert (multi["n"] == len(complete)).all()
    assert stats["converged"].astype(str).eq("True").all()
    for fmt in FORMATS:
        assert (pbc_run / f"results/tables/{table_id}.{fmt}").stat().st_size > 0


def test_kaplan_meier_keeps_censored_patients(pbc_run, randomised):
    survival = pd.read_csv(pbc_run / "results/stats/survival.csv")
    medians = survival[(survival["analysis"] == "overall_survival") & (survival["role"] == "median")]
    assert medians["n"].sum() == len(randomised)
    deaths = int((randomised["status"] == 2).sum())
    assert medians["n_events"].sum() == deaths < len(randomised)
    (patients,) = survival[
        (survival["analysis"] == "overall_survival") & (survival["role"] == "patients")
    ].to_dict("records")
    assert patients["n_censored"] == len(randomised) - deaths and patients["n_excluded"] == 0
    logrank = survival[(survival["analysis"] == "overall_survival") & (survival["role"] == "logrank")]
    assert len(logrank) == 1 and 0 <= logrank["p_value"].iloc[0] <= 1
    assert (pbc_run / "results/figures/km_overall_survival.png").exists()


def _patients_with_values(config: dict, randomised: pd.DataFrame, points: list[str]) -> dict[str, int]:
    """Per repeated test: randomised patients with a value in the window of every time point."""
    labs = pd.read_csv(STUDY / "data/raw/pbcseq_labs_long.csv")
    labs = labs[labs["id"].isin(randomised["id"])]
    names = config["sites"]["mayo"]["sources"][1]["variable_names"]
    windows = [config["time_points"][p]["window"] for p in points]
    counts = {}
    for raw, canonical in names.items():
        mine = labs[labs["variable"] == raw]
        ids = [set(mine.loc[mine["day"].between(lo, hi), "id"]) for lo, hi in windows]
        counts[canonical] = len(set.intersection(*ids))
    return counts


def test_paired_table_columns_are_named_after_the_time_points(pbc_run, config, randomised):
    paired = pd.read_csv(pbc_run / "results/stats/table3_paired.csv")
    assert any(c.startswith("baseline_") for c in paired.columns), list(paired.columns)
    assert any(c.startswith("year1_") for c in paired.columns), list(paired.columns)
    assert not any(c.startswith(("day0_", "day7_")) for c in paired.columns)
    for role, points in (("main", "paired_time_points"), ("repeated", "repeated_time_points")):
        rows = paired[paired["role"] == role].set_index("variable")
        expected = _patients_with_values(config, randomised, config[points])
        assert {v: int(rows.loc[v, "n_pairs"]) for v in expected} == expected, role
        assert rows["p_value"].between(0, 1).all(), role


def test_no_hscore_output(pbc_run):
    made = [p.relative_to(pbc_run) for p in (pbc_run / "results").rglob("*") if "hscore" in p.name.lower()]
    assert made == []


def test_subgroup_table_has_its_where_population_and_windowed_enrolment_labs(pbc_run, config, randomised):
    """Table 6 (`labs_women_by_arm`): `where: sex == f` and pbcseq labs at the `enrolment` time
    point (closest to day 0 within days 0 to 90, ties earlier), both recomputed here from the
    raw files with pandas, independently of the pipeline."""
    spec = config["tables"]["labs_women_by_arm"]
    assert spec["where"][0]["column"] == "sex" and spec["time_point"] == "enrolment"
    women = randomised[randomised["sex"] == "f"]
    stats = pd.read_csv(pbc_run / "results/stats/labs_women_by_arm.csv")
    assert int(stats["n_group@Overall"].iloc[0]) == len(women)
    table = (pbc_run / "results/tables/labs_women_by_arm.md").read_text(encoding="utf-8")
    assert f"Patients with female sex (n = {len(women)})." in table
    assert f"of the {len(women)} randomised women" in table
    # the windowed value: per woman, the bilirubin visit closest to day 0 within [0, 90]
    point = config["time_points"]["enrolment"]
    lo, hi = point["window"]
    labs = pd.read_csv(STUDY / "data/raw/pbcseq_labs_long.csv")
    bili = labs[(labs["variable"] == "bili") & labs["id"].isin(women["id"]) & labs["day"].between(lo, hi)]
    bili = bili.dropna(subset=["value"]).assign(distance=lambda d: (d["day"] - point["day"]).abs())
    chosen = bili.sort_values(["id", "distance", "day"]).groupby("id").first()["value"].to_numpy()
    row = stats[stats["variable"] == "bili_seq"].iloc[0]
    assert int(row["n@Overall"]) == chosen.size
    assert row["median@Overall"] == pytest.approx(np.quantile(chosen, 0.5))  # type 7, numpy's default
    assert (row["time_point"], row["time_point_window"]) == ("enrolment", f"{lo} to {hi}")
    assert (
        "Serum bilirubin" in table and "at Enrolment: the value closest to day 0 within days 0 to 90" in table
    )
