"""Printed numbers that no data can produce: the audit's impossibility checks (no patient data).

Each check is a pure function of printed values returning ``list[Finding]``
(:mod:`retrocohort.audit.finding`), empty when nothing is impossible; every finding has status
"inconsistent" and a message a referee can read, naming the printed numbers. A printed value
``v`` at ``d`` decimals stands for every true value in ``[v - h, v + h]``, ``h = 0.5 * 10**-d``
(the hull of half-up and half-even rounding, :func:`retrocohort.audit.rounding.interval_for_printed`),
so a number is called impossible only when no standard rounding of any admissible true value
prints it.

:func:`impossible_findings` runs every check on one published entry;
:data:`IMPOSSIBLE_CHECKS` names the checks (with ``quartile_order``, the median outside its
quartiles or range) whose inconsistent findings make a row "impossible"
(:func:`mark_impossible_rows`): such a row is never "reproduced", even when the data
regenerate the same value.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from fractions import Fraction

from retrocohort.audit.finding import Finding
from retrocohort.audit.published import PublishedNumber
from retrocohort.audit.rounding import Number, exact

IMPOSSIBLE_CHECKS = (
    "impossible_percentage",
    "impossible_count",
    "impossible_p",
    "zero_n",
    "negative_spread",
    "range_order",
    "outside_range",
    "sd_bound",
    "mean_median_sd",
    "quartile_order",
)
SPREAD_NAMES = {"sd": "SD", "se": "SE", "sem": "SE", "variance": "variance", "var": "variance", "iqr": "IQR"}
# Statistics that need at least one observation (a count of 0 of 0 is not one of them).
_NEEDS_DATA = {
    "count_pct",
    "percentage",
    "median",
    "median_iqr",
    "mean",
    "mean_iqr",
    "mean_sd",
    "p_value",
    "test_result",
}


def _hull(value: Number, decimals: int) -> tuple[Fraction, Fraction]:
    """Every true value that prints as ``value`` at ``decimals`` under half-up or half-even."""
    v, h = exact(value), Fraction(1, 2 * 10**decimals)
    return v - h, v + h


def _fmt(value: Number, decimals: int) -> str:
    return f"{float(value):.{decimals}f}"


def _bad(check: str, entry_id: str, message: str, **details: object) -> list[Finding]:
    return [Finding(check, entry_id, "inconsistent", message, details)]


# --- percentages, counts, p-values ---------------------------------------------------------


def check_percentage_range(entry_id: str, pct: Number, decimals: int) -> list[Finding]:
    """A percentage of patients lies in [0, 100]; a printed one above 100 or below 0 is impossible.

    A proportion k/n of a set satisfies 0 <= k <= n (definition), so 100 k/n is in [0, 100];
    rounding to ``decimals`` keeps it in [0, 100] (0 and 100 are printed exactly).
    """
    if 0 <= exact(pct) <= 100:
        return []
    side = "over 100%" if pct > 100 else "below 0%"
    return _bad(
        "impossible_percentage",
        entry_id,
        f"the percentage {_fmt(pct, decimals)}% is {side}, which no share of patients can be",
        pct=float(pct),
    )


def check_count_range(entry_id: str, count: int, denominator: int | None) -> list[Finding]:
    """A count of patients is a whole number in [0, denominator].

    A subset of n patients has between 0 and n members; a count above its denominator or below
    zero is impossible whatever the rounding (counts are printed exactly).
    """
    if count < 0:
        return _bad(
            "impossible_count",
            entry_id,
            f"the count {count} is negative, which no number of patients can be",
            count=count,
        )
    if denominator is not None and count > denominator:
        return _bad(
            "impossible_count",
            entry_id,
            f"the count {count} is larger than its denominator {denominator}: "
            f"no more than {denominator} of {denominator} patients can have it",
            count=count,
            denominator=denominator,
        )
    return []


def check_p_range(entry_id: str, p: Number, decimals: int, relation: str = "=") -> list[Finding]:
    """A p-value is a probability, so in [0, 1] (Wasserstein & Lazar 2016, ASA statement, principle 1).

    Printed "p = x" is impossible for x outside [0, 1]; "p < x" for x <= 0 (no probability is
    below 0); "p > x" for x >= 1 (none is above 1). "p = 0.000" is a rounded small p, not
    impossible.
    """
    v = exact(p)
    shown = f"p {relation} {_fmt(p, decimals)}"
    if relation == "<" and v <= 0:
        why = "no p-value is below 0"
    elif relation == ">" and v >= 1:
        why = "no p-value is above 1"
    elif relation == "=" and not 0 <= v <= 1:
        why = "a p-value is a probability between 0 and 1"
    else:
        return []
    return _bad("impossible_p", entry_id, f"{shown} is impossible: {why}", p=float(p), relation=relation)


def check_zero_n(entry_id: str, statistic: str, n: int | None, label: str = "n") -> list[Finding]:
    """A summary statistic (percentage, mean, SD, median, test) of zero observations is undefined.

    The mean, median, SD and a share are defined only for n >= 1 (the mean divides by n, a
    share by its denominator); no test compares an empty group.
    """
    if n != 0 or statistic not in _NEEDS_DATA:
        return []
    what = statistic.replace("_", " ").replace("pct", "percentage").replace("iqr", "IQR").replace("sd", "SD")
    return _bad(
        "zero_n",
        entry_id,
        f"a {what} is printed for {label} = 0: no statistic can be computed from zero patients",
        n=n,
    )


# --- spreads and ordered summaries ---------------------------------------------------------


def check_negative_spread(
    entry_id: str, values: Mapping[str, float], decimals: Mapping[str, int]
) -> list[Finding]:
    """An SD, SE, variance or IQR width is never negative (square root of a mean square, or
    Q3 - Q1 with Q1 <= Q3 for every Hyndman & Fan 1996 quantile type)."""
    out = []
    for key, name in SPREAD_NAMES.items():
        if key in values and values[key] < 0:
            out += _bad(
                "negative_spread",
                entry_id,
                f"the {name} {_fmt(values[key], decimals[key])} is negative: a spread cannot be below 0",
                key=key,
                value=values[key],
            )
    return out


_PAIRS = (
    ("min", "max", "the minimum", "the maximum", "range"),
    ("ci_low", "ci_high", "the lower confidence limit", "the upper confidence limit", "confidence interval"),
)


def check_interval_order(
    entry_id: str, values: Mapping[str, float], decimals: Mapping[str, int]
) -> list[Finding]:
    """A range has min <= max and a confidence interval lower <= upper (by definition).

    Impossible only when the lowest value the printed lower end can stand for exceeds the
    highest the upper end can (rounding hulls, module docstring).
    """
    out = []
    for lo_key, hi_key, lo_name, hi_name, what in _PAIRS:
        if lo_key in values and hi_key in values:
            lo, hi = _hull(values[lo_key], decimals[lo_key]), _hull(values[hi_key], decimals[hi_key])
            if lo[0] > hi[1]:
                out += _bad(
                    "range_order",
                    entry_id,
                    f"the {what} is reversed: {lo_name} {_fmt(values[lo_key], decimals[lo_key])} is above "
                    f"{hi_name} {_fmt(values[hi_key], decimals[hi_key])}",
                    lower=values[lo_key],
                    upper=values[hi_key],
                )
    return out


def check_mean_in_range(
    entry_id: str, mean: Number, decimals: int, low: Number, high: Number, source: str
) -> list[Finding]:
    """A mean lies between the smallest and the largest value (min <= mean <= max: it is a
    convex combination of the values). ``low``/``high`` are the widest values the printed
    bounds allow; ``source`` names them as printed (e.g. "the printed range 10–40")."""
    m_lo, m_hi = _hull(mean, decimals)
    if m_hi < exact(low) or m_lo > exact(high):
        return _bad(
            "outside_range",
            entry_id,
            f"the mean {_fmt(mean, decimals)} lies outside {source}: "
            "a mean cannot be below the smallest or above the largest value",
            mean=float(mean),
            low=float(low),
            high=float(high),
        )
    return []


def sd_upper_bound_sq(
    n: int, low: Fraction, high: Fraction, mean: tuple[Fraction, Fraction] | None
) -> Fraction:
    """Largest possible squared sample SD of n >= 2 values in [low, high], with the mean in the
    given interval if known.

    Bhatia & Davis (2000, Amer. Math. Monthly 107:353-357): the population variance of values in
    [m, M] with mean mu is at most (M - mu)(mu - m); maximised at mu = (m + M)/2 this is
    Popoviciu's (1935) (M - m)^2 / 4. The sample variance is n/(n - 1) times the population
    variance, so s <= (M - m)/2 * sqrt(n/(n - 1)) (Shiffler & Harsha 1980, Amer. Stat. 34:84-85).
    """
    mid = (low + high) / 2
    mu = mid if mean is None else min(max(mid, mean[0]), mean[1])
    mu = min(max(mu, low), high)
    return Fraction(n, n - 1) * (high - mu) * (mu - low)


def check_sd_bounds(
    entry_id: str,
    sd: Number,
    sd_decimals: int,
    n: int,
    low: Number,
    high: Number,
    source: str,
    *,
    mean: tuple[Number, int] | None = None,
    attained: tuple[Number, Number] | None = None,
) -> list[Finding]:
    """The sample SD of n values in [low, high] is bounded on both sides.

    Upper: s^2 <= n/(n-1) (M - mu)(mu - m) (:func:`sd_upper_bound_sq`, Bhatia-Davis; without a
    mean, Popoviciu's s <= (M - m)/2 sqrt(n/(n-1))), with ``low``/``high`` the widest values the
    printed bounds allow. Lower, only when the printed min and max are data values
    (``attained`` = the narrowest (min, max) their rounding allows): the two extremes alone give
    a sum of squared deviations of at least (M - m)^2 / 2, so s >= (M - m) / sqrt(2 (n - 1)).
    Both are exact; rounding hulls make the check conservative. A positive SD of one value is impossible too (the sample SD divides
    by n - 1 = 0; the population SD of one value is 0).
    """
    s_lo, s_hi = _hull(sd, sd_decimals)
    s_lo = max(s_lo, Fraction(0))
    shown = f"SD {_fmt(sd, sd_decimals)}"
    if n == 1:
        if s_lo > 0:
            return _bad(
                "sd_bound",
                entry_id,
                f"{shown} is printed for a single value, whose SD is 0 or undefined",
                n=1,
            )
        return []
    if n < 1:
        return []
    lo, hi = exact(low), exact(high)
    m = None if mean is None else _hull(*mean)
    bound_sq = sd_upper_bound_sq(n, lo, hi, m)
    if s_lo * s_lo > bound_sq:
        bound = float(bound_sq) ** 0.5
        return _bad(
            "sd_bound",
            entry_id,
            f"{shown} is larger than any {n} values within {source} can have "
            f"(at most {bound:.3g}: Bhatia-Davis bound s² ≤ n/(n−1)·(max−mean)(mean−min))",
            bound=bound,
        )
    span = None if attained is None else exact(attained[1]) - exact(attained[0])
    if span is not None and span > 0:
        min_sq = span**2 / (2 * (n - 1))
        if s_hi * s_hi < min_sq:
            bound = float(min_sq) ** 0.5
            return _bad(
                "sd_bound",
                entry_id,
                f"{shown} is smaller than any {n} values spanning {source} can have "
                f"(at least {bound:.3g} = (max−min)/√(2(n−1)))",
                bound=bound,
            )
    return []


def check_mean_median_sd(
    entry_id: str, mean: tuple[Number, int], median: tuple[Number, int], sd: tuple[Number, int], n: int | None
) -> list[Finding]:
    """|mean - median| <= population SD <= sample SD (Hotelling & Solomons 1932; Mallows 1991,
    Amer. Stat. 45:257); with n known the bound is s sqrt((n - 1)/n)."""
    (a_lo, a_hi), (b_lo, b_hi), (_, s_hi) = _hull(*mean), _hull(*median), _hull(*sd)
    gap = max(a_lo - b_hi, b_lo - a_hi, Fraction(0))
    limit_sq = s_hi * s_hi * (Fraction(n - 1, n) if n and n >= 1 else 1)
    if gap * gap > limit_sq:
        return _bad(
            "mean_median_sd",
            entry_id,
            f"the mean {_fmt(*mean)} and median {_fmt(*median)} are further apart than the SD "
            f"{_fmt(*sd)} allows (|mean − median| ≤ SD for any data)",
        )
    return []


# --- one entry ------------------------------------------------------------------------------


def _bounds(
    e: PublishedNumber,
) -> tuple[Fraction, Fraction, str, tuple[Fraction, Fraction] | None] | None:
    """Widest [low, high] the data can span, its name, and the narrowest (min, max) known to be
    data values: the printed range (attained), else the declared scale (not necessarily hit)."""
    v, d = e.values, e.decimals
    if "min" in v and "max" in v:
        shown = f"the printed range {_fmt(v['min'], d['min'])}–{_fmt(v['max'], d['max'])}"
        (lo_lo, lo_hi), (hi_lo, hi_hi) = _hull(v["min"], d["min"]), _hull(v["max"], d["max"])
        return lo_lo, hi_hi, shown, (lo_hi, hi_lo)
    if e.scale is not None:
        shown = f"the declared scale {e.scale['low']}–{e.scale['high']}"
        return exact(e.scale["low"]), exact(e.scale["high"]), shown, None
    return None


def impossible_findings(e: PublishedNumber) -> list[Finding]:
    """Every impossibility of one entry (see the module docstring); empty when none."""
    v, d = e.values, e.decimals
    n = e.denominator if e.denominator is not None else e.n
    out: list[Finding] = []
    if "pct" in v:
        out += check_percentage_range(e.id, v["pct"], d["pct"])
    if "count" in v:
        total = int(v["total"]) if "total" in v else n if e.statistic == "count_pct" else None
        out += check_count_range(e.id, int(v["count"]), total)
    if "p" in v:
        out += check_p_range(e.id, v["p"], d["p"], e.relation)
    out += check_zero_n(e.id, e.statistic, n, "denominator" if e.denominator == 0 else "n")
    if e.statistic == "count_of_total" and "pct" in v and v["total"] == 0:
        out += check_zero_n(e.id, "count_pct", 0, "total")
    out += check_negative_spread(e.id, v, d) + check_interval_order(e.id, v, d)
    bounds = _bounds(e)
    if bounds is not None and not any(f.check == "range_order" for f in out):
        low, high, source, attained = bounds
        if "mean" in v:
            out += check_mean_in_range(e.id, v["mean"], d["mean"], low, high, source)
        mean_ok = not any(f.check == "outside_range" for f in out)
        if "sd" in v and v["sd"] >= 0 and e.n is not None and low <= high and mean_ok:
            mean = (v["mean"], d["mean"]) if "mean" in v else None
            out += check_sd_bounds(
                e.id, v["sd"], d["sd"], e.n, low, high, source, mean=mean, attained=attained
            )
    elif "sd" in v and v["sd"] >= 0 and e.n == 1:
        out += check_sd_bounds(e.id, v["sd"], d["sd"], 1, 0, 0, "")
    if {"mean", "median", "sd"} <= set(v) and v["sd"] >= 0:
        out += check_mean_median_sd(
            e.id, (v["mean"], d["mean"]), (v["median"], d["median"]), (v["sd"], d["sd"]), e.n
        )
    return out


def impossible_ids(findings: Sequence[Finding]) -> set[str]:
    """Entries with an inconsistent finding of an impossibility check."""
    return {f.entry_id for f in findings if f.check in IMPOSSIBLE_CHECKS and f.status == "inconsistent"}


def mark_impossible_rows(rows: Sequence[MutableMapping[str, object]], findings: Sequence[Finding]) -> None:
    """Set, in place, status "impossible" on every row an impossibility finding is about,
    whatever the data regenerate (the reasons joined in the message)."""
    reasons: dict[str, list[str]] = {}
    for f in findings:
        if f.check in IMPOSSIBLE_CHECKS and f.status == "inconsistent":
            reasons.setdefault(f.entry_id, []).append(f.message)
    for row in rows:
        if row["id"] in reasons:
            before = "" if row["status"] == "not_recomputable" else f" (regenerated: {row['message']})"
            row["status"] = "impossible"
            row["message"] = "impossible as printed: " + "; ".join(reasons[str(row["id"])]) + before
