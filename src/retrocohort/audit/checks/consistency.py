"""Consistency checks on published summary numbers alone (no patient data).

Every check returns ``list[Finding]`` (:mod:`retrocohort.audit.checks.finding`). Status: "ok" (a
standard rounding rule reproduces the print), "warning" (only truncation does, or the check rests
on a stated assumption that may not hold), "inconsistent" (no rule / no admissible data can
produce the print). This module holds the percentage (GRIM-style), agreement and sum checks and
:func:`check_study`, which runs them with the quantile checks of
:mod:`retrocohort.audit.checks.quantile_checks` on a loaded study; a printed p-value against candidate
p-values is :mod:`retrocohort.audit.checks.printed_p_check`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace
from fractions import Fraction

from retrocohort.audit.checks.finding import Finding, plural, status_from_rules
from retrocohort.audit.checks.impossible import impossible_findings
from retrocohort.audit.checks.quantile_checks import (
    check_granularity,
    check_quartile_order,
    check_subset_quantile,
)
from retrocohort.audit.checks.rounding import ALL_RULES, STANDARD_RULES, Number, Rule, exact, matching_rules
from retrocohort.audit.published import PublishedNumber, PublishedStudy

# --- percentages (GRIM-style) ------------------------------------------------------------------


def _pct_rules(
    count: int, denominator: int, pct: Number, decimals: int, rules: Iterable[Rule] = ALL_RULES
) -> tuple[Rule, ...]:
    return matching_rules(Fraction(100 * count, denominator), pct, decimals, rules)


def _window(pct: Number, decimals: int) -> tuple[Fraction, Fraction]:
    """Bounds every value printing as ``pct`` at ``decimals`` lies within, under any rule of
    :data:`~retrocohort.audit.checks.rounding.ALL_RULES` (rounding moves a value by less than one
    unit of the last decimal)."""
    unit = Fraction(1, 10**decimals)
    return exact(pct) - unit, exact(pct) + unit


def fitting_denominators(count: int, pct: Number, decimals: int, max_n: int) -> list[int]:
    """Every denominator d in count..max_n (d >= 1) with 100*count/d printing as ``pct``; only
    the d whose 100*count/d lies within one unit of the last decimal of ``pct`` are tried.

    >>> fitting_denominators(3, 14.3, 1, 100)
    [21]
    """
    low, high = _window(pct, decimals)
    first = max(count, 1)
    last = max_n
    if count > 0:
        first = max(first, math.floor(Fraction(100 * count) / high))
        if low > 0:
            last = min(last, math.ceil(Fraction(100 * count) / low))
    return [d for d in range(first, last + 1) if _pct_rules(count, d, pct, decimals, STANDARD_RULES)]


def fitting_counts(n: int, pct: Number, decimals: int) -> list[int]:
    """Every count k in 0..n with 100*k/n printing as ``pct`` (only the k within one unit of the
    last decimal are tried).

    >>> fitting_counts(21, 14.3, 1), fitting_counts(37740, 39.5, 1)[::37]
    ([3], [14889, 14926])
    """
    low, high = _window(pct, decimals)
    first = max(0, math.floor(low * n / 100))
    last = min(n, math.ceil(high * n / 100))
    return [k for k in range(first, last + 1) if _pct_rules(k, n, pct, decimals, STANDARD_RULES)]


def check_percentage(
    entry_id: str, count: int, pct: Number, decimals: int, n: int, *, max_n: int | None = None
) -> list[Finding]:
    """GRIM-style test of "count (pct%)": does 100*count/n round to ``pct`` at ``decimals``?

    Details list the rules that matched, every denominator 1..max_n (default n) that fits the
    count and percentage, and every count 0..n that fits the percentage with denominator n.
    """
    rules = _pct_rules(count, n, pct, decimals)
    status = status_from_rules(rules)
    details = {
        "computed_pct": float(Fraction(100 * count, n)),
        "rules": list(rules),
        "denominators": fitting_denominators(count, pct, decimals, max_n or n),
        "counts_for_n": fitting_counts(n, pct, decimals),
    }
    msg = (
        f"{count}/{n} = {details['computed_pct']:.4g}% "
        + ("prints as" if status == "ok" else "only truncates to" if rules else "does not print as")
        + f" {float(pct):.{decimals}f}% at {plural(decimals, 'decimal')}"
    )
    return [Finding("percentage", entry_id, status, msg, details)]


# --- counts that must agree -----------------------------------------------------------------


def check_agreement(
    groups: Sequence[Sequence[tuple[str, float]]], *, versions: bool = False
) -> list[Finding]:
    """One finding per group of (id, value) pairs that must all be equal. With ``versions`` the
    members are the same number in two versions of the paper (a preprint and the published
    article): a difference is check ``versions``, status warning (a change between versions,
    not a contradiction within one), not an inconsistency."""
    out = []
    check, bad = ("versions", "warning") if versions else ("agreement", "inconsistent")
    for group in groups:
        ids = " = ".join(i for i, _ in group)
        values = {i: v for i, v in group}
        if len(set(values.values())) <= 1:
            out.append(Finding(check, ids, "ok", f"all equal {group[0][1]:g}", values))
        else:
            shown = ", ".join(f"{i}={v:g}" for i, v in group)
            out.append(Finding(check, ids, bad, f"values differ: {shown}", values))
    return out


def check_sum(parts: Sequence[tuple[str, float]], total: tuple[str, float]) -> list[Finding]:
    """The parts must add up to the total; the message gives both numbers ("12 + 16 = 28 vs 29").

    >>> check_sum([("a", 12), ("b", 16)], ("t", 29))[0].message
    'the parts a + b add up to 12 + 16 = 28 vs the total t = 29'
    """
    added = sum(v for _, v in parts)
    label = "sum(" + " + ".join(i for i, _ in parts) + ")"
    values = {label: added, total[0]: total[1], "parts": {i: v for i, v in parts}}
    message = (
        f"the parts {' + '.join(i for i, _ in parts)} add up to "
        f"{' + '.join(f'{v:g}' for _, v in parts)} = {added:g} "
        f"{'=' if added == total[1] else 'vs'} the total {total[0]} = {total[1]:g}"
    )
    return [
        Finding(
            "sum", f"{label} = {total[0]}", "ok" if added == total[1] else "inconsistent", message, values
        )
    ]


# --- all of the above on a loaded study ------------------------------------------------------


_ORDER_KEYS = ("min", "q1", "median", "q3", "max")


def _entry_checks(e: PublishedNumber) -> list[Finding]:
    v, d = e.values, e.decimals
    n = e.denominator or e.n
    out: list[Finding] = impossible_findings(e)  # impossibility first (never "reproduced")
    if e.statistic == "count_pct" and n:
        out += check_percentage(e.id, int(v["count"]), v["pct"], d["pct"], n)
    if e.statistic == "count_of_total" and "pct" in v and v["total"] > 0:
        out += check_percentage(e.id, int(v["count"]), v["pct"], d["pct"], int(v["total"]))
    if e.statistic in ("median_iqr", "mean_iqr") or sum(k in v for k in _ORDER_KEYS) >= 2:
        out += check_quartile_order(e.id, {k: x for k, x in v.items() if k in _ORDER_KEYS})
    if e.statistic == "median_iqr" and e.assumed_resolution and n:
        out += check_granularity(e.id, v, d, n, e.assumed_resolution, qtype=e.quantile_type or 7)
    return out


def check_study(study: PublishedStudy) -> list[Finding]:
    """Impossible numbers (:mod:`retrocohort.audit.checks.impossible`), percentages, quartile order,
    granularity, agreements, sums, shares (percentages in a column of their own, against their
    count over the shared total) and subset medians of a study."""
    out = [f for e in study.numbers for f in _entry_checks(e)]
    for a in study.agreements:
        out += check_agreement([[(r, study.value(r)) for r in a.members]], versions=a.versions)
    for s in study.sums:
        out += check_sum([(r, study.value(r)) for r in s.parts], (s.total, study.value(s.total)))
    entries = study.by_id()
    for share in study.shares:
        for count_ref, pct_ref in share.parts:
            pct_id, _, key = pct_ref.partition(".")
            pct = entries[pct_id]
            count = int(study.value(count_ref))
            out += [
                replace(
                    f, message=f"{f.message}; {share.total:,} is the total stated by shares '{share.name}'"
                )
                for f in check_percentage(pct.id, count, pct.values[key], pct.decimals[key], share.total)
            ]
    for s in study.subsets:
        full, sub = entries[s.full], entries[s.subset]
        if full.denominator and sub.n:
            out += check_subset_quantile(
                sub.id,
                full.denominator,
                full.values,
                full.decimals,
                sub.n,
                sub.values["median"],
                sub.decimals["median"],
                qtype=full.quantile_type or 7,
            )
    return out
