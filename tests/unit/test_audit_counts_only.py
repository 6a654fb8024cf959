"""Two-group count-only tests: known tables and the Cavalli example."""

from fractions import Fraction

import pytest
from scipy import stats

from retrocohort.audit.checks.counts_only import check_count_p, two_group_tests


def _p(cands, test, method):
    return next(c.p for c in cands if (c.test, c.method) == (test, method))


def test_fisher_on_perfect_separation_3_vs_3():
    cands = two_group_tests(3, 3, 0, 3)
    assert _p(cands, "fisher_exact", "two-sided minlike") == pytest.approx(0.1)  # 2 / C(6,3)
    [f] = check_count_p("x", 3, 3, 0, 3, "0.100")
    assert f.status == "ok" and "fisher_exact" in f.message


def test_cavalli_chi_square_by_hand_and_report():
    cands = two_group_tests(26, 29, 9, 16)
    # Pearson: N (ad - bc)^2 / (r1 r2 c1 c2) = 45 * 155^2 / (29 * 16 * 35 * 10)
    chi2 = Fraction(45 * 155**2, 29 * 16 * 35 * 10)
    assert _p(cands, "chi_square", "pearson") == pytest.approx(stats.chi2.sf(float(chi2), 1), rel=1e-12)
    yates = Fraction(45) * (155 - Fraction(45, 2)) ** 2 / (29 * 16 * 35 * 10)
    assert _p(cands, "chi_square", "yates") == pytest.approx(stats.chi2.sf(float(yates), 1), rel=1e-12)
    assert _p(cands, "two_proportion_z", "pooled") == pytest.approx(_p(cands, "chi_square", "pearson"))
    [f] = check_count_p("cav_survival_p", 26, 29, 9, 16, "0.009")
    assert f.status == "warning"
    assert "not attainable by rounding" in f.message and "only by truncation" in f.message
    assert {(m["test"], m["method"]) for m in f.details["matches"]} == {
        ("chi_square", "pearson"),
        ("two_proportion_z", "pooled"),
    }
    assert all(m["rules"] == ["truncate"] for m in f.details["matches"])
    assert f"{_p(cands, 'fisher_exact', 'two-sided minlike'):.3f}" == "0.021"


def test_zero_margin_skips_chi_square():
    cands = two_group_tests(0, 5, 0, 5)
    assert not [c for c in cands if c.test == "chi_square"]
    assert _p(cands, "fisher_exact", "two-sided minlike") == 1.0
