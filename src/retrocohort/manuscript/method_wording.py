"""The wording of each method sentence of :mod:`retrocohort.manuscript.method_sentences`:
one function per registry entry, ``(records that used the method, statistics config) -> sentence``,
worded from what the records say was computed (their ``method`` text and ``details``: exact or
approximate null, Yates' correction, ties), never from what the config intended.

References
----------
Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods. 3rd ed. Wiley; 2014.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from retrocohort.stats.quantiles import HF_TYPES

Records = Sequence[Mapping[str, Any]]
Describe = Callable[[Records, Mapping[str, Any]], str]


def _details(rec: Mapping[str, Any]) -> Mapping[str, Any]:
    d = rec.get("details")
    return d if isinstance(d, Mapping) else {}


def _any(records: Records, predicate: Callable[[Mapping[str, Any]], bool]) -> bool:
    return any(predicate(r) for r in records)


def _method_has(records: Records, text: str) -> bool:
    return _any(records, lambda r: text in str(r.get("method") or ""))


# --- sentences ------------------------------------------------------------------------------


def wilcoxon(records: Records, _stats: Mapping[str, Any]) -> str:
    d = _details(records[0])
    if not {"zero_method", "exact_max_n", "exact_with_ties"} <= set(d):  # not written by stats.signed_rank
        return str(records[0]["method"])
    zeros = {
        "wilcox": "zero differences dropped (Wilcoxon's method)",
        "pratt": "zero differences ranked then discarded (Pratt's method)",
        "zsplit": "zero differences split between the signs",
    }[d["zero_method"]]
    limit = int(d["exact_max_n"])
    cc = (
        " and a continuity correction"
        if _any(records, lambda r: bool(_details(r).get("continuity_correction")))
        else ""
    )
    normal = f"the normal approximation with tie-corrected variance{cc}"
    exact = sum(bool(_details(r).get("exact")) for r in records)
    if exact == 0:
        null = f"{normal} (more than {limit} non-zero differences{'' if d['exact_with_ties'] else ', ties or zeros'})"
    elif d["exact_with_ties"]:
        null = (
            f"exact conditional null distribution, enumerated with ties and zeros (Streitberg–Röhmel "
            f"shift algorithm), up to n = {limit} non-zero differences, otherwise {normal}"
        )
    else:
        null = (
            f"exact null distribution when there were at most {limit} non-zero differences without "
            f"ties, otherwise {normal}, as R's wilcox.test(paired = TRUE)"
        )
    used = (
        f"; the exact null was used for {exact} of {len(records)} parameters"
        if 0 < exact < len(records)
        else ""
    )
    rounded = (
        f" (rounded to {d['decimals']} decimals before ranking, so that float subtraction cannot break ties)"
        if d.get("decimals") is not None
        else ""
    )
    return f"Wilcoxon signed-rank test on the paired differences{rounded}, {zeros}; {null}{used}"


def mcnemar(records: Records, _stats: Mapping[str, Any]) -> str:
    kind = _details(records[0]).get("mcnemar_method", "exact")
    text = {
        "exact": "exact binomial test on the discordant pairs",
        "chi2": "chi-square statistic on 1 df without continuity correction",
        "chi2_cc": "chi-square statistic on 1 df with continuity correction, as R's mcnemar.test",
    }[kind]
    return f"McNemar test for paired binary values, {text}"


def fixed(text: str) -> Callable[[Records, Mapping[str, Any]], str]:
    return lambda _records, _stats: text


def chi_square(records: Records, _stats: Mapping[str, Any]) -> str:
    two_by_two = [r for r in records if "2x2 table" in str(r.get("method") or "")]
    yates = sum("with Yates" in str(r.get("method")) for r in two_by_two)
    correction = (
        ""
        if not two_by_two
        else ", with Yates' continuity correction on 2x2 tables"
        if yates == len(two_by_two)
        else ", without continuity correction"
        if yates == 0
        else f", with Yates' continuity correction on {yates} of {len(two_by_two)} 2x2 tables"
    )
    chosen = (
        " (chosen when every expected count was at least 5, else an exact test)"
        if _method_has(records, "Chosen as")
        else ""
    )
    return f"Pearson's chi-square test of independence{correction}{chosen}"


def mann_whitney(records: Records, _stats: Mapping[str, Any]) -> str:
    exact = _method_has(records, "exact conditional null")
    normal = _method_has(records, "normal approximation")
    cc = " and continuity correction" if _method_has(records, "with continuity correction") else ""
    parts = []
    if exact:
        parts.append("the exact conditional null distribution of the mid-rank sum (exact with ties)")
    if normal:
        parts.append(f"the normal approximation with tie-corrected variance{cc}")
    return "Mann–Whitney U (Wilcoxon rank-sum) test, " + " or ".join(parts or ["mid-ranks"])


def hodges_lehmann(records: Records, stats: Mapping[str, Any]) -> str:
    level = records[0].get("hl_conf_level") or stats["hodges_lehmann"]["conf_level"]
    how = (
        "by inverting the signed-rank test (as R's wilcox.test(paired = TRUE, conf.int = TRUE): "
        "root-finding on the normal-approximation statistic with ties or zeros)"
        if _any(records, lambda r: "as R wilcox.test" in str(r.get("hl_method") or ""))
        else "from the exact signed-rank null"
    )
    return (
        f"Hodges–Lehmann estimate of the median paired difference (median of the Walsh averages) "
        f"with its {100 * float(level):g}% confidence interval {how}"
    )


def kaplan_meier(records: Records, _stats: Mapping[str, Any]) -> str:
    bands = sorted({f"{100 * float(r['conf_level']):g}% {r['ci_type']}" for r in records if r.get("ci_type")})
    band = f", pointwise {' and '.join(bands)}-transformed confidence intervals" if bands else ""
    weighted = _any(records, lambda r: str(r.get("method") or "").startswith("Weighted Kaplan"))
    plain = not weighted or _any(
        records, lambda r: not str(r.get("method") or "").startswith("Weighted Kaplan")
    )
    variance = ("Greenwood's variance" if plain else "") + (
        ("; on a matched or weighted sample, " if plain else "")
        + "weighted estimates (the sample's case weights) with the robust (infinitesimal jackknife) "
        "variance, clustered on the matched sets after matching"
        if weighted
        else ""
    )
    return f"Kaplan–Meier estimates of the event-free probability, {variance}{band}; censored patients kept"


def median_survival(records: Records, _stats: Mapping[str, Any]) -> str:
    rule = (
        "the smallest event time at which the estimate falls below one half (S(t) < 0.5, Collett)"
        if _method_has(records, "smallest event time")
        else "the first time at which the estimate reaches one half or less (S(t) <= 0.5; the midpoint "
        "to the next event time when S(t) = 0.5 exactly, as R survfit and SAS LIFETEST)"
    )
    return f"Median time to event read off the Kaplan–Meier curve as {rule}, with its Brookmeyer–Crowley confidence interval"


#: The Wald limits of a ratio (a computational detail: the supplementary note, never a table
#: footnote, which says "Wald intervals on the log scale").
WALD_LIMITS = "limits exp(b -/+ z se) from the coefficient b, its standard error se and the normal quantile z, as R confint.default"


def cox(records: Records, _stats: Mapping[str, Any]) -> str:
    ties = "Breslow" if _method_has(records, "Breslow ties") else "Efron"
    return (
        f"Cox proportional-hazards regression (partial likelihood, {ties} method for ties), hazard "
        f"ratios with Wald confidence intervals ({WALD_LIMITS}) and Wald p-values, complete cases per model"
        + _model_notes(records)
    )


def logistic(records: Records, _stats: Mapping[str, Any]) -> str:
    return (
        "Logistic regression (binomial GLM, logit link, maximum likelihood), odds ratios with Wald "
        f"confidence intervals ({WALD_LIMITS}) and Wald p-values, complete cases per model"
        + _model_notes(records)
    )


def _model_notes(records: Records) -> str:
    notes = " ".join(str(r.get("notes") or "") for r in records).lower()
    extra = []
    if "alias" in notes:
        extra.append("terms aliased with others (not estimable) are reported as such")
    if "separat" in notes:
        extra.append("terms with complete or quasi-complete separation get no Wald interval")
    if _method_has(records, "a separate baseline hazard per stratum"):
        extra.append(
            "where a model is stratified, a separate baseline hazard per stratum (stratified partial "
            "likelihood, as R coxph with strata())"
        )
    clustered = "robust (sandwich) standard errors clustered on matched sets"
    if _method_has(records, clustered):
        extra.append(f"on a matched sample: case weights, {clustered}")
    methods = [str(r.get("method") or "") for r in records]
    if any("robust (sandwich) standard errors" in m and clustered not in m for m in methods):
        extra.append("on a weighted sample: case weights, robust (sandwich) standard errors")
    return "; " + "; ".join(extra) if extra else ""


def propensity(records: Records, _stats: Mapping[str, Any]) -> str:
    """The treatment comparisons of a study as their balance records state them: the score
    model once per distinct model, then each design (matching or weighting, caliper, estimand),
    then how balance was judged (standardised mean differences before and after, threshold)."""
    methods = list(dict.fromkeys(str(r["method"]).rstrip(".") for r in records if r.get("method")))
    models = list(dict.fromkeys(m.split("; ", 1)[0] for m in methods))
    designs = [m.split("; ", 1)[1] for m in methods if "; " in m]
    thresholds = sorted({float(r["threshold"]) for r in records if finite(r.get("threshold"))})
    limit = f" (threshold {_join([f'{t:g}' for t in thresholds])})" if thresholds else ""
    return (
        "; ".join(models + designs)
        + f"; covariate balance as standardised mean differences before and after{limit}, with "
        "variance ratios for continuous covariates"
    )


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def smd(_records: Records, _stats: Mapping[str, Any]) -> str:
    return (
        "Standardised mean differences for continuous variables (|m1 - m2| / sqrt((s1² + s2²) / 2), "
        "as tableone) and the multivariate SMD on the level proportions (Yang and Dalton) for "
        "categorical ones; the mean of the pairwise SMDs for more than two groups"
    )


#: How a continuous row's printed statistic (its record's ``stat``) reads in a methods section.
CONTINUOUS_SUMMARIES = {
    "median_iqr": "medians with first and third quartiles [Q1–Q3]",
    "median_iqr_range": "medians with first and third quartiles [Q1–Q3] and ranges",
    "median": "medians",
    "mean_sd": "means with standard deviations (SD)",
    "min_max": "ranges (minimum–maximum)",
}
_QUARTILE_STATS = ("median_iqr", "median_iqr_range")


def continuous_summaries(records: Records) -> list[str]:
    """The printed statistics of the continuous rows in ``records`` (their ``stat``), in the
    order of :data:`CONTINUOUS_SUMMARIES`; records without one (a group comparison, a paired
    table) print medians with quartiles.

    >>> continuous_summaries([{"kind": "continuous", "stat": "mean_sd"}, {"kind": "binary", "stat": "count_pct"}])
    ['mean_sd']
    >>> continuous_summaries([{"quantile_type": 7}])
    ['median_iqr']
    """
    used = set()
    for rec in records:
        stat = rec.get("stat")
        if isinstance(stat, str) and stat:
            if rec.get("kind") in (None, "continuous") and stat in CONTINUOUS_SUMMARIES:
                used.add(stat)
        else:
            used.add("median_iqr")
    return [stat for stat in CONTINUOUS_SUMMARIES if stat in used]


def quantiles(records: Records, stats: Mapping[str, Any]) -> str:
    """Descriptive statistics as the study printed them: categorical variables as counts with
    percentages; continuous ones by the statistics their rows print (:func:`continuous_summaries`),
    with the Hyndman–Fan quantile type when a quartile is printed."""
    types = {int(r["quantile_type"]) for r in records if finite(r.get("quantile_type"))}
    qtype = types.pop() if len(types) == 1 else int(stats["quantile_type"])
    summaries = continuous_summaries(records)
    words = [CONTINUOUS_SUMMARIES[s] for s in summaries]
    text = (
        "Categorical variables as numbers with percentages of the patients with a known value "
        "(missing values reported, never counted as absent)"
    )
    if words:
        joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
        text += f"; continuous variables as {joined}"
    if any(s in _QUARTILE_STATS for s in summaries):
        text += (
            ", the quartiles by the sample quantile definition of "
            f"Hyndman and Fan (1996), type {qtype} (type {qtype}: {HF_TYPES[qtype]})"
        )
    return text


def hscore(records: Records, _stats: Mapping[str, Any]) -> str:
    spec = records[0]
    low, high = spec["window_days"]
    computed = f"computed from the worst value of each item within days {low} to {high}"
    score = (
        computed
        if spec["score"] == "recomputed"
        else f"as reported in the patient records ({computed} beside it)"
    )
    return (
        f"Selection by the HScore for reactive haemophagocytic syndrome, {score}, diagnostic cut-off "
        f"{spec['operator']} {spec['cutoff']:g}; probability of HLH by a logistic approximation of the "
        "published score-probability table"
    )


def finite(value: Any) -> bool:
    try:
        return value is not None and not isinstance(value, bool) and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
