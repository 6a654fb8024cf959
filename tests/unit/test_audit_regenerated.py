"""Regenerating published numbers from constructed per-patient data with known answers."""

import math

import numpy as np
import pandas as pd
import pytest
from loaded_sections import filled, statistics

from retrocohort.audit.published import Definition, PublishedNumber, PublishedStudy
from retrocohort.audit.regen.regenerated import (
    build_audit_data,
    definition_series,
    is_synthetic,
    mcnemar_methods,
    regenerate_entry,
    resolve_inputs,
    signed_rank_methods,
    summary_methods,
)

STATS = {
    "quantile_type": 7,
    "rounding": "half_up",
    "wilcoxon": {"preset": "retrocohort"},
    "mcnemar": {"method": "exact"},
    "decimals_for_tests": 6,
}


def _entry(id, statistic, values, variable, **kw):
    return PublishedNumber(
        id=id,
        where="Table 1",
        printed=str(values),
        statistic=statistic,
        values=values,
        decimals=kw.pop("decimals", {k: 0 for k in values}),
        variable=variable,
        **kw,
    )


def _data(hscore_source="hscore_reported"):
    ids = [str(i) for i in range(1, 7)]
    patients = pd.DataFrame(
        {
            "patient_id": pd.array(ids, dtype="string"),
            "age": pd.array([4.0, 20.0, 30.0, 40.0, 50.0, None], dtype="Float64"),
            "sex": pd.array(["male", "female", "male", "male", "female", "male"], dtype="string"),
            "flag": pd.array([True, False, True, None, True, False], dtype="boolean"),
            "other": pd.array([True, True, False, True, True, True], dtype="boolean"),
            "line": pd.array([1.0, 2.0, 2.0, 3.0, 1.0, 1.0], dtype="Float64"),
            "factors": pd.array(["JIA", "IJA, x", "HL", "Still's disease", "MDS", None], dtype="string"),
            "hscore_reported": pd.array([200.0, 210.0, 220.0, 230.0, 240.0, 250.0], dtype="Float64"),
        }
    )
    meas = pd.DataFrame(
        {
            "patient_id": pd.array([i for i in ids for _ in (0, 7)], dtype="string"),
            "day": pd.array([0, 7] * 6, dtype="Int64"),
            "variable": pd.array(["crp"] * 12, dtype="string"),
            "value": [10.0, 5.0, 20.0, 9.0, 30.0, 31.0, 40.0, 10.0, 50.0, 20.0, 60.0, 25.0],
        }
    )
    fever = pd.DataFrame(
        {
            "patient_id": pd.array([i for i in ids for _ in (0, 7)], dtype="string"),
            "day": pd.array([0, 7] * 6, dtype="Int64"),
            "variable": pd.array(["fever"] * 12, dtype="string"),
            "value": [1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0],
        }
    )
    treatments = pd.DataFrame(
        {
            "patient_id": ["1", "2", "2", "3", "4", "5", "6"],
            "line": [1, 1, 2, 1, 1, 1, 1],
            "agent": ["ANA", "CTC", "ANA", "ANA", "ANA", "ANA", "CTC"],
        }
    )
    sources = pd.DataFrame(
        {
            "site": "s",
            "variable": ["age", "sex", "crp", "fever", "hscore_reported", "treatment_lines_text"],
            "file": ["real.csv", "real.csv", "syn.csv", "syn.csv", "real.csv", "real.csv"],
            "synthetic": [False, False, True, True, False, False],
        }
    )
    hscore = pd.DataFrame(
        {
            "patient_id": ids,
            "hscore_used": [200.0, 210, 220, 230, 240, 250],
            "hscore_probability_pct": [90.0, 91, 92, 93, 94, 95],
            "hscore_used_source": hscore_source,
        }
    )
    config = filled({"statistics": STATS, "paired_days": [0, 7], "baseline_day": 0})
    return build_audit_data(
        cohort=ids,
        patients=patients,
        measurements=pd.concat([meas, fever]),
        treatments=treatments,
        sources=sources,
        hscore=hscore,
        table3_records=[],
        synthetic={"crp", "fever"},
        config=config,
    )


def _series(op, arg, data=None):
    s, _, why = definition_series(Definition(op, arg), data or _data())
    assert why is None
    return s.tolist()


def test_definitions_give_known_series():
    assert _series("all_of", ("flag", "other")) == [True, False, False, pd.NA, True, False]
    assert _series("equals", {"variable": "line", "value": 2}) == [False, True, True, False, False, False]
    assert _series("equals", {"variable": "sex", "value": "female"}) == [
        False,
        True,
        False,
        False,
        True,
        False,
    ]
    assert _series("text_matches", {"variable": "factors", "pattern": r"\bJIA\b"})[:5] == [
        True,
        False,
        False,
        False,
        False,
    ]
    assert _series("text_matches", {"variable": "factors", "pattern": r"\b(JIA|IJA)\b"})[:2] == [True, True]
    assert _series("only_agent", "ANA") == [True, False, True, True, True, False]
    assert _series("known", "age") == [True, True, True, True, True, False]
    assert _series("cohort_size", True) == [True] * 6


def test_missing_definition_and_missing_column_say_why():
    data = _data()
    assert definition_series(Definition("missing", "dose not in Table 2"), data)[2] == "dose not in Table 2"
    assert "no column 'nope'" in definition_series(Definition("variable", "nope"), data)[2]


def test_quantile_types_known_values():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    by_name = {m.name: m.values["q1"] for m in summary_methods(x, ["q1"], 7, [2, 6, 7])}
    assert by_name == {"Hyndman–Fan type 7": 1.75, "Hyndman–Fan type 2": 1.5, "Hyndman–Fan type 6": 1.25}
    [first, *_] = summary_methods(x, ["median", "mean"], 7, [6])
    assert first.configured and first.values == {"median": 2.5, "mean": 2.5}


def test_counts_medians_and_provenance():
    data = _data()
    study = PublishedStudy(
        source={},
        numbers=(),
        regenerate={"women": (Definition("equals", {"variable": "sex", "value": "female"}),)},
    )
    women = regenerate_entry(
        _entry("w", "count_pct", {"count": 2, "pct": 33}, "women", denominator=6), study, data
    )
    assert women.methods[0].values == {"count": 2.0, "pct": pytest.approx(100 / 3)}
    assert women.inputs == ("sex",) and not is_synthetic(women.inputs, data)
    age = regenerate_entry(_entry("a", "median_iqr", {"median": 30, "q1": 20, "q3": 40}, "age"), study, data)
    assert age.n == 5 and age.methods[0].values == {"median": 30.0, "q1": 20.0, "q3": 40.0}
    assert any("patient(s) with no value: 6" in n for n in age.notes)
    crp = regenerate_entry(_entry("c", "median", {"median": 35}, "crp", timepoint="day0", n=6), study, data)
    assert crp.methods[0].values == {"median": 35.0} and is_synthetic(crp.inputs, data)


def test_hscore_used_provenance_follows_its_source():
    assert resolve_inputs(["hscore_probability_pct"], _data()) == ("hscore_reported",)
    recomputed = _data("recomputed")
    assert is_synthetic(resolve_inputs(["hscore_used"], recomputed), recomputed)


def test_not_recomputable_cases():
    data = _data()
    study = PublishedStudy(
        source={},
        numbers=(
            _entry("g1", "median", {"median": 1}, "age", group="a"),
            _entry("p", "p_value", {"p": 0.01}, "age", test="x", design="unpaired", compares=("g1",)),
            _entry("v", "value", {"value": 5}, "dose"),
            _entry("nc", "count", {"count": 3}, "no_such_column"),
        ),
    )
    out = {e.id: regenerate_entry(e, study, data) for e in study.numbers}
    assert "subgroup 'a'" in out["g1"].missing
    assert "compares 1 subgroups" in out["p"].missing
    assert "single reported value" in out["v"].missing
    assert "no column 'no_such_column'" in out["nc"].missing
    assert all(not r.methods for r in out.values())


def test_paired_p_variants_include_configured_first_and_named_alternatives():
    before = np.array([10.0, 20, 30, 40, 50, 60])
    after = np.array([5.0, 9, 31, 10, 20, 25])
    methods = signed_rank_methods(after - before, statistics(STATS))
    assert methods[0].configured and "configured" in methods[0].name
    names = [m.name for m in methods]
    assert any("normal approximation without" in n for n in names) and "paired t-test" in names
    # n = 6, one positive difference of rank 1: exact two-sided p = 2 * 2/64
    assert methods[0].values["p"] == pytest.approx(4 / 64)


def test_mcnemar_variants_on_known_table():
    before = np.array([1, 1, 1, 1, 1, 0], dtype=float)
    after = np.array([0, 0, 0, 1, 0, 0], dtype=float)
    methods = mcnemar_methods(before, after, "exact")
    assert methods[0].name == "McNemar exact binomial (configured)"
    assert methods[0].values["p"] == pytest.approx(2 / 16)  # b = 4, c = 0
    chi2 = next(m for m in methods if m.name.startswith("McNemar chi-square without"))
    assert chi2.values["p"] == pytest.approx(math.erfc(math.sqrt(4 / 2)))  # chi2 = 4 on 1 df
    assert any("as if unpaired" in m.name and "fisher" in m.name for m in methods)
