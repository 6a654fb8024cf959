"""The Results skeleton of a study without a template (issue 22, deliverable 5): sentence
builders (exact text, resolved through the one template resolver), the declared tables'
placeholders printed exactly as the tables print them, and the traceability records."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from loaded_sections import descriptive_options, filled

from retrocohort.analysis.stratified import stratified_statistics
from retrocohort.format.words import in_sentence
from retrocohort.manuscript.resolve import build_namespace, resolve_template
from retrocohort.manuscript.skeleton import (
    GENERATED_NOTE,
    descriptive_paragraph,
    groups_paragraph,
    join_words,
    lower_first,
    paired_paragraph,
    regression_paragraph,
    skeleton_template,
    survival_paragraph,
    table_reference,
)
from retrocohort.render.markdown import to_markdown
from retrocohort.stats.result import json_safe
from retrocohort.tables.declared_tables import build_declared_table

DATA = Path(__file__).resolve().parents[1] / "data" / "manuscript"
METHOD_MW = "Mann-Whitney U test."
METHOD_CHI = "Pearson chi-square test."

BY_ARM = {
    "kind": "descriptive",
    "title": "Table 1. Baseline characteristics of the {n} patients.",
    "by": "arm",
    "overall": True,
    "p_value": True,
    "smd": False,
    "missing": "ifany",
    "decimals": 1,
    "pct_decimals": 0,
    "thousands_separator": ",",
    "thousands_min": 10000,
    "rows": [
        {"variable": "bili", "label": "Serum bilirubin (mg/dL)"},
        {"variable": "ascites"},
        {"variable": "edema", "level_labels": {"none": "None", "severe": "Severe"}},
    ],
}
COX = {
    "kind": "regression",
    "model": "cox",
    "title": "Table 4. Cox model.",
    "time": "time",
    "event": "died",
    "predictors": ["trt", "age"],
    "multivariable": ["trt", "age"],
    "labels": {"age": "Age (years)"},
    "level_labels": {"trt": {"a": "Drug", "b": "Placebo"}},
    "decimals": 2,
    "thousands_separator": ",",
    "thousands_min": 10000,
}


def _stratified(frame, rows, by, **options):
    """:func:`stratified_statistics` with a loaded descriptive table's settings unless given."""
    return stratified_statistics(frame, rows, by, **{**descriptive_options(), **options})


def _config(**tables) -> dict:
    return {
        "study": {"title": "T", "synthetic_note": "Synthetic."},
        "statistics": {"rounding": "half_up", "p_value": {"decimals": 3, "threshold": 0.001}},
        "variables": {
            "arm": {"label": "Treatment arm", "kind": "categorical"},
            "bili": {"label": "Serum bilirubin", "kind": "continuous", "unit": "mg/dL"},
            "ascites": {"label": "Ascites", "kind": "binary"},
            "edema": {"label": "Oedema", "kind": "categorical"},
            "sex": {"label": "Sex", "kind": "categorical"},
            "trt": {"label": "Treatment arm", "kind": "categorical"},
            "age": {"label": "Age", "kind": "continuous", "unit": "years"},
            "time": {"label": "Follow-up", "kind": "continuous", "unit": "days"},
        },
        "derived": {},
        "tables": {"preset": "ama", **tables},
        "survival": [],
        "groups": [],
    }


def _cells(stratum: str, **values) -> dict:
    return {f"{k}@{stratum}": v for k, v in values.items()}


def _row(row, row_type, variable, kind, stat, p=None, test=None, method=None, level=None, **cells):
    rec = {"row": row, "row_type": row_type, "variable": variable, "kind": kind, "stat": stat,
           "level": level, "p_value": p, "test": test, "method": method, "n_excluded": 0,
           "n_group@Overall": 60, "n_group@Drug": 31, "n_group@Placebo": 29}  # fmt: skip
    for stratum, numbers in cells.items():
        rec |= _cells(stratum, **numbers)
    return rec


def _continuous(median, q1, q3, n):
    return {"median": median, "q1": q1, "q3": q3, "mean": median, "sd": 1.0, "min": q1, "max": q3,
            "n": n, "missing": 0}  # fmt: skip


def _count(count, denominator):
    return {"count": count, "denominator": denominator, "percent": 100 * count / denominator}


BY_ARM_RECORDS = [
    _row(0, "value", "bili", "continuous", "median_iqr", 0.0123, "Mann-Whitney U", METHOD_MW,
         Overall=_continuous(1.35, 0.8, 3.4, 60), Drug=_continuous(1.45, 0.8, 3.44, 31),
         Placebo=_continuous(1.3, 0.7, 3.2, 29)),
    _row(1, "value", "ascites", "binary", "count_pct", 0.4212, "Pearson chi-square", METHOD_CHI,
         Overall=_count(10, 60), Drug=_count(6, 31), Placebo=_count(4, 29)),
    _row(2, "variable", "edema", "categorical", "count_pct", 0.0004, "Pearson chi-square", METHOD_CHI),
    _row(2, "level", "edema", "categorical", "count_pct", level="none",
         Overall=_count(50, 60), Drug=_count(22, 31), Placebo=_count(28, 29)),
    _row(2, "level", "edema", "categorical", "count_pct", level="severe",
         Overall=_count(10, 60), Drug=_count(9, 31), Placebo=_count(1, 29)),
]  # fmt: skip


def _term(analysis, variable, level, ratio, low, high, p, n=60, events=20):
    return {"analysis": analysis, "predictor": variable if analysis == "univariable" else "",
            "variable": variable, "level": level, "reference": "a" if level else None, "ratio": ratio,
            "ci_low": low, "ci_high": high, "p_value": p, "n": n, "n_events": events, "conf_level": 0.95,
            "model": "cox", "converged": True, "notes": "", "n_dropped": 0, "method": "Cox."}  # fmt: skip


COX_RECORDS = [
    _term("univariable", "trt", "b", 0.9444, 0.6647, 1.3417, 0.7494),
    _term("univariable", "age", None, 1.0408, 1.023, 1.0589, 5.6e-06),
    _term("multivariable", "trt", "b", 0.8977, 0.6197, 1.3004, 0.5691, n=58, events=19),
    _term("multivariable", "age", None, None, None, None, None, n=58, events=19),
]


def _space(tmp_path, config, declared_records=None, **files):
    """The namespace of the declared tables' records (written as their JSON) and of the files."""
    pd.DataFrame([{"step": 1, "id": "all", "n_in": 75, "n_excluded": 15, "n_out": 60}]).to_csv(
        tmp_path / "flow.csv", index=False
    )
    paths = {"flow": str(tmp_path / "flow.csv"), **files}
    declared = {}
    for table_id, records in (declared_records or {}).items():
        declared[table_id] = str(tmp_path / f"{table_id}.json")
        Path(declared[table_id]).write_text(json.dumps(records), encoding="utf-8")
    return build_namespace(paths, config, declared), declared


def _resolved(text: str, space) -> str:
    return resolve_template(text, "skeleton.md", space).text


def test_grouped_table_names_its_rows_below_the_threshold_with_numbers_and_test(tmp_path):
    config = _config(by_arm=BY_ARM)
    space, _ = _space(tmp_path, config, {"by_arm": BY_ARM_RECORDS})
    text = _resolved(descriptive_paragraph(space, "by_arm", BY_ARM_RECORDS, config), space)
    assert text == (
        "Table 1 describes 60 patients by treatment arm: 31 in drug and 29 in placebo. "
        "Serum bilirubin (mg/dL) differed by treatment arm: median [Q1–Q3] 1.5 [0.8–3.4] in drug vs "
        "1.3 [0.7–3.2] in placebo; p = 0.012, Mann-Whitney U. "
        "Oedema differed by treatment arm: n (%) None 22 (71%) in drug vs 28 (97%) in placebo; "
        "Severe 9 (29%) in drug vs 1 (3%) in placebo; p < 0.001, Pearson chi-square. "
        "The other characteristics had p ≥ 0.05 (Ascites)."
    )


def test_the_tables_bold_threshold_decides_which_rows_are_named(tmp_path):
    config = _config(by_arm={**BY_ARM, "bold_p_below": 0.01})
    space, _ = _space(tmp_path, config, {"by_arm": BY_ARM_RECORDS})
    text = _resolved(descriptive_paragraph(space, "by_arm", BY_ARM_RECORDS, config), space)
    assert "Serum bilirubin (mg/dL) differed" not in text
    assert text.endswith("The other characteristics had p ≥ 0.01 (Serum bilirubin (mg/dL) and Ascites).")
    high = _config(by_arm={**BY_ARM, "bold_p_below": 0.5})
    space, _ = _space(tmp_path, high, {"by_arm": BY_ARM_RECORDS})
    text = _resolved(descriptive_paragraph(space, "by_arm", BY_ARM_RECORDS, high), space)
    assert "Ascites differed by treatment arm: n (%) 6 (19%) in drug vs 4 (14%) in placebo; p = 0.421" in text
    assert "other characteristics" not in text


def test_a_table_without_p_values_gives_its_groups_only(tmp_path):
    config = _config(by_arm={**BY_ARM, "p_value": False})
    space, _ = _space(tmp_path, config, {"by_arm": BY_ARM_RECORDS})
    assert _resolved(descriptive_paragraph(space, "by_arm", BY_ARM_RECORDS, config), space) == (
        "Table 1 describes 60 patients by treatment arm: 31 in drug and 29 in placebo."
    )


def test_an_ungrouped_table_with_a_population_gives_its_n(tmp_path):
    spec = {
        **BY_ARM,
        "by": None,
        "title": "Women.",
        "where": [{"column": "sex", "operator": "==", "value": "f"}],
    }
    spec.pop("by")
    records = [
        {k: v for k, v in r.items() if "@Drug" not in k and "@Placebo" not in k} for r in BY_ARM_RECORDS
    ]
    config = _config(women=spec)
    space, _ = _space(tmp_path, config, {"women": records})
    assert _resolved(descriptive_paragraph(space, "women", records, config), space) == (
        "The table “Women” describes 60 patients with Sex = f."
    )


def test_regression_terms_print_ratio_ci_and_p_univariable_then_multivariable(tmp_path):
    config = _config(cox=COX)
    space, _ = _space(tmp_path, config, {"cox": COX_RECORDS})
    assert _resolved(regression_paragraph(space, "cox", COX_RECORDS, config), space) == (
        "Univariable Cox models (Table 4): Treatment arm (placebo vs drug) HR 0.94 (95% CI 0.66–1.34), "
        "p = 0.749; Age (years) HR 1.04 (95% CI 1.02–1.06), p < 0.001. "
        "Multivariable model (58 patients, 19 events): Treatment arm (placebo vs drug) HR 0.90 "
        "(95% CI 0.62–1.30), p = 0.569; Age (years) HR not estimable."
    )


def test_survival_medians_with_ci_events_and_log_rank(tmp_path):
    records = json.loads((DATA / "survival.json").read_text(encoding="utf-8"))
    config = _config()
    config["survival"] = [{"id": "fever_resolution", "time": "time", "decimals": 0}]
    path = str(tmp_path / "survival.json")
    Path(path).write_text(json.dumps(records), encoding="utf-8")
    space, _ = _space(tmp_path, config, survival=path)
    text = _resolved(survival_paragraph(space, records, config), space)
    assert text == (  # the fixture's numbers rest on synthetic data: each carries the dagger
        "Time to fever resolution after anakinra start: median time (days) 1 (95% CI 1–2)† "
        "(19† events, 19† patients). Time to fever resolution by first-line anakinra use: median "
        "time 1.0 (95% CI 0.0–2.0)† in first line (10† events, 10† patients) vs 2.0 (95% CI "
        "1.0–10.0)† in later line (9† events, 9† patients); log-rank p = 0.257†."
    )


def test_group_comparisons_print_each_group_p_and_test(tmp_path):
    records = json.loads((DATA / "groups.json").read_text(encoding="utf-8"))
    path = str(tmp_path / "groups.json")
    Path(path).write_text(json.dumps(records), encoding="utf-8")
    config = _config()
    space, _ = _space(tmp_path, config, groups=path)
    assert _resolved(groups_paragraph(space, records, config), space) == (
        "Anakinra duration: Still's disease (AOSD or sJIA) vs malignancy or infection: median [Q1–Q3] "
        "180.0 [60.0–210.0] in Still's disease (AOSD or sJIA) vs 14.0 [8.0–45.0] in malignancy or "
        "infection; p = 0.026, Mann-Whitney U. Anakinra efficacy by first-line use: n (%) 10 (100%) in "
        "first line vs 9 (82%) in later line; p = 0.476, Fisher exact."
    )


def test_paired_table_names_changes_below_the_threshold(tmp_path):
    records = json.loads((DATA / "paired.json").read_text(encoding="utf-8"))
    path = str(tmp_path / "paired.json")
    Path(path).write_text(json.dumps(records), encoding="utf-8")
    config = _config(table3={"title": "Table 3. Day 0 vs Day 7.", "parameters": [], "bold_p_below": 0.05})
    config |= {"paired_days": [0, 7], "time_points": {}}
    space, _ = _space(tmp_path, config, paired=path)
    text = _resolved(paired_paragraph(space, records, config), space)
    assert text.startswith("Table 3 compares Day 0 with Day 7. Fever changed from n (%) 16 (88.9%)† at ")
    assert (
        "CRP (mg/L) changed from median 116.0† at Day 0 to 35.1† at Day 7 (15† pairs; p < 0.001†, "
        "Wilcoxon signed-rank)."
    ) in text
    assert text.endswith(
        "The other parameters had p ≥ 0.05 (Triglycerides (mmol/L), Haemoglobin (g/dL), White blood "
        "cells (G/L) and Platelets (G/L))."
    )


def test_helpers():
    assert join_words(["a"]) == "a" and join_words(["a", "b", "c"]) == "a, b and c"
    assert lower_first("Treatment arm") == "treatment arm" and lower_first("CRP level") == "CRP level"
    assert table_reference("t", {"title": "Table 2: Labs of the {n} women."}) == "Table 2"
    assert table_reference("t", {"title": "Labs of the {n} women."}) == "the table “Labs of the women”"
    assert table_reference("t", {}) == "table t"


def test_skeleton_is_marked_ordered_as_the_config_and_fully_resolved(tmp_path):
    config = _config(cox=COX, by_arm=BY_ARM)
    space, declared = _space(tmp_path, config, {"by_arm": BY_ARM_RECORDS, "cox": COX_RECORDS})
    template = skeleton_template(config, space, declared={"by_arm": BY_ARM_RECORDS, "cox": COX_RECORDS})
    blocks = template.split("\n\n")
    assert blocks[:2] == ["# Results", GENERATED_NOTE]
    assert (
        blocks[3]
        == "Of {{ cohort.screened }} patients assessed, {{ cohort.excluded }} were excluded and {{ cohort.n }} were analysed."
    )
    assert blocks[4].startswith("Univariable Cox models (Table 4)") and blocks[5].startswith(
        "Table 1 describes"
    )
    resolved = resolve_template(
        template, "results_template.md", space, dict.fromkeys(declared.values(), "cohort_table")
    )
    assert "{{" not in resolved.text and "[not computed]" not in resolved.text
    age = next(r for r in resolved.records if r["placeholder"] == "tables.cox.univariable.age.ratio_ci")
    assert age["value"] == {"ratio": 1.0408, "ci_low": 1.023, "ci_high": 1.0589, "conf_level": 0.95}
    other = {**config, "tables": {**config["tables"], "km": {"kind": "survival"}, "x": {"kind": "future"}}}
    commented = skeleton_template(
        other, space, declared={"by_arm": BY_ARM_RECORDS, "cox": COX_RECORDS, "km": [], "x": []}
    )  # a table without records says nothing; a kind without sentences says so
    assert commented.endswith("<!-- x (kind: future): no generated sentences for this kind -->\n")
    assert "km" not in commented
    assert age["source"] == {"file": declared["cox"], "record": 1, "column": "ratio,ci_low,ci_high,conf_level",
                             "rule": "cohort_table"}  # fmt: skip


def test_declared_cells_print_exactly_as_their_table(tmp_path):
    """Every per-group cell placeholder of a real descriptive table's statistics prints the text
    of its table cell: the row's one digit-grouping decision ("10,044.0" beside "2,014.0"), the
    row's decimals, "k/d (%)" without a missing row, the denominator with one."""
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "arm": ["a"] * 12 + ["b"] * 12,
            "ferritin": np.r_[rng.uniform(9000, 12000, 12), rng.uniform(1000, 3000, 12)],
            "ascites": [1, 0, None] * 8,
            "sex": ["m", "f", "f", None] * 6,
        }
    )
    rows = [{"variable": "ferritin", "kind": "continuous", "stat": "median_iqr"},
            {"variable": "ascites", "kind": "binary", "missing": "no"},
            {"variable": "sex", "kind": "categorical", "levels": ["m", "f"]}]  # fmt: skip
    stats = _stratified(frame, rows, "arm", group_labels={"a": "Drug", "b": "Placebo"})
    spec = {**BY_ARM, "rows": [{**rows[0], "decimals": 1}, rows[1], rows[2]], "overall": True}
    config = filled(_config(labs=spec))  # loaded: schema defaults filled, as the rule gives it
    config["variables"] |= {"ferritin": {"label": "Ferritin", "kind": "continuous"}}
    records = json_safe(stats.to_dict("records"))
    space, _ = _space(tmp_path, config, {"labs": records})
    table = to_markdown(build_declared_table(stats, "labs", config, n_patients=24))
    table = table.replace("\\[", "[").replace("\\]", "]")  # Markdown's escapes
    keys = [
        k
        for k in space.keys()
        if k.startswith("tables.labs.") and k.rsplit(".", 1)[1] in ("median_iqr", "count_pct")
    ]
    assert len(keys) == 3 * 1 + 3 * 1 + 3 * 2  # per stratum: ferritin, ascites, 2 levels of sex
    for key in keys:
        assert space[key].text() in table, key
    assert "," in space["tables.labs.ferritin.placebo.median_iqr"].text()  # grouped with Drug's 10,000s
    for stat in ("median", "q1", "iqr"):  # parts of the printed cell: the row's grouping too
        assert "," in space[f"tables.labs.ferritin.placebo.{stat}"].text(), stat
    assert "/" in space["tables.labs.ascites.drug.count_pct"].text()  # k/d: no missing row


# --- comparison, survival and paired tables declared by kind: the classic builders and keys
# under tables.<id>., the population stated ----------------------------------------------------


def _write(tmp_path, name: str, records: list) -> str:
    path = str(tmp_path / name)
    Path(path).write_text(json.dumps(records), encoding="utf-8")
    return path


def test_a_comparison_table_gives_the_classic_sentences_under_its_keys_and_its_population(tmp_path):
    """groups.json's records declared as a comparison table of the patients with a confirmed
    diagnosis: the sentences of the classic group comparisons, keys tables.<id>.<comparison>...,
    and the population (the first test record's n_group 19 + n_excluded 2) stated first."""
    records = json.loads((DATA / "groups.json").read_text(encoding="utf-8"))
    spec = {
        "kind": "comparison",
        "title": "Table 8. Outcomes by group in {n} patients.",
        "where": [{"column": "ascites", "operator": "is_true", "label": "a confirmed diagnosis"}],
        "comparisons": [{"id": "duration_by_cause"}, {"id": "efficacy_by_first_line"}],
    }
    config = _config(by_cause=spec)
    space, declared = _space(tmp_path, config, {"by_cause": records})
    template = skeleton_template(config, space, declared={"by_cause": records})
    paragraph = template.split("\n\n")[-1].rstrip("\n")
    assert paragraph.startswith(
        "Among the {{ tables.by_cause.n }} patients with a confirmed diagnosis, Table 8 compares "
        "outcomes between groups ({{ tables.by_cause.analysed }} analysed, {{ tables.by_cause.excluded }} "
        "excluded). Anakinra duration: Still's disease (AOSD or sJIA) vs malignancy or "
        "infection: median [Q1–Q3] {{ tables.by_cause.duration_by_cause.still.median_iqr }} in "
    )
    resolved = resolve_template(template, "results_template.md", space)
    assert resolved.text.split("\n\n")[-1] == (
        "Among the 21 patients with a confirmed diagnosis, Table 8 compares outcomes between groups "
        "(19 analysed, 2 excluded). "
        "Anakinra duration: Still's disease (AOSD or sJIA) vs malignancy or infection: median [Q1–Q3] "
        "180.0 [60.0–210.0] in Still's disease (AOSD or sJIA) vs 14.0 [8.0–45.0] in malignancy or "
        "infection; p = 0.026, Mann-Whitney U. Anakinra efficacy by first-line use: n (%) 10 (100%) in "
        "first line vs 9 (82%) in later line; p = 0.476, Fisher exact.\n"
    )
    size = next(r for r in resolved.records if r["placeholder"] == "tables.by_cause.n")
    assert size["value"] == {"n_group": 19, "n_excluded": 2}
    assert size["source"] == {
        "file": declared["by_cause"],
        "record": 2,
        "column": "n_group,n_excluded",
        "rule": None,
    }
    # the same keys as the classic file's, under tables.by_cause. instead of groups.
    classic, _ = _space(tmp_path, _config(), groups=_write(tmp_path, "groups.json", records))
    ours = {k.removeprefix("tables.by_cause.") for k in space.keys() if k.startswith("tables.by_cause.")}
    # and the population: its size, those analysed and those left out (each traced)
    assert ours == {k.removeprefix("groups.") for k in classic.keys() if k.startswith("groups.")} | {
        "n",
        "analysed",
        "excluded",
    }
    assert space["tables.by_cause.excluded"].column == "n_excluded"
    assert space["tables.by_cause.duration_by_cause.p"].text() == classic["groups.duration_by_cause.p"].text()


def test_a_survival_table_gives_the_classic_sentences_under_its_keys_and_its_population(tmp_path):
    """survival.json's records (with the analysis's patients record: 19 analysed + 2 without a
    usable time) declared as a survival table of the women."""
    patients = {"analysis": "fever_resolution", "role": "patients", "group": "", "n": 19.0,
                "n_events": 19.0, "n_excluded": 2.0, "synthetic": True}  # fmt: skip
    records = [patients, *json.loads((DATA / "survival.json").read_text(encoding="utf-8"))]
    spec = {
        "kind": "survival",
        "title": "Time to fever resolution in the {n} women.",
        "where": [{"column": "sex", "operator": "==", "value": "f"}],
        "analyses": [
            {"id": "fever_resolution", "time": "time", "decimals": 0},
            {"id": "fever_resolution_by_line"},
        ],
    }
    config = _config(fever=spec)
    space, declared = _space(tmp_path, config, {"fever": records})
    text = _resolved(skeleton_template(config, space, declared={"fever": records}), space)
    assert text.split("\n\n")[-1] == (
        "Among the 21† patients with Sex = f, the table “Time to fever resolution in the women” reports "
        "time to event (Kaplan–Meier) (19† analysed, 2† excluded). Time to fever resolution after anakinra start: median time (days) "
        "1 (95% CI 1–2)† (19† events, 19† patients). Time to fever resolution by first-line anakinra "
        "use: median time 1.0 (95% CI 0.0–2.0)† in first line (10† events, 10† patients) vs 2.0 (95% CI "
        "1.0–10.0)† in later line (9† events, 9† patients); log-rank p = 0.257†.\n"
    )
    assert space["tables.fever.n"].column == "n,n_excluded" and space["tables.fever.n"].row == 0
    assert space["tables.fever.fever_resolution_by_line.true.median_ci"].file == declared["fever"]


def test_a_paired_table_gives_the_classic_sentences_at_its_own_time_points(tmp_path):
    """paired.json's records at the table's own time points (baseline, week 1: not the study's
    paired days) and its population (n_population, 24: more than any parameter's pairs)."""
    rename = {"day0_": "baseline_", "day7_": "week1_"}
    records = [
        {next((rename[p] + k[len(p) :] for p in rename if k.startswith(p)), k): v for k, v in r.items()}
        | {"n_population": 24}
        for r in json.loads((DATA / "paired.json").read_text(encoding="utf-8"))
    ]
    spec = {
        "kind": "paired",
        "title": "Table 7. Day 0 and week 1 in the {n} patients of arm a.",
        "where": [{"column": "arm", "operator": "==", "value": "a", "label": "arm a"}],
        "time_points": ["baseline", "week1"],
        "summary": "median",
        "bold_p_below": 0.001,
        "parameters": [{"variable": "crp", "decimals": 0}],
    }
    config = _config(labs=spec) | {
        "paired_days": [0, 7],
        "time_points": {"baseline": {"day": 0, "label": "Baseline"}, "week1": {"day": 7, "label": "Week 1"}},
    }
    space, declared = _space(tmp_path, config, {"labs": records})
    text = _resolved(skeleton_template(config, space, declared={"labs": records}), space)
    assert text.split("\n\n")[-1] == (
        "Among the 24† patients with arm a, Table 7 compares Baseline with Week 1. CRP (mg/L) changed "
        "from median 116† at Baseline to 35† at Week 1 (15† pairs; p < 0.001†, Wilcoxon signed-rank). "
        "The other parameters had p ≥ 0.001 (Fever, Ferritin (µg/L), Triglycerides (mmol/L), Aspartate "
        "aminotransferase (U/L), Haemoglobin (g/dL), White blood cells (G/L) and Platelets (G/L)).\n"
    )
    assert space["tables.labs.n"].column == "n_population"
    assert space["tables.labs.crp.baseline_median"].text(1) == "116.0†"  # decimals: the parameter's 0


def test_a_paired_kind_records_its_population_beside_the_pairs(tmp_path):
    """Patient p3 of arm a has no day-7 value: 3 pairs among the 4 patients of the population;
    the record says both (the text states the population)."""
    from retrocohort.kinds import KINDS
    from retrocohort.kinds.base import TableRequest

    rows = [(f"p{i}", day, 10.0 + i + day) for i in range(6) for day in (0, 7) if (i, day) != (3, 7)]
    meas = pd.DataFrame(rows, columns=["patient_id", "day", "value"]).assign(variable="crp")
    meas.to_parquet(tmp_path / "measurements.parquet")
    frame = pd.DataFrame({"arm": ["a", "a", "b", "a", "b", "a"]}, index=[f"p{i}" for i in range(6)])
    spec = {"kind": "paired", "title": "CRP", "summary": "median", "parameters": [{"variable": "crp"}]}
    config = {
        "variables": {"crp": {"label": "CRP", "kind": "continuous", "table": "measurements"}},
        "derived": {},
        "paired_days": [0, 7],
        "baseline_day": 0,
        "statistics": {
            "quantile_type": 7,
            "rounding": "half_up",
            "p_value": {"decimals": 3, "threshold": 0.001},
            "wilcoxon": {"preset": "retrocohort"},
            "mcnemar": {"method": "exact"},
            "hodges_lehmann": {"conf_level": 0.95},
            "decimals_for_tests": 6,
            "extra_tests": [],
            "multiplicity": "none",
        },
        "tables": {"preset": "ama", "t": spec},
    }
    population = frame[frame["arm"] == "a"]
    request = TableRequest(
        "t", spec, config, population, inputs={"measurements": str(tmp_path / "measurements.parquet")}
    )
    stats = KINDS["paired"].statistics(request)
    assert (int(stats.loc[0, "n_pairs"]), int(stats.loc[0, "n_population"])) == (3, 4)


def test_a_paired_paragraph_names_parameters_by_the_p_it_prints(tmp_path):
    """With a multiplicity adjustment the text prints the adjusted p: a parameter whose raw p is
    below the threshold but whose adjusted p is not must be counted among the others (it was
    named, with its adjusted p printed above the threshold)."""
    records = json.loads((DATA / "paired.json").read_text(encoding="utf-8"))
    main = [r for r in records if r.get("role", "main") == "main"]
    crp = next(r for r in main if r["variable"] == "crp")
    for rec in main:
        rec["adjustment"] = "holm"
        rec["p_adjusted"] = min(1.0, float(rec["p_value"]) * 10) if rec.get("p_value") is not None else None
    crp["p_value"], crp["p_adjusted"] = 0.01, 0.2
    path = str(tmp_path / "paired.json")
    Path(path).write_text(json.dumps(records), encoding="utf-8")
    config = _config(table3={"title": "Table 3. Day 0 vs Day 7.", "parameters": [], "bold_p_below": 0.05})
    config |= {"paired_days": [0, 7], "time_points": {}}
    space, _ = _space(tmp_path, config, paired=path)
    text = _resolved(paired_paragraph(space, records, config), space)
    assert "CRP (mg/L) changed" not in text
    assert "CRP (mg/L)" in text.split("The other parameters had p ≥ 0.05")[1]


def test_an_upper_limit_never_reached_prints_nr_in_the_text_as_in_the_table():
    """A first-time user's Results text printed "median time [not computed]" where the table
    printed 373 (340–NR): the JSON holds the infinite upper limit as null."""
    from retrocohort.manuscript.namespace import TextStyle
    from retrocohort.manuscript.sources_tests import survival_entries
    from retrocohort.render.number_style import NumberStyle

    rec = {
        "analysis": "pcm",
        "role": "median",
        "group": "All patients",
        "group_value": None,
        "median": 373.0,
        "ci_low": 340.0,
        "ci_high": None,
        "conf_level": 0.95,
        "n": 1384,
        "n_events": 115,
        "synthetic": False,
    }
    space = survival_entries([rec], "survival.json", TextStyle(NumberStyle(), {}))
    texts = {key: space[key].text(0) for key in space.keys() if key.endswith(("median_ci", ".ci"))}
    assert texts and all("NR" in t for t in texts.values()), texts
    assert any(t == "373 (95% CI 340–NR)" for t in texts.values()), texts


def test_survival_horizon_estimates_are_placeholders_as_the_table_prints_them(tmp_path):
    """`times:` horizons of a survival table ("at 365 days: 30% (11–52)") can be cited in the
    Results text (a user could not write the one-year estimate of their own table)."""
    horizon = {
        "analysis": "first_infection",
        "role": "horizon",
        "group_value": "placebo",
        "time": 365.0,
        "n_at_risk": 1,
        "survival": 0.2990865104908745,
        "ci_low": 0.11081181458327717,
        "ci_high": 0.5156885907503493,
        "conf_level": 0.95,
        "synthetic": False,
    }
    path = str(tmp_path / "survival.json")
    Path(path).write_text(json.dumps([horizon]), encoding="utf-8")
    space, _ = _space(tmp_path, _config(), survival=path)
    text = _resolved(
        "{{ survival.first_infection.placebo.at_365.survival_ci }}; at risk "
        "{{ survival.first_infection.placebo.at_365.n_at_risk }}; {{ survival.first_infection.placebo.at_365.survival:1 }}",
        space,
    )
    assert text == "30% (95% CI 11–52); at risk 1; 29.9%"


def test_a_declared_study_survival_table_gets_one_paragraph_in_its_own_keys(tmp_path):
    """``tables.survival`` of kind survival is read both as ``survival.*`` (the study's survival
    table) and as a declared table. Failed before: the classic paragraph, written from the empty
    top-level ``survival:`` (no units, no decimals), replaced the declared table's."""
    records = json.loads((DATA / "survival.json").read_text(encoding="utf-8"))
    spec = {
        "kind": "survival",
        "title": "Time to fever resolution.",
        "analyses": [
            {"id": "fever_resolution", "time": "time", "decimals": 0},
            {"id": "fever_resolution_by_line"},
        ],
    }
    config = _config(survival=spec)
    path = _write(tmp_path, "survival.json", records)
    space, declared = _space(tmp_path, config, {"survival": records}, survival=path)
    text = skeleton_template(config, space, declared={"survival": records}, survival=records)
    assert "{{ tables.survival.fever_resolution.median_ci:0 }}" in text, text
    assert "{{ survival." not in text
    assert _resolved(text, space).count("Time to fever resolution after anakinra start:") == 1


def test_a_declared_groups_table_gets_one_paragraph_from_its_own_keys(tmp_path):
    """``tables.groups`` declared ``kind: comparison`` is both ``groups.*`` and ``tables.groups.*``:
    the skeleton writes its paragraph once, from the declared table (issue 22 item 1)."""
    records = json.loads((DATA / "groups.json").read_text(encoding="utf-8"))
    comparisons = [
        {"id": c, "outcome": r["outcome"], "group_variable": r["group_variable"], "decimals": 1}
        for c, r in {r["comparison"]: r for r in records}.items()
    ]
    spec = {"kind": "comparison", "title": "Group comparisons.", "comparisons": comparisons}
    config = _config(groups=spec)
    path = str(tmp_path / "groups.json")
    Path(path).write_text(json.dumps(records), encoding="utf-8")
    space, declared = _space(tmp_path, config, {"groups": records}, groups=path)
    template = skeleton_template(config, space, declared={"groups": records}, groups=records)
    assert template.count("Anakinra efficacy by first-line use") == 1, template
    assert "{{ tables.groups.efficacy_by_first_line.p" in template
    assert "{{ groups." not in template
    assert "p = 0.476" in _resolved(template, space)


def test_groups_read_in_the_declared_order_and_in_running_text_case(tmp_path):
    """Failed before (survival::cgd, placebo declared first): "63 in Interferon gamma and 65 in
    Placebo": the statistics file's sorted order and the table's capitalised labels mid-sentence.
    Now the declared order (``group_labels``, else the variable's ``categories``) and the labels
    as running text (an ordinary capitalised first word lowered; acronyms and names kept)."""
    declared = {**BY_ARM, "p_value": False, "group_labels": {"placebo": "Placebo", "drug": "Drug"}}
    config = _config(by_arm=declared)
    space, _ = _space(tmp_path, config, {"by_arm": BY_ARM_RECORDS})
    assert _resolved(descriptive_paragraph(space, "by_arm", BY_ARM_RECORDS, config), space) == (
        "Table 1 describes 60 patients by treatment arm: 29 in placebo and 31 in drug."
    )
    config = _config(by_arm={**BY_ARM})
    config["variables"]["arm"]["categories"] = ["Placebo", "Drug"]
    space, _ = _space(tmp_path, config, {"by_arm": BY_ARM_RECORDS})
    text = _resolved(descriptive_paragraph(space, "by_arm", BY_ARM_RECORDS, config), space)
    assert "by treatment arm: 29 in placebo and 31 in drug." in text
    assert "median [Q1–Q3] 1.3 [0.7–3.2] in placebo vs 1.5 [0.8–3.4] in drug" in text
    assert [in_sentence(g) for g in ("Interferon gamma", "D-penicillamine", "IFN-γ", "A", "CRP high")] == [
        "interferon gamma",
        "D-penicillamine",
        "IFN-γ",
        "A",
        "CRP high",
    ]


def test_a_stratified_cox_table_is_said_to_be_stratified(tmp_path):
    """A user's Cox table stratified by matched set read "Univariable Cox models (Table 6)" beside
    an unstratified one, with nothing saying why their hazard ratios differ."""
    spec = {**COX, "strata": "sex"}
    config = _config(cox=spec)
    space, _ = _space(tmp_path, config, {"cox": COX_RECORDS})
    text = _resolved(regression_paragraph(space, "cox", COX_RECORDS, config), space)
    assert text.startswith("Univariable Cox models stratified by sex (Table 4): ")
    assert "Multivariable model stratified by sex (58 patients, 19 events)" in text


def _left_out(records: list, n_excluded: int, reason: str | None) -> list:
    patients = {"analysis": "fever_resolution", "role": "patients", "group": "", "n": 19.0,
                "n_events": 19.0, "n_excluded": float(n_excluded), "synthetic": False,
                "excluded_reason": reason}  # fmt: skip
    return [patients, *records]


def test_a_survival_table_says_who_its_analysis_left_out_and_why(tmp_path):
    """A user's Results said "Table 2 reports time to event (17549 patients)" while the table
    analysed 17518: 31 patients had no group. The lead now gives both and the footnote's reason;
    with nobody left out it says nothing more."""
    base = json.loads((DATA / "survival.json").read_text(encoding="utf-8"))
    spec = {"kind": "survival", "title": "Table 2. Survival.", "analyses": [{"id": "fever_resolution"}]}
    config = _config(os=spec)
    records = _left_out(base, 31, "31 patients excluded (Group unknown)")
    space, _ = _space(tmp_path, config, {"os": records})
    lead = _resolved(skeleton_template(config, space, declared={"os": records}), space).split("\n\n")[-1]
    assert lead.startswith(
        "Table 2 reports time to event (Kaplan–Meier) (50 patients; 19 analysed, 31 excluded: group unknown)."
    )
    none_out = _left_out(base, 0, None)
    space, _ = _space(tmp_path, config, {"os": none_out})
    lead = _resolved(skeleton_template(config, space, declared={"os": none_out}), space).split("\n\n")[-1]
    assert lead.startswith("Table 2 reports time to event (Kaplan–Meier) (19 patients). ")


def test_a_population_label_that_says_its_relation_gets_no_with(tmp_path):
    """ "Patients with free of diabetes at the index date": a `where:` label that starts with its
    own relation ("free of", "aged", "without") follows "patients" directly, in the footnote and
    in the text; a plain noun phrase keeps "with"."""
    from retrocohort.tables.declared_tables import population_footnote

    free = {"where": [{"column": "sex", "operator": "==", "value": "f", "label": "free of diabetes"}]}
    assert population_footnote(free, _config(), 12) == ["Patients free of diabetes (n = 12)."]
    noun = {"where": [{"column": "sex", "operator": "==", "value": "f", "label": "female sex"}]}
    assert population_footnote(noun, _config(), 12) == ["Patients with female sex (n = 12)."]
    base = json.loads((DATA / "survival.json").read_text(encoding="utf-8"))
    spec = {
        "kind": "survival",
        "title": "Table 4. Diabetes.",
        "analyses": [{"id": "fever_resolution"}],
        **free,
    }
    config = _config(dm=spec)
    records = _left_out(base, 0, None)
    space, _ = _space(tmp_path, config, {"dm": records})
    text = _resolved(skeleton_template(config, space, declared={"dm": records}), space)
    assert "Among the 19 patients free of diabetes, Table 4 reports" in text


def test_a_grouped_table_says_how_many_had_no_group(tmp_path):
    """Table 1 described 17518 patients while the cohort had 17549: the 31 without a group
    value are now stated in the text as in the table's footnote."""
    records = [{**r, "n_excluded": 31} for r in BY_ARM_RECORDS]
    config = _config(by_arm=BY_ARM)
    space, _ = _space(tmp_path, config, {"by_arm": records})
    text = _resolved(descriptive_paragraph(space, "by_arm", records, config), space)
    assert text.startswith(
        "Table 1 describes 60 patients by treatment arm (31 excluded: no group value, or one outside "
        "the table's groups): 31 in drug and 29 in placebo."
    )


def test_counts_in_the_text_are_grouped_as_the_tables_print_them():
    """The Results text said "Of 17549 patients assessed" while the tables grouped digits: a
    count from thousands_min up is grouped in the text too."""
    from retrocohort.manuscript.namespace import TextStyle

    style = TextStyle.from_config(_config(table1={"kind": "descriptive"}))
    assert style.integer(17549)(0) == "17,549"
    assert style.integer(9999)(0) == "9999"


def test_a_weighted_survival_paragraph_names_the_robust_score_test(tmp_path):
    """rotterdam's weighted Kaplan–Meier table: its p is the robust score test of the weighted
    Cox model, which the Results text called "log-rank p"."""
    base = json.loads((DATA / "survival.json").read_text(encoding="utf-8"))
    weighted = [{**r, "test": "robust score test"} if r.get("role") == "logrank" else r for r in base]
    assert weighted != base  # the fixture has a test record to rename
    spec = {"kind": "survival", "title": "Table 9. Weighted.", "analyses": [{"id": "fever_resolution"}]}
    config = _config(w=spec)
    space, _ = _space(tmp_path, config, {"w": weighted})
    text = _resolved(skeleton_template(config, space, declared={"w": weighted}), space)
    assert "; robust score test p = 0.257†." in text and "log-rank" not in text
