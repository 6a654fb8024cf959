"""A descriptive table (Table 1 by group) on a treatment comparison's matched or weighted sample
(``kind: descriptive`` with ``sample:``): weighted numbers, design-based tests (the matched sets
as clusters), the formatted table saying so, and what has no weighted version refused at load.

Before this change a descriptive table could not declare ``sample:`` (the schema refused the
key), so a Table 1 of the matched or weighted sample could not be made; the numbers themselves
are checked against R in tests/r_oracle/test_design_tests_vs_r.py."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from study_edits import problems_after_edit

from retrocohort.analysis.analysis_sample import SET_COLUMN, WEIGHT_COLUMN
from retrocohort.analysis.declared_tables import declared_table_statistics
from retrocohort.analysis.stratified import stratified_statistics
from retrocohort.config.sample_tables import sample_descriptive_problems
from retrocohort.errors import ConfigError
from retrocohort.stats.design_based import design_t_test, rao_scott_test, weighted_mean_sd
from retrocohort.tables.sample_descriptive_table import weighted_count_text

VARIABLES = {
    "treated": {"kind": "binary"},
    "age": {"kind": "continuous"},
    "male": {"kind": "binary"},
    "stage": {"kind": "categorical", "categories": ["I", "II", "III"]},
}
SPEC = {
    "kind": "descriptive",
    "sample": "iptw",
    "by": "treated",
    "missing": "ifany",
    "exact_max_n": 50,
    "rows": [
        {"variable": "age", "stat": "mean_sd"},
        {"variable": "male"},
        {"variable": "stage"},
    ],
}


def _sample(matched: bool, n: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(27)
    treated = np.repeat([True, False], n // 2)
    frame = pd.DataFrame(
        {
            "treated": treated,
            "age": rng.normal(60, 10, n).round(1) + 4 * treated,
            "male": rng.random(n) < np.where(treated, 0.6, 0.4),
            "stage": rng.choice(["I", "II", "III"], n),
            WEIGHT_COLUMN: 1.0 if matched else rng.uniform(0.2, 3.0, n).round(3),
        },
        index=pd.Index([f"P{i:02d}" for i in range(n)], name="patient_id"),
    )
    if matched:  # treated i with control i: pairs as clusters
        frame[SET_COLUMN] = [str(i % (n // 2)) for i in range(n)]
    return frame


def _stats(frame: pd.DataFrame) -> pd.DataFrame:
    return declared_table_statistics(frame, "t1w", SPEC, VARIABLES, {"quantile_type": 7})


@pytest.mark.parametrize("matched", [False, True])
def test_the_numbers_are_weighted_and_the_tests_design_based(matched):
    frame = _sample(matched)
    stats = _stats(frame).set_index("variable")
    w = frame[WEIGHT_COLUMN].to_numpy(dtype=float)
    sets = frame[SET_COLUMN].to_numpy() if matched else None
    treated = frame["treated"].to_numpy()
    mean, sd = weighted_mean_sd(frame["age"].to_numpy()[treated], w[treated])
    age = stats.loc["age"]
    assert age["mean@True"] == pytest.approx(mean, rel=1e-12)
    assert age["sd@True"] == pytest.approx(sd, rel=1e-12)
    direct = design_t_test(frame["age"], treated.astype(float), w, sets)
    assert age["p_value"] == pytest.approx(direct.p_value, rel=1e-12)
    assert age["test"] == "Design-based t-test"
    male = stats.loc["male"]
    share = 100 * w[treated & frame["male"].to_numpy()].sum() / w[treated].sum()
    assert male["percent@True"] == pytest.approx(share, rel=1e-12)
    assert male["count@True"] == pytest.approx(w[treated & frame["male"].to_numpy()].sum(), rel=1e-12)
    rao = rao_scott_test(frame["male"].astype(float), treated.astype(float), w, sets)
    assert male["p_value"] == pytest.approx(rao.p_value, rel=1e-12)
    stage = stats[stats["row_type"] == "variable"].loc["stage"]
    assert stage["test"] == "Rao-Scott chi-square"
    # never the naive test: the unweighted table's p-value (Mann-Whitney, chi-square) is another
    naive = stratified_statistics(
        frame,
        [{"variable": "age", "kind": "continuous"}],
        "treated",
        hf_type=7,
        missing="ifany",
        exact_max_n=50,
    )
    assert naive["p_value"].iloc[0] != pytest.approx(age["p_value"], rel=1e-3)
    if matched:  # the pairs as clusters: not the independent-patients variance
        assert age["p_value"] != pytest.approx(design_t_test(frame["age"], treated, w).p_value, rel=1e-6)
    else:  # the weights count: the weighted mean is not the plain one
        assert mean != pytest.approx(frame["age"][treated].mean(), rel=1e-6)


def test_a_median_is_refused_where_it_would_be_computed():
    spec = {**SPEC, "rows": [{"variable": "age", "stat": "median_iqr"}]}
    with pytest.raises(ConfigError, match="weighted version"):
        declared_table_statistics(_sample(False), "t1w", spec, VARIABLES, {"quantile_type": 7})


def test_weighted_counts_print_whole_when_whole():
    assert weighted_count_text(30.0, 50.0, 0, "half_up") == "30 (50%)"
    assert weighted_count_text(30.25, 49.96, 1, "half_up") == "30.3 (50.0%)"


@pytest.mark.parametrize(
    "edit, column, value",
    [
        ({"rows": [{"variable": "age"}]}, "tables/t1w/rows/0/stat", "median_iqr"),
        ({"rows": [{"variable": "age", "stat": "min_max"}]}, "tables/t1w/rows/0/stat", "min_max"),
        (
            {"tests": {"continuous_two_groups": "welch_t"}},
            "tables/t1w/tests",
            {"continuous_two_groups": "welch_t"},
        ),
        ({"by": None}, "tables/t1w/by", None),
        ({"by": "stage"}, "tables/t1w/p_value", True),  # three groups and a continuous row
        ({"missing": "footnote"}, "tables/t1w/missing", "footnote"),
    ],
)
def test_what_has_no_weighted_version_is_refused_at_load(edit, column, value):
    spec = {**SPEC, **edit}
    problems = sample_descriptive_problems({"variables": VARIABLES, "tables": {"t1w": spec}}, "config.yaml")
    hit = [p for p in problems if p.column == column]
    assert hit and hit[0].value == value and hit[0].expected
    assert sample_descriptive_problems({"variables": VARIABLES, "tables": {"t1w": SPEC}}, "config.yaml") == []


def test_the_shipped_study_declares_a_weighted_table_one_that_loads(root, tmp_path, monkeypatch):
    study = root / "studies" / "rotterdam"
    assert problems_after_edit(study, tmp_path, monkeypatch, lambda c: None) == []
    edit = lambda c: c["tables"]["table1_weighted"].update(sample="iptw")  # noqa: E731
    problems = problems_after_edit(study, tmp_path, monkeypatch, edit)
    assert [p.column for p in problems] == ["tables/table1_weighted/sample"]


STATS_CFG = {"p_value": {"decimals": 3, "threshold": 0.001}, "rounding": "half_up"}


@pytest.mark.parametrize("matched", [False, True])
def test_a_comparison_on_a_sample_is_weighted_and_design_based(matched):
    from retrocohort.analysis.sample_groups import sample_group_statistics

    frame = _sample(matched)
    comparisons = [
        {"id": "male", "outcome": "male", "group_variable": "treated", "groups": {"False": "C", "True": "T"}},
        {"id": "age", "outcome": "age", "group_variable": "treated", "groups": {"False": "C", "True": "T"}},
    ]
    stats = sample_group_statistics(frame, comparisons, VARIABLES, {}, STATS_CFG, "tables/c")
    w = frame[WEIGHT_COLUMN].to_numpy(dtype=float)
    sets = frame[SET_COLUMN].to_numpy() if matched else None
    treated = frame["treated"].to_numpy()
    tests = stats[stats["role"] == "test"].set_index("comparison")
    rao = rao_scott_test(frame["male"].astype(float), treated.astype(float), w, sets)
    assert tests.loc["male", "p_value"] == pytest.approx(rao.p_value, rel=1e-12)
    t = design_t_test(frame["age"], treated.astype(float), w, sets)
    assert tests.loc["age", "p_value"] == pytest.approx(t.p_value, rel=1e-12)
    summary = stats[(stats["role"] == "summary") & (stats["comparison"] == "male")].set_index("group")
    male = frame["male"].to_numpy()
    assert summary.loc["T", "percent"] == pytest.approx(100 * w[treated & male].sum() / w[treated].sum())
    from retrocohort.manuscript.namespace import TextStyle
    from retrocohort.manuscript.sources_tests import groups_entries
    from retrocohort.render.number_style import NumberStyle

    style = TextStyle(NumberStyle(), {"decimals": 3, "threshold": 0.001, "rule": "half_up"})
    space = groups_entries(stats.to_dict("records"), "c.json", style, "tables.c")
    text = weighted_count_text(summary.loc["T", "count"], summary.loc["T", "percent"], 0, "half_up")
    assert space["tables.c.male.true.count_pct"].text() == text


def test_a_comparison_on_a_sample_refuses_a_chosen_test_and_the_study_groups_table():
    from retrocohort.config.sample_tables import sample_comparison_problems

    comparison = {
        "id": "m",
        "outcome": "male",
        "group_variable": "treated",
        "tests": {"binary_two_groups": "fisher"},
    }
    tables = {
        "c": {"kind": "comparison", "sample": "psm", "comparisons": [comparison]},
        "groups": {"kind": "comparison", "sample": "psm", "comparisons": [{**comparison, "tests": None}]},
    }
    columns = [p.column for p in sample_comparison_problems({"tables": tables}, "config.yaml")]
    assert "tables/c/comparisons/0/tests" in columns and "tables/groups/sample" in columns


def test_the_results_keys_of_a_weighted_cell_print_what_the_table_prints():
    """Before: ``tables.<id>.<variable>.<group>.count_pct`` truncated the sums of the weights to
    integers and recomputed the percentage from them; here (a sum of weights above the group's
    patients) building the Results keys failed with a ValueError."""
    from retrocohort.config.check import SCHEMA_PATH, read_yaml
    from retrocohort.config.study import fill_defaults
    from retrocohort.manuscript.sources_declared import descriptive_entries
    from retrocohort.tables.sample_descriptive_table import build_sample_descriptive

    frame = _sample(False)
    stats = _stats(frame)
    config = fill_defaults(
        {"statistics": {}, "variables": VARIABLES, "tables": {"t1w": {**SPEC, "pct_decimals": 1}}},
        read_yaml(SCHEMA_PATH),
    )
    records = stats.to_dict("records")
    space = descriptive_entries(records, "t1w.json", "t1w", config)
    male = stats[stats["variable"] == "male"].iloc[0]
    assert male["count@True"] != round(male["count@True"])  # a sum of weights, not a count
    entry = space["tables.t1w.male.true.count_pct"]
    table = build_sample_descriptive(stats, "t1w", config, len(frame))
    cells = [c for row in table.rows for c in row.cells]
    assert entry.text() in cells
    assert entry.text() == weighted_count_text(male["count@True"], male["percent@True"], 1, "half_up")


def test_the_methods_page_knows_the_design_based_tests():
    """Before: the methods rule refused a sample table's records ("unregistered test")."""
    from retrocohort.manuscript.method_sentences import REGISTRY, methods_used

    used = methods_used({"t1w.json": _stats(_sample(True)).to_dict("records")})
    assert {"Design-based t-test", "Rao-Scott chi-square"} <= set(used)
    assert "Rao-Scott second-order" in REGISTRY["Rao-Scott chi-square"].describe(
        used["Rao-Scott chi-square"], {}
    )


def test_the_methods_section_names_the_design_based_tests_between_groups():
    """Before: the Methods section left them out (no section listed their keys)."""
    from retrocohort.config.check import SCHEMA_PATH, read_yaml
    from retrocohort.config.study import fill_defaults
    from retrocohort.manuscript.methods import method_sections

    config = fill_defaults({"statistics": {}}, read_yaml(SCHEMA_PATH))
    sections = method_sections(config, {"t1w.json": _stats(_sample(True)).to_dict("records")})
    between = next(s for s in sections if s.intro == "Between groups:")
    text = " ".join(line.sentence for line in between.lines)
    assert "Rao-Scott second-order correction" in text and "design-based t-test" in text
