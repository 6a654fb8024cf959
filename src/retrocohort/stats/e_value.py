"""E-value of a risk, hazard or odds ratio and of its confidence limit closest to 1.

E = RR + sqrt(RR (RR - 1)) for RR >= 1 (for RR < 1, take 1 / RR first): the minimum strength of
association, on the risk-ratio scale, that an unmeasured confounder would need with both the
treatment and the outcome to explain away the observed ratio (VanderWeele & Ding 2017). For the CI,
the limit closest to 1 is used, and the E-value is 1 if the interval contains 1. A hazard or odds
ratio is first put on the risk-ratio scale as R package EValue does: unchanged for a rare outcome
(< 15%); otherwise HR -> (1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR)) and OR -> sqrt(OR).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from retrocohort.errors import InputError, Problem

MEASURES = ("RR", "HR", "OR")


@dataclass(frozen=True)
class EValue:
    """E-values of the point estimate and of the confidence limit closest to 1 (NaN without CI)."""

    point: float
    ci_limit: float
    measure: str
    rare: bool


def _risk_ratio(value: float, measure: str, rare: bool) -> float:
    if measure == "RR" or rare:
        return value
    if measure == "HR":
        return (1 - 0.5 ** math.sqrt(value)) / (1 - 0.5 ** math.sqrt(1 / value))
    return math.sqrt(value)


def e_value_rr(rr: float) -> float:
    """E-value of a risk ratio: RR + sqrt(RR (RR - 1)), with RR replaced by 1 / RR below 1.

    Parameters
    ----------
    rr : float
        Risk ratio (> 0).

    Returns
    -------
    float
        The E-value (1 when RR = 1).

    References
    ----------
    VanderWeele TJ, Ding P. Sensitivity analysis in observational research: introducing the
    E-value. Ann Intern Med 2017;167:268-74.

    Examples
    --------
    >>> e_value_rr(2.0), e_value_rr(0.5)
    (3.414213562373095, 3.414213562373095)
    """
    rr = 1 / rr if rr < 1 else rr
    return rr + math.sqrt(rr * (rr - 1))


def e_value(
    estimate: float,
    ci_low: float | None = None,
    ci_high: float | None = None,
    *,
    measure: str = "RR",
    rare: bool = True,
) -> EValue:
    """E-value of a ratio and of its CI limit closest to 1, as R EValue ``evalues.RR/HR/OR``.

    Parameters
    ----------
    estimate : float
        The ratio (> 0).
    ci_low, ci_high : float, optional
        Its confidence limits.
    measure : {"RR", "HR", "OR"}
        Scale of the ratio.
    rare : bool
        Outcome rare (< 15%) so that HR and OR approximate the RR (ignored for RR).

    Returns
    -------
    EValue
        ``point`` and ``ci_limit`` (1 if the CI contains 1; NaN if no CI given).

    References
    ----------
    VanderWeele TJ, Ding P. Sensitivity analysis in observational research: introducing the
    E-value. Ann Intern Med 2017;167:268-74.
    Mathur MB, Ding P, Riddell CA, VanderWeele TJ. Website and R package for computing E-values.
    Epidemiology 2018;29:e45-7.

    Examples
    --------
    >>> ev = e_value(0.5, 0.3, 0.8)
    >>> round(ev.point, 4), round(ev.ci_limit, 4)
    (3.4142, 1.809)
    """
    if measure not in MEASURES:
        raise InputError(
            "E-value",
            [Problem("unknown ratio measure", column="measure", value=measure, expected="RR, HR or OR")],
        )
    given = [v for v in (estimate, ci_low, ci_high) if v is not None]
    if any(not (math.isfinite(v) and v > 0) for v in given):
        raise InputError(
            "E-value",
            [Problem("ratio or confidence limit not a positive number", value=str(given), expected="> 0")],
        )
    if ci_low is not None and ci_high is not None and not ci_low <= estimate <= ci_high:
        raise InputError(
            "E-value",
            [
                Problem(
                    "estimate outside its confidence interval",
                    value=f"{estimate} ({ci_low}, {ci_high})",
                    expected="low <= estimate <= high",
                )
            ],
        )
    rr = _risk_ratio(estimate, measure, rare)
    point = e_value_rr(rr)
    limit = float("nan")
    if ci_low is not None and ci_high is not None:
        low, high = _risk_ratio(ci_low, measure, rare), _risk_ratio(ci_high, measure, rare)
        if low <= 1 <= high:
            limit = 1.0
        else:
            limit = e_value_rr(low if rr > 1 else high)
    return EValue(point=point, ci_limit=limit, measure=measure, rare=rare)
