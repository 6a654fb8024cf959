"""The deliberate differences between retrocohort's default statistics and R's, in one place.

Each entry names our default, R's behaviour, why we differ, and the option that reproduces
R exactly. The R oracle (tests/r_oracle) asserts both halves of every entry: under the default
the numbers differ from R's on a data set where the methods disagree, and under the R option
they agree to 1e-9 relative. docs/methods-vs-r.md is generated from this list
(:func:`differences_markdown`) and a test keeps it in sync.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RDifference:
    """One deliberate difference from R: what, ours, R's, why, and how to get R's numbers."""

    key: str
    topic: str
    ours: str
    r: str
    reason: str
    r_option: str


R_DIFFERENCES: tuple[RDifference, ...] = (
    RDifference(
        key="signed_rank_exact_with_ties",
        topic="Wilcoxon signed-rank p-value",
        ours="exact conditional null (with ties and zeros) when n <= 50, no continuity correction",
        r="wilcox.test(paired = TRUE): exact only if n < 50 with no ties and no zeros; otherwise "
        "normal approximation with continuity correction",
        reason="an exact p-value is available for every small cohort; the normal approximation "
        "is poor for n ~ 20 with ties (Hollander, Wolfe & Chicken 2014, section 3.1)",
        r_option="statistics.wilcoxon.preset: R (wilcoxon_preset('R')); with its default "
        "wilcoxon.differences: raw, Table 3 then equals wilcox.test(x, y, paired = TRUE) on the raw values",
    ),
    RDifference(
        key="paired_differences_rounded",
        topic="Paired differences before ranking",
        ours="differences rounded to decimals_for_tests before ranking (ties and zeros kept)",
        r="wilcox.test(x, y, paired = TRUE) ranks the floating-point x - y (digits.rank = Inf), "
        "so 0.3 - 0.1 and 0.2 are different values and ties or zeros can vanish",
        reason="measurements recorded to a fixed number of decimals tie exactly; float noise "
        "must not decide which method R uses",
        r_option="statistics.wilcoxon.differences: raw (the default under statistics.wilcoxon.preset: "
        "R); or give R the rounded differences (wilcox.test(round(x - y, 6)))",
    ),
    RDifference(
        key="hodges_lehmann_default",
        topic="Hodges-Lehmann estimate and CI",
        ours="median of all Walsh averages, zeros kept; CI from order statistics of the Walsh "
        "averages (exact k without ties/zeros, normal-approximation k otherwise)",
        r="zero differences dropped; with ties, zeros or n >= 50 the estimate and CI are roots, "
        "found by uniroot(tol = 1e-4), of the continuity-corrected normal statistic",
        reason="the Walsh median is the textbook estimator and is defined by order statistics, "
        "not by a root-finder's tolerance (R's CI limit 0 can print as -0.00001)",
        r_option="hodges_lehmann_paired(convention='R') (the R preset)",
    ),
    RDifference(
        key="mann_whitney_exact_with_ties",
        topic="Mann-Whitney p-value",
        ours="exact conditional null (with ties) when both groups have <= 50 values; two-sided "
        "p = 2 x the smaller tail",
        r="wilcox.test(x, y): exact only if both n < 50 and no ties (2 x the tail on the observed "
        "side); otherwise normal approximation with continuity correction. coin's "
        "wilcox_test(distribution = 'exact') uses P(|S - E| >= |s - E|)",
        reason="exact p-values for small cohorts with tied values; the two-sided rule is stated "
        "in the method text",
        r_option="statistics.mann_whitney.preset: R (or coin), the default under "
        "statistics.wilcoxon.preset: R (mann_whitney_preset('R'))",
    ),
    RDifference(
        key="chi_square_yates",
        topic="Pearson chi-square on 2x2 rows of descriptive tables",
        ours="no continuity correction unless the R preset (statistics.wilcoxon.preset: R) or "
        "statistics.chi_square.correction: true asks for Yates; the method footnote says which "
        "(studies/pbc hepatomegaly by arm: p 0.069 without, 0.088 with Yates)",
        r="chisq.test(correct = TRUE) applies Yates' correction to every 2x2 table, as R tableone and "
        "Python tableone do; gtsummary's add_p does not",
        reason="the uncorrected statistic is gtsummary's convention and the classic Pearson test; "
        "Yates' correction is conservative (Agresti 2013, Categorical Data Analysis, 3rd ed.)",
        r_option="statistics.chi_square.correction: true (the default under "
        "statistics.wilcoxon.preset: R), or a declared table's correction: true",
    ),
    RDifference(
        key="rank_test_all_tied",
        topic="Rank tests when every value is tied",
        ours="signed-rank (all differences zero), Mann-Whitney, Kruskal-Wallis and Friedman with "
        "every value tied: the null has one point, p = 1 with a note; statistic as R (V = 0, "
        "W = n1 n2 / 2, NaN for Kruskal-Wallis and Friedman)",
        r="wilcox.test, kruskal.test and friedman.test return p = NaN (z or the statistic is 0/0)",
        reason="a one-point null distribution gives every outcome probability 1; a NaN would stop "
        "the audit and the tables (group comparisons and descriptive tables still print 'not "
        "computed' for such a variable)",
        r_option="none (R has no p-value to compare)",
    ),
    RDifference(
        key="mcnemar_exact",
        topic="McNemar test",
        ours="exact binomial test on the discordant pairs",
        r="mcnemar.test: chi-square with continuity correction",
        reason="few discordant pairs in small cohorts; the chi-square approximation is poor",
        r_option="statistics.mcnemar.method: chi2_cc (mcnemar(method='chi2_cc'))",
    ),
    RDifference(
        key="km_ci_log_log",
        topic="Kaplan-Meier pointwise confidence band",
        ours="log-log transform of Greenwood's variance by default",
        r="survfit: conf.type = 'log' by default",
        reason="the log-log band stays inside [0, 1] and behaves better in small samples "
        "(Kalbfleisch & Prentice 2002; SAS and Stata default)",
        r_option="kaplan_meier(ci_type='log') (survival.ci_type: log)",
    ),
    RDifference(
        key="logistic_wald_ci",
        topic="Logistic regression confidence intervals",
        ours="Wald intervals exp(b -/+ z se)",
        r="confint() on a glm gives profile-likelihood intervals (confint.default gives Wald)",
        reason="Wald intervals match the Wald p-values shown in the same row",
        r_option="compare with confint.default(glm)",
    ),
    RDifference(
        key="regression_convergence",
        topic="Logistic and Cox regression: iterated to the maximum",
        ours="Newton-Raphson with step halving until every Newton step is below 1e-10 of |b| + se: "
        "coefficients at the maximum of the (partial) likelihood to floating-point precision; SEs "
        "from the information at those coefficients",
        r="glm stops when the deviance changes by less than epsilon = 1e-8 (relative) and takes its "
        "SEs from the IRLS weights of the step before the last (survival::lung, glm of death on age, "
        "sex and ECOG: SEs up to 5e-5 relative off); coxph stops when the log-likelihood changes by "
        "less than eps = 1e-9 (relative)",
        reason="estimates that do not depend on where an iteration happened to stop; printed values "
        "are the same at the usual 2-3 decimals",
        r_option="glm(..., control = glm.control(epsilon = 1e-14, maxit = 100)) with SEs "
        "solve(t(X) %*% (X * mu * (1 - mu))) at the final coefficients; "
        "coxph(..., control = coxph.control(eps = 1e-14, iter.max = 100)): equal to 1e-9 relative",
    ),
    RDifference(
        key="separated_wald",
        topic="Wald test of a term with an infinite estimate (separation)",
        ours="no CI, z or p-value for a term whose estimate is infinite ((quasi-)complete separation "
        "in a logistic model, monotone likelihood in a Cox model; found from a zero cell of a 0/1 "
        "term or level, or a coefficient still moving at the supremum of the likelihood): an em "
        "dash and a model note",
        r="glm and coxph print the Wald z and p at the point where their iteration stopped (e.g. "
        "p = 0.9995 for a completely separated predictor), with the warning 'fitted probabilities "
        "numerically 0 or 1 occurred' / 'coefficient may be infinite'",
        reason="the Wald statistic of a diverging estimate is an artefact of the stopping rule "
        "(Hauck & Donner 1977, JASA 72:851-853)",
        r_option="none: R's value depends on its stopping rule (a finite estimate needs a penalised "
        "likelihood, e.g. Firth's: logistf, coxphf)",
    ),
    RDifference(
        key="fisher_or_root_tolerance",
        topic="Fisher conditional odds ratio and its CI (2x2)",
        ours="conditional maximum-likelihood odds ratio and exact conditional CI solved to full "
        "precision (scipy.stats.contingency.odds_ratio)",
        r="fisher.test solves the same equations with uniroot's default tolerance (1.2e-4, on a "
        "1/t scale above 1), so its estimate and limits can be off by up to ~1% (TeaTasting: "
        "upper limit 621.93 instead of 626.24); the p-value is not affected",
        reason="the same definition, computed exactly",
        r_option="none: equal to R's algorithm run with uniroot(tol = 1e-13)",
    ),
    RDifference(
        key="fisher_rxc_limit",
        topic="Fisher-Freeman-Halton exact test (r x c)",
        ours="full enumeration of the tables with the observed margins, up to 5,000,000 tables "
        "(stats.contingency.FFH_MAX_TABLES); beyond that the stats function refuses and a "
        "descriptive table's categorical test falls back to Pearson's chi-square, and its method "
        "text says so ('the exact test is infeasible (more than 5,000,000 tables)')",
        r="fisher.test uses the network algorithm (FEXACT, Mehta & Patel 1983) and stays exact on "
        "those tables (given enough workspace)",
        reason="enumeration is exact and simple; a table with more than 5,000,000 arrangements has "
        "large enough counts for the chi-square approximation, and the fallback is stated",
        r_option="none needed below the limit (p-values equal); beyond it compare with "
        "chisq.test(correct = FALSE), or fisher.test(workspace = 2e8) for R's exact p",
    ),
)


def difference(key: str) -> RDifference:
    """The entry called ``key`` (KeyError listing the keys otherwise)."""
    for entry in R_DIFFERENCES:
        if entry.key == key:
            return entry
    raise KeyError(f"no R difference {key!r}; keys: {[d.key for d in R_DIFFERENCES]}")


def differences_markdown() -> str:
    """docs/methods-vs-r.md: the list above as a Markdown page."""
    lines = [
        "# Methods versus R",
        "",
        "<!-- generated from src/retrocohort/stats/r_differences.py by differences_markdown(); "
        "tests/unit/test_stats_r_differences.py keeps it in sync -->",
        "",
        "Every number retrocohort computes is checked against R by the R oracle "
        "(`tests/r_oracle`, run in CI with `RETROCOHORT_REQUIRE_R=1`) to 1e-9 relative. "
        "Where our default method deliberately differs from R's, the difference is listed "
        "here with the option that reproduces R; the oracle asserts both that the default "
        "differs on a data set where the methods disagree and that the R option agrees.",
        "",
        "The table-level oracle (`tests/r_oracle/test_tables_e2e_vs_r.py`) runs the flagship "
        "pipeline, gives R the validated input only, and recomputes every cell of "
        "`results/stats/` (Table 1, the paired Table 3, the group comparisons, Kaplan-Meier "
        "and log-rank); where an entry below applies, R computes our documented method and the "
        "test checks that R's own function differs on that table. A second run with "
        "`statistics.wilcoxon.preset: R` and `statistics.mcnemar.method: chi2_cc` must give "
        "wilcox.test's and mcnemar.test's numbers.",
        "",
    ]
    for entry in R_DIFFERENCES:
        lines += [
            f"## {entry.topic} (`{entry.key}`)",
            "",
            f"- **retrocohort:** {entry.ours}.",
            f"- **R:** {entry.r}.",
            f"- **Why:** {entry.reason}.",
            f"- **To get R's numbers:** {entry.r_option}.",
            "",
        ]
    lines += [
        "## Same as R: aliased (collinear) terms",
        "",
        "A term that is a linear combination of the intercept and the terms before it (e.g. `sex` "
        "and a derived `female`; a count and the flags it counts) is not estimable. As R does, the "
        "later term in model order is dropped: its estimate, CI and p are NA (printed as an em "
        "dash) with a note naming what it is collinear with, and the model is fitted without it. "
        "Logistic models use glm's rule (QR with limited pivoting, LINPACK dqrdc2, tolerance "
        "min(1e-7, epsilon / 1000) = 1e-11); Cox models use coxph's (cholesky2 of the information "
        "of centred, scaled covariates, tolerance .Machine$double.eps^0.75). The other terms equal "
        "R's glm / coxph to 1e-9. In R, glm.control(epsilon = 1e-14) also shrinks glm's QR "
        "tolerance to 1e-17 and then finds nothing aliased, so the oracle detects aliasing at the "
        "default epsilon and iterates the kept columns to the maximum.",
        "",
    ]
    return "\n".join(lines)
