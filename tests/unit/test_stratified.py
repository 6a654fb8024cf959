"""Stratified descriptive statistics (Table 1 by group) and their formatted table: hand-checkable
counts, quartiles and SMDs, the test chosen per variable kind and number of groups, and errors
that name the row, column and value."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from loaded_sections import descriptive_options, statistics, table
from loaded_sections import statistics as loaded_statistics
from loaded_sections import table as loaded_table

from retrocohort.analysis.stratified import categorical_test, strata, stratified_statistics
from retrocohort.errors import InputError
from retrocohort.render.model import Marked
from retrocohort.stats.smd import categorical_smd, continuous_smd
from retrocohort.tables.cohort_tables import build_stratified_table


def _stratified(frame, rows, by, **options):
    """:func:`stratified_statistics` with a loaded descriptive table's settings unless given."""
    return stratified_statistics(frame, rows, by, **{**descriptive_options(), **options})


def _layout(rows, **options):
    """A loaded ``kind: descriptive`` entry (schema defaults filled) with formatting ``rows``
    completed by the table's ``decimals`` and ``pct_decimals``, as the rule builds it."""
    loaded = table({"kind": "descriptive", "rows": [{"variable": "x"}], **options})
    pick = {key: loaded[key] for key in ("decimals", "pct_decimals")}
    return {**loaded, "rows": [{**pick, **row} for row in rows]}


@pytest.fixture
def cohort() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "arm": ["A", "A", "A", "B", "B", "B", None],
            "age": [30.0, 40.0, 50.0, 35.0, 45.0, np.nan, 60.0],
            "fever": [1, 0, 1, 0, 0, 1, 1],
            "sex": ["male", "female", "male", "other", "female", "female", "male"],
        },
        index=range(2, 9),  # file rows: header is row 1
    )


ROWS = [{"variable": "age"}, {"variable": "fever"}, {"variable": "sex"}]


def _row(stats: pd.DataFrame, variable: str, row_type: str, level: str | None = None) -> pd.Series:
    part = stats[(stats["variable"] == variable) & (stats["row_type"] == row_type)]
    if level is not None:
        part = part[part["level"] == level]
    assert len(part) == 1, part
    return part.iloc[0]


def test_strata_and_group_sizes_exclude_missing_group(cohort):
    stats = _stratified(cohort, ROWS, "arm")
    assert strata(stats) == ["Overall", "A", "B"]
    first = stats.iloc[0]
    assert (first["n_group@Overall"], first["n_group@A"], first["n_group@B"]) == (6, 3, 3)
    assert first["n_excluded"] == 1


def test_continuous_row_numbers_and_missing_row(cohort):
    stats = _stratified(cohort, ROWS, "arm")
    age = _row(stats, "age", "value")
    assert age["kind"] == "continuous" and age["stat"] == "median_iqr"
    # A: 30, 40, 50 -> median 40, type-7 quartiles 35 and 45; overall 30, 35, 40, 45, 50
    assert (age["median@A"], age["q1@A"], age["q3@A"]) == (40.0, 35.0, 45.0)
    assert (age["median@Overall"], age["min@Overall"], age["max@Overall"]) == (40.0, 30.0, 50.0)
    assert age["n@B"] == 2 and age["missing@B"] == 1
    missing = _row(stats, "age", "missing")
    assert (missing["count@Overall"], missing["count@A"], missing["count@B"]) == (1, 0, 1)
    assert missing["percent@B"] == pytest.approx(100 / 3)
    # no missing value of fever: no missing row under "ifany"
    assert stats[(stats["variable"] == "fever") & (stats["row_type"] == "missing")].empty


def test_missing_rule_always_and_no(cohort):
    always = _stratified(cohort, ROWS, "arm", missing="always")
    assert _row(always, "fever", "missing")["count@Overall"] == 0
    never = _stratified(cohort, [{"variable": "age", "missing": "no"}], "arm")
    assert set(never["row_type"]) == {"value"}


def test_binary_and_categorical_levels(cohort):
    stats = _stratified(cohort, ROWS, "arm")
    fever = _row(stats, "fever", "value")
    assert fever["kind"] == "binary"
    assert (fever["count@A"], fever["denominator@A"], fever["count@B"]) == (2, 3, 1)
    assert fever["percent@A"] == pytest.approx(200 / 3)
    head = _row(stats, "sex", "variable")
    assert head["kind"] == "categorical" and math.isnan(head["count@Overall"])
    levels = stats[(stats["variable"] == "sex") & (stats["row_type"] == "level")]
    assert levels["level"].tolist() == ["female", "male", "other"]  # three levels, sorted
    other = _row(stats, "sex", "level", "other")
    assert (other["count@A"], other["count@B"], other["count@Overall"]) == (0, 1, 1)


def test_declared_level_order_and_undeclared_level_error(cohort):
    rows = [{"variable": "sex", "levels": ["male", "female", "other"]}]
    stats = _stratified(cohort, rows, "arm")
    assert stats.loc[stats["row_type"] == "level", "level"].tolist() == ["male", "female", "other"]
    with pytest.raises(InputError) as err:
        _stratified(cohort, [{"variable": "sex", "levels": ["male", "female"]}], "arm")
    problem = err.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (5, "sex", "other")


def test_tests_chosen_for_two_groups(cohort):
    stats = _stratified(cohort, ROWS, "arm")
    assert _row(stats, "age", "value")["test"] == "Mann-Whitney U"
    fever = _row(stats, "fever", "value")
    assert fever["test"] == "Fisher exact" and "expected count is below 5" in fever["method"]
    # 2x2 table [[A: 1 no, 2 yes], [B: 2 no, 1 yes]]: Fisher two-sided p = 1
    assert fever["p_value"] == pytest.approx(1.0)
    assert _row(stats, "sex", "variable")["test"] == "Fisher-Freeman-Halton exact"


def test_chi_square_when_every_expected_count_reaches_five():
    counts = np.array([[20, 10], [10, 20]])  # levels x groups
    res = categorical_test(counts)
    assert res["test"] == "Pearson chi-square"
    # no Yates: chi2 = 60 * (20*20 - 10*10)^2 / (30^4) = 6.6667
    assert res["statistic"] == pytest.approx(60 * 300**2 / 30**4)
    assert "every expected count is >= 5" in res["method"]


def test_more_than_two_groups_uses_kruskal_wallis():
    frame = pd.DataFrame({"g": list("aabbcc"), "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]})
    stats = _stratified(frame, [{"variable": "x"}], "g")
    row = _row(stats, "x", "value")
    assert row["test"] == "Kruskal-Wallis"
    # H = 12/(6*7) * (3^2/2 + 7^2/2 + 11^2/2) - 3*7 = 32/7 ... on ranks 1..6
    h = 12 / 42 * (9 + 49 + 121) / 2 - 21
    assert row["statistic"] == pytest.approx(h)
    assert strata(stats) == ["Overall", "a", "b", "c"]


def test_group_labels_order_and_exclusion(cohort):
    stats = _stratified(cohort, ROWS, "arm", group_labels={"B": "Placebo", "A": "Drug"})
    assert strata(stats) == ["Overall", "Placebo", "Drug"]
    only_a = cohort.assign(arm=cohort["arm"].replace({"B": "A"}))
    with pytest.raises(InputError, match="at least two groups"):
        _stratified(only_a, ROWS, "arm")


def test_continuous_smd_hand_values():
    # means 2 and 3, both SDs 1: d = 1
    assert continuous_smd(np.array([1.0, 2, 3]), np.array([2.0, 3, 4])) == pytest.approx(1.0)
    # tableone's example (Hedges 2011): |100 - 103| / sqrt((5.5^2 + 4.5^2)/2) = 0.5970
    a = 103 + 5.5 * np.array([-1.0, 1.0]) / math.sqrt(2)
    b = 100 + 4.5 * np.array([-1.0, 1.0]) / math.sqrt(2)
    assert round(continuous_smd(a, b), 4) == 0.5970
    assert math.isnan(continuous_smd(np.array([1.0]), np.array([2.0, 3.0])))


def test_categorical_smd_binary_formula_and_symmetry():
    # |0.25 - 0.5| / sqrt((0.5*0.5 + 0.25*0.75)/2)
    expected = 0.25 / math.sqrt((0.25 + 0.1875) / 2)
    assert categorical_smd(np.array([0.5, 0.5]), np.array([0.75, 0.25])) == pytest.approx(expected)
    p1, p2 = np.array([0.2, 0.3, 0.5]), np.array([0.4, 0.4, 0.2])
    assert categorical_smd(p1, p2) == pytest.approx(categorical_smd(p2, p1))
    assert categorical_smd(p1, p1) == 0.0


def test_smd_in_statistics(cohort):
    stats = _stratified(cohort, ROWS, "arm")
    # fever: A 2/3, B 1/3
    p1, p2 = 2 / 3, 1 / 3
    expected = abs(p1 - p2) / math.sqrt((p1 * (1 - p1) + p2 * (1 - p2)) / 2)
    assert _row(stats, "fever", "value")["smd"] == pytest.approx(expected)


def test_text_in_continuous_column_is_an_input_error_naming_the_row(cohort):
    bad = cohort.assign(age=cohort["age"].astype(object))
    bad.loc[4, "age"] = "male"
    with pytest.raises(InputError) as err:
        _stratified(bad, [{"variable": "age", "kind": "continuous"}], "arm", source="patients.csv")
    problem = err.value.problems[0]
    assert (problem.file, problem.row, problem.column, problem.value) == ("patients.csv", 4, "age", "male")
    assert "categorical" in problem.expected


def test_binary_with_other_values_and_unknown_columns(cohort):
    bad = cohort.assign(fever=["yes", 0, 1, 0, 0, 1, 1])
    with pytest.raises(InputError) as err:
        _stratified(bad, [{"variable": "fever", "kind": "binary"}], "arm")
    assert (err.value.problems[0].row, err.value.problems[0].value) == (2, "yes")
    with pytest.raises(InputError, match="not in the data"):
        _stratified(cohort, [{"variable": "weight"}], "arm")
    with pytest.raises(InputError, match="Grouping variable"):
        _stratified(cohort, ROWS, "site")
    with pytest.raises(InputError, match="kind, statistic or missing rule"):
        _stratified(cohort, [{"variable": "age", "stat": "mode"}], "arm")


def test_not_computed_when_a_group_has_no_value():
    frame = pd.DataFrame({"g": list("aabb"), "x": [1.0, 2.0, np.nan, np.nan]})
    row = _row(_stratified(frame, [{"variable": "x"}], "g"), "x", "value")
    assert math.isnan(row["p_value"]) and row["method"].startswith("not computed")


def test_stratified_table_layout(cohort):
    stats = _stratified(cohort, ROWS, "arm")
    spec = _layout([{"label": "Age, years", "decimals": 0}, {"label": "Fever"}, {"label": "Sex"}], smd=True)
    table = build_stratified_table(stats, spec, bold_p_below=0.05)
    assert table.columns == ["Characteristic", "Overall (n = 6)", "A (n = 3)", "B (n = 3)", "p-Value", "SMD"]
    cells = {row.cells[0]: row for row in table.rows}
    age = cells["Age, years, median [Q1–Q3]"]
    assert age.cells[1:4] == ["40 [35–45]", "40 [35–45]", "40 [38–43]"]  # B: 35, 45 -> 37.5, 42.5 half up
    fever = cells["Fever, n (%)"].cells
    assert fever[1:4] == ["3 (50%)", "2 (67%)", "1 (33%)"]  # the patient without a group is left out
    assert isinstance(fever[4], Marked) and fever[4].text == "1.000"
    assert fever[5] == "0.71"  # |2/3 - 1/3| / sqrt(2/9) = 0.7071
    levels = [row for row in table.rows if row.indent == 1]
    assert [row.cells[0] for row in levels] == ["Missing", "female", "male", "other"]
    assert any("Fisher's exact test" in f for f in table.footnotes)
    assert any("1 patient with no group value" in f for f in table.footnotes)


def test_stratified_table_without_overall_or_p():
    frame = pd.DataFrame({"g": list("aabb"), "x": [1.0, 2.0, 3.0, 4.0]})
    stats = _stratified(frame, [{"variable": "x", "stat": "mean_sd"}], "g")
    table = build_stratified_table(stats, _layout([{}], overall=False, p_value=False))
    assert table.columns == ["Characteristic", "a (n = 2)", "b (n = 2)"]
    assert table.rows[0].cells == ["x, mean (SD)", "1.5 (0.7)", "3.5 (0.7)"]


def test_exact_test_beyond_its_enumeration_limit_falls_back_to_chi_square_and_says_so(monkeypatch):
    # as pbc's edema x stage (3x4, n = 412) does with the real limit of 5,000,000 tables
    monkeypatch.setattr("retrocohort.stats.contingency.FFH_MAX_TABLES", 10)
    counts = np.array([[5, 2, 1], [1, 4, 2], [0, 2, 6]])
    res = categorical_test(counts)
    assert res["test"] == "Pearson chi-square" and res["min_expected"] < 5
    assert "exact test is infeasible (more than 10 tables)" in res["method"]


def test_small_expected_count_on_a_larger_table_uses_fisher_freeman_halton():
    res = categorical_test(np.array([[3, 1], [1, 3], [2, 2]]))
    assert res["test"] == "Fisher-Freeman-Halton exact"
    assert res["min_expected"] == pytest.approx(2.0)
    assert res["method"].endswith("Chosen as an expected count is below 5.")


def test_kind_inference_and_count_alias():
    frame = pd.DataFrame(
        {
            "g": list("aabb"),
            "flag": pd.Series([True, None, False, True], dtype=object),
            "stage": [1, 2, 3, 4],
            "days": [3, 5, 7, 9],
        }
    )
    rows = [
        {"variable": "flag"},
        {"variable": "stage", "kind": "categorical"},
        {"variable": "days", "kind": "count"},
    ]
    kinds = _stratified(frame, rows, "g").drop_duplicates("variable").set_index("variable")["kind"]
    assert kinds.to_dict() == {"flag": "binary", "stage": "categorical", "days": "continuous"}


def test_a_group_called_overall_is_refused(cohort):
    with pytest.raises(InputError, match="named 'Overall'"):
        _stratified(cohort, ROWS, "arm", group_labels={"A": "Overall", "B": "B"})


def test_continuous_cell_says_n_when_values_are_missing_and_no_missing_row(cohort):
    stats = _stratified(cohort, [{"variable": "age", "missing": "no"}], "arm")
    cells = build_stratified_table(stats, _layout([{"decimals": 0}])).rows[0].cells
    assert cells[1:4] == ["40 [35–45] (n = 5)", "40 [35–45]", "40 [38–43] (n = 2)"]


# studies/pbc hepatomegaly by arm (R: d <- survival::pbc[!is.na(pbc$trt), ];
# tb <- table(d$hepato, d$trt) -> [[85, 67], [73, 87]]); chisq.test(tb)$p.value = 0.088208836824954076
# (Yates, R's default), chisq.test(tb, correct = FALSE)$p.value = 0.069034031257310738
HEPATO = pd.DataFrame(
    {
        "trt": ["d"] * 158 + ["p"] * 154,
        "hepato": [0] * 85 + [1] * 73 + [0] * 67 + [1] * 87,
    }
)
HEPATO_SPEC = {"kind": "descriptive", "by": "trt", "rows": [{"variable": "hepato"}]}


@pytest.mark.parametrize(
    ("statistics", "table", "p", "yates"),
    [
        ({"wilcoxon": {"preset": "R"}}, {}, 0.088208836824954076, True),  # follows the R preset
        ({"wilcoxon": {"preset": "retrocohort"}}, {}, 0.069034031257310738, False),  # gtsummary
        ({"wilcoxon": {"preset": "R"}, "chi_square": {"correction": False}}, {}, 0.069034031257310738, False),
        ({"chi_square": {"correction": True}}, {}, 0.088208836824954076, True),
        ({"wilcoxon": {"preset": "R"}}, {"correction": False}, 0.069034031257310738, False),  # the table wins
    ],
)
def test_yates_follows_the_r_preset_on_pbc_hepatomegaly(statistics, table, p, yates):
    from retrocohort.analysis.declared_tables import declared_table_statistics

    stats = declared_table_statistics(
        HEPATO, "t1", loaded_table({**HEPATO_SPEC, **table}), {}, loaded_statistics(statistics)
    )
    row = _row(stats, "hepato", "value")
    assert row["test"] == "Pearson chi-square"
    assert row["p_value"] == pytest.approx(p, rel=1e-12)
    assert ("with Yates continuity correction" in row["method"]) is yates
    assert ("R's chisq.test applies Yates" in row["method"]) is not yates  # the difference is named


def test_mann_whitney_r_preset_in_a_declared_table():
    # R: wilcox.test(c(3, 5, 5, 8, 10, 12), c(1, 2, 2, 5, 6)) -> W = 25, p = 0.079343683197715023
    # (ties: normal approximation with continuity correction); retrocohort: exact with ties
    from retrocohort.analysis.declared_tables import declared_table_statistics

    frame = pd.DataFrame({"g": list("aaaaaabbbbb"), "x": [3.0, 5, 5, 8, 10, 12, 1, 2, 2, 5, 6]})
    spec = {"kind": "descriptive", "by": "g", "rows": [{"variable": "x"}]}
    r = _row(
        declared_table_statistics(frame, "t", table(spec), {}, statistics({"wilcoxon": {"preset": "R"}})),
        "x",
        "value",
    )
    assert r["p_value"] == pytest.approx(0.079343683197715023, rel=1e-12) and r["statistic"] == 25
    assert "normal approximation" in r["method"]
    ours = declared_table_statistics(
        frame, "t", table(spec), {}, statistics({"mann_whitney": {"preset": "retrocohort"}})
    )
    assert "exact" in _row(ours, "x", "value")["method"]
    assert _row(ours, "x", "value")["p_value"] != pytest.approx(r["p_value"], rel=1e-3)


def test_footnote_defines_only_what_the_table_prints():
    """A table of medians only defines quartiles, not the SD (failed before: studies/pbc's
    labs_women_by_arm printed "SD with the n − 1 denominator" and no SD); a mean (SD) row or
    an SMD column brings the SD's definition back; a min–max row neither."""
    frame = pd.DataFrame({"g": list("aabb"), "x": [1.0, 2.0, 3.0, 4.0]})

    def note(stat: str, smd: bool = False) -> str:
        stats = _stratified(frame, [{"variable": "x", "stat": stat}], "g")
        return " ".join(build_stratified_table(stats, _layout([{}], smd=smd)).footnotes)

    assert "Quartiles by" in note("median_iqr") and "n − 1" not in note("median_iqr")
    assert "n − 1" in note("mean_sd") and "Quartiles" not in note("mean_sd")
    assert "n − 1" in note("median_iqr", smd=True)
    assert "n − 1" not in note("min_max") and "Quartiles" not in note("min_max")


def test_a_table_of_all_patients_has_no_p_or_smd_column_although_they_are_asked():
    # init's draft Table 1 (no `by:`) printed an empty "p-Value" column (user trial, flchain)
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0]})
    stats = _stratified(frame, [{"variable": "x", "stat": "mean_sd"}], None)
    table = build_stratified_table(stats, _layout([{}], p_value=True, smd=True))
    assert table.columns == ["Characteristic", "Overall (n = 4)"]
    assert not any("p-value" in f.lower() for f in map(str, table.footnotes))


def test_missing_values_as_a_footnote_with_their_counts_overall_and_per_group(cohort):
    # user trial, flchain: the creatinine footnote was typed by hand (counts not traced)
    stats = _stratified(cohort, ROWS, "arm", missing="footnote")
    missing = _row(stats, "age", "missing")  # the record stays in the statistics file
    assert missing["count@Overall"] == 1 and missing["count@B"] == 1
    spec = _layout([{"label": "Age"}, {"label": "Fever"}, {"label": "Sex"}], missing="footnote")
    table = build_stratified_table(stats, spec)
    assert "Missing" not in [row.cells[0] for row in table.rows]
    age = next(row for row in table.rows if row.cells[0].startswith("Age"))
    assert not any("(n = " in str(c) for c in age.cells)  # the footnote says it, not the cells
    assert "Age: missing for 1 (17%) of the 6 patients (A: 0 (0%); B: 1 (33%))." in table.footnotes


def test_header_counts_are_grouped_as_the_tables_numbers(cohort):
    """A user's Word table printed "Control (n = 14004)" above "5,823.0": a header count is
    grouped from the table's thousands_min up, like the cells."""
    from retrocohort.render.number_style import NumberStyle

    stats = _stratified(cohort, ROWS, "arm")
    spec = _layout([{"label": "Age, years", "decimals": 0}, {"label": "Fever"}, {"label": "Sex"}])
    assert build_stratified_table(stats, spec, style=NumberStyle(thousands_min=5)).columns[1:4] == [
        "Overall (n = 6)",
        "A (n = 3)",
        "B (n = 3)",
    ]
    big = stats.assign(**{c: stats[c] * 10_000 for c in stats.columns if c.startswith("n_group@")})
    columns = build_stratified_table(big, spec, style=NumberStyle()).columns
    assert columns[1:4] == ["Overall (n = 60,000)", "A (n = 30,000)", "B (n = 30,000)"]
    # one header of 10,000 or more groups every header count from 1,000 up (a row decision)
    mixed = big.assign(**{"n_group@A": 3514})
    assert build_stratified_table(mixed, spec, style=NumberStyle()).columns[2] == "A (n = 3,514)"
    small = stats.assign(**{c: 3514 for c in stats.columns if c.startswith("n_group@")})
    assert build_stratified_table(small, spec, style=NumberStyle()).columns[2] == "A (n = 3514)"
    spaced = build_stratified_table(big, spec, style=NumberStyle(thousands_sep="\u202f")).columns
    assert spaced[1] == "Overall (n = 60\u202f000)"
