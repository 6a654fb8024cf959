"""Attainable p-values: which p-values can a given test produce for a given design?

Self-contained (numpy/scipy only). Exact null distributions are enumerated by dynamic
programming with Python integers, so p-values are exact rationals before the final float:

- Wilcoxon signed-rank V (no ties): P(V = v) for n pairs, the number of subsets of {1..n}
  with sum v over 2**n. Zero differences are dropped (R, scipy 'wilcox'), so with zeros
  allowed every n_eff in 1..n is possible.
- Mann-Whitney U (no ties): the number of arrangements with U = u over C(n1 + n2, n1).
- McNemar from margins: every 2x2 paired table with the published Day 0 / Day 7 counts.

Exact two-sided p = min(1, 2 min(P(T <= t), P(T >= t))), as scipy's method='exact' and R.
Normal approximations are listed with and without a 0.5 continuity correction.
With ties the attainable set is larger (mid-ranks, tie-corrected variance), so "not
attainable" from an untied enumeration is a warning, not a proof.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from functools import cache

from scipy import stats
from scipy.special import ndtr

from retrocohort.audit.checks.counts_only import check_count_p, two_group_tests
from retrocohort.audit.checks.finding import Finding, status_from_rules
from retrocohort.audit.checks.printed_p_check import check_printed_p
from retrocohort.audit.checks.rounding import STANDARD_RULES, CandidateP, PMatch, match_printed_p
from retrocohort.audit.published import PublishedNumber, PublishedStudy

# --- exact null distributions -------------------------------------------------------------


@cache
def signrank_null_counts(n: int) -> tuple[int, ...]:
    """Counts of V = 0..n(n+1)/2 over the 2**n sign patterns (Wilcoxon signed-rank, no ties)."""
    counts = [1]
    for k in range(1, n + 1):
        new = counts + [0] * k
        for v, c in enumerate(counts):
            new[v + k] += c
        counts = new
    return tuple(counts)


@cache
def mannwhitney_null_counts(n1: int, n2: int) -> tuple[int, ...]:
    """Counts of U = 0..n1*n2 over the C(n1+n2, n1) arrangements (Mann-Whitney, no ties).

    Recursion on the largest observation: f(m, n; u) = f(m-1, n; u-n) + f(m, n-1; u).
    """
    if n1 == 0 or n2 == 0:
        return (1,)
    a, b = mannwhitney_null_counts(n1 - 1, n2), mannwhitney_null_counts(n1, n2 - 1)
    out = [0] * (n1 * n2 + 1)
    for u, c in enumerate(a):
        out[u + n2] += c
    for u, c in enumerate(b):
        out[u] += c
    return tuple(out)


def exact_two_sided(counts: Sequence[int], t: int) -> Fraction:
    """min(1, 2 min(P(T <= t), P(T >= t))) for a null given as integer counts."""
    total = sum(counts)
    lower, upper = sum(counts[: t + 1]), sum(counts[t:])
    return min(Fraction(1), Fraction(2 * min(lower, upper), total))


def normal_two_sided(t: float, mean: float, sd: float, correction: bool) -> float:
    """2 P(Z >= (|t - mean| - 0.5*correction) / sd), capped at 1."""
    dev = max(abs(t - mean) - (0.5 if correction else 0.0), 0.0)
    return float(min(1.0, 2 * ndtr(-dev / sd)))  # ndtr(-z) = norm.sf(z), ~50x faster per call


def _rank_candidates(
    test: str, counts: Sequence[int], mean: float, sd: float, params: dict[str, int], stat: str
) -> list[CandidateP]:
    out = []
    for t in range(len(counts) // 2 + 1):  # symmetric null: lower half covers all p-values
        p = {stat: t, **params}
        out.append(CandidateP(test, "exact", float(exact_two_sided(counts, t)), p))
        out.append(CandidateP(test, "normal", normal_two_sided(t, mean, sd, False), p))
        out.append(CandidateP(test, "normal_cc", normal_two_sided(t, mean, sd, True), p))
    return out


def wilcoxon_candidates(n: int, *, allow_zeros: bool = True) -> list[CandidateP]:
    """All two-sided signed-rank p-values (exact, normal, normal_cc) for n pairs without ties.

    With ``allow_zeros`` every n_eff in 1..n is enumerated (zero differences are dropped).
    """
    out = []
    for m in range(1, n + 1) if allow_zeros else (n,):
        sd = math.sqrt(m * (m + 1) * (2 * m + 1) / 24)
        out += _rank_candidates(
            "wilcoxon_signed_rank", signrank_null_counts(m), m * (m + 1) / 4, sd, {"n_eff": m}, "V"
        )
    return out


def mannwhitney_candidates(n1: int, n2: int) -> list[CandidateP]:
    """All two-sided Mann-Whitney p-values (exact, normal, normal_cc) for sizes n1, n2, no ties."""
    sd = math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return _rank_candidates(
        "mann_whitney", mannwhitney_null_counts(n1, n2), n1 * n2 / 2, sd, {"n1": n1, "n2": n2}, "U"
    )


# --- McNemar from published margins ----------------------------------------------------------


def mcnemar_tables(n: int, m1: int, m2: int) -> list[tuple[int, int, int, int]]:
    """Every paired table (a, b, c, d) with n pairs, m1 positive at time 1, m2 at time 2.

    a = positive both times ranges over max(0, m1 + m2 - n) .. min(m1, m2); b = m1 - a
    (positive then negative), c = m2 - a, d = n - a - b - c.
    """
    return [(a, m1 - a, m2 - a, n - m1 - m2 + a) for a in range(max(0, m1 + m2 - n), min(m1, m2) + 1)]


def mcnemar_p(b: int, c: int) -> dict[str, float]:
    """McNemar p-values for discordant counts b, c.

    exact: min(1, 2 P(X <= min(b, c))), X ~ Binomial(b + c, 1/2); chi2: (b - c)^2 / (b + c);
    chi2_cc: (|b - c| - 1)^2 / (b + c), corrected only when b != c (as R's mcnemar.test).
    """
    if b + c == 0:
        return {"exact": 1.0, "chi2": 1.0, "chi2_cc": 1.0}
    tail = sum(math.comb(b + c, i) for i in range(min(b, c) + 1))
    exact = min(Fraction(1), Fraction(2 * tail, 2 ** (b + c)))
    cc = 1 if b != c else 0
    return {
        "exact": float(exact),
        "chi2": float(stats.chi2.sf((b - c) ** 2 / (b + c), 1)),
        "chi2_cc": float(stats.chi2.sf((abs(b - c) - cc) ** 2 / (b + c), 1)),
    }


def mcnemar_candidates(n: int, m1: int, m2: int) -> list[CandidateP]:
    """McNemar p-values for every table consistent with the margins, plus the unpaired tests
    (Fisher, chi-square with/without Yates, ...) wrongly applied to [[m1, n-m1], [m2, n-m2]]."""
    out = []
    for a, b, c, d in mcnemar_tables(n, m1, m2):
        for method, p in mcnemar_p(b, c).items():
            out.append(CandidateP("mcnemar", method, p, {"a": a, "b": b, "c": c, "d": d}))
    return out + [
        CandidateP(c.test, c.method, c.p, {**c.params, "unpaired_on_margins": True})
        for c in two_group_tests(m1, n, m2, n)
    ]


# --- group sizes for an unpaired rank test -------------------------------------------------


def mannwhitney_size_matches(printed: str, max_total: int) -> dict[tuple[int, int], list[PMatch]]:
    """Group sizes n1 <= n2, n1 + n2 <= max_total, for which some Mann-Whitney p (exact or
    normal, no ties) rounds to the printed value."""
    out = {}
    for n1 in range(1, max_total // 2 + 1):
        for n2 in range(n1, max_total - n1 + 1):
            hits = match_printed_p(mannwhitney_candidates(n1, n2), printed, STANDARD_RULES)
            if hits:
                out[(n1, n2)] = hits
    return out


def check_signed_rank_p(entry_id: str, printed: str, n: int) -> list[Finding]:
    """Signed-rank p for n pairs: "ok" if attainable with all n differences non-zero and untied;
    else a "warning" saying which n_eff (zero differences dropped) would give it, if any."""
    full = check_printed_p(
        entry_id,
        printed,
        wilcoxon_candidates(n, allow_zeros=False),
        exhaustive=False,
        label=f"Wilcoxon signed-rank, n={n}, no zeros or ties",
    )
    if full[0].status == "ok":
        return full
    some = check_printed_p(
        entry_id,
        printed,
        wilcoxon_candidates(n),
        exhaustive=False,
        label=f"Wilcoxon signed-rank with zero differences dropped (n_eff 1..{n})",
    )[0]
    n_effs = sorted({m["n_eff"] for m in some.details["matches"] if status_from_rules(m["rules"]) == "ok"})
    msg = full[0].message + "; " + (some.message if n_effs else "nor for any n_eff: ties needed")
    return [
        Finding("attainable_p", entry_id, "warning", msg, {**some.details, "n_eff_rounding_match": n_effs})
    ]


# --- all printed p-values of a loaded study ---------------------------------------------------


def _binary_margins(e: PublishedNumber) -> tuple[int, int] | None:
    """(events, total) of a count_pct / count_of_total entry."""
    if e.statistic == "count_of_total":
        return int(e.values["count"]), int(e.values["total"])
    if e.statistic == "count_pct" and (e.denominator or e.n):
        return int(e.values["count"]), int(e.denominator or e.n)  # type: ignore[arg-type]
    return None


def unpaired_count_margins(study: PublishedStudy) -> dict[str, tuple[int, int, int, int]]:
    """p entry id -> (e1, n1, e2, n2) for every unpaired p-value comparing two printed counts."""
    entries = study.by_id()
    out = {}
    for e in study.numbers:
        if e.statistic == "p_value" and e.design == "unpaired" and len(e.compares) == 2:
            margins = [_binary_margins(entries[c]) for c in e.compares]
            if all(margins):
                (e1, n1), (e2, n2) = margins  # type: ignore[misc]
                out[e.id] = (e1, n1, e2, n2)
    return out


def check_p_values(study: PublishedStudy, *, max_group_total: int | None = None) -> list[Finding]:
    """Attainability of every printed p-value, by design and compared entries:

    paired binary -> McNemar over all tables with the margins (+ unpaired tests on them);
    paired continuous with n -> Wilcoxon signed-rank, n_eff 1..n; unpaired binary -> 2x2 tests
    (counts_only); unpaired rank test -> Mann-Whitney for the printed group sizes, or, when
    they are not printed, every n1 + n2 <= ``max_group_total``.
    """
    entries = study.by_id()
    out: list[Finding] = []
    for e in study.numbers:
        if e.statistic != "p_value":
            continue
        margins = [_binary_margins(entries[c]) for c in e.compares]
        binary = len(margins) == 2 and all(margins)
        if e.design == "paired" and binary:
            (m1, n), (m2, _) = margins  # type: ignore[misc]
            out += check_printed_p(
                e.id,
                e.printed_p,
                mcnemar_candidates(n, m1, m2),
                exhaustive=True,
                label=f"McNemar on all tables with margins {m1}/{n}, {m2}/{n}, "
                "or unpaired 2x2 tests on the margins",
            )
        elif e.design == "paired" and e.n:
            out += check_signed_rank_p(e.id, e.printed_p, e.n)
        elif e.design == "unpaired" and binary:
            (e1, n1), (e2, n2) = margins  # type: ignore[misc]
            out += check_count_p(e.id, e1, n1, e2, n2, e.printed_p)
        elif e.design == "unpaired" and max_group_total:
            sizes = mannwhitney_size_matches(e.printed_p, max_group_total)
            status = "ok" if sizes else "warning"
            out.append(
                Finding(
                    "attainable_p",
                    e.id,
                    status,
                    f"{e.printed_p}: Mann-Whitney (no ties) group sizes n1<=n2, "
                    f"n1+n2<={max_group_total} that can print it: "
                    + (", ".join(f"{a}+{b}" for a, b in sizes) or "none"),
                    {"group_sizes": [list(k) for k in sizes]},
                )
            )
    return out
