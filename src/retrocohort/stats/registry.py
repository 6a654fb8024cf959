"""The registry of tests: every test a table, a group comparison or a paired table can choose,
and the other tests the package runs (repeated measures, survival), one :class:`TestEntry` each.

An entry names the test as the config spells it (``welch_t``), as its results record it
(``test``: "Welch t-test"), the designs it may be chosen for (``slots``: variable kind x design,
see :data:`SLOTS`), the pure function that computes it and how that function takes its data
(``inputs``), the method sentence for a paper, its R equivalent and a reference.
:mod:`retrocohort.analysis.test_policy` chooses among the entries;
:mod:`retrocohort.manuscript.method_sentences` words the Methods page from them.

Adding a test is one module of :mod:`retrocohort.stats` plus one entry here (and its name in
the ``statistics.tests`` enums of the config schema, which a test keeps equal to this registry).

References
----------
Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods. 3rd ed. Wiley; 2014.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from retrocohort.stats.competing_risks import gray_test
from retrocohort.stats.contingency import chi_square_independence, fisher_freeman_halton
from retrocohort.stats.cox_zph import cox_zph
from retrocohort.stats.expected_count import chi_square_or_exact
from retrocohort.stats.likelihood_ratio import likelihood_ratio_test
from retrocohort.stats.multi_group import kruskal_wallis
from retrocohort.stats.paired_binary import mcnemar
from retrocohort.stats.paired_t import paired_t
from retrocohort.stats.repeated_measures import cochran_q, friedman
from retrocohort.stats.result import YATES_APPLIED, TestResult
from retrocohort.stats.robust_score import robust_score_test
from retrocohort.stats.signed_rank import sign_test, wilcoxon_signed_rank
from retrocohort.stats.survival import logrank
from retrocohort.stats.two_sample import fisher_exact_2x2, mann_whitney
from retrocohort.stats.welch_t import welch_t

#: Variable kinds and designs a test is chosen for; a slot is ``<kind>_<design>``.
KINDS = ("binary", "categorical", "continuous")
DESIGNS = ("two_groups", "k_groups", "paired")
SLOTS = (
    "binary_two_groups",
    "binary_k_groups",
    "categorical_two_groups",
    "categorical_k_groups",
    "continuous_two_groups",
    "continuous_k_groups",
    "binary_paired",
    "continuous_paired",
)
#: How an entry's function takes its data: a counts table (levels x groups, or groups x
#: outcome), two samples (x, y), a list of samples, paired differences, or paired binary values
#: (before, after); "other" for tests no policy slot chooses.
INPUTS = ("table", "two_samples", "k_samples", "differences", "binary_pairs", "other")

_TABLES = ("binary_two_groups", "binary_k_groups", "categorical_two_groups", "categorical_k_groups")


@dataclass(frozen=True)
class TestEntry:
    """One registered test.

    Attributes
    ----------
    name : str
        The config's name (``statistics.tests``, a table's ``tests``).
    test : str
        The ``test`` field its results record ("" for a rule that records the test it chose).
    title : str
        Its name in prose ("Welch's t-test").
    slots : tuple of str
        The :data:`SLOTS` it may be chosen for (empty: run by a fixed analysis, not chosen).
    function : callable
        The pure function of :mod:`retrocohort.stats` returning a :class:`TestResult`.
    inputs : str
        How ``function`` takes its data (:data:`INPUTS`).
    sentence : str
        The method sentence (exact method, sidedness) for a paper.
    r_equivalent : str
        The R call that gives the same numbers.
    reference : str
        The method's reference.
    """

    __test__ = False  # not a pytest test class

    name: str
    test: str
    title: str
    slots: tuple[str, ...]
    function: Callable[..., TestResult]
    inputs: str
    sentence: str
    r_equivalent: str
    reference: str


_PEARSON = (
    "Pearson K. On the criterion that a given system of deviations from the probable in the "
    "case of a correlated system of variables is such that it can be reasonably supposed to "
    "have arisen from random sampling. Philos Mag 1900;50:157-75; Yates F. Contingency tables involving small numbers and the "
    "chi-square test. Suppl J R Stat Soc 1934;1:217-35."
)

TESTS: dict[str, TestEntry] = {
    e.name: e
    for e in (
        TestEntry(
            "chi_square_or_exact",
            "",
            "Pearson chi-square or exact test by expected counts",
            _TABLES,
            chi_square_or_exact,
            "table",
            "Pearson's chi-square test when every expected count was at least 5, else Fisher's exact "
            "test (2x2) or the Fisher-Freeman-Halton exact test (larger tables)",
            "gtsummary::add_p() default: chisq.test(table), fisher.test(table) when an expected count < 5",
            "Sjoberg DD, Whiting K, Curry M, Lavery JA, Larmarange J. Reproducible summary tables with "
            "the gtsummary package. R J 2021;13:570-80; " + _PEARSON,
        ),
        TestEntry(
            "chi_square",
            "Pearson chi-square",
            "Pearson chi-square test",
            _TABLES,
            chi_square_independence,
            "table",
            "Pearson's chi-square test of independence",
            "chisq.test(table, correct = TRUE/FALSE)",
            _PEARSON,
        ),
        TestEntry(
            "fisher",
            "Fisher exact",
            "Fisher's exact test",
            ("binary_two_groups",),
            fisher_exact_2x2,
            "table",
            "Fisher's exact test on 2x2 tables (two-sided p by the minimum-likelihood rule, as R's "
            "fisher.test)",
            "fisher.test(table)",
            "Fisher RA. On the interpretation of chi-square from contingency tables, and the "
            "calculation of P. J R Stat Soc 1922;85:87-94.",
        ),
        TestEntry(
            "fisher_freeman_halton",
            "Fisher-Freeman-Halton exact",
            "Fisher-Freeman-Halton exact test",
            _TABLES,
            fisher_freeman_halton,
            "table",
            "Fisher–Freeman–Halton exact test on tables larger than 2x2 (full enumeration)",
            "fisher.test(table) on an r x c table",
            "Freeman GH, Halton JH. Note on an exact treatment of contingency, goodness of fit and "
            "other problems of significance. Biometrika 1951;38:141-9.",
        ),
        TestEntry(
            "mann_whitney",
            "Mann-Whitney U",
            "Mann-Whitney U test",
            ("continuous_two_groups",),
            mann_whitney,
            "two_samples",
            "Mann–Whitney U (Wilcoxon rank-sum) test, two-sided",
            "wilcox.test(x, y); exact with ties: coin::wilcox_test(distribution = 'exact')",
            "Mann HB, Whitney DR. On a test of whether one of two random variables is stochastically "
            "larger than the other. Ann Math Stat 1947;18:50-60.",
        ),
        TestEntry(
            "welch_t",
            "Welch t-test",
            "Welch's t-test",
            ("continuous_two_groups",),
            welch_t,
            "two_samples",
            "Welch's unequal-variances t-test (Welch 1947), two-sided, with the difference in means "
            "and its 95% confidence interval on the Welch-Satterthwaite degrees of freedom",
            "t.test(x ~ g) (var.equal = FALSE)",
            'Welch BL. The generalization of "Student\'s" problem when several different population '
            "variances are involved. Biometrika 1947;34:28-35.",
        ),
        TestEntry(
            "kruskal_wallis",
            "Kruskal-Wallis",
            "Kruskal-Wallis test",
            ("continuous_k_groups",),
            kruskal_wallis,
            "k_samples",
            "Kruskal–Wallis rank-sum test across more than two groups (tie-corrected H, chi-square approximation)",
            "kruskal.test(x ~ group)",
            "Kruskal WH, Wallis WA. Use of ranks in one-criterion variance analysis. J Am Stat "
            "Assoc 1952;47:583-621.",
        ),
        TestEntry(
            "wilcoxon_signed_rank",
            "Wilcoxon signed-rank",
            "Wilcoxon signed-rank test",
            ("continuous_paired",),
            wilcoxon_signed_rank,
            "differences",
            "Wilcoxon signed-rank test on the paired differences, two-sided",
            "wilcox.test(x, y, paired = TRUE); exact with ties: coin::wilcoxsign_test(distribution = 'exact')",
            "Wilcoxon F. Individual comparisons by ranking methods. Biometrics Bull 1945;1:80-3; "
            "Streitberg B, Röhmel J. Exact distributions for permutation and rank tests. Stat Softw "
            "Newsl 1986;12:10-7.",
        ),
        TestEntry(
            "paired_t",
            "paired t-test",
            "Paired t-test",
            ("continuous_paired",),
            paired_t,
            "differences",
            "Paired Student t-test on the differences (n - 1 df)",
            "t.test(x, y, paired = TRUE)",
            "Student. The probable error of a mean. Biometrika 1908;6:1-25.",
        ),
        TestEntry(
            "sign",
            "sign test",
            "Sign test",
            ("continuous_paired",),
            sign_test,
            "differences",
            "Exact sign test (Binomial(n, 1/2) on the signs of the non-zero paired differences)",
            "binom.test(sum(d > 0), sum(d != 0))",
            "Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods. 3rd ed. Wiley; 2014.",
        ),
        TestEntry(
            "mcnemar",
            "McNemar",
            "McNemar test",
            ("binary_paired",),
            mcnemar,
            "binary_pairs",
            "McNemar test for paired binary values",
            "mcnemar.test(table); exact: binom.test(b, b + c)",
            "McNemar Q. Note on the sampling error of the difference between correlated proportions "
            "or percentages. Psychometrika 1947;12:153-7.",
        ),
        TestEntry(
            "friedman",
            "Friedman",
            "Friedman test",
            (),
            friedman,
            "other",
            "Friedman rank test across the repeated time points (within-patient mid-ranks, "
            "tie-corrected, chi-square approximation), patients with a value at every time point",
            "friedman.test(y ~ time | patient)",
            "Friedman M. The use of ranks to avoid the assumption of normality implicit in the "
            "analysis of variance. J Am Stat Assoc 1937;32:675-701.",
        ),
        TestEntry(
            "cochran_q",
            "Cochran's Q",
            "Cochran's Q test",
            (),
            cochran_q,
            "other",
            "Cochran's Q test across the repeated time points of a binary value (chi-square "
            "approximation), patients with a value at every time point",
            "DescTools::CochranQTest(y ~ time | patient)",
            "Cochran WG. The comparison of percentages in matched samples. Biometrika 1950;37:256-66.",
        ),
        TestEntry(
            "logrank",
            "log-rank",
            "Log-rank test",
            (),
            logrank,
            "other",
            "Unweighted log-rank (Mantel–Cox) test between groups (chi-square on k - 1 df)",
            "survival::survdiff(Surv(time, event) ~ group)",
            "Mantel N. Evaluation of survival data and two new rank order statistics arising in its "
            "consideration. Cancer Chemother Rep 1966;50:163-70.",
        ),
        TestEntry(
            "robust_score",
            "robust score test",
            "Robust score test",
            (),
            robust_score_test,
            "other",
            "On a matched or weighted sample, survival compared between groups by the robust score "
            "test of the Cox model of the group with the sample's case weights (sandwich variance, "
            "clustered on the matched sets; chi-square on k - 1 df), in place of the log-rank test",
            "survival::coxph(Surv(time, event) ~ group, weights = w, cluster = set)$rscore",
            "Lin DY, Wei LJ. The robust inference for the Cox proportional hazards model. J Am Stat "
            "Assoc 1989;84:1074-8.",
        ),
        TestEntry(
            "likelihood_ratio",
            "Likelihood-ratio test",
            "Likelihood-ratio test",
            (),
            likelihood_ratio_test,
            "other",
            "Global p of a predictor with several coefficients (a categorical predictor with three or "
            "more levels, an interaction): likelihood-ratio test of the model without it, refitted on "
            "the same patients, chi-square on as many df as it has coefficients",
            "drop1(fit, test = 'LRT'); anova(reduced, full, test = 'LRT') (glm binomial, coxph)",
            "Wilks SS. The large-sample distribution of the likelihood ratio for testing composite "
            "hypotheses. Ann Math Stat 1938;9:60-2.",
        ),
        TestEntry(
            "cox_zph",
            "Grambsch-Therneau test",
            "Proportional-hazards test (scaled Schoenfeld residuals)",
            (),
            cox_zph,
            "other",
            "Proportional hazards checked per term and globally by the Grambsch–Therneau score test on "
            "scaled Schoenfeld residuals against the Kaplan–Meier transform of time",
            "survival::cox.zph(fit) (transform = 'km', terms = TRUE)",
            "Grambsch PM, Therneau TM. Proportional hazards tests and diagnostics based on weighted "
            "residuals. Biometrika 1994;81:515-26.",
        ),
        TestEntry(
            "gray",
            "Gray",
            "Gray's test",
            (),
            gray_test,
            "other",
            "Gray's k-sample test of equal cumulative incidence of a cause between groups, competing "
            "causes treated as competing events (rho = 0, chi-square on k - 1 df)",
            "cmprsk::cuminc(ftime, fstatus, group)$Tests",
            "Gray RJ. A class of K-sample tests for comparing the cumulative incidence of a competing "
            "risk. Ann Stat 1988;16:1141-54.",
        ),
    )
}


def choosable(slot: str) -> list[str]:
    """Names of the registered tests that may be chosen for ``slot`` (registry order).

    Parameters
    ----------
    slot : str
        A design slot of :data:`SLOTS` (variable kind x design, e.g. "continuous_two_groups").

    Returns
    -------
    list of str
        The config names of the tests registered for ``slot``.

    Raises
    ------
    ValueError
        An unknown ``slot``.

    References
    ----------
    Each entry's own reference is ``TESTS[name].reference``; this lookup has none of its own.

    Examples
    --------
    >>> choosable("continuous_two_groups")
    ['mann_whitney', 'welch_t']
    >>> TESTS[choosable("binary_paired")[0]].reference[:40]
    'McNemar Q. Note on the sampling error of'
    """
    if slot not in SLOTS:
        raise ValueError(f"unknown slot {slot!r}; one of {SLOTS}")
    return [name for name, entry in TESTS.items() if slot in entry.slots]


def by_recorded_name(test: str) -> TestEntry:
    """The registry entry whose results record ``test`` (the ``TestResult.test`` string).

    Parameters
    ----------
    test : str
        The name a result records, e.g. "Welch t-test".

    Returns
    -------
    TestEntry
        The entry, with its method sentence, R equivalent and reference.

    Raises
    ------
    KeyError
        No entry records ``test``.

    References
    ----------
    Each entry's own reference is ``TestEntry.reference``; this lookup has none of its own.

    Examples
    --------
    >>> by_recorded_name("Welch t-test").name
    'welch_t'
    >>> by_recorded_name("Welch t-test").reference[:30]
    'Welch BL. The generalization o'
    """
    for entry in TESTS.values():
        if entry.test and entry.test == test:
            return entry
    raise KeyError(test)


def stated_test(record: Mapping[str, Any], title: bool = False) -> str:
    """The name a table footnote or a Results sentence gives the test of a result record: its
    recorded ``test`` (or, with ``title``, the registry entry's title), followed by "with Yates'
    continuity correction" when the record's ``method`` says the correction was applied — a
    corrected chi-square is a different test and must be named so (Yates 1934).

    Parameters
    ----------
    record : Mapping
        A result record with ``test`` and ``method`` (a row of a stats file).
    title : bool
        Name it by :attr:`TestEntry.title` ("Pearson chi-square test") rather than the recorded
        name ("Pearson chi-square").

    Returns
    -------
    str
        The name; the recorded ``test`` itself when no entry records it and ``title`` is asked.

    References
    ----------
    Yates F. Contingency tables involving small numbers and the chi-square test. Suppl J R Stat
    Soc 1934;1:217-35.

    Examples
    --------
    >>> stated_test({"test": "Pearson chi-square", "method": "... 1 df, with Yates continuity correction."})
    "Pearson chi-square with Yates' continuity correction"
    >>> stated_test({"test": "Pearson chi-square", "method": "... without continuity correction."}, title=True)
    'Pearson chi-square test'
    """
    name = str(record["test"])
    if title:
        try:
            name = by_recorded_name(name).title
        except KeyError:
            pass
    corrected = YATES_APPLIED in str(record.get("method", ""))
    return f"{name} with Yates' continuity correction" if corrected else name
