"""Table footnotes in words (issue 24): the regression, survival, Table 1, group and
stratified tables name their methods without formulas, inequalities or software calls; the
formulas are in methods.docx's supplementary note."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from test_regression_tables import _layout
from test_tables import _group_table, _survival_table, _table1

from retrocohort.analysis.regression import regression_analysis
from retrocohort.render.model import Footnote
from retrocohort.tables.regression_table import build_regression_table

#: What a footnote in words never prints: a formula, an inequality of S(t), a software call.
FORMULA = re.compile(r"exp\(|S\(t\)|-/\+|<=|>=|p\(n-1\)|\bas R\b|numpy|drop1|coxph|cox\.zph|\bglm\b")


def _texts(table) -> list[str]:
    return [f.text if isinstance(f, Footnote) else str(f) for f in table.footnotes]


def _formulas(table) -> list[str]:
    return [text for text in _texts(table) if FORMULA.search(text)]


@pytest.fixture
def cohort() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    n = 60
    return pd.DataFrame(
        {
            "time": rng.exponential(10, n).round(1) + 0.1,
            "event": rng.integers(0, 2, n),
            "response": rng.integers(0, 2, n),
            "arm": rng.choice(["a", "b", "c"], n),
            "age": rng.normal(60, 8, n).round(),
        }
    )


@pytest.mark.parametrize("kind", ["logistic", "cox"])
def test_a_regression_table_says_its_model_and_intervals_in_words(cohort, kind):
    """Failed before: "hazard ratios with 95% Wald CIs exp(b -/+ z se) ... as R coxph", the
    global p "as R drop1(test = "LRT")" and the PH check "as R cox.zph"."""
    spec = {"kind": kind, "predictors": ["arm", "age"], "multivariable": ["arm", "age"], "global_p": True}
    spec |= {"reference_levels": {"arm": "a"}}
    spec |= {"outcome": "response"} if kind == "logistic" else {"time": "time", "event": "event"}
    frame = regression_analysis(cohort, spec).to_frame()
    table = build_regression_table(frame, _layout({"ph_threshold": 0.05}))
    assert _formulas(table) == []
    words = " ".join(_texts(table))
    assert "95% confidence intervals are Wald intervals on the log scale" in words
    model = (
        "Cox proportional-hazards regression (Efron method for ties)"
        if kind == "cox"
        else "Logistic regression"
    )
    assert model in words
    assert "likelihood-ratio test against the model without the predictor" in words  # arm: 2 coefficients
    assert frame["method"].str.contains("exp(b -/+ z se)", regex=False).all()  # the stats keep the formula


def test_the_survival_table_says_its_median_and_estimates_in_words():
    """Failed before: "Kaplan-Meier median (first time with S(t) <= 0.5, ... as R survfit ...)"
    and "Event-free: Kaplan–Meier S(t) at the stated time"."""
    stats, table = _survival_table()
    assert _formulas(table) == []
    words = " ".join(_texts(table))
    assert "the median is" not in words  # one wording, below
    assert "Median: the first time the Kaplan–Meier estimate falls to 0.5 or below" in words
    assert "Event-free: the Kaplan–Meier estimate of the percentage of patients event-free" in words
    assert stats.loc[stats["role"] == "median", "method"].str.contains("S(t) <= 0.5", regex=False).all()


def test_table1_and_group_tables_name_the_quartiles_without_their_formula():
    """Failed before: "quartiles by Hyndman–Fan type 7 (position 1 + p(n-1) (numpy 'linear'; ...))"."""
    table1 = _table1([{"variable": "age"}])
    _, groups = _group_table()
    for table in (table1, groups):
        assert _formulas(table) == []
        assert any("quartiles by Hyndman and Fan's type 7 definition" in t for t in _texts(table))


def test_the_supplementary_note_keeps_the_formulas_the_footnotes_leave_out():
    from retrocohort.manuscript.method_sentences import split_details
    from retrocohort.manuscript.method_wording import cox, logistic, median_survival

    for sentence in (cox([], {}), logistic([], {}), median_survival([], {})):
        prose, details = split_details(sentence)
        assert FORMULA.search(" ".join(details)) and not FORMULA.search(prose), sentence


def test_a_stratified_table_names_its_smd_and_quartiles_without_formulas():
    """Failed before: "SMD: absolute standardised mean difference, |m1 − m2| / sqrt((s1² +
    s2²)/2) ... (as tableone)" and "Quartiles by Hyndman-Fan type 7 (position 1 + p(n-1) ...)"
    (studies/colon, mgus2 and pbc Table 1)."""
    from test_stratified import _layout as stratified_layout
    from test_stratified import _stratified

    from retrocohort.tables.cohort_tables import build_stratified_table

    frame = pd.DataFrame({"g": list("aabb"), "x": [1.0, 2.0, 3.0, 4.0]})
    stats = _stratified(frame, [{"variable": "x", "stat": "median_iqr"}], "g")
    table = build_stratified_table(stats, stratified_layout([{}], smd=True))
    words = " ".join(_texts(table))
    assert not re.search(r"sqrt|\|m1|tableone|p\(n-1\)|numpy", words), words
    assert "SMD: absolute standardised mean difference (the difference in means over the pooled" in words
    assert "Quartiles by Hyndman and Fan's type 7 definition" in words


def test_the_nr_footnote_only_when_a_cell_prints_nr():
    """Failed before: colon's Table 2 defined "NR: confidence limit not reached" although its only
    unreached median printed "not reached" and no cell printed NR."""
    from loaded_sections import filled
    from test_tables import GROUP_CONFIG

    from retrocohort.tables.survival_table import build_survival_table

    stats, table = _survival_table()
    assert any("–NR)" in c for r in table.rows for c in r.cells)
    assert any(t.startswith("NR: confidence limit not reached") for t in _texts(table))
    finite = stats.copy()
    median = finite["role"] == "median"
    finite.loc[median, "ci_high"] = finite.loc[median, "ci_high"].replace(float("inf"), 9.0)
    table = build_survival_table(finite, filled(GROUP_CONFIG))
    assert not any("NR" in c for r in table.rows for c in r.cells)
    assert any(c == "not reached" for r in table.rows for c in r.cells)
    assert not any(t.startswith("NR:") for t in _texts(table))
