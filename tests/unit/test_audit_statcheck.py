"""statcheck-style recomputation against statcheck's documented examples.

Source: the statcheck R package (MicheleNuijten/statcheck; Nuijten et al. 2016, Behav Res
Methods 48:1205), tests/testthat/test-error.R ("t(48) = 1.02, p < .05" is an error and a
decision error) and tests/testthat/test-decisionerror.R (the "simple decision errors" list).
"""

import pytest
from scipy import stats

from retrocohort.audit.checks.reported_stats import statcheck_findings
from retrocohort.audit.checks.statcheck import check_test_result, p_from_statistic, reported_significance
from retrocohort.audit.published import PublishedNumber


def test_statcheck_t_error_and_decision_error():
    r = check_test_result("t", 1.02, 2, 0.05, 2, "<", 48)
    assert not r.consistent and r.decision_error


@pytest.mark.parametrize(
    "family, value, p, df1, df2",
    [
        ("t", 2.20, 0.06, 28, None),
        ("t", 1.20, 0.03, 28, None),
        ("F", 22.20, 0.06, 2, 28),
        ("F", 2.20, 0.03, 2, 28),
        ("r", 0.22, 0.03, 28, None),
        ("r", 0.52, 0.06, 28, None),
        ("chi2", 2.20, 0.03, 28, None),
        ("chi2", 52.20, 0.06, 28, None),
        ("z", 1.20, 0.03, None, None),
        ("z", 2.20, 0.06, None, None),
    ],
)
def test_statcheck_simple_decision_errors(family, value, p, df1, df2):
    r = check_test_result(family, value, 2, p, 2, "=", df1, df2)
    assert not r.consistent and r.decision_error


def test_consistent_result_and_rounding_interval():
    # t(28) = 2.20 two-sided: p = 2 * P(T_28 > 2.20) = 0.0363, printed ".04"
    r = check_test_result("t", 2.20, 2, 0.04, 2, "=", 28)
    assert r.consistent and not r.decision_error
    assert r.p_low == pytest.approx(2 * stats.t.sf(2.205, 28))
    assert r.p_high == pytest.approx(2 * stats.t.sf(2.195, 28))
    # one decimal on the statistic widens the interval enough for ".03" (t in [2.15, 2.25))
    assert check_test_result("t", 2.2, 1, 0.03, 2, "=", 28).consistent
    assert not check_test_result("t", 2.20, 2, 0.03, 2, "=", 28).consistent


def test_one_sided_halves_t_z_r_only():
    assert p_from_statistic("t", 2.2, 28, tails=1) == pytest.approx(p_from_statistic("t", 2.2, 28) / 2)
    assert p_from_statistic("F", 4.84, 1, 28) == pytest.approx(p_from_statistic("t", 2.2, 28))  # F = t^2
    with pytest.raises(ValueError, match="degrees of freedom"):
        p_from_statistic("chi2", 3.0)


def test_reported_significance_p_equal_alpha_counts_as_significant():
    assert reported_significance(0.05, "=", 0.05) is True
    assert reported_significance(0.10, "<", 0.05) is None
    assert reported_significance(0.05, ">", 0.05) is False


def test_finding_from_a_published_entry():
    e = PublishedNumber(
        id="t1",
        where="results text, paragraph 2",
        printed="t(48) = 1.02, p < .05",
        statistic="test_result",
        values={"statistic": 1.02, "df1": 48, "p": 0.05},
        decimals={"statistic": 2, "df1": 0, "p": 2},
        variable="score",
        relation="<",
        test_family="t",
    )
    [f] = statcheck_findings(e)
    assert f.status == "inconsistent" and f.details["decision_error"]
    assert f.message.startswith("decision error: t(48) = 1.02 gives p in 0.31")


def test_a_statistic_without_its_degrees_of_freedom_is_a_warning_not_a_crash():
    # issue 25 corpus (tebbe2016): "r = -0.18 p = 0.3" drafted from prose has no df; the audit
    # raised "ValueError: r needs its degrees of freedom" for the whole paper
    from retrocohort.audit import audit_study
    from retrocohort.audit.published import PublishedNumber, PublishedStudy

    e = PublishedNumber(
        id="r1",
        where="results text, paragraph 1",
        printed="r = -0.18 p = 0.3",
        statistic="test_result",
        values={"statistic": -0.18, "p": 0.3},
        decimals={"statistic": 2, "p": 1},
        variable="trough",
        test_family="r",
    )
    study = PublishedStudy(source={}, numbers=(e,))
    [f] = [f for f in audit_study(study) if f.check == "statcheck"]
    assert f.status == "warning" and "without its degrees of freedom" in f.message
    from retrocohort.audit.report.study_audit import audit_one_study

    [row] = audit_one_study(study, "s.yaml", None, rule="half_up")["rows"]
    assert row["status"] == "not_recomputable"
