"""Audit assembly and rendering: unknown values, summary sentences, count-only tests, outputs."""

import json

import pandas as pd
from loaded_sections import statistics

from retrocohort.audit.published import PublishedNumber, PublishedStudy
from retrocohort.audit.regen.regenerated import AuditData
from retrocohort.audit.regen.unknown_entries import unknown_value_analyses
from retrocohort.audit.report.report import json_safe, render_html, render_markdown, report_blocks, rows_frame
from retrocohort.audit.report.study_audit import audit_one_study
from retrocohort.audit.report.summary_sentences import findings_summary


def _num(id, statistic, values, variable, decimals=None, **kw):
    return PublishedNumber(
        id=id,
        where="results text, paragraph 1",
        printed=f"printed {id}",
        statistic=statistic,
        values=values,
        decimals=decimals or {k: 0 for k in values},
        variable=variable,
        **kw,
    )


def _data(durations, synthetic=frozenset()):
    ids = [str(i + 1) for i in range(len(durations))]
    frame = pd.DataFrame(
        {
            "duration": pd.array(durations, dtype="Float64"),
            "male": pd.array([i % 2 == 0 for i in range(len(durations))], dtype="boolean"),
        },
        index=pd.Index(ids, name="patient_id"),
    )
    empty = pd.DataFrame({"patient_id": [], "day": [], "variable": [], "value": []})
    return AuditData(
        frame=frame,
        measurements=empty,
        treatments=pd.DataFrame({"patient_id": [], "agent": []}),
        synthetic=frozenset(synthetic),
        source_files={"duration": ("real.csv",)},
        table3={},
        statistics=statistics({"quantile_type": 7, "rounding": "half_up"}),
        paired_days=(0, 7),
    )


# 1..9 with the 5th value unknown: median of 9 values is x_(5)
DURATIONS = [1.0, 2.0, 3.0, 4.0, None, 6.0, 7.0, 8.0, 9.0]


def test_unknown_value_solution_set_and_dependents():
    study = PublishedStudy(
        source={},
        numbers=(
            _num(
                "dur",
                "median_iqr",
                {"median": 5, "q1": 3, "q3": 7},
                "duration",
                denominator=9,
                quantile_type=7,
            ),
            _num("dur_group", "median", {"median": 4}, "duration", group="g"),
        ),
    )
    [rec] = unknown_value_analyses(study, _data(DURATIONS), {"duration": (0.0, 100.0)})
    assert rec["missing_patients"] == ["5"] and rec["depends"] == ["dur", "dur_group"]
    median = next(t for t in rec["targets"] if t["statistic"] == "median")
    # median = x when 4 <= x <= 6; prints as "5" for x in [4.5, 5.5) (half-up) or (4.5, 5.5) (half-even)
    assert median["attainable_range"] == [4.0, 6.0] and median["solutions"] == ["[4.5, 5.5)"]
    assert rec["feasible"] and rec["joint_solutions"] == ["[4.5, 5.5)"]


def test_unknown_value_infeasible_median_outside_reach():
    study = PublishedStudy(
        source={},
        numbers=(_num("dur", "median_iqr", {"median": 8, "q1": 3, "q3": 7}, "duration", denominator=9),),
    )
    [rec] = unknown_value_analyses(study, _data(DURATIONS), {})
    assert not rec["feasible"]
    assert next(t for t in rec["targets"] if t["statistic"] == "median")["solutions"] == []


def test_unknown_value_skipped_when_denominator_excludes_the_missing():
    study = PublishedStudy(
        source={}, numbers=(_num("dur", "median", {"median": 5}, "duration", denominator=8),)
    )
    assert unknown_value_analyses(study, _data(DURATIONS), {}) == []


def test_audit_summary_counts_and_labels():
    study = PublishedStudy(
        source={"citation": "Test 2024"},
        numbers=(
            _num("men", "count", {"count": 5}, "male"),
            _num("men_ok", "count", {"count": 4}, "male"),
            _num("dose", "count", {"count": 2}, "dose"),
        ),
    )
    a = audit_one_study(study, "paper.yaml", _data([1.0, 2, 3, 4, 5, 6, 7]), rule="half_up")
    assert a["status_counts"] == {
        "reproduced": 1,
        "reproduced_other_method": 0,
        "not_reproduced": 1,
        "not_recomputable": 1,
        "impossible": 0,
    }
    rows = {r["id"]: r for r in a["rows"]}
    assert rows["men"]["data"] == "real" and "independent evidence" in rows["men"]["evidence"]
    assert rows["dose"]["data"] == "" and "no column 'dose'" in rows["dose"]["message"]
    text = findings_summary(a)
    assert text[0].startswith("3 printed numbers: 1 reproduced (1 from real data, 0 from synthetic data)")
    assert any("NOT REPRODUCED from real per-patient data" in t and "[men]" in t for t in text)


def test_synthetic_rows_are_labelled():
    study = PublishedStudy(source={}, numbers=(_num("m", "median", {"median": 4}, "duration"),))
    a = audit_one_study(
        study, "p.yaml", _data([1.0, 2, 3, 4, 5, 6, 7], synthetic={"duration"}), rule="half_up"
    )
    assert a["rows"][0]["data"] == "synthetic"
    assert a["rows"][0]["evidence"].startswith("synthetic, calibrated to published summaries")


def _count_only():
    return PublishedStudy(
        source={"citation": "Counts 2020"},
        numbers=(
            _num("a", "count_of_total", {"count": 26, "total": 29}, "surv", group="x"),
            _num("b", "count_of_total", {"count": 9, "total": 16}, "surv", group="y"),
            _num(
                "p",
                "p_value",
                {"p": 0.009},
                "surv",
                decimals={"p": 3},
                test="?",
                design="unpaired",
                compares=("a", "b"),
            ),
        ),
    )


def test_count_only_study_reports_every_test_and_truncation():
    a = audit_one_study(_count_only(), "c.yaml", None, rule="half_up")
    # deliberate change (issue 17): the p recomputed from the counts gets a status of its own
    assert a["count_only"] and a["status_counts"]["not_recomputable"] == 2
    assert {r["id"]: r["status"] for r in a["rows"]}["p"] == "not_reproduced"
    [t] = a["count_only_tests"]
    tests = {x["test"]: x for x in t["tests"]}
    assert round(tests["fisher_exact/two-sided minlike"]["p"], 4) == 0.0211
    assert not any(x["prints_as_published"] for x in t["tests"])
    assert tests["chi_square/pearson"]["only_by_truncation"]  # 0.0099 truncates to 0.009
    [sentence] = [s for s in findings_summary(a) if s.startswith("p:")]
    assert "no standard 2x2 test gives the printed p when rounded" in sentence


def test_renderers_are_deterministic_and_summary_first():
    audits = {"counts": audit_one_study(_count_only(), "c.yaml", None, rule="half_up")}
    blocks = report_blocks(audits, "Methods note.")
    md = render_markdown(blocks)
    assert md.index("## Findings summary") < md.index("## counts: every printed number")
    assert md == render_markdown(report_blocks(audits, "Methods note."))
    html = render_html(blocks, "Audit")
    assert html.startswith("<!DOCTYPE html>") and "Findings summary" in html
    assert list(rows_frame(audits)["id"]) == ["a", "b", "p"]


def test_json_safe_has_no_nan_or_infinity():
    text = json.dumps(
        json_safe({"a": float("nan"), "b": [float("inf"), -float("inf")], "c": (1, 2)}), allow_nan=False
    )
    assert json.loads(text) == {"a": None, "b": ["inf", "-inf"], "c": [1, 2]}
