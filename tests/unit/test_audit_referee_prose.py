"""Referee prose (issue 25 item 4): every sentence with its numbers, no internal names, singular
and plural right, evidence links whole, HScore combinations named, two versions of a paper
worded as such."""

from __future__ import annotations

import re

from retrocohort.audit.checks.consistency import check_percentage
from retrocohort.audit.checks.hscore_totals import check_hscore_total
from retrocohort.audit.published import Agreement, PublishedNumber, PublishedStudy, SumRule
from retrocohort.audit.report.referee import referee_findings, referee_json
from retrocohort.audit.report.report import render_markdown, report_blocks
from retrocohort.audit.report.study_audit import audit_one_study
from retrocohort.audit.report.summary_sentences import findings_summary

INTERNAL = re.compile(
    r"\b(?:chi_square|fisher_exact|barnard_exact|boschloo_exact|two_proportion_z)\b|/yates|/pearson"
)


def _count(id, where, count, variable="deaths"):
    return PublishedNumber(
        id=id,
        where=where,
        printed=str(count),
        statistic="count",
        values={"count": count},
        decimals={"count": 0},
        variable=variable,
    )


def _audit(study):
    return audit_one_study(study, "s.yaml", None, rule="half_up")


def test_a_sum_failure_gives_both_numbers():
    study = PublishedStudy(
        source={"citation": "S"},
        numbers=(
            _count("a", "Table 1", 12),
            _count("b", "Table 1", 16),
            _count("t", "results text, paragraph 1", 29),
        ),
        sums=(SumRule("deaths", ("a.count", "b.count"), "t.count"),),
    )
    [f] = [f for f in referee_findings("s", _audit(study)) if f["severity"] == "inconsistent"]
    assert "28 vs 29" in f["sentence"]
    assert "“12” + “16” = 28" in f["sentence"] and "results text, paragraph 1 “29”" in f["sentence"]
    assert f["entries"] == ["a", "b", "t"]


def test_two_versions_of_a_paper_are_worded_as_such():
    study = PublishedStudy(
        source={"citation": "S"},
        numbers=(_count("pre", "Table 2", 28), _count("pub", "Table 2", 29)),
        agreements=(Agreement("deaths", ("pre.count", "pub.count"), "preprint vs published", versions=True),),
    )
    found = referee_findings("s", _audit(study))
    assert not [f for f in found if f["severity"] == "inconsistent"]
    [f] = [f for f in found if f["check"] == "versions"]
    assert f["severity"] == "warning"
    assert f["sentence"].startswith("The two versions of the paper print different values")
    assert "“28” (28, pre) vs Table 2 “29” (29, pub)" in f["sentence"]
    assert "printed differently" not in f["sentence"]


def test_singular_and_plural():
    [f] = check_percentage("x", 1, 33.3, 1, 3)
    assert f.message.endswith("at 1 decimal")
    [f] = check_percentage("x", 1, 33, 0, 3)
    assert f.message.endswith("at 0 decimals")


def test_hscore_combinations_are_named():
    known = {
        "immunosuppression": 0,
        "temperature": 33,
        "organomegaly": 23,
        "cytopenias": 24,
        "ferritin": 50,
        "triglycerides": 44,
        "fibrinogen": 30,
        "ast": 19,
        "hemophagocytosis": None,
    }
    f = check_hscore_total("h", 223, known)
    assert f.status == "ok"
    assert "1 combination of the unknown items hemophagocytosis: hemophagocytosis 0" in f.message
    assert "(s)" not in f.message


def test_evidence_links_are_whole_markdown_links_to_an_anchor():
    study = PublishedStudy(
        source={"citation": "S"},
        numbers=(
            _count("a", "Table 1", 12),
            _count("b", "Table 1", 16),
            _count("t", "results text, paragraph 1", 29),
        ),
        sums=(SumRule("deaths", ("a.count", "b.count"), "t.count"),),
    )
    md = render_markdown(report_blocks({"s": _audit(study)}, "methods"))
    links = re.findall(r"\[evidence: ([^\]]+)\]\((#[^)]+)\)", md)
    assert links and all(f'<a id="{href[1:]}"></a>' in md for _, href in links)
    assert ("a, b, t", "#audit-s-checks") in links


def _counts_study(test):
    def n(id, printed, statistic, values, **kw):
        return PublishedNumber(
            id=id,
            where="Table 2",
            printed=printed,
            statistic=statistic,
            values=values,
            decimals={k: (3 if k == "p" else 0) for k in values},
            variable="x",
            **kw,
        )

    return PublishedStudy(
        source={"citation": "S"},
        numbers=(
            n("a1", "26/29", "count_of_total", {"count": 26, "total": 29}, group="x"),
            n("a2", "9/16", "count_of_total", {"count": 9, "total": 16}, group="y"),
            n("ap", "0.027", "p_value", {"p": 0.027}, test=test, design="unpaired", compares=("a1", "a2")),
        ),
    )


def test_no_internal_test_names_in_the_referee_text_and_summary():
    a = _audit(_counts_study("Pearson χ2 test"))
    summary = referee_json({"s": a})
    text = " ".join(f["sentence"] for s in summary["studies"] for f in s["findings"])
    text += " ".join(findings_summary(a))
    assert not INTERNAL.search(text), INTERNAL.search(text)
    assert (
        "The stated test (Pearson's chi-square test) reproduces 0 of 1 printed p-value; 1 reproduces only "
        in text
    )
