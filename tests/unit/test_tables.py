"""Formatted tables: Table 1 options, group comparisons and time to event (incl. DOCX in LibreOffice)."""

import re
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from loaded_sections import filled, items, statistics

from retrocohort.analysis.descriptive import table1_statistics
from retrocohort.analysis.groups import group_statistics
from retrocohort.analysis.survival import survival_statistics
from retrocohort.errors import ConfigError
from retrocohort.render import to_markdown, write_docx
from retrocohort.render.model import Footnote, Marked
from retrocohort.tables.build import NumberStyle, build_table1, build_table2, build_table3
from retrocohort.tables.group_table import build_group_table
from retrocohort.tables.survival_table import build_survival_table, event_name

VARIABLES = {
    "male": {"kind": "binary", "label": "Male"},
    "age": {"kind": "continuous", "label": "Age"},
    "ferritin": {"kind": "continuous", "label": "Ferritin"},
    "crp": {"kind": "continuous", "label": "CRP"},
    "days": {"kind": "continuous", "unit": "days", "label": "Days"},
    "event": {"kind": "binary"},
}
FRAME = pd.DataFrame(
    {
        "male": pd.array([True, True, False, None, True, False], dtype="boolean"),
        "age": [20.0, 30, 40, 50, 60, np.nan],
        "ferritin": [6072.5, 13835.0, 27001.0, 500.0, 9000.0, 20000.0],
        "crp": [2.25, 2.25, 2.25, 2.25, 2.25, 2.25],
        "days": [1.0, 2, 3, 4, 5, 6],
        "event": pd.array([True, True, False, True, True, False], dtype="boolean"),
    }
)


def _config(rows, rounding="half_up", hf=7, **table1):
    return filled(
        {
            "study": {"synthetic_note": "Synthetic data."},
            "statistics": {"rounding": rounding, "quantile_type": hf},
            "variables": VARIABLES,
            "tables": {"table1": {"title": "Table 1 ({n} patients)", "rows": rows, **table1}},
        }
    )


def _table1(rows, synthetic=frozenset(), **kw):
    config = _config(rows, **kw)
    stats = table1_statistics(
        FRAME, rows, VARIABLES, {}, config["statistics"]["quantile_type"], set(synthetic)
    )
    return build_table1(stats, config, len(FRAME))


def _cells(table):
    return {row.cells[0]: row.cells for row in table.rows}


def test_table2_lists_every_patient_unless_max_rows_caps_the_formatted_listing():
    patients = pd.DataFrame({"patient_id": [f"P{i}" for i in range(1, 6)], "age": [30.0, 41.5, None, 52, 60]})
    spec = {
        "columns": [
            {"variable": "patient_id", "header": "Patient"},
            {"variable": "age", "header": "Age", "decimals": 0},
        ],
        "footnotes": ["note"],
    }
    full = build_table2(patients, filled({"tables": {"table2": spec}}))
    assert [r.cells for r in full.rows][2] == ["P3", "—"] and len(full.rows) == 5
    assert full.footnotes == ["note"]
    capped = build_table2(patients, filled({"tables": {"table2": dict(spec, max_rows=2)}}))
    assert [r.cells[0] for r in capped.rows] == ["P1", "P2"]
    assert capped.footnotes == [
        "note",
        "First 2 of 5 patients listed; the full listing is results/tables/table2.csv.",
    ]
    assert build_table2(patients, filled({"tables": {"table2": dict(spec, max_rows=5)}})).footnotes == [
        "note"
    ]


def test_table1_reference_column_reads_the_variables_declared_range_unless_the_row_gives_one():
    rows = [{"variable": "age"}, {"variable": "ferritin", "reference": [20, 336]}, {"variable": "crp"}]
    config = _config(rows)
    config["variables"] = {**VARIABLES, "age": {**VARIABLES["age"], "reference": [18, 65]}}
    config["variables"]["ferritin"] = {**VARIABLES["ferritin"], "reference": [1, 2]}
    stats = table1_statistics(FRAME, config["tables"]["table1"]["rows"], VARIABLES, {}, 7, set())
    table = build_table1(stats, config, len(FRAME))
    cells = _cells(table)
    assert cells["Age"][1] == "18.0–65.0"  # declared once, under variables
    assert cells["Ferritin"][1] == "20.0–336.0"  # the row's own range wins
    assert cells["CRP"][1] == ""


def test_denominator_shown_only_when_it_differs_and_missing_column():
    rows = [{"section": "Demographics"}, {"variable": "male", "indent": 1}, {"variable": "age"}]
    table = _table1(rows, missing_column=True)
    assert table.columns == ["", "Reference values", "n (%) or median [IQR]", "Missing"]
    cells = _cells(table)
    assert cells["Male"] == ["Male", "", "3/5 (60%)", "1"]
    assert cells["Age"][2:] == ["40.0 [30.0–50.0] (n = 5)", "1"]
    assert table.rows[0].section and table.rows[1].indent == 1
    assert table.title == "Table 1 (6 patients)"
    assert any("Missing: patients of the cohort without a value" in f for f in table.footnotes)


def test_quantile_type_and_rounding_rule_are_stated_and_applied():
    rows = [{"variable": "crp", "stat": "median", "decimals": 1}, {"variable": "age"}]
    up, even = _table1(rows), _table1(rows, rounding="half_even", hf=6)
    assert _cells(up)["CRP"][2] == "2.3" and _cells(even)["CRP"][2] == "2.2"
    assert any("half up" in f and "Hyndman and Fan's type 7" in f for f in up.footnotes)
    assert any("half to even" in f and "Hyndman and Fan's type 6" in f for f in even.footnotes)
    # type 6 quartiles of 20..60 (n = 5): positions 1.5 and 4.5 -> 25 and 55
    assert _cells(even)["Age"][2] == "40.0 [25.0–55.0] (n = 5)"


def test_mean_sd_option_decimals_reference_and_footnote():
    rows = [
        {"variable": "age", "stat": "mean_sd", "decimals": 2, "reference": [18, 65], "reference_decimals": 0}
    ]
    table = _table1(rows)
    assert _cells(table)["Age"][1:] == ["18–65", "40.00 (15.81)"]
    assert any("Mean (SD): standard deviation with the n − 1 denominator" in f for f in table.footnotes)


def test_digit_grouping_is_consistent_within_a_cell_and_configurable():
    rows = [{"variable": "ferritin", "decimals": 1}]
    grouped = _cells(_table1(rows))["Ferritin"][2]
    assert grouped == "11,417.5 [6,804.4–18,458.8]"
    plain = _cells(_table1(rows, thousands_separator=""))["Ferritin"][2]
    assert plain == "11417.5 [6804.4–18458.8]"
    style = NumberStyle(thousands_min=10000)
    assert style.cell([500.0, 900.0], 1)["thousands_min"] == 10000
    assert style.cell([500.0, 10000.0], 1)["thousands_min"] == 0


def test_synthetic_rows_carry_a_dagger_and_footnote():
    table = _table1([{"variable": "ferritin"}, {"variable": "age"}], synthetic={"ferritin"})
    assert "Ferritin †" in _cells(table) and "Age" in _cells(table)
    assert table.footnotes[-1] == "† Synthetic data."


GROUP_CONFIG = {
    "study": {"synthetic_note": "Synthetic data."},
    "statistics": {},
    "variables": VARIABLES,
    "groups": [
        {
            "id": "age_by_sex",
            "label": "Age by sex",
            "outcome": "age",
            "group_variable": "male",
            "groups": {"True": "Men", "False": "Women"},
            "decimals": 0,
        },
        {
            "id": "event_by_sex",
            "label": "Event by sex",
            "outcome": "event",
            "group_variable": "male",
            "groups": {"True": "Men", "False": "Women"},
        },
    ],
    "survival": [
        {
            "id": "time",
            "label": "Time to event",
            "time": "days",
            "event": "event",
            "group_variable": "male",
            "groups": {"True": "Men", "False": "Women"},
            "horizons": [1, 3],
        }
    ],
    "tables": {"groups": {"title": "Group comparisons"}, "survival": {"title": "Time to event"}},
}


def _group_table():
    stats = group_statistics(
        FRAME, items("groups", GROUP_CONFIG["groups"]), VARIABLES, {}, statistics(), {"age"}
    )
    return stats, build_group_table(stats, filled(GROUP_CONFIG))


def _survival_table():
    stats, _ = survival_statistics(
        FRAME, items("survival", GROUP_CONFIG["survival"]), VARIABLES, {}, statistics(), set()
    )
    return stats, build_survival_table(stats, filled(GROUP_CONFIG))


def test_group_table_sections_rows_and_lettered_methods():
    stats, table = _group_table()
    assert table.columns == ["Comparison and group", "n", "n (%) or median [IQR]", "p-Value"]
    texts = [r.cells for r in table.rows]
    assert texts[0] == ["Age by sex †"] and table.rows[0].section
    assert texts[1][:3] == ["Men", "3", "30 [25–45]"] and texts[1][3].endswith(" a")
    assert texts[2][:3] == ["Women", "2", "40 [40–40] (n = 1)"] and texts[2][3] == ""
    assert texts[4][:3] == ["Men", "3", "3 (100%)"] and texts[4][3].endswith(" b")
    tests = stats[stats["role"] == "test"]
    assert texts[1][3] == f"{tests.iloc[0]['p_formatted']} a"
    assert any(f.startswith("a Mann-Whitney U") for f in table.footnotes)
    assert any(f.startswith("b Fisher's exact test") for f in table.footnotes)
    assert table.footnotes[-1] == "† Synthetic data."


def test_test_footnotes_name_the_test_in_the_registrys_words_and_the_stats_keep_the_method():
    """A p-value's footnote names its test as the registry titles it ("Mann-Whitney U test");
    the formulas and method details stay in the stats' ``method`` column (failed before: the
    footnote printed "U = R_x - n_x(n_x+1)/2 ... two-sided p-value")."""
    from retrocohort.stats.registry import by_recorded_name

    stats, table = _group_table()
    tests = stats[stats["role"] == "test"]
    method_notes = [f for f in table.footnotes if isinstance(f, Footnote) and f.mark in "ab"]
    assert [f.text for f in method_notes] == [f"{by_recorded_name(t).title}." for t in tests["test"].unique()]
    assert [f.text for f in method_notes] == ["Mann-Whitney U test.", "Fisher's exact test."]
    assert not any("=" in f or "two-sided p" in f for f in table.footnotes)
    assert tests["method"].str.contains("U = R_x").any()  # the full method text is kept


def test_a_test_the_registry_does_not_know_keeps_its_method_text():
    from retrocohort.tables.cells import named_test

    assert named_test({"test": "log-rank", "method": "long text", "p_value": 0.2}) == "Log-rank test."
    assert named_test({"test": "unregistered", "method": "Some test.", "p_value": 0.2}) == "Some test."
    assert named_test({"method": "Only a method.", "p_value": 0.2}) == "Only a method."
    not_run = {"test": "log-rank", "method": "not computed: one group", "p_value": float("nan")}
    assert named_test(not_run) == "not computed: one group"  # the footnote says why


def test_survival_table_medians_horizons_and_logrank():
    stats, table = _survival_table()
    assert table.columns == [
        "Analysis and group",
        "n (events)",
        "Median time, days (95% CI)",
        "Event-free at 1 day (95% CI)",
        "Event-free at 3 days (95% CI)",
        "p-Value",
    ]
    cells = _cells(table)
    men = cells["Men"]  # days 1, 2, 5: all events -> S = 2/3, 1/3, 0; median = 2
    assert men[1] == "3 (3)" and men[2].startswith("2.0 (") and men[3].startswith("67% (")
    assert men[5].endswith(" a")
    women = cells["Women"]  # days 3 (censored), 6 (censored): median not reached
    assert women[1] == "2 (0)" and women[2] == "not reached" and women[3].startswith("100% (")
    assert any("log-rank" in f.lower() for f in table.footnotes)
    assert any(f.startswith("NR: confidence limit not reached") for f in table.footnotes)
    assert "†" not in to_markdown(table)


def test_group_and_survival_docx_open_in_libreoffice(tmp_path, libreoffice):
    config = _config(
        [{"section": "All"}, {"variable": "male", "indent": 1}, {"variable": "ferritin"}], missing_column=True
    )
    stats1 = table1_statistics(FRAME, config["tables"]["table1"]["rows"], VARIABLES, {}, 7, {"ferritin"})
    tables = [build_table1(stats1, config, len(FRAME)), _group_table()[1], _survival_table()[1]]
    source = write_docx(tables, tmp_path / "tables.docx", preset="ama")
    subprocess.run(
        [
            libreoffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = Path(tmp_path / "tables.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 3


# ------------------------------------------------- per-row digit grouping, marks, bold p-values


def _t3_stats(rows):
    return pd.DataFrame(
        [
            {
                "role": "main",
                "order": i,
                "kind": "continuous",
                "n_pairs": 15,
                "day0_median": d0,
                "day7_median": d7,
                "p_value": p,
                "p_adjusted": p,
                "adjustment": "none",
                "method": "Wilcoxon signed-rank test.",
                "label": label,
                "synthetic": synthetic,
            }
            for i, (label, d0, d7, p, synthetic) in enumerate(rows)
        ]
    )


T3_ROWS = [
    ("Ferritin", 10044.0, 2014.0, 0.011, True),
    ("CRP", 116.0, 35.1, 0.0004, False),
    ("Platelets", 68.0, 118.5, 0.417, False),
]


def _t3_config(**table3):
    return filled(
        {
            "study": {"synthetic_note": "Synthetic data."},
            "statistics": {},
            "tables": {"table3": {"parameters": [{"variable": r[0]} for r in T3_ROWS], **table3}},
        }
    )


def test_table3_states_that_its_p_values_are_two_sided_once_the_test_footnotes_name_tests_only():
    """The test footnotes no longer carry "two-sided p-value" (the method text did): Table 3
    says it once, from the results' ``alternative``, and only when every test was two-sided."""
    stats = _t3_stats(T3_ROWS).assign(alternative="two-sided", test="Wilcoxon signed-rank")
    table = build_table3(stats, _t3_config())
    assert "p-values are two-sided." in table.footnotes
    assert "a Wilcoxon signed-rank test." in table.footnotes
    one_sided = stats.assign(alternative=["two-sided", "greater", "two-sided"])
    assert "p-values are two-sided." not in build_table3(one_sided, _t3_config()).footnotes


def test_table3_groups_digits_once_per_row():
    table = build_table3(_t3_stats(T3_ROWS), _t3_config())
    assert table.rows[0].cells[1:3] == ["10,044.0", "2,014.0"]  # not "10,044.0" beside "2014.0"
    assert table.rows[1].cells[1:3] == ["116.0", "35.1"]
    plain = build_table3(_t3_stats(T3_ROWS), _t3_config(thousands_separator=""))
    assert plain.rows[0].cells[1:3] == ["10044.0", "2014.0"]


def test_table1_groups_digits_once_per_row_including_the_reference_range():
    rows = [{"variable": "ferritin", "decimals": 1, "reference": [20, 1500], "reference_decimals": 0}]
    cells = _cells(_table1(rows))["Ferritin"]
    assert cells[1] == "20–1,500" and cells[2] == "11,417.5 [6,804.4–18,458.8]"
    style = NumberStyle()
    assert style.row([(1500, 0), (9999.94, 1)])["thousands_min"] == 10000
    assert style.row([(1500, 0), (9999.96, 1)])["thousands_min"] == 0  # rounds to 10000.0


def test_table1_footnote_describes_the_reference_column():
    with_ref = _table1([{"variable": "age", "reference": [18, 65]}])
    assert any("Reference values" in f and "own column" in f for f in with_ref.footnotes)
    without = _table1([{"variable": "age", "reference": [18, 65]}], reference_column=False)
    assert not any("Reference values" in f for f in without.footnotes)
    assert not any("Reference values" in f for f in _table1([{"variable": "age"}]).footnotes)


def test_marks_are_superscript_objects_that_still_read_as_text():
    table = build_table3(_t3_stats(T3_ROWS), _t3_config())
    label, p = table.rows[0].cells[0], table.rows[0].cells[3]
    assert isinstance(label, Marked) and (label.text, label.mark) == ("Ferritin (n = 15)", "†")
    assert isinstance(p, Marked) and (p.text, p.mark) == ("0.011", "a") and p == "0.011 a"
    assert not isinstance(table.rows[1].cells[0], Marked)
    notes = [f for f in table.footnotes if isinstance(f, Footnote)]
    assert [(f.mark, f.text) for f in notes] == [
        ("a", "Wilcoxon signed-rank test."),
        ("†", "Synthetic data."),
    ]


def test_bold_p_below_threshold_from_parameter_or_config():
    stats = _t3_stats(T3_ROWS)
    assert not any(r.is_bold(3) for r in build_table3(stats, _t3_config()).rows)
    for table in (
        build_table3(stats, _t3_config(), bold_p_below=0.05),
        build_table3(stats, _t3_config(bold_p_below=0.05)),
    ):
        assert [r.is_bold(3) for r in table.rows] == [True, True, False]
        assert not any(r.is_bold(i) for r in table.rows for i in range(3))
        assert "p-values below 0.05 are in bold." in table.footnotes
    strict = build_table3(stats, _t3_config(bold_p_below=0.05), bold_p_below=0.001)
    assert [r.is_bold(3) for r in strict.rows] == [False, True, False]
    for bad in (0, 1.5, "0.05", True):
        with pytest.raises(ConfigError, match="bold p-value threshold") as error:
            build_table3(stats, _t3_config(bold_p_below=bad))
        assert "tables.table3.bold_p_below" in str(error.value)


def test_group_and_survival_tables_bold_significant_p():
    _, plain = _group_table()
    stats = group_statistics(
        FRAME, items("groups", GROUP_CONFIG["groups"]), VARIABLES, {}, statistics(), {"age"}
    )
    tests = stats[stats["role"] == "test"]["p_value"].tolist()
    bold = build_group_table(stats, filled(GROUP_CONFIG), bold_p_below=1.0)
    first_rows = [r for r in bold.rows if not r.section and r.cells[3]]
    assert [r.is_bold(3) for r in first_rows] == [p < 1.0 for p in tests]
    assert not any(r.is_bold(3) for r in plain.rows)
    surv_stats, _ = survival_statistics(
        FRAME, items("survival", GROUP_CONFIG["survival"]), VARIABLES, {}, statistics(), set()
    )
    surv = build_survival_table(surv_stats, filled(GROUP_CONFIG), bold_p_below=1.0)
    p = surv_stats.loc[surv_stats["role"] == "logrank", "p_value"].iloc[0]
    assert any(r.is_bold(5) for r in surv.rows) == (p < 1.0)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({"label": "Time to fever resolution after anakinra start"}, "fever resolution"),
        ({"label": "Time to fever resolution by first-line anakinra use"}, "fever resolution"),
        ({"label": "Time to death."}, "death"),
        ({"label": "Overall survival"}, "event"),
        ({"label": "Time to event"}, "event"),
        ({"label": "Overall survival", "event_name": "death"}, "death"),
    ],
)
def test_event_name_from_config_or_label(spec, expected):
    assert event_name(spec) == expected


def test_survival_columns_say_what_the_event_is():
    config = {
        **GROUP_CONFIG,
        "survival": [dict(GROUP_CONFIG["survival"][0], label="Time to fever resolution")],
    }
    stats, _ = survival_statistics(
        FRAME, items("survival", config["survival"]), VARIABLES, {}, statistics(), set()
    )
    table = build_survival_table(stats, filled(config))
    assert table.columns[2:5] == [
        "Median time to fever resolution, days (95% CI)",
        "Without fever resolution at 1 day (95% CI)",
        "Without fever resolution at 3 days (95% CI)",
    ]
    assert any(
        f.startswith(
            "Without fever resolution: the Kaplan–Meier estimate of the percentage of patients in "
            "whom fever resolution has not yet occurred"
        )
        for f in table.footnotes
    )


@pytest.mark.parametrize("correction", [True, False])
def test_a_footnote_names_yates_correction_when_the_chi_square_applied_it(correction):
    # a corrected chi-square is a different test (Yates 1934): the footnote and the Results
    # text must say so, as the method column does (user trial, flchain: "b Pearson chi-square test.")
    from retrocohort.stats.contingency import chi_square_independence
    from retrocohort.stats.registry import stated_test
    from retrocohort.tables.cells import named_test

    rec = chi_square_independence([[12, 5], [7, 14]], correction=correction).to_dict()
    yates = "with Yates' continuity correction"
    assert (yates in named_test(rec)) is correction
    assert named_test(rec).startswith("Pearson chi-square test")
    assert (yates in stated_test(rec)) is correction


def test_a_death_endpoint_column_reads_survival_not_without_death():
    # user trial, flchain: "Without death at 5 years"
    config = {**GROUP_CONFIG, "survival": [dict(GROUP_CONFIG["survival"][0], label="Time to death")]}
    stats, _ = survival_statistics(
        FRAME, items("survival", config["survival"]), VARIABLES, {}, statistics(), set()
    )
    table = build_survival_table(stats, filled(config))
    assert table.columns[3:5] == ["Survival at 1 day (95% CI)", "Survival at 3 days (95% CI)"]
    assert any(f.startswith("Survival: the Kaplan–Meier estimate") for f in table.footnotes)
