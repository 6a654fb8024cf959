"""Attainable p-values: exact null distributions, McNemar from margins, checks of printed p."""

import math
from fractions import Fraction

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar

from retrocohort.audit.checks.attainable import (
    check_signed_rank_p,
    exact_two_sided,
    mannwhitney_candidates,
    mannwhitney_null_counts,
    mannwhitney_size_matches,
    mcnemar_candidates,
    mcnemar_p,
    mcnemar_tables,
    signrank_null_counts,
    wilcoxon_candidates,
)
from retrocohort.audit.checks.printed_p_check import check_printed_p


def test_signrank_null_n5_exact_two_sided_set():
    counts = signrank_null_counts(5)
    assert sum(counts) == 32 and counts == counts[::-1]
    ps = sorted({exact_two_sided(counts, v) for v in range(len(counts))})
    assert [float(p) for p in ps] == [0.0625, 0.125, 0.1875, 0.3125, 0.4375, 0.625, 0.8125, 1.0]


def test_signrank_hollander_wolfe_depression_v40():
    counts = signrank_null_counts(9)
    assert Fraction(sum(counts[40:]), 2**9) == Fraction(10, 512)  # one-sided 0.01953
    assert exact_two_sided(counts, 40) == Fraction(20, 512)


@pytest.mark.parametrize("n, seed", [(6, 0), (10, 1), (15, 2), (20, 3)])
def test_wilcoxon_candidates_match_scipy_without_ties(n, seed):
    rng = np.random.default_rng(seed)
    d = rng.permutation(np.arange(1, n + 1)) * rng.choice([-1, 1], n)  # |d| are the ranks
    r_plus = int(d[d > 0].sum())
    v = min(r_plus, n * (n + 1) // 2 - r_plus)
    got = {c.method: c.p for c in wilcoxon_candidates(n, allow_zeros=False) if c.params["V"] == v}
    assert got["exact"] == pytest.approx(stats.wilcoxon(d, method="exact").pvalue, rel=1e-12)
    assert got["normal"] == pytest.approx(stats.wilcoxon(d, method="asymptotic").pvalue, rel=1e-9)
    assert got["normal_cc"] == pytest.approx(
        stats.wilcoxon(d, method="asymptotic", correction=True).pvalue, rel=1e-9
    )


def test_wilcoxon_zero_differences_enumerate_every_n_eff():
    assert {c.params["n_eff"] for c in wilcoxon_candidates(4)} == {1, 2, 3, 4}
    assert {c.params["n_eff"] for c in wilcoxon_candidates(4, allow_zeros=False)} == {4}


def test_mannwhitney_null_counts_and_scipy_agreement():
    counts = mannwhitney_null_counts(5, 9)
    assert sum(counts) == math.comb(14, 5) and counts == counts[::-1]
    assert mannwhitney_null_counts(2, 2) == (1, 1, 2, 1, 1)
    rng = np.random.default_rng(7)
    x, y = rng.random(5), rng.random(9) + 0.3
    u = stats.mannwhitneyu(x, y).statistic
    u = int(min(u, 45 - u))
    got = {c.method: c.p for c in mannwhitney_candidates(5, 9) if c.params["U"] == u}
    assert got["exact"] == pytest.approx(stats.mannwhitneyu(x, y, method="exact").pvalue, rel=1e-12)
    assert got["normal"] == pytest.approx(
        stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=False).pvalue, rel=1e-9
    )
    assert got["normal_cc"] == pytest.approx(stats.mannwhitneyu(x, y, method="asymptotic").pvalue, rel=1e-9)


def test_mcnemar_tables_from_baverez_fever_margins():
    assert mcnemar_tables(18, 16, 3) == [(1, 15, 2, 0), (2, 14, 1, 1), (3, 13, 0, 2)]
    assert mcnemar_tables(10, 2, 3) == [(0, 2, 3, 5), (1, 1, 2, 6), (2, 0, 1, 7)]


@pytest.mark.parametrize("b, c", [(15, 2), (14, 1), (13, 0), (4, 4), (7, 3)])
def test_mcnemar_p_matches_statsmodels(b, c):
    table = [[0, b], [c, 0]]
    got = mcnemar_p(b, c)
    assert got["exact"] == pytest.approx(mcnemar(table, exact=True).pvalue, rel=1e-12)
    assert got["chi2"] == pytest.approx(mcnemar(table, exact=False, correction=False).pvalue, rel=1e-12)
    if b != c:  # statsmodels corrects even when b == c; R (and we) do not
        assert got["chi2_cc"] == pytest.approx(mcnemar(table, exact=False).pvalue, rel=1e-12)
    assert mcnemar_p(15, 2)["exact"] == 2 * (1 + 17 + 136) / 2**17


def test_fever_p_0021_is_not_attainable_from_margins():
    [f] = check_printed_p(
        "t3_fever_p", "0.021", mcnemar_candidates(18, 16, 3), exhaustive=True, label="McNemar"
    )
    assert f.status == "inconsistent"
    largest = max(c.p for c in mcnemar_candidates(18, 16, 3))
    assert largest == pytest.approx(0.003609, abs=1e-6)  # chi2_cc on b=15, c=2


def test_constructed_mcnemar_p_is_found_with_its_table():
    p = mcnemar_p(6, 1)["exact"]  # 2 * 8/128 = 0.125
    assert p == 0.125
    [f] = check_printed_p("x", "0.125", mcnemar_candidates(12, 8, 3), exhaustive=True, label="McNemar")
    assert f.status == "ok"
    assert {"test": "mcnemar", "method": "exact", "a": 2, "b": 6, "c": 1, "d": 3} in [
        {k: m[k] for k in ("test", "method", "a", "b", "c", "d")}
        for m in f.details["matches"]
        if m["test"] == "mcnemar"
    ]


def test_signed_rank_check_reports_needed_zero_differences():
    [hb] = check_signed_rank_p("t3_hemoglobin_p", "0.946", 20)
    assert hb.status == "warning" and hb.details["n_eff_rounding_match"] == [13]
    [wbc] = check_signed_rank_p("t3_leukocytes_p", "1.000", 20)
    assert wbc.status == "ok"
    [crp] = check_signed_rank_p("t3_crp_p", "<0.001", 15)
    assert crp.status == "ok"
    [fer] = check_signed_rank_p("t3_ferritin_p", "0.011", 15)
    assert fer.status == "ok"
    assert {m["method"] for m in fer.details["matches"] if set(m["rules"]) & {"half_up", "half_even"}} == {
        "normal",
        "normal_cc",
    }


def test_mannwhitney_size_matches_small_case():
    # 0.200 is the exact two-sided p of the most extreme arrangement for 2 + 3 (2 * 1/10)
    sizes = mannwhitney_size_matches("0.200", 5)
    assert (2, 3) in sizes
    assert all(n1 + n2 <= 5 for n1, n2 in sizes)
    assert any(m.candidate.method == "exact" and m.candidate.params["U"] == 0 for m in sizes[(2, 3)])
