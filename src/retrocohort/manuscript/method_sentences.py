"""Registry of the methods a study's statistics files can record: one sentence for a paper per
test or estimator, its R equivalent and a reference.

Keys are what the statistics files record, never what the config intended: the ``test`` field
of a test row (``"Wilcoxon signed-rank"``, ``"Pearson chi-square"``, as written by
:mod:`retrocohort.stats`), the ``model`` field of a regression row (``"cox"``,
``"logistic"``), the ``role`` of a survival row (``"km"``, ``"median"``), and the estimator
columns (``hl_method``: Hodges-Lehmann, ``rank_biserial``, ``smd``, ``quantile_type`` /
``quantile_method``: sample quantiles). :func:`methods_used` collects them from the records,
:func:`method_lines` turns each into its sentence, worded from the records' own ``method`` text
and ``details`` (exact or approximate null, Yates, ties), so a study whose outputs hold no
McNemar row is never told it ran one.

The registry lives beside the manuscript, not in :mod:`retrocohort.stats`: it is prose for a
paper (and the report's Methods page) keyed on the stats outputs, and it is the seed of the
test registry of issue 22 (name, method sentence, R equivalent, reference).

References
----------
Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods. 3rd ed. Wiley; 2014.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from retrocohort.errors import InputError, Problem
from retrocohort.stats.quantiles import HF_TYPES

Records = Sequence[Mapping[str, Any]]

#: A record field naming what a row is about as printed, in order of preference (paired,
#: groups, survival); a record without one (a declared table's row) names nothing, never its
#: internal variable name.
SUBJECT_FIELDS = ("label", "comparison_label", "analysis_label")


@dataclass(frozen=True)
class MethodEntry:
    """One test or estimator: its key as recorded, the sentence for a paper (built from the
    records that used it and the study's ``statistics`` config), R equivalent and reference."""

    key: str
    name: str
    r_equivalent: str
    reference: str
    describe: Callable[[Records, Mapping[str, Any]], str]


def _details(rec: Mapping[str, Any]) -> Mapping[str, Any]:
    d = rec.get("details")
    return d if isinstance(d, Mapping) else {}


def _any(records: Records, predicate: Callable[[Mapping[str, Any]], bool]) -> bool:
    return any(predicate(r) for r in records)


def _method_has(records: Records, text: str) -> bool:
    return _any(records, lambda r: text in str(r.get("method") or ""))


# --- sentences ------------------------------------------------------------------------------


def _wilcoxon(records: Records, _stats: Mapping[str, Any]) -> str:
    d = _details(records[0])
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
    return f"Wilcoxon signed-rank test on the paired differences, {zeros}; {null}{used}"


def _mcnemar(records: Records, _stats: Mapping[str, Any]) -> str:
    kind = _details(records[0]).get("mcnemar_method", "exact")
    text = {
        "exact": "exact binomial test on the discordant pairs",
        "chi2": "chi-square statistic on 1 df without continuity correction",
        "chi2_cc": "chi-square statistic on 1 df with continuity correction, as R's mcnemar.test",
    }[kind]
    return f"McNemar test for paired binary values, {text}"


def _fixed(text: str) -> Callable[[Records, Mapping[str, Any]], str]:
    return lambda _records, _stats: text


def _chi_square(records: Records, _stats: Mapping[str, Any]) -> str:
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


def _mann_whitney(records: Records, _stats: Mapping[str, Any]) -> str:
    exact = _method_has(records, "exact conditional null")
    normal = _method_has(records, "normal approximation")
    cc = " and continuity correction" if _method_has(records, "with continuity correction") else ""
    parts = []
    if exact:
        parts.append("the exact conditional null distribution of the mid-rank sum (exact with ties)")
    if normal:
        parts.append(f"the normal approximation with tie-corrected variance{cc}")
    return "Mann–Whitney U (Wilcoxon rank-sum) test, " + " or ".join(parts or ["mid-ranks"])


def _hodges_lehmann(records: Records, stats: Mapping[str, Any]) -> str:
    level = records[0].get("hl_conf_level") or stats["hodges_lehmann"]["conf_level"]
    how = (
        "as R's wilcox.test(paired = TRUE, conf.int = TRUE) (root-finding on the normal-approximation "
        "statistic with ties or zeros)"
        if _any(records, lambda r: "as R wilcox.test" in str(r.get("hl_method") or ""))
        else "from the exact signed-rank null"
    )
    return (
        f"Hodges–Lehmann estimate of the median paired difference (median of the Walsh averages) "
        f"with its {100 * float(level):g}% confidence interval {how}"
    )


def _kaplan_meier(records: Records, _stats: Mapping[str, Any]) -> str:
    bands = sorted({f"{100 * float(r['conf_level']):g}% {r['ci_type']}" for r in records if r.get("ci_type")})
    band = f", pointwise {' and '.join(bands)}-transformed confidence intervals" if bands else ""
    return f"Kaplan–Meier estimates of the event-free probability, Greenwood's variance{band}; censored patients kept"


def _median_survival(records: Records, _stats: Mapping[str, Any]) -> str:
    rule = (
        "the smallest event time with S(t) < 0.5 (Collett)"
        if _method_has(records, "smallest event time")
        else "the first time with S(t) <= 0.5, the midpoint to the next event time when S(t) = 0.5 "
        "exactly (as R survfit and SAS LIFETEST)"
    )
    return f"Median time to event read off the Kaplan–Meier curve as {rule}, with its Brookmeyer–Crowley confidence interval"


def _cox(records: Records, _stats: Mapping[str, Any]) -> str:
    ties = "Breslow" if _method_has(records, "Breslow ties") else "Efron"
    return (
        f"Cox proportional-hazards regression (partial likelihood, {ties} method for ties), hazard "
        "ratios with Wald confidence intervals and Wald p-values, complete cases per model"
        + _model_notes(records)
    )


def _logistic(records: Records, _stats: Mapping[str, Any]) -> str:
    return (
        "Logistic regression (binomial GLM, logit link, maximum likelihood), odds ratios with Wald "
        "confidence intervals and Wald p-values, complete cases per model" + _model_notes(records)
    )


def _model_notes(records: Records) -> str:
    notes = " ".join(str(r.get("notes") or "") for r in records).lower()
    extra = []
    if "alias" in notes:
        extra.append("terms aliased with others (not estimable) are reported as such")
    if "separat" in notes:
        extra.append("terms with complete or quasi-complete separation get no Wald interval")
    return "; " + "; ".join(extra) if extra else ""


def _smd(_records: Records, _stats: Mapping[str, Any]) -> str:
    return (
        "Standardised mean differences as tableone: |m1 - m2| / sqrt((s1² + s2²) / 2) for continuous "
        "variables and the multivariate SMD on the level proportions (Yang and Dalton) for categorical "
        "ones; the mean of the pairwise SMDs for more than two groups"
    )


def _quantiles(records: Records, stats: Mapping[str, Any]) -> str:
    types = {int(r["quantile_type"]) for r in records if _finite(r.get("quantile_type"))}
    qtype = types.pop() if len(types) == 1 else int(stats["quantile_type"])
    return (
        "Categorical variables as numbers with percentages of the patients with a known value "
        "(missing values reported, never counted as absent); continuous variables as medians with "
        "first and third quartiles [Q1–Q3], the quartiles by the sample quantile definition of "
        f"Hyndman and Fan, type {qtype}: {HF_TYPES[qtype]}"
    )


def _hscore(records: Records, _stats: Mapping[str, Any]) -> str:
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


def _finite(value: Any) -> bool:
    try:
        return value is not None and not isinstance(value, bool) and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


REGISTRY: dict[str, MethodEntry] = {
    e.key: e
    for e in (
        MethodEntry(
            "quantiles",
            "Descriptive statistics and sample quantiles",
            "quantile(x, type = k)",
            "Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.",
            _quantiles,
        ),
        MethodEntry(
            "HScore",
            "HScore",
            "none in base R (the published item weights of Fardet et al.)",
            "Fardet L, Galicier L, Lambotte O, et al. Development and validation of the HScore, a "
            "score for the diagnosis of reactive hemophagocytic syndrome. Arthritis Rheumatol "
            "2014;66:2613-20.",
            _hscore,
        ),
        MethodEntry(
            "Wilcoxon signed-rank",
            "Wilcoxon signed-rank test",
            "wilcox.test(x, y, paired = TRUE); exact with ties: coin::wilcoxsign_test(distribution = 'exact')",
            "Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-3; "
            "Streitberg B, Röhmel J. Exact distributions for permutation and rank tests. Stat Softw "
            "Newsl 1986;12:10-7.",
            _wilcoxon,
        ),
        MethodEntry(
            "McNemar",
            "McNemar test",
            "mcnemar.test(table); exact: binom.test(b, b + c)",
            "McNemar Q. Note on the sampling error of the difference between correlated proportions "
            "or percentages. Psychometrika 1947;12:153-7.",
            _mcnemar,
        ),
        MethodEntry(
            "sign test",
            "Sign test",
            "binom.test(sum(d > 0), sum(d != 0))",
            "Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods. 3rd ed. Wiley; 2014.",
            _fixed("Exact sign test (Binomial(n, 1/2) on the signs of the non-zero paired differences)"),
        ),
        MethodEntry(
            "paired t-test",
            "Paired t-test",
            "t.test(x, y, paired = TRUE)",
            "Student. The probable error of a mean. Biometrika 1908;6:1-25.",
            _fixed("Paired Student t-test on the differences (n - 1 df)"),
        ),
        MethodEntry(
            "Hodges-Lehmann",
            "Hodges-Lehmann estimate",
            "wilcox.test(x, y, paired = TRUE, conf.int = TRUE)",
            "Hodges JL, Lehmann EL. Estimates of location based on rank tests. Ann Math Stat "
            "1963;34:598-611.",
            _hodges_lehmann,
        ),
        MethodEntry(
            "rank-biserial",
            "Matched-pairs rank-biserial correlation",
            "effectsize::rank_biserial(x, y, paired = TRUE)",
            "Kerby DS. The simple difference formula: an approach to teaching nonparametric "
            "correlation. Compr Psychol 2014;3:11.IT.3.1.",
            _fixed("Matched-pairs rank-biserial correlation as the effect size of the signed-rank test"),
        ),
        MethodEntry(
            "Friedman",
            "Friedman test",
            "friedman.test(y ~ time | patient)",
            "Friedman M. The use of ranks to avoid the assumption of normality implicit in the "
            "analysis of variance. J Am Stat Assoc 1937;32:675-701.",
            _fixed(
                "Friedman rank test across the repeated time points (within-patient mid-ranks, "
                "tie-corrected, chi-square approximation), patients with a value at every time point"
            ),
        ),
        MethodEntry(
            "Cochran's Q",
            "Cochran's Q test",
            "DescTools::CochranQTest(y ~ time | patient)",
            "Cochran WG. The comparison of percentages in matched samples. Biometrika 1950;37:256-66.",
            _fixed(
                "Cochran's Q test across the repeated time points of a binary value (chi-square "
                "approximation), patients with a value at every time point"
            ),
        ),
        MethodEntry(
            "Mann-Whitney U",
            "Mann-Whitney U test",
            "wilcox.test(x, y); exact with ties: coin::wilcox_test(distribution = 'exact')",
            "Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically "
            "larger than the other. Ann Math Stat 1947;18:50-60.",
            _mann_whitney,
        ),
        MethodEntry(
            "Kruskal-Wallis",
            "Kruskal-Wallis test",
            "kruskal.test(x ~ group)",
            "Kruskal WH, Wallis WA. Use of ranks in one-criterion variance analysis. J Am Stat "
            "Assoc 1952;47:583-621.",
            _fixed(
                "Kruskal–Wallis rank-sum test across more than two groups (tie-corrected H, chi-square approximation)"
            ),
        ),
        MethodEntry(
            "Pearson chi-square",
            "Pearson chi-square test",
            "chisq.test(table, correct = TRUE/FALSE)",
            "Pearson K. On the criterion that a given system of deviations from the probable... "
            "Philos Mag 1900;50:157-75; Yates F. Contingency tables involving small numbers and the "
            "chi-square test. Suppl J R Stat Soc 1934;1:217-35.",
            _chi_square,
        ),
        MethodEntry(
            "Fisher exact",
            "Fisher's exact test",
            "fisher.test(table)",
            "Fisher RA. On the interpretation of chi-square from contingency tables, and the "
            "calculation of P. J R Stat Soc 1922;85:87-94.",
            _fixed(
                "Fisher's exact test on 2x2 tables (two-sided p by the minimum-likelihood rule, as R's "
                "fisher.test)"
            ),
        ),
        MethodEntry(
            "Fisher-Freeman-Halton exact",
            "Fisher-Freeman-Halton exact test",
            "fisher.test(table) on an r x c table",
            "Freeman GH, Halton JH. Note on an exact treatment of contingency, goodness of fit and "
            "other problems of significance. Biometrika 1951;38:141-9.",
            _fixed("Fisher–Freeman–Halton exact test on tables larger than 2x2 (full enumeration)"),
        ),
        MethodEntry(
            "SMD",
            "Standardised mean difference",
            "tableone::ExtractSmd(CreateTableOne(..., smd = TRUE))",
            "Austin PC. Using the standardized difference to compare the prevalence of a binary "
            "variable between two groups. Commun Stat Simul Comput 2009;38:1228-34; Yang D, Dalton "
            "JE. A unified approach to measuring the effect size between two groups using SAS. SAS "
            "Global Forum 2012, paper 335.",
            _smd,
        ),
        MethodEntry(
            "km",
            "Kaplan-Meier estimate",
            "survival::survfit(Surv(time, event) ~ group, conf.type = ...)",
            "Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat "
            "Assoc 1958;53:457-81.",
            _kaplan_meier,
        ),
        MethodEntry(
            "median",
            "Kaplan-Meier median time to event",
            "print(survfit(...)) / quantile(survfit(...), 0.5)",
            "Brookmeyer R, Crowley J. A confidence interval for the median survival time. "
            "Biometrics 1982;38:29-41.",
            _median_survival,
        ),
        MethodEntry(
            "log-rank",
            "Log-rank test",
            "survival::survdiff(Surv(time, event) ~ group)",
            "Mantel N. Evaluation of survival data and two new rank order statistics arising in its "
            "consideration. Cancer Chemother Rep 1966;50:163-70.",
            _fixed("Unweighted log-rank (Mantel–Cox) test between groups (chi-square on k - 1 df)"),
        ),
        MethodEntry(
            "cox",
            "Cox proportional-hazards regression",
            "survival::coxph(Surv(time, event) ~ x, ties = 'efron'); confint.default",
            "Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187-220; Efron B. The "
            "efficiency of Cox's likelihood function for censored data. J Am Stat Assoc 1977;72:557-65.",
            _cox,
        ),
        MethodEntry(
            "logistic",
            "Logistic regression",
            "glm(y ~ x, family = binomial); confint.default",
            "Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression. 3rd ed. Wiley; 2013.",
            _logistic,
        ),
    )
}


def _is_computed(rec: Mapping[str, Any]) -> bool:
    method = rec.get("method")
    return not (isinstance(method, str) and method.startswith("not computed"))


def record_keys(rec: Mapping[str, Any]) -> list[str]:
    """The registry keys one statistics record uses (empty for a row that computed nothing).

    >>> record_keys({"test": "McNemar", "method": "McNemar test: exact ..."})
    ['McNemar']
    >>> record_keys({"test": "McNemar", "method": "not computed: fewer than 2 pairs"})
    []
    """
    keys = []
    test = rec.get("test")
    if isinstance(test, str) and test and _is_computed(rec):
        keys.append(test)
    if rec.get("model") in ("cox", "logistic") and _is_computed(rec):
        keys.append(str(rec["model"]))
    if rec.get("role") in ("km", "median") and _is_computed(rec):
        keys.append(str(rec["role"]))
    if isinstance(rec.get("hl_method"), str) and rec["hl_method"]:
        keys.append("Hodges-Lehmann")
    if _finite(rec.get("rank_biserial")):
        keys.append("rank-biserial")
    if _finite(rec.get("smd")):
        keys.append("SMD")
    if _finite(rec.get("quantile_type")) or (
        isinstance(rec.get("quantile_method"), str) and rec["quantile_method"]
    ):
        keys.append("quantiles")
    return keys


def methods_used(sources: Mapping[str, Records]) -> dict[str, list[Mapping[str, Any]]]:
    """Records per registry key, in registry order, from the records of each statistics file.

    Parameters
    ----------
    sources
        ``{file name: records}`` (the rows of ``table1.csv``, ``table3_paired.json``, ...).

    Returns
    -------
    dict
        ``{key: records that used it}`` for every key used at least once.

    Raises
    ------
    InputError
        A record names a test the registry does not know (file, row and value named): a test
        added to the statistics without its method sentence.
    """
    used: dict[str, list[Mapping[str, Any]]] = {}
    for name, records in sources.items():
        for i, rec in enumerate(records):
            for key in record_keys(rec):
                if key not in REGISTRY:
                    raise InputError(
                        "A statistics record names a method with no method sentence",
                        [
                            Problem(
                                "unregistered test",
                                file=name,
                                row=i,
                                column="test",
                                value=key,
                                expected=f"one of {sorted(REGISTRY)} (register it in "
                                "retrocohort.manuscript.method_sentences)",
                            )
                        ],
                    )
                used.setdefault(key, []).append(rec)
    return {key: used[key] for key in REGISTRY if key in used}


def _subjects(records: Records) -> list[str]:
    names = []
    for rec in records:
        for field in SUBJECT_FIELDS:
            value = rec.get(field)
            if isinstance(value, str) and value:
                names.append(value)
                break
    return list(dict.fromkeys(names))


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class MethodLine:
    """One method as printed: registry key, sentence (with what it was used for), reference."""

    key: str
    sentence: str
    r_equivalent: str
    reference: str


#: Keys whose sentence does not name the rows it was used for (estimators reported beside
#: every row of a table, or repeating the Kaplan-Meier sentence's analyses).
_UNNAMED = ("quantiles", "Hodges-Lehmann", "rank-biserial", "SMD", "median")


def method_lines(used: Mapping[str, Records], stats: Mapping[str, Any]) -> list[MethodLine]:
    """One :class:`MethodLine` per used key (registry order), a test's sentence ending with the
    printed labels of the rows it was used for (``SUBJECT_FIELDS``)."""
    lines = []
    for key, records in used.items():
        entry = REGISTRY[key]
        sentence = entry.describe(records, stats).rstrip(".")
        subjects = [] if key in _UNNAMED else _subjects(records)
        if subjects:
            sentence += f" ({_join(subjects)})"
        lines.append(MethodLine(key, sentence + ".", entry.r_equivalent, entry.reference))
    return lines
