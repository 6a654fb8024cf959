"""Two-group count-only studies: which standard 2x2 test prints as the published p?

Given events/total per group, compute every common two-sided test on the 2x2 table
[[e1, n1 - e1], [e2, n2 - e2]] and report those whose p prints as the published value at its
decimals. Tests undefined for the table (a zero margin for chi-square) are left out.
"""

from __future__ import annotations

import math
from dataclasses import replace

from scipy import stats

from retrocohort.audit.checks.finding import Finding
from retrocohort.audit.checks.printed_p_check import check_printed_p
from retrocohort.audit.checks.rounding import CandidateP


def _z_tests(e1: int, n1: int, e2: int, n2: int) -> list[CandidateP]:
    p1, p2 = e1 / n1, e2 / n2
    pooled = (e1 + e2) / (n1 + n2)
    out = []
    for method, var in (
        ("pooled", pooled * (1 - pooled) * (1 / n1 + 1 / n2)),
        ("unpooled", p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2),
    ):
        if var > 0:
            z = (p1 - p2) / math.sqrt(var)
            out.append(CandidateP("two_proportion_z", method, float(2 * stats.norm.sf(abs(z))), {"z": z}))
    return out


def fisher_mid_p(e1: int, n1: int, e2: int, n2: int) -> float:
    """Two-sided mid-p of Fisher's exact test (Lancaster 1961): the probability of tables less
    likely than the observed one plus half that of tables as likely (relative tolerance 1e-7,
    R's rule for ties of the hypergeometric probabilities)."""
    dist = stats.hypergeom(n1 + n2, n1, e1 + e2)
    support = range(max(0, e1 + e2 - n2), min(n1, e1 + e2) + 1)
    observed = dist.pmf(e1)
    less = sum(dist.pmf(x) for x in support if dist.pmf(x) < observed * (1 - 1e-7))
    same = sum(dist.pmf(x) for x in support if abs(dist.pmf(x) - observed) <= observed * 1e-7)
    return float(min(1.0, less + 0.5 * same))


def two_group_tests(e1: int, n1: int, e2: int, n2: int) -> list[CandidateP]:
    """Two-sided p-values of the usual tests on [[e1, n1-e1], [e2, n2-e2]].

    Fisher exact (scipy, 'minlike' two-sided rule as in R) and its mid-p (:func:`fisher_mid_p`);
    Pearson chi-square without and with Yates' correction; the likelihood-ratio chi-square (G
    test, no correction); Barnard's unconditional test (pooled and unpooled Wald statistic);
    Boschloo's test; two-proportion z-test with pooled (= chi-square without Yates) and
    unpooled standard error.
    """
    table = [[e1, n1 - e1], [e2, n2 - e2]]
    out = [
        CandidateP("fisher_exact", "two-sided minlike", float(stats.fisher_exact(table).pvalue)),
        CandidateP("fisher_exact", "mid-p", fisher_mid_p(e1, n1, e2, n2)),
    ]
    if min(e1 + e2, n1 + n2 - e1 - e2) > 0:
        for method, yates in (("pearson", False), ("yates", True)):
            res = stats.chi2_contingency(table, correction=yates)
            out.append(
                CandidateP("chi_square", method, float(res.pvalue), {"statistic": float(res.statistic)})
            )
        res = stats.chi2_contingency(table, correction=False, lambda_="log-likelihood")
        out.append(
            CandidateP(
                "chi_square", "likelihood ratio (G)", float(res.pvalue), {"statistic": float(res.statistic)}
            )
        )
    for pooled in (True, False):
        res = stats.barnard_exact(table, alternative="two-sided", pooled=pooled)
        out.append(CandidateP("barnard_exact", "pooled" if pooled else "unpooled", float(res.pvalue)))
    boschloo = stats.boschloo_exact(table, alternative="two-sided").pvalue
    out.append(CandidateP("boschloo_exact", "two-sided", float(boschloo)))
    return out + _z_tests(e1, n1, e2, n2)


def check_count_p(entry_id: str, e1: int, n1: int, e2: int, n2: int, printed: str) -> list[Finding]:
    """Which 2x2 tests on e1/n1 vs e2/n2 print as ``printed``; all their p-values in details.

    No match is a "warning" (the paper may have used a test on other data, e.g. survival
    times); a match by truncation only is a "warning" too.
    """
    candidates = two_group_tests(e1, n1, e2, n2)
    [finding] = check_printed_p(
        entry_id, printed, candidates, exhaustive=False, label=f"2x2 tests on {e1}/{n1} vs {e2}/{n2}"
    )
    p_values = {f"{c.test}/{c.method}": c.p for c in candidates}
    every = ", ".join(f"{k} {v:.4g}" for k, v in p_values.items())
    return [
        replace(
            finding,
            check="count_p_value",
            message=f"{finding.message}. All: {every}",
            details={**finding.details, "p_values": p_values},
        )
    ]
