"""Subgroup numbers regenerated from (constructed) group comparisons, with known answers."""

import math

import pandas as pd
import pytest
from loaded_sections import filled

from retrocohort.analysis.groups import group_statistics
from retrocohort.audit.published import Definition, PublishedNumber, PublishedStudy
from retrocohort.audit.regen.calibration import calibration_status, load_calibration
from retrocohort.audit.regen.compare import compare_entry
from retrocohort.audit.regen.regenerated import build_audit_data, regenerate_entry
from retrocohort.audit.regen.unknown_entries import describe_unknown, group_unknown_analyses
from retrocohort.errors import InputError
from retrocohort.stats.two_sample import mann_whitney

STATS = {"quantile_type": 7, "rounding": "half_up"}
# patients 1-4 rheumatic (4 also infected, 3 unknown duration), 5-9 infection/malignancy, 10 neither
DURATION = [100.0, 200.0, None, 300.0, 10.0, 20.0, 30.0, 40.0, 50.0, 5.0]
RHEUM = [True, True, True, True, False, False, False, False, False, False]
INFECT = [False, False, False, True, True, True, True, False, False, False]
MALIG = [False, False, False, False, False, False, False, True, True, False]
SPEC = {
    "id": "by_cause",
    "outcome": "dur",
    "group_variable": "cause",
    "groups": {"still": "Still", "mi": "Malignancy or infection"},
    "exact_max_n": 50,  # as load_study fills it from the schema
}


def _entry(id, statistic, values, **kw):
    return PublishedNumber(
        id=id,
        where="results text, paragraph 6",
        printed=str(values),
        statistic=statistic,
        values=values,
        decimals={k: kw.pop("dec", 0) for k in values},
        variable="dur",
        **kw,
    )


def _data(with_rows=True):
    ids = [str(i) for i in range(1, 11)]
    cause = ["still"] * 4 + ["mi"] * 5 + [None]
    patients = pd.DataFrame(
        {
            "patient_id": pd.array(ids, dtype="string"),
            "dur": pd.array(DURATION, dtype="Float64"),
            "rheum": pd.array(RHEUM, dtype="boolean"),
            "infect": pd.array(INFECT, dtype="boolean"),
            "malig": pd.array(MALIG, dtype="boolean"),
            "cause": pd.array(cause, dtype="string"),
        }
    )
    config = filled({"statistics": STATS, "groups": [SPEC], "paired_days": [0, 7]})
    rows = []
    if with_rows:
        frame = patients.set_index("patient_id")
        stats = group_statistics(
            frame, config["groups"], {"dur": {"kind": "continuous"}}, {}, config["statistics"], set()
        )
        rows = stats.to_dict("records")
    empty_meas = pd.DataFrame(
        {
            "patient_id": pd.Series([], dtype="string"),
            "day": pd.Series([], dtype="Int64"),
            "variable": pd.Series([], dtype="string"),
            "value": pd.Series([], dtype="float64"),
        }
    )
    sources = pd.DataFrame(
        {"site": "s", "variable": ["dur", "rheum"], "file": ["t2.csv", "t2.csv"], "synthetic": [False, False]}
    )
    hscore = pd.DataFrame({"patient_id": ids, "hscore_used": 200.0, "hscore_probability_pct": 90.0})
    return build_audit_data(
        cohort=ids,
        patients=patients,
        measurements=empty_meas,
        treatments=pd.DataFrame({"patient_id": [], "line": [], "agent": []}),
        sources=sources,
        hscore=hscore,
        table3_records=[],
        synthetic=set(),
        config=config,
        group_records=rows,
    )


def _study(*entries):
    return PublishedStudy(
        source={},
        numbers=entries,
        groups={
            "still_g": (Definition("equals", {"variable": "cause", "value": "still"}),),
            "mi_g": (
                Definition("equals", {"variable": "cause", "value": "mi"}),
                Definition("any_of", ("malig", "infect"), "overlapping"),
            ),
        },
    )


MI = _entry("mi", "median", {"median": 30}, group="mi_g")
STILL = _entry("still", "median", {"median": 200}, group="still_g")


def test_subgroup_medians_come_from_the_group_comparison():
    data, study = _data(), _study(MI, STILL)
    still = regenerate_entry(STILL, study, data)
    assert still.methods[0].configured and "groups.json" in still.methods[0].name
    assert still.methods[0].values == {"median": 200.0} and still.n == 3
    assert any("no value: 3" in n for n in still.notes)
    assert compare_entry(STILL, still, "half_up").status == "reproduced"
    # overlap: patient 4 (rheumatic + infection) also in the malignancy/infection group
    mi = regenerate_entry(_entry("mi", "median", {"median": 35}, group="mi_g"), study, data)
    assert mi.methods[0].values == {"median": 30.0}
    assert [m.values["median"] for m in mi.methods if "overlapping" in m.name] == [35.0] * 3
    assert (
        compare_entry(_entry("mi", "median", {"median": 35}, group="mi_g"), mi, "half_up").status
        == "reproduced_other_method"
    )


def test_without_a_configured_comparison_the_audit_computes_and_says_so():
    data, study = _data(with_rows=False), _study(MI, STILL)
    r = regenerate_entry(MI, study, data)
    assert r.methods[0].values == {"median": 30.0}
    assert any("no configured group comparison" in n for n in r.notes)


def test_group_p_configured_then_named_variants():
    p_entry = _entry(
        "p", "p_value", {"p": 0.036}, dec=3, test="Wilcoxon", design="unpaired", compares=("mi", "still")
    )
    data, study = _data(), _study(MI, STILL, p_entry)
    r = regenerate_entry(p_entry, study, data)
    a, b = [100.0, 200.0, 300.0], [10.0, 20.0, 30.0, 40.0, 50.0]  # patient 3 unknown
    assert r.methods[0].configured and "groups.json" in r.methods[0].name
    assert r.methods[0].values["p"] == pytest.approx(mann_whitney(a, b).p_value, rel=1e-12)
    names = [m.name for m in r.methods]
    assert "Mann-Whitney U, normal approximation without continuity correction" in names
    asym = {m.name: m.values["p"] for m in r.methods}
    assert asym["Mann-Whitney U, normal approximation with continuity correction"] == pytest.approx(
        mann_whitney(a, b, method="asymptotic", correction=True).p_value
    )
    assert any("4 in both groups" in n for n in r.notes)  # the overlapping alternative
    assert r.n == 8


def test_group_unknowns_name_dependents_and_the_consistent_range():
    p_entry = _entry(
        "p", "p_value", {"p": 0.036}, dec=3, test="Wilcoxon", design="unpaired", compares=("mi", "still")
    )
    study = _study(MI, _entry("still", "median", {"median": 150}, group="still_g"), p_entry)
    recs = {r["entry_id"]: r for r in group_unknown_analyses(study, _data(), {"dur": (0.0, 1000.0)})}
    assert set(recs) == {"still", "p"}  # the malignancy/infection median does not depend on patient 3
    still = recs["still"]
    assert still["missing_patients"] == ["3"] and still["depends"] == ["p", "still"]
    # Still's members 1-4 with patient 3 unknown: median of {100, 200, 300, x} is (100 + 200)/2
    # = 150 for x <= 100; up to x = 101 it prints 150 under half-even rounding (150.5)
    assert still["joint_solutions"] == ["[0, 101]"]
    p = recs["p"]
    lo, hi = p["targets"][0]["attainable_range"]
    assert lo < 0.036 < hi or not p["feasible"]
    # every x above all malignancy/infection values gives the same (smallest) p
    assert p["targets"][0]["attainable_range"][0] == pytest.approx(
        mann_whitney([100.0, 200.0, 300.0, 999.0], [10.0, 20.0, 30.0, 40.0, 50.0], method="exact").p_value
    )
    assert "Together with" in describe_unknown(still)
    # 3 Mann-Whitney variants x (1 Still's x 2 malignancy/infection definitions)
    assert len(p["alternatives"]) == 6
    assert {a["method"].split(";")[0] for a in p["alternatives"]} == {
        "Mann-Whitney U, exact conditional null with ties",
        "Mann-Whitney U, normal approximation without continuity correction",
        "Mann-Whitney U, normal approximation with continuity correction",
    }
    assert "Other tests and groupings (6)" in describe_unknown(p)


def test_calibration_status(tmp_path):
    path = tmp_path / "cal.json"
    path.write_text(
        '{"label": "SYNTHETIC", "targets": ['
        '{"published_id": "a", "key": "median", "status": "met", "reason": ""},'
        '{"published_id": "b", "key": "p", "status": "infeasible", "reason": "no table fits"}]}'
    )
    cal = load_calibration(path)
    assert calibration_status("a", cal)["role"] == "target"
    assert "by construction" in calibration_status("a", cal)["text"]
    b = calibration_status("b", cal)
    assert b["role"] == "infeasible" and "no table fits" in b["text"]
    assert calibration_status("c", cal)["role"] == "not_a_target"
    assert calibration_status("a", None)["role"] == ""
    path.write_text('{"targets": [{"published_id": "a", "status": "maybe"}]}')
    with pytest.raises(InputError, match=r"targets\[0\]"):
        load_calibration(path)


def test_rank_statistic_needs_exactly_one_missing_value():
    from retrocohort.audit.regen.unknowns import Target, mann_whitney_p_stat, missing_value_report

    stat = mann_whitney_p_stat([5.0, 6.0, 7.0], method="exact")
    with pytest.raises(ValueError, match="exactly one missing value"):
        missing_value_report([1.0, math.nan, math.nan], [Target(stat, 0.1, 1)])
    one = missing_value_report([1.0, 2.0, math.nan], [Target(stat, 0.1, 1)], bounds=(0, 10))
    # x below 5: all three below -> exact p = 2/20 = 0.1; x above 7 moves it up
    assert one.targets[0].attainable_range[0] == pytest.approx(0.1)
    assert str(one.joint[0]).startswith("[0, 5")
