"""Stated test vs reproducing test, test switches within a table, which count a p supports,
and the likelihood-ratio and mid-p variants (issue 17 item 6)."""

import math

import pytest
from scipy import stats

from retrocohort.audit import audit_study
from retrocohort.audit.checks.counts_only import fisher_mid_p, two_group_tests
from retrocohort.audit.published import PublishedNumber, PublishedStudy


def _n(id, where, printed, statistic, values, variable, **kw):
    return PublishedNumber(
        id=id,
        where=where,
        printed=printed,
        statistic=statistic,
        values=values,
        decimals={k: (3 if k == "p" else 0) for k in values},
        variable=variable,
        **kw,
    )


def _pair(prefix, where, c1, n1, c2, n2, p, test, pct=None):
    first = (
        _n(
            f"{prefix}1",
            where,
            f"{c1} ({pct}%)",
            "count_pct",
            {"count": c1, "pct": pct},
            prefix,
            group="x",
            denominator=n1,
        )
        if pct is not None
        else _n(
            f"{prefix}1", where, f"{c1}/{n1}", "count_of_total", {"count": c1, "total": n1}, prefix, group="x"
        )
    )
    return (
        first,
        _n(
            f"{prefix}2", where, f"{c2}/{n2}", "count_of_total", {"count": c2, "total": n2}, prefix, group="y"
        ),
        _n(
            f"{prefix}p",
            where,
            f"{p:.3f}",
            "p_value",
            {"p": p},
            prefix,
            test=test,
            design="unpaired",
            compares=(f"{prefix}1", f"{prefix}2"),
        ),
    )


def _findings(*numbers):
    return {(f.check, f.entry_id): f for f in audit_study(PublishedStudy(source={}, numbers=numbers))}


def test_rows_of_one_table_reproduced_by_different_chi_square_variants():
    # 26/29 vs 9/16: only Yates gives 0.027; 10/20 vs 2/20: only tests without correction give 0.006
    f = _findings(
        *_pair("a", "Table II", 26, 29, 9, 16, 0.027, "chi-square test"),
        *_pair("b", "Table II", 10, 20, 2, 20, 0.006, "chi-square test"),
    )
    switch = f[("test_switch", "ap = bp")]
    assert switch.status == "warning"
    assert switch.details["rows"]["ap"] == ["chi_square/yates"]
    assert "chi_square/pearson" in switch.details["rows"]["bp"]
    # a plain "chi-square" is Pearson's: the row only Yates' correction prints does not reproduce it
    assert "the chi-square test with Yates' continuity correction does" in f[("stated_test", "ap")].message
    assert ("stated_test", "bp") not in f
    assert "chi_square/" not in switch.message  # no internal names in the sentence
    summary = f[("stated_tests", "ap = bp")]
    assert summary.message == (
        "the stated test (Pearson's chi-square test) reproduces 1 of 2 printed p-values; "
        "1 reproduces only with the chi-square test with Yates' continuity correction"
    )


def test_pearson_chi2_in_a_footnote_is_a_stated_test():
    # issue 25: "Pearson χ2" was not read as a test, so any reproducing test matched it
    f = _findings(
        *_pair("a", "Table 2", 26, 29, 9, 16, 0.027, "Pearson χ2 test"),
        *_pair("b", "Table 2", 10, 20, 2, 20, 0.006, "Pearson χ2 test"),
        *_pair("c", "Table 2", 8, 20, 2, 20, 0.028, "Pearson χ2 test"),
    )
    assert ("stated_test", "ap") in f and ("stated_test", "bp") not in f
    summary = f[("stated_tests", "ap = bp = cp")]
    assert summary.status == "warning"
    assert (
        summary.details["reproduced"]
        + len(summary.details["only_with"].get("the chi-square test with Yates' continuity correction", []))
        + summary.details["by_none"]
        <= 3
    )
    assert summary.message.startswith("the stated test (Pearson's chi-square test) reproduces ")
    assert summary.message.count("of 3 printed p-values") == 1


def test_stated_test_not_reproducing_while_another_does():
    f = _findings(*_pair("a", "Table 2", 26, 29, 9, 16, 0.027, "Fisher's exact test"))
    stated = f[("stated_test", "ap")]
    assert stated.details["reproducing"] == ["chi_square/yates"]
    assert "states Fisher's exact test" in stated.message


def test_p_supports_the_count_the_percentage_implies():
    # "8 (50%)" of 20: 8/20 is 40%; 50% of 20 is 10; Fisher on 10/20 vs 2/20 gives 0.0138
    f = _findings(*_pair("c", "Table 3", 8, 20, 2, 20, 0.014, "Fisher's exact test", pct=50))
    sup = f[("p_supports", "cp")]
    assert "supports the count the percentage implies (10/20)" in sup.message
    assert sup.details["counts"]["8"] == []
    assert "fisher_exact/two-sided minlike" in sup.details["counts"]["10"]


def test_fisher_mid_p_by_hand():
    # 3/3 vs 0/3: hypergeometric probabilities 1/20, 9/20, 9/20, 1/20; observed 1/20:
    # mid-p = 0 (less likely) + 0.5 * 2/20 (as likely) = 0.05; Fisher's p is 0.1
    assert fisher_mid_p(3, 3, 0, 3) == pytest.approx(0.05)


def test_likelihood_ratio_chi_square_by_hand():
    table = [[26, 3], [9, 7]]
    rows, cols, total = [29, 16], [35, 10], 45
    g = 2 * sum(
        table[i][j] * math.log(table[i][j] * total / (rows[i] * cols[j])) for i in range(2) for j in range(2)
    )
    [c] = [c for c in two_group_tests(26, 29, 9, 16) if c.method == "likelihood ratio (G)"]
    assert c.p == pytest.approx(stats.chi2.sf(g, 1), rel=1e-12)
