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

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from retrocohort.errors import InputError, Problem
from retrocohort.manuscript.method_wording import (
    Describe,
    Records,
    chi_square,
    cox,
    finite,
    fixed,
    hodges_lehmann,
    hscore,
    kaplan_meier,
    logistic,
    mann_whitney,
    mcnemar,
    median_survival,
    quantiles,
    smd,
    wilcoxon,
)

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
    describe: Describe


REGISTRY: dict[str, MethodEntry] = {
    e.key: e
    for e in (
        MethodEntry(
            "quantiles",
            "Descriptive statistics and sample quantiles",
            "quantile(x, type = k)",
            "Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.",
            quantiles,
        ),
        MethodEntry(
            "HScore",
            "HScore",
            "none in base R (the published item weights of Fardet et al.)",
            "Fardet L, Galicier L, Lambotte O, et al. Development and validation of the HScore, a "
            "score for the diagnosis of reactive hemophagocytic syndrome. Arthritis Rheumatol "
            "2014;66:2613-20.",
            hscore,
        ),
        MethodEntry(
            "Wilcoxon signed-rank",
            "Wilcoxon signed-rank test",
            "wilcox.test(x, y, paired = TRUE); exact with ties: coin::wilcoxsign_test(distribution = 'exact')",
            "Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-3; "
            "Streitberg B, Röhmel J. Exact distributions for permutation and rank tests. Stat Softw "
            "Newsl 1986;12:10-7.",
            wilcoxon,
        ),
        MethodEntry(
            "McNemar",
            "McNemar test",
            "mcnemar.test(table); exact: binom.test(b, b + c)",
            "McNemar Q. Note on the sampling error of the difference between correlated proportions "
            "or percentages. Psychometrika 1947;12:153-7.",
            mcnemar,
        ),
        MethodEntry(
            "sign test",
            "Sign test",
            "binom.test(sum(d > 0), sum(d != 0))",
            "Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods. 3rd ed. Wiley; 2014.",
            fixed("Exact sign test (Binomial(n, 1/2) on the signs of the non-zero paired differences)"),
        ),
        MethodEntry(
            "paired t-test",
            "Paired t-test",
            "t.test(x, y, paired = TRUE)",
            "Student. The probable error of a mean. Biometrika 1908;6:1-25.",
            fixed("Paired Student t-test on the differences (n - 1 df)"),
        ),
        MethodEntry(
            "Hodges-Lehmann",
            "Hodges-Lehmann estimate",
            "wilcox.test(x, y, paired = TRUE, conf.int = TRUE)",
            "Hodges JL, Lehmann EL. Estimates of location based on rank tests. Ann Math Stat "
            "1963;34:598-611.",
            hodges_lehmann,
        ),
        MethodEntry(
            "rank-biserial",
            "Matched-pairs rank-biserial correlation",
            "effectsize::rank_biserial(x, y, paired = TRUE)",
            "Kerby DS. The simple difference formula: an approach to teaching nonparametric "
            "correlation. Compr Psychol 2014;3:11.IT.3.1.",
            fixed("Matched-pairs rank-biserial correlation as the effect size of the signed-rank test"),
        ),
        MethodEntry(
            "Friedman",
            "Friedman test",
            "friedman.test(y ~ time | patient)",
            "Friedman M. The use of ranks to avoid the assumption of normality implicit in the "
            "analysis of variance. J Am Stat Assoc 1937;32:675-701.",
            fixed(
                "Friedman rank test across the repeated time points (within-patient mid-ranks, "
                "tie-corrected, chi-square approximation), patients with a value at every time point"
            ),
        ),
        MethodEntry(
            "Cochran's Q",
            "Cochran's Q test",
            "DescTools::CochranQTest(y ~ time | patient)",
            "Cochran WG. The comparison of percentages in matched samples. Biometrika 1950;37:256-66.",
            fixed(
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
            mann_whitney,
        ),
        MethodEntry(
            "Kruskal-Wallis",
            "Kruskal-Wallis test",
            "kruskal.test(x ~ group)",
            "Kruskal WH, Wallis WA. Use of ranks in one-criterion variance analysis. J Am Stat "
            "Assoc 1952;47:583-621.",
            fixed(
                "Kruskal–Wallis rank-sum test across more than two groups (tie-corrected H, chi-square approximation)"
            ),
        ),
        MethodEntry(
            "Pearson chi-square",
            "Pearson chi-square test",
            "chisq.test(table, correct = TRUE/FALSE)",
            "Pearson K. On the criterion that a given system of deviations from the probable in the "
            "case of a correlated system of variables is such that it can be reasonably supposed to "
            "have arisen from random sampling. Philos Mag 1900;50:157-75; Yates F. Contingency tables involving small numbers and the "
            "chi-square test. Suppl J R Stat Soc 1934;1:217-35.",
            chi_square,
        ),
        MethodEntry(
            "Fisher exact",
            "Fisher's exact test",
            "fisher.test(table)",
            "Fisher RA. On the interpretation of chi-square from contingency tables, and the "
            "calculation of P. J R Stat Soc 1922;85:87-94.",
            fixed(
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
            fixed("Fisher–Freeman–Halton exact test on tables larger than 2x2 (full enumeration)"),
        ),
        MethodEntry(
            "SMD",
            "Standardised mean difference",
            "tableone::ExtractSmd(CreateTableOne(..., smd = TRUE))",
            "Austin PC. Using the standardized difference to compare the prevalence of a binary "
            "variable between two groups. Commun Stat Simul Comput 2009;38:1228-34; Yang D, Dalton "
            "JE. A unified approach to measuring the effect size between two groups using SAS. SAS "
            "Global Forum 2012, paper 335.",
            smd,
        ),
        MethodEntry(
            "km",
            "Kaplan-Meier estimate",
            "survival::survfit(Surv(time, event) ~ group, conf.type = ...)",
            "Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat "
            "Assoc 1958;53:457-81.",
            kaplan_meier,
        ),
        MethodEntry(
            "median",
            "Kaplan-Meier median time to event",
            "print(survfit(...)) / quantile(survfit(...), 0.5)",
            "Brookmeyer R, Crowley J. A confidence interval for the median survival time. "
            "Biometrics 1982;38:29-41.",
            median_survival,
        ),
        MethodEntry(
            "log-rank",
            "Log-rank test",
            "survival::survdiff(Surv(time, event) ~ group)",
            "Mantel N. Evaluation of survival data and two new rank order statistics arising in its "
            "consideration. Cancer Chemother Rep 1966;50:163-70.",
            fixed("Unweighted log-rank (Mantel–Cox) test between groups (chi-square on k - 1 df)"),
        ),
        MethodEntry(
            "cox",
            "Cox proportional-hazards regression",
            "survival::coxph(Surv(time, event) ~ x, ties = 'efron'); confint.default",
            "Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187-220; Efron B. The "
            "efficiency of Cox's likelihood function for censored data. J Am Stat Assoc 1977;72:557-65.",
            cox,
        ),
        MethodEntry(
            "logistic",
            "Logistic regression",
            "glm(y ~ x, family = binomial); confint.default",
            "Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression. 3rd ed. Wiley; 2013.",
            logistic,
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
    if finite(rec.get("rank_biserial")):
        keys.append("rank-biserial")
    if finite(rec.get("smd")):
        keys.append("SMD")
    if finite(rec.get("quantile_type")) or (
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
