"""Tables of a pasted paper read as tables (issue 25, deliverables 1 table part and 2).

The fixture tests/fixtures/audit_draft/cohort_table.txt is an invented cohort paper in the
table styles of real journals; cohort_table.truth.yaml lists every number of its tables,
counted by hand. A drafted entry is right when its place, statistic, values, group and n (or
denominator) agree with the truth and its variable holds the label's word.
"""

from pathlib import Path

import yaml

from retrocohort.audit.draft.draft import draft_entries, draft_study, draft_yaml
from retrocohort.audit.published import load_study

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audit_draft"


def _right(entry: dict, truth: dict, *, strict: bool = True) -> bool:
    same = (
        entry["where"] == truth["where"]
        and entry["statistic"] == truth["statistic"]
        and {k: float(v) for k, v in entry["values"].items()}
        == {k: float(v) for k, v in truth["values"].items()}
    )
    if not strict or not same:
        return same
    n = entry.get("denominator", entry.get("n"))
    return (
        truth["word"] in entry["variable"]
        and ("n" not in truth or n == truth["n"])
        and ("group" not in truth or entry.get("group") == truth["group"])
    )


def score(entries: list[dict], truths: list[dict], *, strict: bool = True) -> tuple[int, int, int]:
    """(truth cells drafted right, truth cells, table entries matching no truth cell)."""
    right = sum(any(_right(e, t, strict=strict) for e in entries) for t in truths)
    tables = [e for e in entries if e["where"].startswith("Table")]
    spurious = sum(not any(_right(e, t, strict=False) for t in truths) for e in tables)
    return right, len(truths), spurious


def _fixture() -> tuple[list[dict], list[dict]]:
    text = (FIXTURES / "cohort_table.txt").read_text(encoding="utf-8")
    truth = yaml.safe_load((FIXTURES / "cohort_table.truth.yaml").read_text(encoding="utf-8"))["cells"]
    return draft_entries(text), truth


def test_fixture_tables_drafted_right():
    entries, truth = _fixture()
    right, total, spurious = score(entries, truth)
    missed = [t for t in truth if not any(_right(e, t) for e in entries)]
    assert right == total and spurious == 0, (right, total, spurious, missed)


def test_fixture_draft_loads_and_feeds_the_percentage_check(tmp_path):
    text = (FIXTURES / "cohort_table.txt").read_text(encoding="utf-8")
    path = tmp_path / "d.yaml"
    path.write_text(draft_yaml(draft_study(text, "cohort_table.txt")), encoding="utf-8")
    study = load_study(path)
    by_printed = {e.printed: e for e in study.numbers}
    male = by_printed["28 (62.2)"]
    assert (male.statistic, male.denominator, male.group) == ("count_pct", 45, "survivors")
    age = by_printed["71.0 (64.5–78.0)"]  # middle dots rewritten so the loader sees 71.0
    assert age.values["median"] == 71.0 and "printed as '71·0 (64·5–78·0)'" in age.note


def _one(text: str) -> dict[str, dict]:
    return {e["printed"]: e for e in draft_entries(text)}


def test_table_directly_under_its_label_line_is_read():
    e = _one("Table 1. Baseline\nCharacteristic  All (n = 20)\nAge, years, median (IQR)  45 (33–58)\n")
    age = e["45 (33–58)"]
    assert (age["where"], age["statistic"], age["n"], age["group"]) == ("Table 1", "median_iqr", 20, "all")


def test_count_and_percentage_cells_are_paired_without_a_percent_sign():
    e = _one("Table 2\nVariable  Cases (n = 112)  Controls (n = 24)\nFever  69 (61.6)  18/24 (75.0)\n")
    assert e["69 (61.6)"]["statistic"] == "count_pct" and e["69 (61.6)"]["denominator"] == 112
    assert e["18/24 (75.0)"]["values"] == {"count": 18, "total": 24, "pct": 75.0}


def test_numbers_inside_labels_stay_labels():
    e = _one("Table 3\nOutcome Survivors (n = 40) Others (n = 17)\n28-d survival 40 (70.2) 9 (52.9)\n")
    assert "28" not in e and "40" not in e
    assert e["40 (70.2)"]["variable"] == "survival_28_d" and e["40 (70.2)"]["denominator"] == 40
    assert [x["printed"] for x in draft_entries("Table 1. Deaths by 28-day survival.\n")] == []


def test_prose_variable_names_skip_ordinals():
    [e] = draft_entries("From the 4th April to the 9th, 12 patients (40%) died.")
    assert e["printed"] == "12 patients (40%)" and e["variable"] == "died"


def test_middle_dot_and_comma_decimals_are_one_number():
    e = _one("Table 1\nParameter\tAll (n = 57)\nAge\t71·0 (64·5–78·0)\nRRT\t11 (19,3)\n")
    assert e["71.0 (64.5–78.0)"]["values"] == {"median": 71.0, "q1": 64.5, "q3": 78.0}
    rrt = e["11 (19.3)"]  # rewritten so that the loader sees 19.3; the note keeps the original
    assert rrt["values"] == {"count": 11, "pct": 19.3} and "printed as '11 (19,3)'" in rrt["note"]


def test_trailing_empty_cells_give_entries_and_an_empty_table_a_warning():
    e = _one("Table 2: Outcomes\n\n| Outcome | All (N=57) | |\n|---|---|---|\n| Deaths | 12 (21.1) | |\n")
    assert e["12 (21.1)"]["denominator"] == 57 and e["12 (21.1)"]["group"] == "all"
    doc = draft_study("Results\n\nWe saw 3 cases.\n\nTable 2\n\n| Patient | Age |\n|---|---|\n", "t.txt")
    assert "Table 2 (source line 5): no number drafted" in doc["source"]["note"]


def test_drafted_percentages_reach_the_percentage_check(tmp_path):
    from retrocohort.audit.checks.consistency import check_study

    text = "Table 1\n| | Survivors (n = 45) |\n|---|---|\n| Male sex, n (%) | 28 (60.2) |\n"
    path = tmp_path / "d.yaml"
    path.write_text(draft_yaml(draft_study(text, "t.txt")), encoding="utf-8")
    findings = [f for f in check_study(load_study(path)) if f.entry_id == "table_1_male_sex_survivors"]
    assert [(f.check, f.status) for f in findings] == [("percentage", "inconsistent")], findings


def test_header_indented_past_an_empty_label_column_keeps_its_columns():
    text = "Table 1\n                 Survivors (n = 45)  Others (n = 12)\n  Malignancy  5 (11.1)  3 (25.0)\n"
    e = _one(text)
    assert (e["3 (25.0)"]["group"], e["3 (25.0)"]["denominator"], e["3 (25.0)"]["variable"]) == (
        "others",
        12,
        "malignancy",
    )


def test_two_row_tab_header_and_single_spaced_count_of_total():
    tab = "\t".join
    text = "\n".join(
        [
            "Table 1",
            tab(["Characteristic", "Survivors", "Non-survivors", "p"]),
            tab(["", "n = 45", "n = 12", ""]),
            tab(["Age, years, mean (SD)", "61.2 (10.1)", "70.5 (8.2)", "0.004"]),
            "",
            "Table 2",
            "Variable Survivors (n = 45) Non-survivors (n = 12) p",
            "Smoker 12/44 (27.3) 5/12 (41.7) 0.48",
        ]
    )
    e = _one(text)
    assert (e["61.2 (10.1)"]["group"], e["61.2 (10.1)"]["n"]) == ("survivors", 45)
    assert (e["70.5 (8.2)"]["group"], e["70.5 (8.2)"]["n"]) == ("non_survivors", 12)
    assert e["12/44 (27.3)"]["values"] == {"count": 12, "total": 44, "pct": 27.3}
    assert e["12/44 (27.3)"]["variable"] == "smoker" and "27.3" not in e


def test_markdown_table_labels():
    for label in ("### Table 2", "**Table 2.** Outcomes", "TABLE II:"):
        e = _one(f"{label}\n| Outcome | All (n = 20) |\n|---|---|\n| Deaths | 4 (20.0) |\n")
        assert e["4 (20.0)"]["where"] == "Table 2" and e["4 (20.0)"]["denominator"] == 20, label


def test_fixture_with_a_blank_line_under_each_label_drafts_the_same():
    text = (FIXTURES / "cohort_table.txt").read_text(encoding="utf-8")
    spaced = "\n".join(line + ("\n" if line.startswith("Table ") else "") for line in text.splitlines())
    truth = yaml.safe_load((FIXTURES / "cohort_table.truth.yaml").read_text(encoding="utf-8"))["cells"]
    assert score(draft_entries(spaced), truth) == (47, 47, 0)


def test_two_space_rows_under_a_single_spaced_header_take_its_n_in_order():
    e = _one("Table 1\nVariable Survivors (n = 45) Others (n = 12) p\nFever  30 (66.7)  9 (75.0)  0.74\n")
    assert (e["30 (66.7)"]["denominator"], e["9 (75.0)"]["denominator"]) == (45, 12)
    assert e["0.74"]["statistic"] == "p_value"


# --- found on the real corpus (tests/fixtures/audit_corpus), each failed before its fix ------


def test_a_percent_column_makes_its_bare_numbers_percentages():
    e = _one("Table 1. Sample\n\nCharacteristic\tn (3,189)\t%\nFemale\t1,891\t59.3\nMale\t1,298\t40,7\n")
    assert (e["40.7"]["statistic"], e["40.7"]["values"]) == ("percentage", {"pct": 40.7})
    assert e["1,891"]["statistic"] == "count"


def test_a_row_whose_label_looks_like_a_footnote_or_needs_its_label_to_read_is_data():
    text = (
        "Table 1. Sample\n\nCharacteristic\tValue\nMean age (SD)\t74.4 (5.2)\n"
        "Mean income (SD) [€]\t1,412 (704)\nEQ-VAS: mean (SD)\t62.4 (18.2)\n"
    )
    e = _one(text)
    assert e["1,412 (704)"]["values"] == {"mean": 1412, "sd": 704}
    assert e["62.4 (18.2)"]["statistic"] == "mean_sd" and "eq_vas" in e["62.4 (18.2)"]["variable"]


def test_a_label_over_two_columns_and_a_group_label_beside_its_sub_label():
    text = (
        "Table 1. Patients\n\n\t\tTAC (n = 35)\tCsA (n = 11)\nAge (yrs)\tAge (yrs)\t49 ±11\t57 ±12\n"
        "Rejection\tCAMR\t3\t-\n\tACMR\t6\t1\n"
    )
    e = draft_entries(text)
    # " | ACMR" sits under the merged cell "Rejection" (audit25: sub-rows take their group label)
    assert {x["variable"] for x in e} == {"age_yrs", "rejection_camr", "rejection_acmr"}
    assert [x["n"] for x in e if x["variable"] == "rejection_acmr"] == [35, 11]


def test_an_identifier_with_a_leading_zero_is_not_a_count():
    e = draft_entries(
        "Results\n\nThe ethics committee approved the study (05–2803); 12 patients were included.\n"
    )
    assert [x["values"] for x in e] == [{"count": 12}]


def test_a_column_of_percentage_and_rank_cells_reads_0_k_as_a_percentage():
    # issue 25 corpus (brettschneider2013, Table 2): "0 (43)" among "77.5% (1)" cells was read as
    # 0 patients of whom 43%, and the audit reported it as an inconsistency (a false alarm)
    text = (
        "Table 2. Prevalence and rank\n\nDiagnosis\tFemale (n = 1,891)\tMale (n = 1,298)\n"
        "Hypertension\t77.5% (1)\t78.4% (1)\nTobacco abuse\t0 (43)\t0.2% (44)\n"
    )
    e = _one(text)
    assert (e["0 (43)"]["statistic"], e["0 (43)"]["values"]) == ("percentage", {"pct": 0})
    assert "denominator" not in e["0 (43)"]
    assert e["77.5% (1)"]["values"] == {"pct": 77.5}


def test_a_ratio_to_one_and_two_counts_side_by_side():
    # issue 25 corpus (tebbe2016, Table 1): "1.3: 1" and "8 vs. 27" were not read (7 numbers)
    text = (
        "Table 1. Patients\n\n\tTAC (n = 35)\tCsA (n = 11)\nGender (m/f)\t1.2: 1\t1.75: 1\n"
        "Donor (LDR vs CDR)\t8 vs. 27\t4 vs. 7\n"
    )
    e = draft_entries(text)
    assert [(x["printed"], x["statistic"], x["values"], x["n"]) for x in e] == [
        ("1.2: 1", "value", {"value": 1.2}, 35),
        ("1.75: 1", "value", {"value": 1.75}, 11),
        ("8", "count", {"count": 8}, 35),
        ("27", "count", {"count": 27}, 35),
        ("4", "count", {"count": 4}, 11),
        ("7", "count", {"count": 7}, 11),
    ]


def test_bare_numbers_that_cannot_be_counts_take_the_papers_stated_summary():
    # issue 25 corpus (baverez2022, Table 3): "116" for CRP in a row of n = 15 was drafted as a
    # count of 116 (and "35.1" as a plain value); the Methods say continuous variables are medians
    text = (
        "Methods\n\nContinuous variables are presented as medians with interquartile ranges.\n\n"
        "Results\n\nTable 3. Evolution\nParameters (n *) Day 0 Day 7 p-Value\n"
        "CRP (n = 15) 116 35.1 <0.001\nRelapse (n = 15) 3 1 0.62\n"
    )
    e = {x["printed"]: x for x in draft_entries(text)}
    assert (e["116"]["statistic"], e["116"]["values"]) == ("median", {"median": 116})
    assert (e["35.1"]["statistic"], e["35.1"]["values"]) == ("median", {"median": 35.1})
    assert e["3"]["statistic"] == "count"  # 3 of 15 can be a count: left as guessed
