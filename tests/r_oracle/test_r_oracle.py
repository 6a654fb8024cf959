"""R oracle: every statistic recomputed in R on small data sets (ties, zeros, censoring) and on
survival::lung / survival::pbc, agreeing to 1e-9 relative; each deliberate difference listed in
retrocohort.stats.r_differences is asserted as such (the default differs, the R option agrees).

Needs Rscript with the survival package: a skip locally without R, a failure when
RETROCOHORT_REQUIRE_R=1 (CI).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from r_tables import filled
from rscript import r_dataset_csv, run_r

from retrocohort.analysis.paired import compare_parameter
from retrocohort.analysis.presets import chi_square_correction
from retrocohort.analysis.stratified import categorical_test
from retrocohort.stats.contingency import chi_square_independence, fisher_freeman_halton
from retrocohort.stats.hodges_lehmann import hodges_lehmann_paired
from retrocohort.stats.multi_group import kruskal_wallis
from retrocohort.stats.paired_binary import mcnemar_from_discordant
from retrocohort.stats.quantiles import quantile
from retrocohort.stats.r_differences import difference
from retrocohort.stats.regression import cox_regression, logistic_regression
from retrocohort.stats.repeated_measures import friedman
from retrocohort.stats.signed_rank import wilcoxon_preset, wilcoxon_signed_rank
from retrocohort.stats.survival import kaplan_meier, logrank, median_survival
from retrocohort.stats.two_sample import fisher_exact_2x2, mann_whitney, mann_whitney_preset

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("rscript")]

R_FUNCTIONS = Path(__file__).with_name("tables_oracle.R")  # fit_at_max, wald_at_max (regression)

REL = 1e-9
ABS = 1e-12  # for values that are zero up to rounding (e.g. a coefficient or estimate near 0)

_RNG = np.random.default_rng(20261202)
PAIRED = {
    "hw_exact": np.round(
        np.array([1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30])
        - np.array([0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29]),
        3,
    ),
    "lab_ties_zeros": np.array([0.1, 0.2, 0, 0.3, 0.1, -0.1, 0.2, 0.4, 0, 0.1, 0.3, -0.2]),
    # flagship-like platelets (G/L, Day 7 - Day 0 of the synthetic flagship data): two zeros, ties
    "platelets_like": np.array(
        [479.0, 267, -44, 469, -547, 44, -376, 0, -209, -170, 60, 194, 169, 79, 0, 44, 94, -41, 405, -108]
    ),
    "large_ties": np.round(_RNG.normal(0.3, 1.0, 80), 1),
    "large_untied": np.round(_RNG.normal(0.2, 1.0, 60), 6),
}
TWO_GROUPS = {
    "untied": ([1.1, 2.3, 3.2, 4.8, 5.5, 0.2], [6.1, 7.4, 2.9, 8.8, 9.0]),
    "tied": ([1, 2, 2, 3, 5, 5, 7], [2, 4, 5, 6, 6, 8, 9, 9]),
    "large_tied": (
        np.round(_RNG.normal(0, 1, 30), 1).tolist(),
        np.round(_RNG.normal(0.5, 1, 35), 1).tolist(),
    ),
}
SMALL_SURV = {
    "exact_half": ([1, 2, 3, 4], [1, 1, 1, 1]),
    "never_reached": ([1, 2, 3, 4, 5, 6, 7, 8], [1, 0, 0, 0, 0, 0, 0, 0]),
    "ties_censoring": ([1, 1, 2, 2, 3, 3, 3, 4, 5, 6, 6, 7], [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0]),
    "to_zero": ([2, 4, 4, 5, 7, 8], [0, 1, 0, 1, 1, 1]),
}
CI_TYPES = ("log", "log-log", "plain")


def close(ours, r, what: str, rel: float = REL) -> None:
    np.testing.assert_allclose(
        np.asarray(ours, dtype=float),
        np.asarray(r, dtype=float),
        rtol=rel,
        atol=ABS,
        equal_nan=True,
        err_msg=what,
    )


def differs(ours, r, what: str) -> None:
    """A deliberate difference must show: more than 1e-6 relative apart."""
    assert not np.allclose(
        np.asarray(ours, float), np.asarray(r, float), rtol=1e-6, atol=0, equal_nan=True
    ), f"{what}: expected to differ from R, both {ours}"


@pytest.fixture(scope="module")
def datasets(tmp_path_factory) -> dict[str, pd.DataFrame]:
    work = tmp_path_factory.mktemp("r_data")
    lung = r_dataset_csv("survival::lung", work / "lung.csv")
    pbc = r_dataset_csv("survival::pbc", work / "pbc.csv")
    return {"lung": lung, "pbc": pbc}


# --- paired: Wilcoxon signed-rank, Hodges-Lehmann, McNemar ---------------------------------


@pytest.fixture(scope="module")
def r_paired() -> dict[str, list]:
    code = "out <- list()\n" + "\n".join(
        f"r <- suppressWarnings(wilcox.test({name}, conf.int = TRUE)); "
        f"out${name} <- c(r$statistic, r$p.value, r$estimate, r$conf.int)"
        for name in PAIRED
    )
    return run_r(code, vectors=PAIRED)


@pytest.mark.parametrize("name", list(PAIRED))
def test_signed_rank_and_hodges_lehmann_r_preset(r_paired, name):
    d = PAIRED[name]
    v, p, est, low, high = r_paired[name]
    res = wilcoxon_signed_rank(d, **wilcoxon_preset("R"))
    close([res.statistic, res.p_value], [v, p], f"{name}: V, p")
    hl = hodges_lehmann_paired(d, convention="R")
    close([hl.estimate, hl.ci_low, hl.ci_high], [est, low, high], f"{name}: HL under R")


def test_difference_signed_rank_exact_with_ties(r_paired):
    assert difference("signed_rank_exact_with_ties")
    ours = wilcoxon_signed_rank(PAIRED["lab_ties_zeros"])
    differs(ours.p_value, r_paired["lab_ties_zeros"][1], "default signed-rank p with ties")


def test_difference_hodges_lehmann_default(r_paired):
    assert difference("hodges_lehmann_default")
    for name in ("lab_ties_zeros", "platelets_like"):
        hl = hodges_lehmann_paired(PAIRED[name])
        differs(hl.estimate, r_paired[name][2], f"{name}: default HL estimate")


def test_difference_paired_differences_rounded():
    assert difference("paired_differences_rounded")
    x = np.array([0.3, 0.5, 0.7, 1.0, 0.4, 1.3, 0.9, 0.6])
    y = np.array([0.1, 0.3, 0.5, 0.8, 0.2, 0.2, 1.0, 0.4])
    r = run_r(
        "d <- round(x - y, 6)\nout <- list(raw = wilcox.test(x, y, paired = TRUE)$p.value, "
        "rounded = suppressWarnings(wilcox.test(d)$p.value))",
        vectors={"x": x, "y": y},
    )
    ours = wilcoxon_signed_rank(x - y, decimals=6, **wilcoxon_preset("R")).p_value
    close(ours, r["rounded"], "R preset on rounded differences")
    differs(r["raw"], r["rounded"], "R on raw floats vs rounded differences")
    # Table 3 under preset R ranks the raw differences: wilcox.test(x, y, paired = TRUE) itself
    pairs = pd.DataFrame({"before": y, "after": x})
    row = compare_parameter(
        "v", "continuous", pairs, filled({"statistics": {"wilcoxon": {"preset": "R"}}})["statistics"]
    )[0]
    close(row["p_value"], r["raw"], "Table 3 under preset R vs wilcox.test on raw values")
    rounded = filled({"statistics": {"wilcoxon": {"preset": "R", "differences": "rounded"}}})["statistics"]
    close(compare_parameter("v", "continuous", pairs, rounded)[0]["p_value"], r["rounded"], "rounded")


MCNEMAR = [(5, 1), (3, 3), (10, 2), (0, 4), (7, 12)]


def test_mcnemar_methods_match_r():
    code = "out <- list()\n" + "\n".join(
        f"m <- matrix(c(4, {c}, {b}, 6), 2); t <- mcnemar.test(m); out$cc{i} <- c(t$statistic, t$p.value); "
        f"out$nocc{i} <- mcnemar.test(m, correct = FALSE)$p.value; "
        f"out$exact{i} <- binom.test({b}, {b + c})$p.value"
        for i, (b, c) in enumerate(MCNEMAR)
    )
    r = run_r(code)
    for i, (b, c) in enumerate(MCNEMAR):
        cc = mcnemar_from_discordant(b, c, "chi2_cc")
        close([cc.statistic, cc.p_value], r[f"cc{i}"], f"McNemar chi2_cc {b},{c}")
        close(mcnemar_from_discordant(b, c, "chi2").p_value, r[f"nocc{i}"], f"McNemar chi2 {b},{c}")
        close(mcnemar_from_discordant(b, c, "exact").p_value, r[f"exact{i}"], f"McNemar exact {b},{c}")
    assert difference("mcnemar_exact")
    differs(mcnemar_from_discordant(10, 2).p_value, r["cc2"][1], "default exact McNemar vs mcnemar.test")


# --- two and more groups -------------------------------------------------------------------


def test_mann_whitney_r_and_coin_presets():
    vectors = {f"{k}_{s}": v for k, (x, y) in TWO_GROUPS.items() for s, v in (("x", x), ("y", y))}
    code = (
        """coin_p <- function(x, y) { r <- rank(c(x, y)); n1 <- length(x); N <- length(r)
      s <- combn(N, n1, function(i) sum(r[i])); e <- n1 * sum(r) / N; t <- sum(r[1:n1])
      mean(abs(s - e) >= abs(t - e) * (1 - 1e-9)) }
    out <- list()\n"""
        + "\n".join(
            f"r <- suppressWarnings(wilcox.test({k}_x, {k}_y)); out${k} <- c(r$statistic, r$p.value)"
            for k in TWO_GROUPS
        )
        + "\nout$coin_tied <- coin_p(tied_x, tied_y)"
    )
    r = run_r(code, vectors=vectors)
    for k, (x, y) in TWO_GROUPS.items():
        res = mann_whitney(x, y, **mann_whitney_preset("R"))
        close([res.statistic, res.p_value], r[k], f"Mann-Whitney R preset, {k}")
    coin = mann_whitney(*TWO_GROUPS["tied"], **mann_whitney_preset("coin"))
    close(coin.p_value, r["coin_tied"], "Mann-Whitney coin convention")
    assert difference("mann_whitney_exact_with_ties")
    differs(mann_whitney(*TWO_GROUPS["tied"]).p_value, r["tied"][1], "default Mann-Whitney with ties")


FISHER_2X2 = [[[3, 1], [1, 3]], [[8, 2], [1, 5]], [[0, 5], [4, 2]], [[12, 5], [3, 9]]]


def test_fisher_2x2_matches_r():
    # R's fisher.test run a second time with uniroot(tol = 1e-13) in place of its default 1.2e-4
    code = """ft <- fisher.test
    environment(ft) <- list2env(list(uniroot = function(f, interval, ...)
      stats::uniroot(f, interval, ..., tol = 1e-13)), parent = environment(fisher.test))
    out <- list()\n""" + "\n".join(
        f"m <- matrix(c({a}, {c}, {b}, {d}), 2); f <- fisher.test(m); g <- ft(m); "
        f"out$t{i} <- c(f$p.value, f$estimate, f$conf.int); out$tight{i} <- c(g$estimate, g$conf.int)"
        for i, [[a, b], [c, d]] in enumerate(FISHER_2X2)
    )
    r = run_r(code)
    assert difference("fisher_or_root_tolerance")
    for i, tab in enumerate(FISHER_2X2):
        res = fisher_exact_2x2(tab)
        ours = [res.statistic, res.details["or_ci_low"], res.details["or_ci_high"]]
        close([res.p_value], r[f"t{i}"][:1], f"Fisher p {tab}")
        close(ours, r[f"tight{i}"], f"Fisher conditional OR and CI {tab} vs R at uniroot tol 1e-13", rel=1e-8)
        # R's default tolerance moves its numbers, by at most ~1% here (1.2e-4 on the 1/t scale)
        close(ours, r[f"t{i}"][1:], f"Fisher OR and CI {tab} vs R default", rel=1e-2)
    differs(fisher_exact_2x2(FISHER_2X2[0]).details["or_ci_high"], r["t0"][3], "Fisher CI vs R default tol")


RXC = [
    [[3, 1, 2], [1, 3, 4], [2, 2, 5]],
    [[3, 1], [1, 3], [2, 4], [5, 0]],
    [[8, 2], [1, 5]],
    [[2, 5, 1, 0, 3], [4, 1, 2, 3, 0]],
]


def _r_matrix(tab) -> str:
    arr = np.asarray(tab)
    return f"matrix(c({', '.join(map(str, arr.ravel().tolist()))}), {arr.shape[0]}, byrow = TRUE)"


def test_contingency_tests_match_r():
    code = "out <- list()\n" + "\n".join(
        f"m <- {_r_matrix(t)}; ch <- suppressWarnings(chisq.test(m)); "
        f"out$t{i} <- c(ch$statistic, ch$p.value, fisher.test(m)$p.value)"
        for i, t in enumerate(RXC)
    )
    r = run_r(code)
    for i, tab in enumerate(RXC):
        chi = chi_square_independence(tab)
        close([chi.statistic, chi.p_value, fisher_freeman_halton(tab).p_value], r[f"t{i}"], f"r x c {tab}")


def test_difference_fisher_rxc_enumeration_limit():
    assert difference("fisher_rxc_limit")
    big = [[10, 12, 8, 5], [6, 9, 14, 11], [7, 3, 5, 12]]
    r = run_r(f"out <- list(p = fisher.test({_r_matrix(big)}, workspace = 2e8)$p.value)")
    assert 0 < r["p"][0] < 1  # R's network algorithm handles it ...
    with pytest.raises(ValueError, match="more than 5,000,000 tables"):  # ... we refuse, and say why
        fisher_freeman_halton(big)


def test_difference_chi_square_yates(datasets):
    """studies/pbc hepatomegaly by arm: R's chisq.test (Yates) under the R preset, gtsummary's
    uncorrected chi-square otherwise."""
    assert difference("chi_square_yates")
    pbc = datasets["pbc"]
    pbc = pbc[pbc["trt"].notna() & pbc["hepato"].notna()]
    table = pd.crosstab(pbc["hepato"], pbc["trt"]).to_numpy()
    r = run_r(
        "tb <- table(hepato, trt); out <- list(yates = chisq.test(tb)$p.value, "
        "plain = chisq.test(tb, correct = FALSE)$p.value)",
        vectors={"hepato": pbc["hepato"].to_numpy(float), "trt": pbc["trt"].to_numpy(float)},
    )
    r_preset = chi_square_correction({}, {"wilcoxon": {"preset": "R"}})
    close(categorical_test(table, r_preset)["p_value"], r["yates"], "Yates under the R preset")
    default = chi_square_correction({}, {"wilcoxon": {"preset": "retrocohort"}})
    close(categorical_test(table, default)["p_value"], r["plain"], "no Yates by default")
    differs(r["plain"], r["yates"], "chisq.test with and without Yates on pbc hepatomegaly")


def test_difference_rank_test_all_tied():
    assert difference("rank_test_all_tied")
    r = run_r(
        "out <- suppressWarnings(list(w = unlist(wilcox.test(c(1, 1, 1), c(1, 1, 1, 1))[c('statistic', "
        "'p.value')]), v = unlist(wilcox.test(c(0, 0, 0))[c('statistic', 'p.value')]), "
        "k = kruskal.test(list(c(1, 1), c(1, 1, 1)))$p.value))"
    )
    mw = mann_whitney([1.0] * 3, [1.0] * 4, **mann_whitney_preset("R"))
    close(mw.statistic, r["w"][0], "W with every value tied")
    v = wilcoxon_signed_rank(np.zeros(3), **wilcoxon_preset("R"))
    close(v.statistic, r["v"][0], "V with every difference zero")
    assert np.isnan([r["w"][1], r["v"][1], r["k"][0]]).all()  # R: no p-value
    assert mw.p_value == v.p_value == kruskal_wallis([[1.0, 1.0], [1.0] * 3]).p_value == 1.0


def test_every_registered_difference_is_asserted_here():
    from retrocohort.stats.r_differences import R_DIFFERENCES

    source = Path(__file__).read_text(encoding="utf-8")
    missing = [d.key for d in R_DIFFERENCES if f'difference("{d.key}")' not in source]
    assert not missing, f"deliberate differences without an oracle test: {missing}"


def test_kruskal_matches_r():
    groups = {
        "a": [2.9, 3.0, 2.5, 2.6, 3.2],
        "b": [3.8, 2.7, 4.0, 2.4],
        "c": [2.8, 3.4, 3.7, 2.2, 2.0],
        "d": [3.0, 3.0, 2.5, 4.1],
    }
    r = run_r(
        "k3 <- kruskal.test(list(a, b, c)); k4 <- kruskal.test(list(a, b, c, d))\n"
        "out <- list(k3 = c(k3$statistic, k3$p.value), k4 = c(k4$statistic, k4$p.value))",
        vectors=groups,
    )
    for key, names in (("k3", "abc"), ("k4", "abcd")):
        res = kruskal_wallis([groups[g] for g in names])
        close([res.statistic, res.p_value], r[key], f"Kruskal-Wallis {names}")


def test_friedman_matches_r():
    rng = np.random.default_rng(7)
    data = np.round(rng.normal(0, 1, (15, 4)) + [0, 0.3, 0.6, 0.2], 1)  # ties within patients
    r = run_r(
        "ft <- friedman.test(matrix(v, ncol = 4, byrow = TRUE))\n"
        "out <- list(f = c(ft$statistic, ft$p.value))",
        vectors={"v": data.ravel()},
    )
    res = friedman(data)
    close([res.statistic, res.p_value], r["f"], "Friedman")


def test_quantile_types_match_r():
    x = [3.1, 1.2, 5.5, 2.2, 2.2, 9.0, 4.4, 7.1, 2.2, 6.0, 0.5]
    probs = [0, 0.1, 0.25, 0.5, 0.75, 0.9, 1]
    r = run_r(
        "out <- list()\nfor (k in 1:9) out[[paste0('q', k)]] <- quantile(x, p, type = k, names = FALSE)",
        vectors={"x": x, "p": probs},
    )
    for k in range(1, 10):
        close(quantile(x, probs, k), r[f"q{k}"], f"quantile type {k}")


# --- survival ------------------------------------------------------------------------------


def _surv_sets(datasets) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    lung, pbc = datasets["lung"], datasets["pbc"]
    sets = {k: (np.asarray(t, float), np.asarray(e, float)) for k, (t, e) in SMALL_SURV.items()}
    sets["lung"] = (lung["time"].to_numpy(float), (lung["status"] == 2).to_numpy(float))
    sets["pbc"] = (pbc["time"].to_numpy(float), (pbc["status"] == 2).to_numpy(float))
    return sets


@pytest.fixture(scope="module")
def r_survfit(datasets) -> tuple[dict, dict]:
    sets = _surv_sets(datasets)
    vectors = {f"{k}_{s}": v for k, (t, e) in sets.items() for s, v in (("t", t), ("e", e))}
    code = "out <- list()\n" + "\n".join(
        f'f <- survfit(Surv({k}_t, {k}_e) ~ 1, conf.type = "{ct}"); ev <- f$n.event > 0; '
        f'out[["{k}|{ct}|km"]] <- c(f$time[ev], f$n.risk[ev], f$n.event[ev], f$surv[ev], f$std.err[ev], '
        f"f$lower[ev], f$upper[ev]); "
        f'out[["{k}|{ct}|median"]] <- summary(f)$table[c("median", "0.95LCL", "0.95UCL")]'
        for k in sets
        for ct in CI_TYPES
    )
    return sets, run_r(code, vectors=vectors)


@pytest.mark.parametrize("ci_type", CI_TYPES)
def test_kaplan_meier_and_median_match_survfit(r_survfit, ci_type):
    sets, r = r_survfit
    for key, (t, e) in sets.items():
        km = kaplan_meier(t, e, ci_type=ci_type)
        expected = np.asarray(r[f"{key}|{ci_type}|km"]).reshape(7, -1)
        with np.errstate(divide="ignore", invalid="ignore"):
            se_log = km["std_err"] / km["survival"]
        se_log = np.where(km["survival"] == 0, np.nan, se_log)
        r_se = np.where(expected[3] == 0, np.nan, expected[4])
        close(km[["time", "n_at_risk", "n_events", "survival"]].to_numpy().T, expected[:4], f"KM {key}")
        close(se_log, r_se, f"KM std.err {key}")
        close(
            km[["ci_low", "ci_high"]].to_numpy().T,
            np.where(expected[3] == 0, np.nan, expected[5:]),
            f"KM {ci_type} band {key}",
        )
        med = median_survival(t, e, ci_type=ci_type)  # the default rule is survfit's
        close([med.median, med.ci_low, med.ci_high], r[f"{key}|{ci_type}|median"], f"median {key} {ci_type}")


def test_difference_km_default_band_and_median_rule(r_survfit):
    sets, r = r_survfit
    assert difference("km_ci_log_log")
    t, e = sets["lung"]
    differs(
        kaplan_meier(t, e)["ci_low"].to_numpy(),
        np.asarray(r["lung|log|km"]).reshape(7, -1)[5],
        "default log-log band vs survfit default log",
    )
    t, e = sets["exact_half"]
    close(median_survival(t, e).median, r["exact_half|log-log|median"][0], "default median rule at S = 0.5")
    differs(
        median_survival(t, e, convention="first_below_half").median,
        r["exact_half|log-log|median"][0],
        "first_below_half at S = 0.5",
    )


def test_logrank_matches_survdiff(datasets):
    lung, pbc = datasets["lung"], datasets["pbc"]
    small_t, small_e = SMALL_SURV["ties_censoring"]
    small_g = [1, 2, 3] * 4
    r = run_r(
        """s1 <- survdiff(Surv(time, status == 2) ~ sex, data = lung)
    s2 <- survdiff(Surv(time, status == 2) ~ trt, data = pbc)
    s3 <- survdiff(Surv(t, e) ~ g)
    p <- function(s) c(s$chisq, pchisq(s$chisq, length(s$n) - 1, lower.tail = FALSE))
    out <- list(lung = p(s1), pbc = p(s2), small = p(s3))""",
        vectors={"t": small_t, "e": small_e, "g": small_g},
    )
    cases = {
        "lung": (lung["time"], lung["status"] == 2, lung["sex"]),
        "pbc": (pbc["time"], pbc["status"] == 2, pbc["trt"]),
        "small": (small_t, small_e, [f"group {g}" for g in small_g]),
    }
    for key, (t, e, g) in cases.items():
        res = logrank(np.asarray(t, float), np.asarray(e, float), pd.Series(g).astype(object).to_numpy())
        close([res.statistic, res.p_value], r[key], f"log-rank {key}")


# --- regression ----------------------------------------------------------------------------


def _prepared(datasets) -> dict[str, pd.DataFrame]:
    lung = datasets["lung"].copy()
    lung["sexf"] = lung["sex"].map({1: "male", 2: "female"})
    lung["ecog"] = lung["ph.ecog"].map({0: "0", 1: "1", 2: "2+", 3: "2+"})
    lung["dead"] = (lung["status"] == 2).astype(int)
    pbc = datasets["pbc"].copy()
    pbc["edema_f"] = pbc["edema"].map({0: "0", 0.5: "0.5", 1: "1"})
    pbc["log_bili"] = np.log(pbc["bili"])
    pbc["dead"] = (pbc["status"] == 2).astype(int)
    return {"lung": lung, "pbc": pbc}


R_MODEL_PREP = """
lung$sexf <- relevel(factor(ifelse(lung$sex == 1, "male", "female")), "male")
lung$ecog <- factor(ifelse(lung$ph.ecog == 0, "0", ifelse(lung$ph.ecog == 1, "1", "2+")))
pbc$edema_f <- factor(pbc$edema)
pbc$sex <- relevel(factor(pbc$sex), "m")
"""


@pytest.fixture(scope="module")
def r_models() -> dict[str, list]:
    """R's models run to the maximum (tables_oracle.R's fit_at_max: glm epsilon / coxph eps 1e-14,
    100 iterations; R's defaults stop up to ~1e-6 relative short of it, retrocohort does not)
    and their Wald statistics (wald_at_max: glm SEs from the information at the final
    coefficients). Aliased coefficients are NA; a profile CI for the deliberate difference."""
    code = (
        f"source({str(R_FUNCTIONS)!r})\n"
        + R_MODEL_PREP
        + """
    pbc$female <- as.integer(pbc$sex == "f")
    lung$ecog2 <- as.integer(lung$ecog == "2+")
    formulas <- list(
      cox_lung = list(Surv(time, status == 2) ~ age + sexf + ecog + wt.loss, lung, "cox"),
      cox_pbc = list(Surv(time, status == 2) ~ age + edema_f + log(bili) + albumin + sex, pbc, "cox"),
      glm_lung = list(I(status == 2) ~ age + sexf + ecog, lung, "logistic"),
      glm_pbc = list(I(status == 2) ~ age + sex + bili + albumin, pbc, "logistic"),
      cox_lung_wtloss = list(Surv(time, status == 2) ~ wt.loss, lung, "cox"),
      glm_lung_wtloss = list(I(status == 2) ~ wt.loss, lung, "logistic"),
      cox_pbc_alias = list(Surv(time, status == 2) ~ age + sex + female + bili, pbc, "cox"),
      glm_pbc_alias = list(I(status == 2) ~ age + sex + female + bili, pbc, "logistic"),
      glm_lung_alias = list(I(status == 2) ~ age + ecog + ecog2, lung, "logistic"),
      cox_lung_breslow = list(Surv(time, status == 2) ~ age + sexf + wt.loss, lung, "cox"))
    out <- list()
    for (k in names(formulas)) {
      s <- formulas[[k]]
      f <- fit_at_max(s[[1]], s[[2]], s[[3]], ties = if (grepl("breslow", k)) "breslow" else "efron")
      out[[k]] <- c(with(wald_at_max(f), c(coef, se, low, high, p)),
                    if (inherits(f, "coxph")) c(f$n, f$nevent) else c(nobs(f), sum(f$y)))
    }
    # R's defaults, for the documented differences: glm's SEs (deviance tolerance 1e-8, weights of
    # the step before the last) and the Wald p glm prints for a completely separated term
    out$glm_lung_default_se <- sqrt(diag(vcov(glm(I(status == 2) ~ age + sexf + ecog, data = lung,
                                                  family = binomial))))[-1]
    sep <- data.frame(x = c(1, 2, 3, 4, 5, 6, 7, 8), y = c(0, 0, 0, 0, 1, 1, 1, 1))
    out$separated_p <- suppressWarnings(summary(glm(y ~ x, data = sep, family = binomial)))$coefficients["x", 4]
    # profile-likelihood CI of age in glm_lung (what confint() gives; base R 4.2 needs MASS for it)
    g <- glm(I(status == 2) ~ age + sexf + ecog, data = lung, family = binomial)
    b <- coef(g)[["age"]]; se <- sqrt(vcov(g)["age", "age"])
    pf <- function(v) deviance(glm(I(status == 2) ~ sexf + ecog + offset(v * age), data = lung,
                                   family = binomial)) - deviance(g) - qchisq(0.95, 1)
    out$glm_lung_profile_age <- c(uniroot(pf, c(b - 5 * se, b), tol = 1e-10)$root,
                                  uniroot(pf, c(b, b + 5 * se), tol = 1e-10)$root)"""
    )
    return run_r(code)


def _model_numbers(res) -> np.ndarray:
    terms = res.terms
    return np.concatenate(
        [
            [t.coefficient for t in terms],
            [t.std_err for t in terms],
            np.log([t.ci_low for t in terms]),
            np.log([t.ci_high for t in terms]),
            [t.p_value for t in terms],
            [res.n, res.n_events],
        ]
    )


def _fit(datasets, key: str):
    d = _prepared(datasets)
    lung, pbc = d["lung"], d["pbc"]
    pbc["female"] = (pbc["sex"] == "f").astype(int)
    lung["ecog2"] = (lung["ecog"] == "2+").astype(int)
    lung_refs = {"sexf": "male", "ecog": "0"}
    fits = {
        "cox_lung": lambda: cox_regression(
            lung, "time", "dead", ["age", "sexf", "ecog", "wt.loss"], reference_levels=lung_refs
        ),
        "cox_pbc": lambda: cox_regression(
            pbc,
            "time",
            "dead",
            ["age", "edema_f", "log_bili", "albumin", "sex"],
            reference_levels={"edema_f": "0", "sex": "m"},
        ),
        "glm_lung": lambda: logistic_regression(
            lung, "dead", ["age", "sexf", "ecog"], reference_levels=lung_refs
        ),
        "glm_pbc": lambda: logistic_regression(
            pbc, "dead", ["age", "sex", "bili", "albumin"], reference_levels={"sex": "m"}
        ),
        "cox_lung_wtloss": lambda: cox_regression(lung, "time", "dead", ["wt.loss"]),
        "glm_lung_wtloss": lambda: logistic_regression(lung, "dead", ["wt.loss"]),
        "cox_pbc_alias": lambda: cox_regression(
            pbc, "time", "dead", ["age", "sex", "female", "bili"], reference_levels={"sex": "m"}
        ),
        "glm_pbc_alias": lambda: logistic_regression(
            pbc, "dead", ["age", "sex", "female", "bili"], reference_levels={"sex": "m"}
        ),
        "glm_lung_alias": lambda: logistic_regression(
            lung, "dead", ["age", "ecog", "ecog2"], reference_levels={"ecog": "0"}
        ),
        "cox_lung_breslow": lambda: cox_regression(
            lung, "time", "dead", ["age", "sexf", "wt.loss"], reference_levels=lung_refs, ties="breslow"
        ),
    }
    return fits[key]()


ALIASED = {"cox_pbc_alias": "female", "glm_pbc_alias": "female", "glm_lung_alias": "ecog2"}


@pytest.mark.parametrize(
    "key",
    ["cox_lung", "cox_pbc", "glm_lung", "glm_pbc", "cox_lung_wtloss", "glm_lung_wtloss", "cox_lung_breslow"]
    + list(ALIASED),
)
def test_regression_matches_r(datasets, r_models, key):
    """Coefficients, SEs, Wald CIs and p equal R's at the maximum to 1e-9 relative (1e-12
    absolute), near-zero coefficients (wt.loss) included; an aliased term is NA in both."""
    res = _fit(datasets, key)
    assert res.converged
    if key in ALIASED:
        assert np.isnan(r_models[key][[t.term for t in res.terms].index(ALIASED[key])])
        assert [n for n in res.notes if f"{ALIASED[key]} not estimable" in n] == list(res.notes)
    else:
        assert not res.notes
    close(_model_numbers(res), r_models[key], f"{key}: coef, se, Wald CI, p, n, events")


def test_difference_regression_convergence(datasets, r_models):
    """R's default glm stops on a deviance change below 1e-8 and takes its SEs from the IRLS
    weights of the step before the last: up to ~5e-5 relative off the SEs at the maximum
    (lung, ecog 2+); run to the maximum, R agrees (test_regression_matches_r)."""
    assert difference("regression_convergence")
    res = _fit(datasets, "glm_lung")
    differs(
        [t.std_err for t in res.terms], r_models["glm_lung_default_se"], "SE at the maximum vs glm default"
    )
    close([t.std_err for t in res.terms], r_models["glm_lung"][4:8], "SE vs R at the maximum")


def test_difference_separated_term_has_no_wald_p(r_models):
    """glm prints a Wald p of 0.9995 for a completely separated x (an artefact of where its
    iteration stopped); retrocohort prints none."""
    assert difference("separated_wald")
    data = pd.DataFrame({"x": [1.0, 2, 3, 4, 5, 6, 7, 8], "y": [0, 0, 0, 0, 1, 1, 1, 1]})
    ours = logistic_regression(data, "y", ["x"]).term("x").p_value
    assert np.isnan(ours) and 0.99 < r_models["separated_p"][0] <= 1


def test_difference_logistic_wald_not_profile_ci(datasets, r_models):
    assert difference("logistic_wald_ci")
    res = _fit(datasets, "glm_lung")
    age = res.term("age")
    differs(np.log([age.ci_low, age.ci_high]), r_models["glm_lung_profile_age"], "Wald vs profile CI")


def test_r_datasets_were_read(datasets):
    assert len(datasets["lung"]) == 228 and len(datasets["pbc"]) == 418
