"""A ratio's 95% CI against the p-value printed beside it (no patient data).

A ratio (odds, hazard, risk) whose 95% confidence interval excludes 1 has a two-sided p below
0.05, and one whose interval contains 1 has a p above it (for the Wald interval and test the
ratios of a table or a Results sentence come from: Altman DG, Bland JM (2011), "How to obtain
the P value from a confidence interval", BMJ 343:d2304). "OR 0.723 (0.606–0.863)" printed with
"p 0.22" cannot both be right. The p-value beside a ratio is the one in its table row, or the
nearest one on its line of text with no other ratio between them
(:mod:`retrocohort.audit.checks.prose_table`).

Only a clear contradiction is flagged: every value the printed bounds and p stand for
(:func:`~retrocohort.audit.checks.prose_table.printed_interval`) must lie on the same side of 1
and of 0.05, so a bound printed as 1.00 or a p printed as 0.05 is never a finding. The finding
is "inconsistent" and names both numbers.
"""

from __future__ import annotations

from retrocohort.audit.checks.finding import Finding
from retrocohort.audit.checks.prose_table import fmt_value, is_ratio, printed_interval, prose_p, table_p
from retrocohort.audit.published import PublishedNumber, PublishedStudy

ALPHA = 0.05


def _ci_side(e: PublishedNumber) -> str | None:
    """ "excludes" or "includes" when every value the printed CI stands for excludes or includes
    1, else None."""
    lo = printed_interval(e.values["ci_low"], e.decimals.get("ci_low", 0))
    hi = printed_interval(e.values["ci_high"], e.decimals.get("ci_high", 0))
    if lo[0] > 1 or hi[1] < 1:
        return "excludes"
    if lo[1] < 1 < hi[0]:
        return "includes"
    return None


def _p_side(p: PublishedNumber) -> str | None:
    """ "below" or "above" when every value the printed p stands for is below or above 0.05."""
    lo, hi = printed_interval(p.values["p"], p.decimals.get("p", 0), p.relation)
    if hi < ALPHA or (p.relation == "<" and hi <= ALPHA):
        return "below"
    if lo > ALPHA:
        return "above"
    return None


def check_ratio_ci_p(study: PublishedStudy) -> list[Finding]:
    """``ratio_ci_p`` findings of ``study``: a ratio whose 95% CI excludes 1 printed with p >
    0.05, or whose CI contains 1 printed with p < 0.05 (module docstring).

    >>> from retrocohort.audit.published import PublishedNumber as N
    >>> r = N("t_or", "Table 2", "0.723 (0.606–0.863)", "value", {"value": 0.723, "ci_low": 0.606, "ci_high": 0.863},
    ...       {"value": 3, "ci_low": 3, "ci_high": 3}, "supra", note="source line 9, column 20")
    >>> p = N("t_p", "Table 2", "0.22", "p_value", {"p": 0.22}, {"p": 2}, "supra", note="source line 9, column 14")
    >>> [f.message for f in check_ratio_ci_p(PublishedStudy({"title": "s"}, (r, p)))]
    ['the 95% CI 0.606–0.863 of 0.723 excludes 1, so its two-sided p is below 0.05, but Table 2 prints p = 0.22 beside it']
    """
    numbers = list(study.numbers)
    out: list[Finding] = []
    for e in numbers:
        if not is_ratio(e) or e.values["ci_low"] <= 0:
            continue
        p = table_p(e, numbers) if e.where.startswith("Table") else prose_p(e, numbers)
        if p is None:
            continue
        ci, side = _ci_side(e), _p_side(p)
        if (ci, side) not in {("excludes", "above"), ("includes", "below")}:
            continue
        verb = (
            "excludes 1, so its two-sided p is below"
            if ci == "excludes"
            else "contains 1, so its two-sided p is above"
        )
        out.append(
            Finding(
                "ratio_ci_p",
                p.id,
                "inconsistent",
                f"the 95% CI {fmt_value(e, 'ci_low')}–{fmt_value(e, 'ci_high')} of {fmt_value(e, 'value')} {verb} "
                f"0.05, but {p.where} prints p = {fmt_value(p, 'p')} beside it",
                {"ratio": e.id, "p": p.id},
            )
        )
    return out
