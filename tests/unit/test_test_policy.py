"""The registry of tests and the one test policy: every choosable test is registered with its
sentence, R equivalent and reference; the policy picks by kind and design, per caller, with the
table's and the study's settings; an unknown name is a config error naming its key path; a
declared table choosing Welch's t-test prints that test in its footnote."""

from __future__ import annotations

import inspect

import numpy as np
import pandas as pd
import pytest
from loaded_sections import descriptive_options, items, statistics, table

from retrocohort.analysis import groups, paired, stratified
from retrocohort.analysis.groups import group_statistics
from retrocohort.analysis.paired import compare_parameter
from retrocohort.analysis.stratified import stratified_statistics
from retrocohort.analysis.test_policy import CALLERS, caller_defaults, choose_test, resolve_tests
from retrocohort.config.check import SCHEMA_PATH, read_yaml
from retrocohort.errors import ConfigError
from retrocohort.manuscript.method_sentences import REGISTRY, method_lines, methods_used
from retrocohort.stats.registry import INPUTS, SLOTS, TESTS, by_recorded_name, choosable
from retrocohort.tables.cohort_tables import build_stratified_table

SCHEMA = read_yaml(SCHEMA_PATH)
DATA = {
    "table": np.array([[8, 3], [2, 9]]),
    "two_samples": ([5.1, 4.9, 6.2, 5.8, 6.0], [4.1, 4.5, 3.9, 5.0]),
    "k_samples": ([5.1, 4.9, 6.2], [4.1, 4.5, 3.9], [7.0, 6.5, 6.9]),
    "differences": [1.2, 0.8, -0.3, 1.5, 0.9],
    "binary_pairs": ([1, 1, 0, 0, 1, 0], [0, 1, 1, 1, 1, 1]),
}


def _stratified(frame, rows, by, **options):
    """:func:`stratified_statistics` with a loaded descriptive table's settings unless given."""
    return stratified_statistics(frame, rows, by, **{**descriptive_options(), **options})


def _run(entry):
    data = DATA[entry.inputs]
    return entry.function(*data) if entry.inputs in ("two_samples", "binary_pairs") else entry.function(data)


@pytest.mark.parametrize("name", sorted(TESTS))
def test_every_entry_has_sentence_r_and_reference_and_records_its_name(name):
    entry = TESTS[name]
    assert entry.name == name and entry.inputs in INPUTS and set(entry.slots) <= set(SLOTS)
    assert entry.sentence and entry.r_equivalent and entry.reference and entry.title
    if entry.inputs != "other":
        res = _run(entry)
        # a rule records the test it chose; every other test records its own name
        assert res.test == entry.test or (not entry.test and res.test in {e.test for e in TESTS.values()})


def test_every_recorded_test_has_its_method_sentence_from_the_registry():
    for entry in TESTS.values():
        if entry.test:
            assert REGISTRY[entry.test].reference == entry.reference
            assert REGISTRY[entry.test].r_equivalent == entry.r_equivalent
    assert by_recorded_name("Welch t-test") is TESTS["welch_t"]


def test_schema_enums_are_the_registered_tests_of_each_slot():
    """The config can name exactly the registered tests of a slot (a new test's registration
    and its schema enum go together)."""
    slots = SCHEMA["$defs"]["tests"]["properties"]
    assert sorted(slots) == sorted(SLOTS)
    for slot in SLOTS:
        assert slots[slot]["enum"] == choosable(slot), slot


def test_every_test_a_caller_can_choose_is_registered():
    for caller in CALLERS:
        for slot, name in caller_defaults(caller).items():
            assert slot in TESTS[name].slots, (caller, slot, name)
    for name in ("sign", "paired_t"):  # statistics.extra_tests
        assert "continuous_paired" in TESTS[name].slots
    assert set(SCHEMA["properties"]["statistics"]["properties"]["extra_tests"]["items"]["enum"]) <= set(TESTS)


def test_callers_choose_through_the_policy():
    for module in (stratified, groups, paired):
        assert "choose_test(" in inspect.getsource(module), module.__name__


@pytest.mark.parametrize(
    ("caller", "kind", "n", "expected"),
    [
        ("descriptive", "binary", 2, "chi_square_or_exact"),  # gtsummary's add_p rule
        ("comparison", "binary", 2, "fisher"),  # historical groups.csv default
        ("descriptive", "categorical", 3, "chi_square_or_exact"),
        ("descriptive", "continuous", 2, "mann_whitney"),
        ("descriptive", "count", 4, "kruskal_wallis"),
        ("comparison", "count", 2, "mann_whitney"),
        ("paired", "continuous", None, "wilcoxon_signed_rank"),
        ("paired", "binary", None, "mcnemar"),
    ],
)
def test_default_choice_per_caller_kind_and_design(caller, kind, n, expected):
    assert choose_test(resolve_tests(caller), kind, n).name == expected


def test_table_setting_wins_over_study_setting_over_default():
    study = {"tests": {"continuous_two_groups": "welch_t", "binary_two_groups": "fisher"}}
    policy = resolve_tests("descriptive", study, {"binary_two_groups": "chi_square"}, "tables/t/tests")
    assert choose_test(policy, "continuous", 2).name == "welch_t"
    assert choose_test(policy, "binary", 2).name == "chi_square"
    assert choose_test(policy, "continuous", 3).name == "kruskal_wallis"


@pytest.mark.parametrize(
    ("statistics", "own", "path", "value", "expected"),
    [
        (
            {"tests": {"continuous_two_groups": "student_t"}},
            None,
            "statistics/tests/continuous_two_groups",
            "student_t",
            ["mann_whitney", "welch_t"],
        ),
        (
            {},
            {"continuous_paired": "fisher"},
            "tables/t1/tests/continuous_paired",
            "fisher",
            ["wilcoxon_signed_rank", "paired_t", "sign"],
        ),
        (
            {},
            {"continuous_3_groups": "welch_t"},
            "tables/t1/tests/continuous_3_groups",
            "continuous_3_groups",
            list(SLOTS),
        ),
    ],
)
def test_unknown_test_is_a_config_error_naming_key_path_and_registered_names(
    statistics, own, path, value, expected
):
    with pytest.raises(ConfigError) as err:
        resolve_tests("descriptive", statistics, own, "tables/t1/tests")
    (problem,) = err.value.problems
    assert problem.column == path and problem.value == value
    assert problem.expected.startswith(f"one of {expected}")


def test_schema_refuses_an_unknown_test_name_at_load():
    from jsonschema import Draft202012Validator

    config_part = {"tests": {"continuous_two_groups": "student_t"}}
    validator = Draft202012Validator(SCHEMA["properties"]["statistics"] | {"$defs": SCHEMA["$defs"]})
    (error,) = validator.iter_errors(config_part)
    assert list(error.absolute_path) == ["tests", "continuous_two_groups"]
    assert "mann_whitney" in error.message and "welch_t" in error.message


def _two_arms() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "arm": ["A"] * 5 + ["B"] * 4,
            "age": [5.1, 4.9, 6.2, 5.8, 6.0, 4.1, 4.5, 3.9, 5.0],
            "fever": [1, 0, 1, 1, 1, 0, 0, 1, 0],
        }
    )


def test_declared_table_choosing_welch_prints_that_test_in_its_footnote():
    """e2e-light: a descriptive table spec with ``tests: {continuous_two_groups: welch_t}`` (the
    statistics through the policy, then the table as rule cohort_table builds it)."""
    spec = {
        "kind": "descriptive",
        "by": "arm",
        "tests": {"continuous_two_groups": "welch_t"},
        "rows": [{}, {}],
    }
    policy = resolve_tests("descriptive", {}, spec["tests"], "tables/t1/tests")
    rows = [{"variable": "age", "stat": "mean_sd"}, {"variable": "fever"}]
    stats = _stratified(_two_arms(), rows, "arm", tests=policy, source="tables/t1")
    age = stats[stats["variable"] == "age"].iloc[0]
    assert age["test"] == "Welch t-test"
    assert age["p_value"] == pytest.approx(0.0104229, abs=1e-6)  # R: t.test(age ~ arm)$p.value
    loaded = table({**spec, "rows": rows})  # as the rule gives it: defaults filled
    layout = {
        **loaded,
        "rows": [{"decimals": loaded["decimals"], "pct_decimals": loaded["pct_decimals"]}] * 2,
    }
    formatted = build_stratified_table(stats, layout)
    footnotes = [str(getattr(f, "text", f)) for f in formatted.footnotes]
    assert "Welch's t-test." in footnotes, footnotes  # the registry's title of the test
    assert any("Fisher" in f for f in footnotes)  # the binary row keeps the descriptive default
    used = methods_used({"t1.csv": stats.to_dict("records")})
    sentences = [line.sentence for line in method_lines(used, {"quantile_type": 7})]
    assert any(s.startswith("Welch's unequal-variances t-test (Welch 1947), two-sided") for s in sentences)


def test_group_comparison_and_paired_table_choose_t_tests_by_config():
    frame = _two_arms().assign(arm=lambda f: f["arm"].map({"A": True, "B": False}))
    variables = {"age": {"kind": "continuous"}, "arm": {"kind": "binary"}}
    spec = {"id": "c", "outcome": "age", "group_variable": "arm", "groups": {"True": "A", "False": "B"}}
    default = group_statistics(frame, items("groups", [spec]), variables, {}, statistics(), set())
    welch = group_statistics(
        frame,
        items("groups", [{**spec, "tests": {"continuous_two_groups": "welch_t"}}]),
        variables,
        {},
        statistics(),
        set(),
    )
    assert default.iloc[-1]["test"] == "Mann-Whitney U"
    assert welch.iloc[-1]["test"] == "Welch t-test" and welch.iloc[-1]["p_value"] == pytest.approx(
        0.0104229, abs=1e-6
    )
    pairs = pd.DataFrame({"before": [1.0, 2.0, 3.0, 4.0, 5.0], "after": [2.2, 2.8, 2.7, 5.5, 5.9]})
    rows = compare_parameter(
        "lab", "continuous", pairs, statistics({"tests": {"continuous_paired": "paired_t"}})
    )
    assert [r["test"] for r in rows] == ["paired t-test"] and rows[0]["role"] == "main"
    assert rows[0]["day0_median"] == 3.0  # the summaries stay with the main row
    assert rows[0]["details"]["mean_difference"] == pytest.approx(0.82)


def test_declared_table_statistics_honour_the_table_tests():
    from retrocohort.analysis.declared_tables import declared_table_statistics

    spec = {
        "kind": "descriptive",
        "by": "arm",
        "tests": {"continuous_two_groups": "welch_t"},
        "rows": [{"variable": "age"}],
    }
    variables = {"age": {"kind": "continuous"}, "arm": {"kind": "categorical", "categories": ["A", "B"]}}
    stats = declared_table_statistics(_two_arms(), "t1", table(spec), variables, statistics())
    assert stats[stats["variable"] == "age"].iloc[0]["test"] == "Welch t-test"


def test_every_registered_test_has_a_paragraph_of_the_methods_section():
    """A registered test's sentence is printed (it failed for Welch before the paragraphs' keys
    came from the registry: its line was dropped)."""
    from retrocohort.manuscript import methods

    placed = (
        set(methods.PAIRED_KEYS)
        | set(methods.REPEATED_KEYS)
        | set(methods.GROUP_KEYS)
        | set(methods.SURVIVAL_KEYS)
        | set(methods.REGRESSION_KEYS)  # the models' global p and proportional-hazards test
    )
    recorded = {e.test for e in TESTS.values() if e.test}
    assert recorded <= placed and recorded <= set(methods.TEST_KEYS), recorded - placed


def test_methods_section_names_welch_and_the_paired_t_test():
    from retrocohort.manuscript.methods import methods_markdown
    from retrocohort.stats.welch_t import welch_t

    config = {
        "statistics": {
            "quantile_type": 7,
            "rounding": "half_up",
            "p_value": {"decimals": 3, "threshold": 0.001},
        },
        "study": {"title": "t"},
        "tables": {},
        "paired_days": [0, 7],
    }
    welch = {
        **welch_t([5.1, 4.9, 6.2], [4.1, 4.5, 3.9]).to_dict(flat=False),
        "comparison_label": "Age by arm",
    }
    pt = {**TESTS["paired_t"].function([1.2, 0.8, -0.3]).to_dict(flat=False), "label": "CRP", "role": "main"}
    text = methods_markdown(config, {"groups.json": [welch], "table3_paired.json": [pt]}, synthetic=False)
    assert "Between groups: Welch's unequal-variances t-test (Welch 1947), two-sided" in text
    body, supplement = text.split("### Supplementary note: computational details")
    assert "Paired Student t-test on the differences (CRP)" in body
    assert "Paired t-test: n - 1 df" in supplement
    assert "Welch BL." in text and "Student. The probable error" in text
