"""Referee summary (issue 17 item 3) and the count-only status counting (item 6)."""

import pytest

from retrocohort.audit.checks.data_free_rows import stated_test_matches
from retrocohort.audit.published import PublishedNumber, PublishedStudy
from retrocohort.audit.report.referee import (
    REFEREE_SCHEMA,
    SEVERITIES,
    has_inconsistency,
    referee_blocks,
    referee_findings,
    referee_json,
)
from retrocohort.audit.report.report import render_html, render_markdown, report_blocks
from retrocohort.audit.report.study_audit import audit_one_study


def _num(id, statistic, values, variable, decimals=None, printed=None, **kw):
    return PublishedNumber(
        id=id,
        where="results text, paragraph 1",
        printed=printed or f"printed {id}",
        statistic=statistic,
        values=values,
        decimals=decimals or {k: 0 for k in values},
        variable=variable,
        **kw,
    )


def _counts(e1, n1, e2, n2, p, test="not stated", pct1=None):
    v1 = {"count": e1, "total": n1} | ({"pct": pct1} if pct1 is not None else {})
    return PublishedStudy(
        source={"citation": "Counts"},
        numbers=(
            _num("a", "count_of_total", v1, "surv", group="x"),
            _num("b", "count_of_total", {"count": e2, "total": n2}, "surv", group="y"),
            _num(
                "p",
                "p_value",
                {"p": p},
                "surv",
                decimals={"p": 3},
                test=test,
                design="unpaired",
                compares=("a", "b"),
            ),
        ),
    )


def test_count_only_p_reproduced_from_counts_is_not_called_not_recomputable():
    # 10/20 vs 2/20: Fisher exact two-sided p = 0.0138 (computed by scipy, prints 0.014)
    a = audit_one_study(_counts(10, 20, 2, 20, 0.014, "Fisher's exact test"), "c.yaml", None, rule="half_up")
    rows = {r["id"]: r for r in a["rows"]}
    assert rows["p"]["status"] == "reproduced"
    assert "fisher_exact/two-sided minlike" in rows["p"]["matches"]
    assert a["status_counts"]["reproduced"] == 1 and a["status_counts"]["not_recomputable"] == 2


def test_count_only_stated_test_not_reproducing_is_other_method():
    # 0.014 comes from Fisher only; the paper states a chi-square test
    a = audit_one_study(_counts(10, 20, 2, 20, 0.014, "chi-square test"), "c.yaml", None, rule="half_up")
    assert {r["id"]: r["status"] for r in a["rows"]}["p"] == "reproduced_other_method"


def test_percentage_recomputed_from_count_and_total():
    a = audit_one_study(_counts(10, 20, 2, 20, 0.014, pct1=50), "c.yaml", None, rule="half_up")
    assert {r["id"]: r["status"] for r in a["rows"]}["a"] == "reproduced"
    bad = audit_one_study(_counts(10, 20, 2, 20, 0.014, pct1=55), "c.yaml", None, rule="half_up")
    assert {r["id"]: r["status"] for r in bad["rows"]}["a"] == "not_reproduced"
    [f] = [f for f in referee_findings("s", bad) if f["severity"] == "inconsistent"]
    assert f["entries"] == ["a"] and "10/20" in f["sentence"] and f["evidence"] == "#audit-s-checks"


def test_stated_test_matching():
    assert stated_test_matches("Fisher's exact test", ["fisher_exact/two-sided minlike"])
    assert not stated_test_matches("chi-square test with Yates' correction", ["chi_square/pearson"])
    assert stated_test_matches("chi-square test with Yates' correction", ["chi_square/yates"])
    assert stated_test_matches("not stated", ["barnard_exact/pooled"])
    assert not stated_test_matches("not stated", [])
    # issue 25: Pearson and Yates are different tests; "Pearson χ2" is a test name
    assert not stated_test_matches("chi-square test", ["chi_square/yates"])
    assert not stated_test_matches("Pearson χ2 test", ["fisher_exact/two-sided minlike"])
    assert stated_test_matches("χ² test", ["chi_square/pearson", "two_proportion_z/pooled"])
    assert stated_test_matches("Fisher exact test or chi2", ["chi_square/pearson"])


@pytest.mark.parametrize(
    ("text", "registry", "variant"),
    [
        ("χ2 test", "chi_square", "pearson"),
        ("χ² test", "chi_square", "pearson"),
        ("chi2", "chi_square", "pearson"),
        ("chi-squared test", "chi_square", "pearson"),
        ("Chi-square", "chi_square", "pearson"),
        ("Pearson's test", "chi_square", "pearson"),
        ("Yates-corrected χ2", "chi_square", "yates"),
        ("χ2 test with Yates correction", "chi_square", "yates"),
        ("Fisher's exact test", "fisher", ""),
        ("Fisher exact", "fisher", ""),
        ("Mann–Whitney U test", "mann_whitney", ""),
        ("Mann-Whitney", "mann_whitney", ""),
        ("Wilcoxon rank-sum test", "mann_whitney", ""),
        ("Wilcoxon signed-rank test", "wilcoxon_signed_rank", ""),
        ("Kruskal–Wallis test", "kruskal_wallis", ""),
        ("Student's t-test", None, "student"),
        ("Student t test", None, "student"),
        ("Welch's t-test", "welch_t", ""),
        ("log-rank test", "logrank", ""),
        ("Log rank", "logrank", ""),
        ("McNemar's test", "mcnemar", ""),
    ],
)
def test_test_vocabulary_maps_to_the_registry(text, registry, variant):
    from retrocohort.audit.checks.stated_names import named_tests
    from retrocohort.stats.registry import TESTS

    [test] = named_tests(text)
    assert (test.registry, test.variant) == (registry, variant)
    assert test.registry is None or test.registry in TESTS


def _flagship_like():
    return PublishedStudy(
        source={"citation": "Flag"},
        numbers=(
            _num(
                "dur",
                "median_iqr",
                {"median": 21, "q1": 13, "q3": 19},
                "duration",
                printed="21 days [IQR, 13–19]",
            ),
            _num("men", "count_pct", {"count": 13, "pct": 62}, "male", printed="13 (62%)", n=21),
            _num("men2", "count", {"count": 12}, "male", printed="12 men"),
            _num("women", "count", {"count": 8}, "female", printed="8 women"),
        ),
        sums=(),
    )


def test_referee_orders_by_severity_and_json_schema_is_stable():
    a = audit_one_study(_counts(10, 20, 2, 20, 0.5, pct1=55), "c.yaml", None, rule="half_up")
    a2 = audit_one_study(_flagship_like(), "f.yaml", None, rule="half_up")
    summary = referee_json({"counts": a, "flag": a2})
    assert summary["schema"] == REFEREE_SCHEMA
    for s in summary["studies"]:
        assert set(s) == {"study", "file", "citation", "data", "counts", "findings"}
        assert s["data"] == "none"
        order = [SEVERITIES.index(f["severity"]) for f in s["findings"]]
        assert order == sorted(order)
        for f in s["findings"]:
            assert set(f) == {"severity", "check", "sentence", "entries", "data", "evidence", "shown"}
    flag = summary["studies"][1]
    [q] = [f for f in flag["findings"] if f["check"] == "quartile_order"]
    assert q["severity"] == "inconsistent" and "median outside its own interquartile range" in q["sentence"]
    assert "“21 days [IQR, 13–19]”" in q["sentence"]
    assert has_inconsistency(summary)


def test_referee_section_comes_first_and_links_evidence():
    audits = {"flag": audit_one_study(_flagship_like(), "f.yaml", None, rule="half_up")}
    md = render_markdown(report_blocks(audits, "Methods note."))
    assert md.index("## Referee summary") < md.index("## Methods") < md.index("## flag: every printed number")
    html = render_html(report_blocks(audits, "Methods note."), "Audit")
    assert '<a href="#audit-flag-checks">evidence: dur</a>' in html
    assert 'id="audit-flag-checks"' in html


def test_word_budget_cuts_warnings_only():
    a = audit_one_study(_counts(10, 20, 2, 20, 0.5, pct1=55), "c.yaml", None, rule="half_up")
    summary = referee_json({"s": a}, budget=1)
    shown = [f for f in summary["studies"][0]["findings"] if f["shown"]]
    assert all(f["severity"] != "warning" for f in shown) and shown
    assert summary["omitted"] == sum(not f["shown"] for f in summary["studies"][0]["findings"])
    assert referee_blocks(summary)[-1][1].startswith(f"{summary['omitted']} further warning")
