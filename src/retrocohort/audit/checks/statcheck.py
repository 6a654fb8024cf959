"""statcheck-style recomputation: the p-value of a printed t, F, chi2, z or r with its df.

Method (Nuijten et al. 2016, "The prevalence of statistical reporting errors in psychology
(1985-2013)", Behav Res Methods 48:1205-1226; R package statcheck, MicheleNuijten/statcheck):

- p from the statistic: t (two-sided 2 P(T_df > |t|)), F (P(F_df1,df2 > F)), chi2
  (P(X2_df > x)), z (2 P(Z > |z|)), r with df = n - 2 (through t = r sqrt(df / (1 - r^2)));
  one-sided t, z and r halve the two-sided p;
- rounding: a statistic printed at k decimals stands for every value within half a unit of
  its last digit, so the computed p is an interval [p(upper), p(lower)]; the printed p is
  consistent when some p in that interval prints as it (half-up or half-even at its decimals,
  or lies below / above the bound of "p < x" / "p > x");
- decision error: an inconsistency whose printed p and recomputed p fall on different sides
  of alpha (default 0.05; p = alpha counts as significant, statcheck's ``pEqualAlphaSig``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import stats

from retrocohort.audit.checks.rounding import STANDARD_RULES, exact, interval_for_printed

FAMILIES = ("t", "F", "chi2", "z", "r")


@dataclass(frozen=True)
class StatcheckResult:
    """Recomputed p interval of a printed test result and the two verdicts."""

    p_low: float
    p_high: float
    consistent: bool
    decision_error: bool


def p_from_statistic(
    family: str, value: float, df1: float | None = None, df2: float | None = None, tails: int = 2
) -> float:
    """The p-value of a test statistic (see module docstring for each family).

    Raises ValueError for an unknown family or missing degrees of freedom.
    """
    if family not in FAMILIES:
        raise ValueError(f"unknown test statistic {family!r}; expected one of {', '.join(FAMILIES)}")
    if family in ("t", "chi2", "r") and df1 is None or family == "F" and (df1 is None or df2 is None):
        raise ValueError(f"{family} needs its degrees of freedom")
    if family == "F":
        return float(stats.f.sf(value, df1, df2))
    if family == "chi2":
        return float(stats.chi2.sf(value, df1))
    if family == "r":
        if abs(value) >= 1:
            return 0.0
        value, family = value * math.sqrt(df1 / (1 - value * value)), "t"
    sf = stats.t.sf(abs(value), df1) if family == "t" else stats.norm.sf(abs(value))
    return float(sf if tails == 1 else 2 * sf)


def statistic_bounds(value: float, decimals: int) -> tuple[float, float]:
    """The values a statistic printed at ``decimals`` places may have had (half a unit either
    side of the print, the rule statcheck applies to every test statistic)."""
    half = 0.5 * 10.0**-decimals
    return value - half, value + half


def _printed_p_contains(p_lo: float, p_hi: float, printed: float, decimals: int, relation: str) -> bool:
    if relation == "<":
        return p_lo < printed
    if relation == ">":
        return p_hi > printed
    for rule in STANDARD_RULES:
        iv = interval_for_printed(printed, decimals, rule)
        lo, hi = exact(p_lo), exact(p_hi)
        if hi > exact(iv.lo) and lo < exact(iv.hi) or iv.contains(p_lo) or iv.contains(p_hi):
            return True
    return False


def reported_significance(p: float, relation: str, alpha: float) -> bool | None:
    """Is a printed p significant at ``alpha`` (p = alpha counts as significant)? None when the
    print does not say ("p < .10" at alpha .05, "p > .01")."""
    if relation == "=":
        return p <= alpha
    if relation == "<":
        return True if p <= alpha else None
    return False if p >= alpha else None


def check_test_result(
    family: str,
    value: float,
    value_decimals: int,
    p: float,
    p_decimals: int,
    relation: str = "=",
    df1: float | None = None,
    df2: float | None = None,
    tails: int = 2,
    alpha: float = 0.05,
) -> StatcheckResult:
    """statcheck's verdict on one printed result, e.g. "t(28) = 2.20, p = .06".

    Parameters
    ----------
    family, value, value_decimals : the statistic (one of ``FAMILIES``), as printed, and its
        decimals; df1, df2 : its degrees of freedom (df2 only for F).
    p, p_decimals, relation : the printed p ("=", "<" or ">").
    tails : 1 for a one-sided t, z or r test.
    alpha : significance level for decision errors (p = alpha counts as significant).
    """
    lo, hi = statistic_bounds(value, value_decimals)
    points = [lo, hi] + ([0.0] if family in ("t", "z", "r") and lo < 0 < hi else [])
    ends = [p_from_statistic(family, x, df1, df2, tails) for x in points]
    p_lo, p_hi = min(ends), max(ends)
    consistent = _printed_p_contains(p_lo, p_hi, p, p_decimals, relation)
    reported = reported_significance(p, relation, alpha)
    computed = p_from_statistic(family, value, df1, df2, tails) <= alpha
    decision = not consistent and reported is not None and reported != computed
    return StatcheckResult(p_lo, p_hi, consistent, decision)
