"""End-to-end R oracle at the table level: run a study's real pipeline (Snakemake in a temporary
copy), hand R the pipeline's validated input (results/validated, results/selection), let R
recompute every cell of results/stats/* with base R and survival, and compare cell by cell to
1e-9 relative (1e-12 absolute near 0).

Where retrocohort deliberately differs from R (src/retrocohort/stats/r_differences.py), R
computes our documented method written out in R (e.g. the exact conditional signed-rank null
with ties) and the test also asserts that R's own function gives a different number. A second
run with ``statistics.wilcoxon.preset: R`` and ``statistics.mcnemar.method: chi2_cc`` must
equal wilcox.test / mcnemar.test themselves.

One Rscript call per study run. A new study is one entry in ``STUDIES``: every table it has is
checked, classic or declared by kind (r_study_tables.compare_study: stratified descriptive,
regression, comparison, survival, paired and competing-risks tables); a declared table no
comparator covers fails, naming it. The R-preset run concerns the paired tests, so it runs for
the studies with a paired table only. Needs Rscript with survival and cmprsk: a skip locally
without R, a failure in CI (RETROCOHORT_REQUIRE_R=1).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml
from r_study_tables import (
    StudyInput,
    classic_tables,
    compare_competing,
    compare_study,
    compare_survival,
    compare_table3,
    declared,
    oracle_code,
    study_input,
)
from r_tables import (
    REL_MODEL,
    Comparison,
    cells_of,
    compare_regression,
    compare_stratified,
    descriptive_options,
    r_numbers,
    regression_code,
    run_oracle,
    stratified_code,
)

from retrocohort.kinds.paired import study_paired_stats

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
from study import finished_run, run_all, snakemake, warm_copy  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("rscript")]


@dataclass(frozen=True)
class OracleStudy:
    """A study the oracle runs: ``directory`` holds its config/ and data/."""

    name: str
    directory: Path


#: Studies checked end to end: the flagship, the second real study (Mayo PBC trial), the third
#: (Mayo MGUS cohort: no paired table, a competing-risks table) and the fourth (NCCTG colon
#: trial: read from its long events file as distributed; three arms, composite endpoint,
#: competing risks) and the fifth (Rotterdam tumour bank: models and Kaplan–Meier tables on a
#: propensity-score matched and an ATT-weighted sample; its balance tables: test_rotterdam_vs_r.py).
STUDIES = [
    OracleStudy("flagship", ROOT),
    OracleStudy("pbc", ROOT / "studies" / "pbc"),
    OracleStudy("mgus2", ROOT / "studies" / "mgus2"),
    OracleStudy("colon", ROOT / "studies" / "colon"),
    OracleStudy("rotterdam", ROOT / "studies" / "rotterdam"),
]


def has_paired_table(study: OracleStudy) -> bool:
    """The study has a paired table ``tables.table3``, classic or ``kind: paired``."""
    config = yaml.safe_load((study.directory / "config" / "config.yaml").read_text(encoding="utf-8"))
    return study_paired_stats(config.get("tables") or {}) is not None


#: Studies with paired tests: the R-preset run (and its perturbed paired cell) concerns them only.
PAIRED_STUDIES = [study for study in STUDIES if has_paired_table(study)]
#: Config of the second run, whose paired table must be R's by construction.
R_PRESET = {"wilcoxon": {"preset": "R"}, "mcnemar": {"method": "chi2_cc"}}


def run_study(
    tmp_path_factory,
    study: OracleStudy,
    statistics: dict | None = None,
    only: tuple[str, ...] | None = None,
) -> tuple[StudyInput, dict]:
    """The study's pipeline run (``statistics`` keys overridden), then R on its validated input.
    Without an override that run is the session's complete run of the study
    (``study.finished_run``, read only). With one, a copy of it (``study.warm_copy``) is edited
    and Snakemake reruns what the override changes: with ``only`` (table ids of ``tables:``), it
    makes only those tables' statistics files and R computes only those tables (what a test of
    those tables reads), instead of rule ``all`` and every table."""
    if statistics is None:
        workdir = finished_run(tmp_path_factory, study.directory)
    else:
        workdir = warm_copy(
            tmp_path_factory, tmp_path_factory.mktemp(study.name + "_edited"), study.directory
        )
        path = workdir / "config" / "config.yaml"
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, value in statistics.items():
            config.setdefault("statistics", {})[key] = value
        path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        if only is None:
            proc = run_all(workdir)
        else:
            targets = [f"{stats_stem(study, table)}.csv" for table in only]
            proc = snakemake(workdir, "--cores", "2", *targets, "--quiet")  # --quiet takes choices
        assert proc.returncode == 0, f"{study.name}: pipeline failed\n{proc.stderr[-3000:]}"
    inp = study_input(workdir)
    return inp, run_oracle(oracle_code(inp, only))


def stats_stem(study: OracleStudy, table: str) -> str:
    """``results/stats/<stem>`` of a table of ``study``; the paired table's stem depends on its
    form (classic or ``kind: paired``: :func:`retrocohort.kinds.paired.study_paired_stats`)."""
    assert table == "table3", "only the paired table's statistics file is resolved here"
    config = yaml.safe_load((study.directory / "config" / "config.yaml").read_text(encoding="utf-8"))
    return study_paired_stats(config.get("tables") or {})


@pytest.fixture(scope="module", params=STUDIES, ids=lambda s: s.name)
def default_run(request, tmp_path_factory) -> tuple[StudyInput, dict]:
    return run_study(tmp_path_factory, request.param)


@pytest.fixture(scope="module", params=PAIRED_STUDIES, ids=lambda s: s.name)
def r_preset_run(request, tmp_path_factory) -> tuple[StudyInput, dict]:
    # the test reads the paired table only: only its statistics are made and recomputed by R
    return run_study(tmp_path_factory, request.param, R_PRESET, only=("table3",))


def test_every_table_cell_equals_r_or_its_documented_difference(default_run):
    inp, r = default_run
    compare_study(inp, r).assert_ok(minimum=100 if inp.stats("table1") is not None else 10)


def test_paired_table_under_the_r_preset_is_r_by_construction(r_preset_run):
    inp, r = r_preset_run
    ours = inp.paired()
    assert ours is not None, "every study of PAIRED_STUDIES has the paired Table 3"
    assert inp.config["statistics"]["wilcoxon"]["preset"] == "R"
    cmp = Comparison()
    compare_table3(ours, r, cmp, "R")
    cells = cells_of(r, "table3")
    for _, row in ours.iterrows():  # wilcox.test(paired, conf.int) and mcnemar.test themselves
        v = row["variable"]
        if row["kind"] == "binary":
            cmp.cell("table3", v, "p_value = mcnemar.test", row["p_value"], cells[(v, "r_chi2")][1])
        else:
            cmp.cell("table3", v, "p_value = wilcox.test", row["p_value"], cells[(v, "r_wilcox_p")][0])
            for column, value in zip(("hl_estimate", "hl_ci_low", "hl_ci_high"), cells[(v, "r_hl")]):
                cmp.cell("table3", v, f"{column} = wilcox.test conf.int", row[column], value)
    cmp.assert_ok(minimum=len(ours) * 4)


def test_a_perturbed_cell_is_reported_with_table_row_column(default_run):
    """The comparison can fail, in every study: a cell of its paired table (Hodges-Lehmann
    estimate) or, in a study without one, of its competing-risks table (cumulative incidence) or
    of its survival table on a matched or weighted sample (weighted Kaplan–Meier estimate) moved
    by 1e-8 (relative) is reported once, naming table, row and column."""
    inp, r = default_run
    ours = inp.paired()
    competing = {t: s for t, s in declared(inp.config).items() if s["kind"] == "competing_risks"}
    on_sample = {t: s for t, s in declared(inp.config).items() if s["kind"] == "survival" and s.get("sample")}
    if ours is not None:
        _perturbed_paired_cell_is_reported(inp, r, ours)
    elif on_sample and not competing:
        _perturbed_weighted_survival_cell_is_reported(inp, r, on_sample)
    else:
        assert "table3" not in classic_tables(inp.config)
        assert competing, "a study of the oracle has a paired or a competing-risks table to perturb"
        _perturbed_competing_cell_is_reported(inp, r, competing)


def _perturbed_paired_cell_is_reported(inp, r, ours) -> None:
    target = ours.index[
        (ours["kind"] == "continuous") & ours["hl_estimate"].notna() & (ours["hl_estimate"] != 0)
    ][0]
    ours = ours.copy()
    ours.loc[target, "hl_estimate"] *= 1 + 1e-8
    cmp = Comparison()
    compare_table3(ours, r, cmp, inp.config["statistics"]["wilcoxon"]["preset"])
    assert len(cmp.failures) == 1
    assert cmp.failures[0].startswith(f"table3 | row {ours.loc[target, 'variable']} | hl_estimate: ours ")


def _perturbed_weighted_survival_cell_is_reported(inp, r, tables) -> None:
    """One weighted Kaplan–Meier estimate moved by 1e-8 is reported once, naming its row."""
    table, spec = next(iter(tables.items()))
    ours = inp.stats(table)
    cmp = Comparison()
    compare_survival(inp, ours, r, cmp, f"{table}/", spec)
    cmp.assert_ok(minimum=1000)
    target = ours.index[(ours["role"] == "km") & (ours["survival"] < 1)][0]
    broken = ours.copy()
    broken.loc[target, "survival"] *= 1 + 1e-8
    cmp = Comparison()
    compare_survival(inp, broken, r, cmp, f"{table}/", spec)
    assert len(cmp.failures) == 1 and cmp.failures[0].startswith(f"{table}/{ours.loc[target, 'analysis']}")
    assert "@km@" in cmp.failures[0] and "| survival: ours" in cmp.failures[0]


def _perturbed_competing_cell_is_reported(inp, r, tables) -> None:
    """One cumulative incidence moved by 1e-8 is reported once; a curve row removed is reported
    as missing."""
    table, spec = next(iter(tables.items()))
    ours = inp.stats(table)
    cmp = Comparison()
    compare_competing(table, spec, ours, r, cmp)
    cmp.assert_ok(minimum=1000)
    target = ours.index[(ours["role"] == "cif") & (ours["cif"] > 0)][0]
    broken = ours.copy()
    broken.loc[target, "cif"] *= 1 + 1e-8
    cmp = Comparison()
    compare_competing(table, spec, broken, r, cmp)
    assert len(cmp.failures) == 1 and f"{table} | row {ours.loc[target, 'analysis']}@" in cmp.failures[0]
    assert "@cif@" in cmp.failures[0] and "| cif: ours" in cmp.failures[0]
    cmp = Comparison()
    compare_competing(table, spec, ours.drop(index=target), r, cmp)
    assert any("curve rows in ours" in f for f in cmp.failures), cmp.failures


# --- the comparators a second study's tables use, on frames from the library on survival::pbc --------
PBC_ROWS = [
    {"variable": "age"},
    {"variable": "sex", "kind": "categorical"},
    {"variable": "stage", "kind": "categorical"},
    {"variable": "edema", "kind": "categorical"},
    {"variable": "chol", "stat": "mean_sd"},
    {"variable": "ascites"},
    {"variable": "bili"},
]


@pytest.fixture(scope="module")
def pbc(tmp_path_factory) -> pd.DataFrame:
    from rscript import r_dataset_csv

    frame = r_dataset_csv("survival::pbc", tmp_path_factory.mktemp("pbc") / "pbc.csv")
    return frame.assign(dead=(frame["status"] == 2).astype(int))


def _csv_round_trip(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """As the pipeline writes results/stats/<id>.csv and the oracle reads it back."""
    frame.to_csv(path, index=False)
    return pd.read_csv(path, dtype={"level": str})


@pytest.mark.parametrize(
    ("by", "labels"), [("trt", {1: "D-penicillamine", 2: "Placebo"}), ("stage", None)], ids=["trt", "stage"]
)
def test_stratified_table_comparator_on_pbc(pbc, by, labels, tmp_path: Path):
    from retrocohort.analysis.stratified import stratified_statistics

    spec = {"by": by, "rows": [r for r in PBC_ROWS if r["variable"] != by], "group_labels": labels}
    ours = _csv_round_trip(
        stratified_statistics(pbc, spec["rows"], by, group_labels=labels, **descriptive_options()),
        tmp_path / "t.csv",
    )
    r = run_oracle(stratified_code("baseline", pbc, spec, ours))
    cmp = Comparison()
    compare_stratified("baseline", ours, r, cmp)
    cmp.assert_ok(minimum=150)
    # edema x stage (3 x 4, n = 412) is beyond the exact enumeration: chi-square fallback, R exact
    assert ("fisher_rxc_limit" in cmp.documented) == (by == "stage")
    broken = ours.copy()
    broken.loc[broken["variable"] == "age", "q3@Overall"] += 1e-6
    cmp = Comparison()
    compare_stratified("baseline", broken, r, cmp)
    assert [f for f in cmp.failures if f.startswith("baseline | row age | q3@Overall: ours")], cmp.failures


@pytest.mark.parametrize("model", ["cox", "logistic"])
def test_regression_table_comparator_on_pbc(pbc, model, tmp_path: Path):
    from retrocohort.analysis.regression import regression_analysis

    trial = pbc[pbc["trt"].notna()].reset_index(drop=True)
    spec = {
        "kind": model,
        "time": "time",
        "event": "dead",
        "outcome": "dead",
        "predictors": ["age", "sex", "bili", "edema"],
        "multivariable": ["age", "sex", "bili", "edema"],
        "reference_levels": {"sex": "f", "edema": 0.0},
    }
    ours = _csv_round_trip(regression_analysis(trial, spec).to_frame(), tmp_path / "t.csv")
    r = run_oracle(regression_code("models", trial, spec))
    cmp = Comparison()
    compare_regression("models", ours, r, cmp, REL_MODEL)
    cmp.assert_ok(minimum=len(ours) * 8)
    broken = ours.assign(ci_high=ours["ci_high"] * (1 + 1e-4))
    cmp = Comparison()
    compare_regression("models", broken, r, cmp, REL_MODEL)
    assert len(cmp.failures) == len(ours)


def test_regression_table_with_an_aliased_term_equals_r(pbc, tmp_path: Path):
    """sex plus a derived female in one model (issue 21): R's glm / coxph give female NA and the
    other terms of the model without it; so must the table's statistics, cell by cell (Cox and
    logistic in one R call)."""
    from retrocohort.analysis.regression import regression_analysis

    trial = pbc[pbc["trt"].notna()].reset_index(drop=True)
    trial["female"] = (trial["sex"] == "f").astype(int)
    ours, code = {}, []
    for model in ("cox", "logistic"):
        spec = {
            "kind": model,
            "time": "time",
            "event": "dead",
            "outcome": "dead",
            "predictors": ["sex", "female", "bili"],
            "multivariable": ["sex", "female", "bili"],
            "reference_levels": {"sex": "m"},
        }
        ours[model] = _csv_round_trip(regression_analysis(trial, spec).to_frame(), tmp_path / f"{model}.csv")
        code += regression_code(model, trial, spec)
    r = run_oracle(code)
    for model, frame in ours.items():
        aliased = frame[(frame["analysis"] == "multivariable") & (frame["variable"] == "female")]
        assert aliased["ratio"].isna().all() and aliased["notes"].str.contains("female not estimable").all()
        cmp = Comparison()
        compare_regression(model, frame, r, cmp, REL_MODEL)
        cmp.assert_ok(minimum=len(frame) * 8)


# --- fisher_rxc_limit, both ways ------------------------------------------------------------------
def test_fisher_rxc_limit_fallback_is_chi_square_and_r_stays_exact():
    """Below the enumeration limit our Fisher-Freeman-Halton p is fisher.test's; beyond it the
    descriptive table's test falls back to chi-square (said in the method) = chisq.test, while
    R's network algorithm still gives the exact p, which differs."""
    import numpy as np

    from retrocohort.analysis.stratified import categorical_test
    from retrocohort.stats.r_differences import difference

    assert "chi-square" in difference("fisher_rxc_limit").ours
    small = np.array([[3, 1, 2], [1, 3, 4], [2, 2, 5]])
    big = np.array([[20, 86, 138, 104], [1, 5, 14, 24], [0, 1, 3, 16]])  # survival::pbc edema x stage
    code = [
        f"m <- matrix({r_numbers(t.ravel())}, {t.shape[0]}, byrow = TRUE); "
        f"out$t{i} <- c(fisher.test(m, workspace = 2e8)$p.value, suppressWarnings(chisq.test(m))$p.value)"
        for i, t in enumerate((small, big))
    ]
    r = run_oracle(code)
    below, beyond = categorical_test(small), categorical_test(big)
    assert below["test"] == "Fisher-Freeman-Halton exact"
    cmp = Comparison()
    cmp.cell("fisher_rxc", "small", "p_value = fisher.test", below["p_value"], r["t0"][0])
    assert beyond["test"] == "Pearson chi-square" and "exact test is infeasible" in beyond["method"]
    cmp.cell("fisher_rxc", "big", "p_value = chisq.test", beyond["p_value"], r["t1"][1])
    cmp.differs(
        "fisher_rxc", "big", "p_value vs fisher.test", beyond["p_value"], r["t1"][0], "fisher_rxc_limit"
    )
    cmp.assert_ok(minimum=3)
