"""The methods section names exactly the tests and estimators the statistics records used
(registry retrocohort.manuscript.method_sentences): records built by the real stats functions,
so the keys are those the pipeline writes."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from docutils.core import publish_doctree

from retrocohort.errors import InputError
from retrocohort.manuscript.method_sentences import (
    REGISTRY,
    method_lines,
    methods_used,
    record_keys,
    split_details,
)
from retrocohort.manuscript.methods import SUPPLEMENT_HEADING, methods_markdown, methods_rst
from retrocohort.stats import (
    chi_square_independence,
    cox_regression,
    fisher_exact_2x2,
    friedman,
    hodges_lehmann_paired,
    kruskal_wallis,
    logistic_regression,
    logrank,
    mann_whitney,
    mcnemar,
    median_survival,
    wilcoxon_preset,
    wilcoxon_signed_rank,
)

STATS = Path(__file__).resolve().parents[2] / "src/retrocohort/stats"
RNG = np.random.default_rng(7)

CONFIG = {
    "statistics": {
        "quantile_type": 7,
        "rounding": "half_up",
        "p_value": {"decimals": 3, "threshold": 0.001},
        "multiplicity": "none",
        "hodges_lehmann": {"conf_level": 0.95},
    },
    "study": {"title": "t", "synthetic_note": "Synthetic: invented."},
    "tables": {},
    "paired_days": [0, 7],
}


def _paired(n: int = 12, preset: str = "retrocohort", label: str = "CRP (mg/L)") -> dict:
    d = np.round(RNG.normal(1.0, 2.0, n), 1)
    res = wilcoxon_signed_rank(d, decimals=6, **wilcoxon_preset(preset))
    hl = hodges_lehmann_paired(d, convention="R" if preset == "R" else "retrocohort")
    return {
        "label": label,
        "role": "main",
        "adjustment": "none",
        **res.to_dict(flat=False),
        "hl_method": hl.method,
        "hl_conf_level": 0.95,
        "rank_biserial": 0.3,
    }


def _fever() -> dict:
    before = np.array([1, 1, 1, 1, 0, 1, 1, 0], dtype=bool)
    after = np.array([0, 0, 1, 0, 0, 0, 1, 0], dtype=bool)
    return {
        "label": "Fever",
        "role": "main",
        "adjustment": "none",
        **mcnemar(before, after).to_dict(flat=False),
    }


def _declared_descriptive() -> list[dict]:
    """Rows of a declared Table 1 by arm (as analysis.stratified writes them)."""
    x, y = RNG.normal(50, 10, 40), RNG.normal(52, 10, 45)
    chi = chi_square_independence(np.array([[20, 25], [20, 20]]), correction=False)
    return [
        {
            "variable": "age",
            **mann_whitney(x, y).to_dict(),
            "smd": 0.2,
            "quantile_method": "Hyndman–Fan type 7",
        },
        {"variable": "sex", **chi.to_dict(), "smd": 0.1},
        {"variable": "sex", "row_type": "level", "test": None, "method": None, "smd": None},
    ]


def _survival() -> list[dict]:
    t = RNG.exponential(10, 40)
    e = (RNG.random(40) < 0.7).astype(float)
    g = np.repeat(["a", "b"], 20)
    return [
        {
            "analysis_label": "Overall survival",
            "role": "km",
            "ci_type": "log-log",
            "conf_level": 0.95,
            "method": "Kaplan–Meier estimate; pointwise 95% CI, log-log transform of Greenwood's variance.",
        },
        {"analysis_label": "Overall survival", "role": "median", "method": median_survival(t, e).method},
        {"analysis_label": "Overall survival", "role": "logrank", **logrank(t, e, g).to_dict(flat=False)},
    ]


def _regression() -> list[dict]:
    n = 60
    frame = pd.DataFrame(
        {
            "time": RNG.exponential(10, n),
            "event": RNG.random(n) < 0.7,
            "age": RNG.normal(50, 10, n),
            "arm": np.repeat(["a", "b"], n // 2),
        }
    )
    frame["dead"] = RNG.random(n) < 0.4
    cox = (
        cox_regression(frame, "time", "event", ["age", "arm"], reference_levels={"arm": "a"})
        .to_frame()
        .to_dict("records")
    )
    logit = (
        logistic_regression(frame, "dead", ["age", "arm"], reference_levels={"arm": "a"})
        .to_frame()
        .to_dict("records")
    )
    return cox + logit


def pbc_like() -> dict:
    """A study like studies/pbc: declared Table 1 by arm, paired continuous table (no binary
    parameter), survival with log-rank, Cox and logistic models."""
    return {
        "results/stats/baseline_by_arm.json": _declared_descriptive(),
        "results/stats/table3_paired.json": [_paired(label="Serum bilirubin (mg/dL)")],
        "results/stats/survival.json": _survival(),
        "results/stats/cox_survival.json": _regression(),
    }


PBC_CONFIG = {
    **CONFIG,
    "time_points": {
        "baseline": {"day": 0, "window": [0, 0], "label": "Baseline"},
        "year1": {"day": 365, "window": [300, 430], "rule": "closest", "tie": "earlier", "label": "1 year"},
    },
    "paired_time_points": ["baseline", "year1"],
}


def test_every_test_the_stats_modules_name_has_a_method_sentence():
    names = {m for path in STATS.glob("*.py") for m in re.findall(r'\btest="([^"]+)"', path.read_text())}
    assert names, "no test name found: the pattern no longer matches the stats modules"
    assert names <= set(REGISTRY), names - set(REGISTRY)


def test_every_entry_has_a_sentence_an_r_equivalent_and_a_reference():
    for entry in REGISTRY.values():
        assert entry.r_equivalent and re.search(r"(19|20)\d\d", entry.reference), entry.key


def test_a_row_that_computed_nothing_uses_no_method():
    assert record_keys({"test": "McNemar", "method": "not computed: fewer than 2 pairs"}) == []
    assert record_keys({"role": "median", "method": "not computed: no patient with a complete time"}) == []


def test_pbc_like_study_names_its_methods_and_nothing_else():
    text = methods_markdown(PBC_CONFIG, pbc_like(), synthetic=False)
    for phrase in (
        "Kaplan–Meier",
        "Cox proportional-hazards",
        "Logistic regression",
        "chi-square",
        "Mann–Whitney",
        "Standardised mean differences",
        "log-rank",
        "Baseline and 1 year",
        "Wilcoxon signed-rank",
    ):
        assert phrase in text, phrase
    for phrase in ("McNemar", "Day 7", "HScore", "Fisher", "Friedman", "Synthetic", "adjusted with"):
        assert phrase not in text, phrase


def test_flagship_like_study_names_its_paired_tests():
    sources = {"results/stats/table3_paired.json": [_fever(), _paired()]}
    hscore = {"window_days": [-3, 0], "cutoff": 169, "operator": ">", "columns": {}}
    config = {**CONFIG, "hscore": hscore, "selection": {"score": "recomputed"}}
    text = methods_markdown(config, sources, synthetic=True)
    assert "HScore" in text and "within days -3 to 0, diagnostic cut-off > 169" in text
    assert "Day 0 and Day 7 values were compared" in text
    assert (
        "McNemar test for paired binary values, exact binomial test on the discordant pairs (Fever)" in text
    )
    assert "Wilcoxon signed-rank" in text and "(CRP (mg/L))" in text
    assert "Kaplan" not in text and "regression" not in text and "Between groups" not in text
    refs = (
        text.split("### References")[1].split(f"### {SUPPLEMENT_HEADING}")[0].strip().split("\n\n")
    )  # HScore, Wilcoxon, McNemar, HL, rank-biserial
    assert [r.split(".")[0] for r in refs] == ["1", "2", "3", "4", "5"] and refs[0].startswith("1. Fardet L")
    assert "† Synthetic: invented." in text


def test_descriptive_only_study_has_no_test_paragraph():
    sources = {"results/stats/table1.csv": [{"variable": "age", "quantile_type": 7, "synthetic": False}]}
    text = methods_markdown(CONFIG, sources, synthetic=False)
    assert "Hyndman and Fan (1996), type 7" in text
    assert "two-sided" not in text and "compared" not in text and "adjusted" not in text


def test_wilcoxon_sentence_says_which_null_was_used():
    r_normal = _paired(n=80, preset="R")
    (line,) = [
        x
        for x in method_lines(methods_used({"p": [r_normal]}), CONFIG["statistics"])
        if x.key == "Wilcoxon signed-rank"
    ]
    assert "normal approximation" in line.sentence and "continuity correction" in line.sentence
    assert "exact" not in line.sentence
    retro_exact = _paired(n=12)
    (line,) = [
        x
        for x in method_lines(methods_used({"p": [retro_exact]}), CONFIG["statistics"])
        if x.key == "Wilcoxon signed-rank"
    ]
    assert "exact conditional null" in line.sentence and "up to n = 50" in line.sentence
    assert "rounded to 6 decimals before ranking" in line.sentence  # details.decimals of the record


def test_chi_square_sentence_says_whether_yates_was_applied():
    table = np.array([[12, 8], [5, 15]])
    for correction, phrase in ((True, "with Yates"), (False, "without continuity correction")):
        rec = chi_square_independence(table, correction=correction).to_dict()
        (line,) = method_lines(methods_used({"t": [rec]}), CONFIG["statistics"])
        assert phrase in line.sentence
    # Yates applies to 2x2 tables only: a 3x2 table's "without" does not contradict it
    larger = chi_square_independence(np.array([[12, 8], [5, 15], [7, 7]]), correction=True).to_dict()
    yates = chi_square_independence(table, correction=True).to_dict()
    (line,) = method_lines(methods_used({"t": [yates, larger]}), CONFIG["statistics"])
    assert "with Yates' continuity correction on 2x2 tables" in line.sentence


def test_other_tests_are_recognised_from_real_records():
    records = [
        fisher_exact_2x2(np.array([[3, 1], [1, 3]])).to_dict(),
        kruskal_wallis([RNG.normal(size=8), RNG.normal(size=8), RNG.normal(size=8)]).to_dict(),
        friedman(RNG.normal(size=(10, 3))).to_dict(),
    ]
    assert list(methods_used({"t": records})) == ["Friedman", "Kruskal-Wallis", "Fisher exact"]


def test_an_unregistered_test_is_a_clear_error():
    with pytest.raises(InputError) as err:
        methods_used({"results/stats/t.json": [{"test": "Brunner-Munzel", "method": "BM test"}]})
    text = str(err.value)
    assert "results/stats/t.json" in text and "Brunner-Munzel" in text and "method_sentences" in text


def test_report_rst_parses_without_docutils_messages():
    rst = methods_rst(PBC_CONFIG, pbc_like())
    doctree = publish_doctree(rst, settings_overrides={"report_level": 1, "halt_level": 5})
    messages = [n.astext() for n in doctree.findall() if n.tagname == "system_message"]
    assert not messages, messages
    assert "*R:* ``survival::survdiff(Surv(time, event) ~ group)``" in rst


def test_methods_paragraphs_are_prose_and_formulas_go_to_a_supplementary_note():
    """Formulas, software equivalents and algorithms leave the methods paragraphs for a
    supplementary note with the same reference numbers (failed before: the body printed
    "type 7: position 1 + p(n-1) (numpy 'linear'; ...)" and "S(t) <= 0.5", and no note)."""
    sources = {
        "results/stats/table1.csv": [{"variable": "age", "quantile_type": 7, "synthetic": False}],
        "results/stats/t.json": [fisher_exact_2x2(np.array([[3, 1], [1, 3]])).to_dict()],
    }
    text = methods_markdown(CONFIG, sources, synthetic=False)
    body, note = text.split(f"### {SUPPLEMENT_HEADING}")
    assert "Hyndman and Fan (1996), type 7 [1]." in body
    assert "position 1 + p(n-1)" not in body and "R's fisher.test" not in body
    assert body.count("two-sided") == 1  # once, in the tests paragraph
    assert "Descriptive statistics and sample quantiles: type 7: position 1 + p(n-1)" in note
    assert "as R's fisher.test [2]." in note


def test_split_details_moves_formula_parentheticals_only():
    assert split_details("Median (S(t) <= 0.5; as R survfit), with its CI") == (
        "Median, with its CI",
        ("S(t) <= 0.5; as R survfit",),
    )
    assert split_details("Zero differences dropped (Wilcoxon's method)") == (
        "Zero differences dropped (Wilcoxon's method)",
        (),
    )


def test_the_descriptive_sentence_names_the_statistics_the_rows_print():
    """A table of means (SD) is not described as medians [Q1–Q3] (a study set up from the docs
    printed mean (SD) while its Methods said medians with quartiles)."""
    mean_only = [
        {"variable": "age", "kind": "continuous", "stat": "mean_sd", "quantile_type": 7},
        {"variable": "sex", "kind": "categorical", "stat": "count_pct", "quantile_type": 7},
    ]
    text = methods_markdown(CONFIG, {"results/stats/t.json": mean_only}, synthetic=False)
    assert "continuous variables as means with standard deviations (SD)" in text
    assert "quartiles" not in text.split("### References")[0]
    both = [*mean_only, {"variable": "crp", "kind": "continuous", "stat": "median_iqr", "quantile_type": 7}]
    text = methods_markdown(CONFIG, {"results/stats/t.json": both}, synthetic=False)
    assert (
        "continuous variables as medians with first and third quartiles [Q1–Q3] or means with "
        "standard deviations (SD), the quartiles by the sample quantile definition of Hyndman and Fan"
    ) in text


def test_a_test_used_by_unlabelled_table_rows_is_not_attributed_to_the_labelled_ones_alone():
    table_row = {"variable": "age", "test": "Mann-Whitney U", "method": _mann_whitney_method()}
    comparison = {**table_row, "comparison_label": "Infections per patient"}
    text = methods_markdown(CONFIG, {"a.json": [table_row], "b.json": [comparison]}, synthetic=False)
    assert "Mann–Whitney" in text and "(Infections per patient)" not in text
    text = methods_markdown(CONFIG, {"b.json": [comparison]}, synthetic=False)
    assert "(Infections per patient)" in text


def _mann_whitney_method() -> str:
    return mann_whitney(np.arange(30.0), np.arange(30.0) + 5).method


def test_a_treatment_comparison_is_a_methods_sentence_of_its_own():
    """A study with balance tables says how the propensity score was used (once per score
    model, then each design) and how balance was judged; both robust variances are named."""
    score = "Propensity score: logistic regression of hormonal therapy on age, chemotherapy (R glm)"
    balance = [
        {"comparison": "m", "smd_before": 0.3, "threshold": 0.1, "label": "Age",
         "method": f"{score}; greedy nearest-neighbour 1:1 matching without replacement."},
        {"comparison": "w", "smd_before": 0.3, "threshold": 0.1, "label": "Age",
         "method": f"{score}; inverse probability of treatment weights for the ATT."},
    ]  # fmt: skip
    text = methods_markdown(CONFIG, {"b.json": balance}, synthetic=False)
    assert text.count("Propensity score: logistic regression") == 1
    assert "Treatment comparisons: Propensity score" in text
    assert "1:1 matching without replacement; inverse probability of treatment weights" in text
    assert "(threshold 0.1)" in text and "(Age)" not in text


def test_a_stratified_cox_model_is_said_to_be_stratified():
    """A user's stratified Cox table (matched sets as strata) was described on the Methods page
    as a plain Cox model."""
    method = "Cox proportional-hazards regression (partial likelihood, Efron ties); complete cases"
    record = {"model": "cox", "variable": "x", "ratio": 1.6, "method": method}
    strata = "; stratified by match_set (a separate baseline hazard per stratum, as R strata())"
    plain = methods_markdown(CONFIG, {"cox.json": [record]}, synthetic=False)
    stratified = methods_markdown(
        CONFIG, {"cox.json": [{**record, "method": method + strata}]}, synthetic=False
    )
    assert "stratified" not in plain
    assert "where a model is stratified, a separate baseline hazard per stratum" in stratified
