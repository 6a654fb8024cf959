"""End to end: the second REAL study, the Mayo Clinic PBC trial (studies/pbc, issue 15).

"A new study is config + data, never a code change": the real Snakemake workflow runs on the
study's config and raw files (survival::pbc and pbcseq) in a temporary copy and must give the
stratified Table 1 (p-values and SMDs), the paired baseline vs 1-year table with time point
columns named after the time points, the Cox and logistic tables, the Kaplan-Meier analyses
with censored patients kept, and no HScore output (the study has no `hscore:` key).
Expected counts are computed here from the raw files, never copied from a publication.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path

import docx
import numpy as np
import pandas as pd
import pytest
import yaml

from layout_checks import latex_check, word_check
from printed_names import printed_internal_names
from retrocohort.manuscript.skeleton import GENERATED_NOTE, NOTABLE_P
from retrocohort.manuscript.template import parse_placeholders, substitute
from retrocohort.manuscript.wording import without_record
from retrocohort.render.formats import format_names
from retrocohort.render.latex import PREAMBLE
from retrocohort.render.presets import PRESETS
from study import ROOT, finished_run

pytestmark = pytest.mark.e2e

STUDY = ROOT / "studies" / "pbc"
FORMATS = format_names()  # every registered table format


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
    table_ids = _tables_of_kind(config, "regression", model=model)
    assert table_ids
    for table_id in table_ids:
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


#: A number as the text prints it: digits with grouping commas and decimals, or a range of two.
NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?(?:–\d[\d,]*(?:\.\d+)?)?")
#: The table each statistics file prints (its numbers, as formatted for the reader).
PRINTED_IN = {"survival.json": "survival.md", "table3_paired.json": "table3.md"}


def _source_row(work: Path, source: dict) -> dict:
    path = work / source["file"]
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))[source["record"]]
    return pd.read_csv(path).to_dict("records")[source["record"]]


def _numbers(value: object) -> list:
    """The numbers of a traced value; a limit never reached (NR) is null in the JSON and in the
    value, so there is no number to compare."""
    return sorted(v for v in value.values() if v is not None) if isinstance(value, dict) else [value]


def test_results_skeleton_every_number_traced_to_its_source_and_table(pbc_run, config):
    """studies/pbc has no Results template: rule results_skeleton writes one from its declared
    tables. results.md is that template with each placeholder replaced by the text values.json
    records; every other number of the text is the study config's own (a label, a title's
    "Table 4") or the named p threshold; each recorded value reads back from its source file,
    record and column(s); and each printed number is the one its table prints."""
    manuscript = pbc_run / "results/manuscript"
    text = (manuscript / "results.md").read_text(encoding="utf-8")
    # the template as resolved: without its wording record (a comment for stale-copy warnings)
    template = (
        without_record((manuscript / "results_template.md").read_text(encoding="utf-8")).rstrip("\n") + "\n"
    )
    values = json.loads((manuscript / "values.json").read_text(encoding="utf-8"))
    assert values["generated"] is True and values["template"] == "results/manuscript/results_template.md"
    assert GENERATED_NOTE in text
    # results.md = the template with each placeholder replaced by its recorded text
    placeholders = parse_placeholders(template, "results_template.md")
    records = values["placeholders"]
    assert [r["placeholder"] for r in records] == [p.token for p in placeholders]
    assert substitute(template, placeholders, [r["text"] for r in records]) == text
    # the template's own numbers come from the config (labels, titles) or are the p threshold
    literal = re.sub(r"\{\{[^}]*\}\}|<!--.*?-->", " ", template, flags=re.DOTALL)
    config_text = (STUDY / "config/config.yaml").read_text(encoding="utf-8")
    foreign = {n for n in NUMBER.findall(literal) if n not in config_text} - {f"{NOTABLE_P:g}"}
    assert foreign == set(), foreign
    # the comparison, survival and paired tables: the classic sentences under tables.<id>.,
    # their population stated (tables.<id>.n, read back and found in the table below)
    kinds = {kind: _tables_of_kind(config, kind) for kind in ("comparison", "survival", "paired")}
    assert all(kinds.values()), kinds
    assert "Among the {{ tables.labs_placebo_paired.n }} patients with placebo, Table 7 compares" in template
    keys = {r["placeholder"] for r in records}
    for table_id in (t for ids in kinds.values() for t in ids):
        ps = [k for k in keys if k.startswith(f"tables.{table_id}.") and k.endswith(".p")]
        assert f"tables.{table_id}.n" in keys and ps, table_id
    declared = [t for kind in ("descriptive", "regression", *kinds) for t in _tables_of_kind(config, kind)]
    tables = {
        name: (pbc_run / "results/tables" / name).read_text(encoding="utf-8").replace("\\", "")
        for name in [*PRINTED_IN.values(), *(f"{t}.md" for t in declared)]
    }
    checked = 0
    for rec in records:
        source = rec["source"]
        row = _source_row(pbc_run, source)
        columns = [c for c in source["column"].split(",") if c in row]
        if source["file"].endswith("flow.csv") and not columns:  # cohort.excluded: n_in - n_out
            assert rec["value"] == int(_source_row(pbc_run, {**source, "record": 0})["n_in"]) - int(
                row["n_out"]
            )
            continue
        assert columns, rec
        assert set(_numbers(rec["value"])) <= {row[c] for c in columns}, rec  # full precision
        name = Path(source["file"]).name
        table = tables.get(PRINTED_IN.get(name, name.replace(".json", ".md")))
        if table is not None:
            for number in NUMBER.findall(rec["text"]):
                assert number in table, (rec["placeholder"], number)
                checked += 1
    assert checked >= 80, checked
    words = "\n".join(p.text for p in docx.Document(manuscript / "results.docx").paragraphs)
    assert GENERATED_NOTE.strip("*") in words and "<!--" not in words
    assert all(rec["text"] in words for rec in records)


def test_documents_print_every_value_whole_on_one_paper(pbc_run, config, libreoffice, tmp_path):
    """Word (LibreOffice, one call for all documents) and LaTeX (pdfLaTeX, each table alone):
    no number, interval, "n (%)" or "(n = N)" split across lines, one paper for tables, Results
    and methods, no overfull box over 1 pt (failed before: "49.8 [42.2– / 56.7]", "Overall (n =
    / 312)", results.docx on Letter beside A4 tables). Helpers: tests/e2e/layout_checks.py."""
    tools = {name: shutil.which(name) for name in ("pdfinfo", "pdftotext", "pdflatex")}
    if None in tools.values():
        pytest.skip(f"poppler-utils or pdflatex missing: {tools}")
    broken, sizes = word_check(pbc_run / "results", "pbc", tmp_path / "word", libreoffice, tools)
    assert {stem: v for stem, v in broken.items() if v} == {}
    paper = PRESETS[config["tables"]["preset"]].page_cm
    assert sizes == {tuple(sorted(round(cm * 72 / 2.54) for cm in paper))}
    overfull, broken = latex_check(
        pbc_run / "results", PREAMBLE, tmp_path / "tex", tools["pdflatex"], tools["pdftotext"]
    )
    assert overfull == []
    assert {stem: v for stem, v in broken.items() if v} == {}


def test_no_internal_name_is_printed(pbc_run, config):
    """Issue 22 (labels once): no table or Results text prints a variable's id or a category's
    internal value ("event = died true, censored at time otherwise" named `died` and `time`)."""
    results = pbc_run / "results"
    hits = printed_internal_names(results / "tables", config)
    hits += printed_internal_names(results / "manuscript", config)
    assert not hits, "\n".join(hits)


def test_one_label_per_level_in_every_table(pbc_run):
    """The oedema levels print alike in Table 1, the Cox table and the survival table (Table 1
    printed "None", the Cox table "No oedema", Table 9 "Untreated or resolved")."""
    tables = pbc_run / "results" / "tables"
    for name in ("baseline_by_arm", "cox_survival", "survival_women"):
        text = (tables / f"{name}.md").read_text(encoding="utf-8")
        assert "No oedema" in text and "Untreated or resolved by diuretics" in text, name
        assert "| &emsp;None |" not in text, name
