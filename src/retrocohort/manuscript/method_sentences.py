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

The tests' entries come from the registry of tests (:mod:`retrocohort.stats.registry`: title,
method sentence, R equivalent, reference), so a test registered there has its sentence here;
the estimators' and models' entries (quantiles, Hodges-Lehmann, SMD, Kaplan-Meier, Cox,
logistic) live here, prose for a paper keyed on the stats outputs.

References
----------
Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods. 3rd ed. Wiley; 2014.
"""

from __future__ import annotations

import re
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
    propensity,
    quantiles,
    smd,
    wilcoxon,
)
from retrocohort.stats.design_based import RAO_SCOTT
from retrocohort.stats.design_based import T_TEST as DESIGN_T_TEST
from retrocohort.stats.registry import TESTS

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


def registered(name: str, describe: Describe | None = None) -> MethodEntry:
    """The entry of a test of :data:`retrocohort.stats.registry.TESTS`: keyed on the ``test`` its
    results record, with the registry's title, R equivalent and reference, and its method
    sentence (the registry's, or ``describe``, which words it from the records: exact or
    approximate null, Yates' correction)."""
    entry = TESTS[name]
    return MethodEntry(
        entry.test, entry.title, entry.r_equivalent, entry.reference, describe or fixed(entry.sentence)
    )


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
        registered("wilcoxon_signed_rank", wilcoxon),
        registered("mcnemar", mcnemar),
        registered("sign"),
        registered("paired_t"),
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
        registered("friedman"),
        registered("cochran_q"),
        registered("mann_whitney", mann_whitney),
        registered("welch_t"),
        registered("kruskal_wallis"),
        registered("chi_square", chi_square),
        registered("fisher"),
        registered("fisher_freeman_halton"),
        # a descriptive or comparison table on a matched or weighted sample (`sample:`; issue 27)
        MethodEntry(
            DESIGN_T_TEST,
            "Design-based t-test",
            "survey::svyttest(y ~ g, svydesign(ids = ~set, weights = ~w))",
            "Lumley T. Analysis of complex survey samples. J Stat Softw 2004;9(8):1-19; Binder DA. "
            "On the variances of asymptotically normal estimators from complex surveys. Int Stat "
            "Rev 1983;51:279-92.",
            fixed(
                "On a matched or weighted sample, continuous characteristics compared with the "
                "design-based t-test: the weighted least-squares difference of means over its "
                "linearisation (sandwich) standard error, the matched sets as clusters after "
                "matching (each patient its own cluster after weighting), on G − 2 degrees of "
                "freedom, G the number of clusters"
            ),
        ),
        MethodEntry(
            RAO_SCOTT,
            "Rao-Scott chi-square test",
            "survey::svychisq(~x + g, svydesign(ids = ~set, weights = ~w), statistic = 'F')",
            "Rao JNK, Scott AJ. On chi-squared tests for multiway contingency tables with cell "
            "proportions estimated from survey data. Ann Stat 1984;12:46-60.",
            fixed(
                "On a matched or weighted sample, categorical characteristics compared with "
                "Pearson's chi-square of the weighted table with the Rao-Scott second-order "
                "correction, the matched sets as clusters after matching (each patient its own "
                "cluster after weighting)"
            ),
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
        registered("logrank"),
        registered("robust_score"),  # the log-rank's place on a matched or weighted sample
        MethodEntry(
            "cif",
            "Aalen–Johansen cumulative incidence",
            "survival::survfit(Surv(time, factor(status)) ~ group) (multi-state: pstate, std.err)",
            "Aalen OO, Johansen S. An empirical transition matrix for non-homogeneous Markov chains "
            "based on censored observations. Scand J Stat 1978;5:141-50.",
            fixed(
                "Cumulative incidence of each cause estimated by the Aalen–Johansen estimator, "
                "competing causes treated as competing events (not censored), with pointwise "
                "confidence intervals from the infinitesimal-jackknife variance on the log scale"
            ),
        ),
        registered("gray"),
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
        MethodEntry(
            "propensity",
            "Propensity score matching or weighting",
            "MatchIt::matchit(treat ~ x, method = 'nearest', distance = 'glm', caliper = c); "
            "summary(m, standardize = TRUE)",
            "Rosenbaum PR, Rubin DB. The central role of the propensity score in observational "
            "studies for causal effects. Biometrika 1983;70:41-55; Austin PC. Balance diagnostics "
            "for comparing the distribution of baseline covariates between treatment groups in "
            "propensity-score matched samples. Stat Med 2009;28:3083-107.",
            propensity,
        ),
        registered("likelihood_ratio"),  # the models' global p, after the models
        registered("cox_zph"),
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
        keys += [str(rec[k]) for k in ("global_test", "ph_test") if isinstance(rec.get(k), str) and rec[k]]
    if rec.get("role") in ("km", "median", "cif") and _is_computed(rec):
        keys.append(str(rec["role"]))
    if isinstance(rec.get("hl_method"), str) and rec["hl_method"]:
        keys.append("Hodges-Lehmann")
    if finite(rec.get("rank_biserial")):
        keys.append("rank-biserial")
    if finite(rec.get("smd")):
        keys.append("SMD")
    if "smd_before" in rec and isinstance(rec.get("comparison"), str):  # a balance table's row
        keys.append("propensity")
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
    """The printed labels of the analyses ``records`` come from (``SUBJECT_FIELDS``); empty
    when any record has none (a table's rows): naming only some of the uses would say the method
    served those alone.

    >>> _subjects([{"comparison_label": "Infections"}, {"variable": "age"}])
    []
    >>> _subjects([{"comparison_label": "Infections"}, {"analysis_label": "Survival"}])
    ['Infections', 'Survival']
    """
    names = []
    for rec in records:
        for field in SUBJECT_FIELDS:
            value = rec.get(field)
            if isinstance(value, str) and value:
                names.append(value)
                break
        else:
            return []
    return list(dict.fromkeys(names))


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@dataclass(frozen=True)
class MethodLine:
    """One method as printed: registry key, sentence (with what it was used for; every
    computational detail included), R equivalent, reference, and the same sentence as a methods
    section prints it (``prose``) with its computational ``details`` moved out
    (:func:`split_details`)."""

    key: str
    sentence: str
    r_equivalent: str
    reference: str
    prose: str = ""
    details: tuple[str, ...] = ()


#: A parenthetical is a computational detail, not prose for a methods section, when it holds a
#: formula (=, <, /, sqrt, "k - 1 df"), names software (R's, numpy, SAS, tableone) or an
#: algorithm or rounding step.
_DETAIL = re.compile(
    r"[=<>≤≥/]|\bsqrt\b|\bdf\b|\bR's\b|\bas R\b|\bnumpy\b|\bSAS\b|\btableone\b|algorithm|decimals"
)


def _parentheticals(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each top-level ``( ... )`` of ``text`` (nested ones inside)."""
    spans, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "(":
            start, depth = (index if depth == 0 else start), depth + 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                spans.append((start, index + 1))
    return spans


def split_details(sentence: str) -> tuple[str, tuple[str, ...]]:
    """``sentence`` without its computational details, and the details: each top-level
    parenthetical matching ``_DETAIL`` (a formula, software or an algorithm) is cut out of the
    prose, with the space before it, and returned without its parentheses. "Fisher's exact test
    (two-sided p by the minimum-likelihood rule, as R's fisher.test)" -> ("Fisher's exact
    test", ("two-sided p by the minimum-likelihood rule, as R's fisher.test",))."""
    details, prose, last = [], [], 0
    for start, end in _parentheticals(sentence):
        inside = sentence[start + 1 : end - 1]
        if _DETAIL.search(inside):
            prose.append(sentence[last:start].rstrip())
            details.append(inside)
            last = end
    prose.append(sentence[last:])
    return "".join(prose), tuple(details)


#: Keys whose sentence does not name the rows it was used for (estimators reported beside
#: every row of a table, or repeating the Kaplan-Meier sentence's analyses).
_UNNAMED = ("quantiles", "Hodges-Lehmann", "rank-biserial", "SMD", "median", "propensity")


def method_lines(used: Mapping[str, Records], stats: Mapping[str, Any]) -> list[MethodLine]:
    """One :class:`MethodLine` per used key (registry order), a test's sentence ending with the
    printed labels of the rows it was used for (``SUBJECT_FIELDS``)."""
    lines = []
    for key, records in used.items():
        entry = REGISTRY[key]
        sentence = entry.describe(records, stats).rstrip(".")
        prose, details = split_details(sentence)  # before the subjects: "(mg/L)" is no formula
        subjects = [] if key in _UNNAMED else _subjects(records)
        used_for = f" ({_join(subjects)})" if subjects else ""
        lines.append(
            MethodLine(
                key,
                sentence + used_for + ".",
                entry.r_equivalent,
                entry.reference,
                prose=prose + used_for + ".",
                details=details,
            )
        )
    return lines
