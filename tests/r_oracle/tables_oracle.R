# R side of the table-level oracle (tests/r_oracle/test_tables_e2e_vs_r.py, r_tables.py).
# Every function recomputes a statistic from raw values with base R / survival and stores it with
# put(key, value) into the list `out`, printed by rscript.run_r. Keys are "table|row|column"; the
# Python side looks the same cell up in the pipeline's results/stats file and compares.
# Nothing here reads a retrocohort result: only the method choices (exact or not, CI transform)
# are passed in, as the pipeline's method column states them.

out <- list()
put <- function(table, row, column, value) {
  out[[paste(table, row, column, sep = "|")]] <<- as.double(value)
}

# --- descriptive summaries --------------------------------------------------------------------
# Binary: n, missing, count (TRUE), denominator, percent. Continuous: n, missing, quartiles by
# quantile(type = hf) (Hyndman & Fan 1996), mean, sd, min, max.
summary_cells <- function(table, row, x, binary, hf = 7, suffix = "") {
  known <- x[!is.na(x)]
  put(table, row, paste0("n", suffix), length(known))
  put(table, row, paste0("missing", suffix), sum(is.na(x)))
  if (binary) {
    put(table, row, paste0("count", suffix), sum(as.logical(known)))
    put(table, row, paste0("denominator", suffix), length(known))
    put(table, row, paste0("percent", suffix), 100 * mean(as.logical(known)))
    return(invisible())
  }
  if (length(known) == 0) return(invisible())
  q <- quantile(known, c(0.25, 0.5, 0.75), type = hf, names = FALSE)
  put(table, row, paste0("q1", suffix), q[1])
  put(table, row, paste0("median", suffix), q[2])
  put(table, row, paste0("q3", suffix), q[3])
  put(table, row, paste0("mean", suffix), mean(known))
  if (length(known) > 1) put(table, row, paste0("sd", suffix), sd(known))
  put(table, row, paste0("min", suffix), min(known))
  put(table, row, paste0("max", suffix), max(known))
}

# --- exact conditional rank nulls (the documented retrocohort defaults, written out in R) -------
# Signed-rank: zeros dropped, doubled mid-ranks of |d|, null = every sign vector equally likely
# (Hollander, Wolfe & Chicken 2014, 3.1; computed by convolution). Two-sided p = 2 x smaller tail.
signed_rank_exact_p <- function(d) {
  d <- d[d != 0]
  r2 <- as.integer(round(2 * rank(abs(d))))
  pmf <- 1
  for (r in r2) pmf <- c(pmf, rep(0, r)) + c(rep(0, r), pmf)
  pmf <- pmf / sum(pmf)
  v2 <- sum(r2[d > 0])
  min(1, 2 * min(sum(pmf[1:(v2 + 1)]), sum(pmf[(v2 + 1):length(pmf)])))
}

# Rank-sum: doubled mid-ranks of the pooled sample, null = every split of the ranks into groups of
# the observed sizes equally likely (permutation null with ties). Two-sided p = 2 x smaller tail.
rank_sum_exact_p <- function(x, y) {
  r2 <- as.integer(round(2 * rank(c(x, y))))
  m <- length(x)
  total <- sum(r2)
  f <- matrix(0, m + 1, total + 1)
  f[1, 1] <- 1
  for (r in r2) {
    for (k in m:1) {
      f[k + 1, (r + 1):(total + 1)] <- f[k + 1, (r + 1):(total + 1)] + f[k, 1:(total + 1 - r)]
    }
  }
  pmf <- f[m + 1, ] / sum(f[m + 1, ])
  w2 <- sum(r2[seq_len(m)])
  min(1, 2 * min(sum(pmf[1:(w2 + 1)]), sum(pmf[(w2 + 1):length(pmf)])))
}

# Hodges-Lehmann (retrocohort default): median of the n(n+1)/2 Walsh averages, zeros kept;
# CI [W_(k), W_(N-k+1)] with k = qsignrank(alpha/2, n) (exact) or the normal-approximation k.
walsh_hodges_lehmann <- function(d, conf_level, exact) {
  n <- length(d)
  walsh <- outer(d, d, "+") / 2
  walsh <- sort(walsh[upper.tri(walsh, diag = TRUE)])
  big_n <- length(walsh)
  alpha <- 1 - conf_level
  k <- if (exact) max(1, qsignrank(alpha / 2, n)) else
    max(1, floor(big_n / 2 - qnorm(1 - alpha / 2) * sqrt(n * (n + 1) * (2 * n + 1) / 24) + 0.5))
  c(median(walsh), walsh[k], walsh[big_n - k + 1])
}

# --- Table 3 (paired) ---------------------------------------------------------------------------
# before/after of complete pairs; d = after - before rounded to `decimals` (paired_differences_rounded),
# or, under preset R (wilcoxon.differences: raw by default), wilcox.test(after, before, paired = TRUE)
# on the raw values themselves.
paired_continuous <- function(table, row, before, after, decimals, preset, conf_level) {
  summary_cells(table, row, before, FALSE, suffix = "@before")
  summary_cells(table, row, after, FALSE, suffix = "@after")
  d <- if (preset == "R") after - before else round(after - before, decimals)
  put(table, row, "n_pairs", length(d))
  put(table, row, "n_used", sum(d != 0))
  w <- suppressWarnings(if (preset == "R")
    wilcox.test(after, before, paired = TRUE, conf.int = TRUE, conf.level = conf_level)
  else wilcox.test(d, conf.int = TRUE, conf.level = conf_level))
  put(table, row, "statistic", w$statistic)
  put(table, row, "r_wilcox_p", w$p.value)
  put(table, row, "r_hl", c(w$estimate, w$conf.int))
  if (preset == "R") {
    put(table, row, "p_value", w$p.value)
    put(table, row, "hl", c(w$estimate, w$conf.int))
  } else {
    ties <- any(duplicated(abs(d[d != 0])))
    zeros <- any(d == 0)
    put(table, row, "p_value", signed_rank_exact_p(d))
    put(table, row, "hl", walsh_hodges_lehmann(d, conf_level, exact = !ties && !zeros && length(d) < 50))
  }
}

paired_binary <- function(table, row, before, after, method) {
  b <- sum(before == 1 & after == 0)
  c <- sum(before == 0 & after == 1)
  put(table, row, "n_pairs", length(before))
  put(table, row, "count@before", sum(before == 1))
  put(table, row, "count@after", sum(after == 1))
  put(table, row, "percent@before", 100 * mean(before == 1))
  put(table, row, "percent@after", 100 * mean(after == 1))
  exact <- if (b + c > 0) binom.test(min(b, c), b + c)$p.value else 1
  m <- matrix(c(sum(before == 1 & after == 1), c, b, sum(before == 0 & after == 0)), 2)
  chi <- suppressWarnings(mcnemar.test(m, correct = method == "chi2_cc"))
  put(table, row, "r_exact_p", exact)
  put(table, row, "r_chi2", c(chi$statistic, chi$p.value))
  if (method == "exact") {
    put(table, row, "statistic", min(b, c))
    put(table, row, "p_value", exact)
  } else {
    put(table, row, "statistic", chi$statistic)
    put(table, row, "p_value", chi$p.value)
  }
}

# --- group comparisons ---------------------------------------------------------------------------
# x, y: the two groups' outcome values (first group first). mode: fisher | exact | exact_ties | normal_cc | normal
two_group_test <- function(table, row, x, y, mode) {
  x <- x[!is.na(x)]; y <- y[!is.na(y)]
  if (mode == "fisher") {
    m <- matrix(c(sum(x == 1), sum(y == 1), sum(x == 0), sum(y == 0)), 2)
    f <- fisher.test(m)
    put(table, row, "p_value", f$p.value)
    put(table, row, "r_or", c(f$estimate, f$conf.int))
    return(invisible())
  }
  w <- suppressWarnings(wilcox.test(x, y, exact = mode == "exact", correct = mode == "normal_cc"))
  put(table, row, "statistic", w$statistic)
  put(table, row, "r_wilcox_p", suppressWarnings(wilcox.test(x, y))$p.value)
  put(table, row, "p_value", if (mode == "exact_ties") rank_sum_exact_p(x, y) else w$p.value)
}

# --- Kaplan-Meier and log-rank (survival::survfit, survdiff) -------------------------------------
km_cells <- function(table, group, time, status, horizons, conf_type, conf_level) {
  fit <- survfit(Surv(time, status) ~ 1, conf.type = conf_type, conf.int = conf_level)
  fit_cells(table, group, fit, fit$surv * fit$std.err, time, horizons)  # Greenwood: std.err of log S
}

# A survival table on a matched or weighted sample (sample:): survfit with case weights and the
# robust variance (clustered on the matched sets when set is not all ""), whose std.err is the SE
# of S itself; the robust score test of coxph with the same weights and clusters.
km_cells_weighted <- function(table, group, time, status, w, set, horizons, conf_type, conf_level) {
  fit <- if (all(set == "")) {
    survfit(Surv(time, status) ~ 1, weights = w, robust = TRUE, conf.type = conf_type, conf.int = conf_level)
  } else {
    survfit(Surv(time, status) ~ 1, weights = w, cluster = set, conf.type = conf_type, conf.int = conf_level)
  }
  fit_cells(table, group, fit, fit$std.err, time, horizons)
}

# The cells of one Kaplan-Meier fit: each event time's row (SE of S given), each horizon, and the
# median with its limits. The default median_convention (midpoint) is survfit's rule itself:
# median and limits from quantile.survfit; an upper limit not reached (NA) is inf in
# results/stats/survival.csv.
fit_cells <- function(table, group, fit, se, time, horizons) {
  ev <- fit$n.event > 0
  for (i in which(ev)) {
    row <- paste0(group, "@km@", sum(ev[1:i]))
    put(table, row, "time", fit$time[i])
    put(table, row, "n_at_risk", fit$n.risk[i])
    put(table, row, "n_events", fit$n.event[i])
    put(table, row, "survival", fit$surv[i])
    put(table, row, "std_err", se[i])
    put(table, row, "ci_low", fit$lower[i])
    put(table, row, "ci_high", fit$upper[i])
  }
  s <- summary(fit, times = horizons, extend = TRUE)
  for (j in seq_along(horizons)) {
    row <- paste0(group, "@horizon@", j)
    put(table, row, "time", horizons[j])
    put(table, row, "survival", s$surv[j])
    put(table, row, "ci_low", s$lower[j])
    put(table, row, "ci_high", s$upper[j])
  }
  put(table, paste0(group, "@median"), "n", sum(!is.na(time)))
  q <- quantile(fit, 0.5, conf.int = TRUE)
  median <- unname(q$quantile[1]); low <- unname(q$lower[1]); high <- unname(q$upper[1])
  if (!is.na(median) && is.na(high)) high <- Inf
  put(table, paste0(group, "@median"), "median", median)
  put(table, paste0(group, "@median"), "ci", c(low, high))
}

robust_score_cells <- function(table, time, status, group, w, set) {
  g <- factor(group)
  fit <- if (all(set == "")) {
    coxph(Surv(time, status) ~ g, weights = w, robust = TRUE)
  } else {
    coxph(Surv(time, status) ~ g, weights = w, cluster = set)
  }
  put(table, "logrank", "statistic", fit$rscore)
  put(table, "logrank", "p_value", pchisq(fit$rscore, nlevels(g) - 1, lower.tail = FALSE))
}

logrank_cells <- function(table, time, status, group) {
  sd <- survdiff(Surv(time, status) ~ group)
  put(table, "logrank", "statistic", sd$chisq)
  put(table, "logrank", "p_value", pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE))
}

# --- stratified descriptive table (analysis.stratified.stratified_statistics frame) ---------------
# x: values; g: group value per patient (text, NA = left out); groups/labels: display order and names.
# kind: binary | categorical | continuous; mode: the test our test/method columns name.
yang_dalton <- function(p1, p2) {
  p1 <- p1[-1]; p2 <- p2[-1]
  s <- ((diag(p1, length(p1)) - p1 %o% p1) + (diag(p2, length(p2)) - p2 %o% p2)) / 2
  d <- p2 - p1
  sqrt(drop(t(d) %*% solve(s) %*% d))
}

stratified_variable <- function(table, variable, x, g, groups, labels, kind, mode, hf = 7) {
  overall_only <- length(groups) == 0  # a descriptive table without `by`: the Overall column only
  keep <- if (overall_only) rep(TRUE, length(x)) else !is.na(g) & g %in% groups
  x <- x[keep]
  g <- factor(g[keep], levels = groups)
  sets <- if (overall_only) list(x) else c(list(x), split(x, g))
  names(sets) <- c("Overall", labels)
  for (s in names(sets)) {
    v <- sets[[s]]
    known <- v[!is.na(v)]
    if (kind == "categorical") {
      for (l in sort(unique(as.character(x[!is.na(x)])))) {
        put(table, paste0(variable, ":", l), paste0("count@", s), sum(as.character(known) == l))
        put(table, paste0(variable, ":", l), paste0("percent@", s), 100 * mean(as.character(known) == l))
      }
    } else {
      summary_cells(table, variable, v, kind == "binary", hf, suffix = paste0("@", s))
    }
    if (any(is.na(x))) {
      put(table, paste0(variable, ":Missing"), paste0("count@", s), sum(is.na(v)))
      put(table, paste0(variable, ":Missing"), paste0("percent@", s), 100 * mean(is.na(v)))
    }
  }
  if (overall_only) return(invisible())
  ok <- !is.na(x)
  xs <- x[ok]; gs <- droplevels(g[ok])
  pairs <- combn(levels(gs), 2)
  if (kind == "continuous") {
    samples <- split(xs, gs)
    p <- switch(mode,
      kruskal = kruskal.test(xs ~ gs)$p.value,
      exact_ties = rank_sum_exact_p(samples[[1]], samples[[2]]),
      suppressWarnings(wilcox.test(samples[[1]], samples[[2]], exact = mode == "exact",
                                   correct = mode == "normal_cc"))$p.value)
    smd <- mean(apply(pairs, 2, function(p) {
      a <- xs[gs == p[1]]; b <- xs[gs == p[2]]
      abs(mean(b) - mean(a)) / sqrt((var(a) + var(b)) / 2)
    }))
  } else {
    tab <- table(as.character(xs), gs)
    tab <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
    chi <- suppressWarnings(chisq.test(tab, correct = mode == "chisq_yates"))  # Yates: 2x2 only, as ours
    p <- if (mode == "fisher") fisher.test(tab, workspace = 2e8)$p.value else chi$p.value
    if (mode == "chisq_fallback") put(table, variable, "r_fisher_p", fisher.test(tab, workspace = 2e8)$p.value)
    smd <- mean(apply(pairs, 2, function(p) {
      yang_dalton(tab[, p[1]] / sum(tab[, p[1]]), tab[, p[2]] / sum(tab[, p[2]]))
    }))
  }
  put(table, variable, "p_value", p)
  put(table, variable, "smd", smd)
}

# --- regression table (analysis.regression.RegressionAnalysis.to_frame) --------------------------
# Fits run to R's maximum: glm.control(epsilon = 1e-14, maxit = 100) and
# coxph.control(eps = 1e-14, iter.max = 100). R's defaults (epsilon 1e-8, eps 1e-9) stop on a small
# relative change in the deviance / log-likelihood, which leaves coefficients up to ~1e-6 relative off
# the maximum; retrocohort iterates to the maximum. A glm's SEs are taken from the information at its
# final coefficients, solve(t(X) W X) with W = mu (1 - mu): glm's own vcov uses the IRLS weights of the
# step before, 1e-10 relative off even at epsilon 1e-14. Aliased coefficients are NA, as in R (glm: found
# at its default epsilon, see fit_at_max; coxph: toler.chol is not changed by eps).
fit_at_max <- function(formula, data, kind, ties = "efron") {
  if (kind == "cox") {
    suppressWarnings(coxph(as.formula(formula), data = data, ties = ties,
                           control = coxph.control(eps = 1e-14, iter.max = 100)))
  } else {
    # aliasing as glm finds it at its default epsilon (QR tol = min(1e-7, epsilon / 1000) = 1e-11;
    # at epsilon 1e-14 the tol would be 1e-17, below rounding, and nothing would be aliased), then
    # the kept columns iterated to the maximum by glm.fit
    fit <- glm(as.formula(formula), family = binomial, data = data)
    keep <- !is.na(coef(fit))
    tight <- glm.fit(model.matrix(fit)[, keep, drop = FALSE], fit$y, family = binomial(),
                     control = glm.control(epsilon = 1e-14, maxit = 100))
    fit$coefficients[keep] <- tight$coefficients
    fit$fitted.values <- tight$fitted.values
    fit$converged <- tight$converged
    fit$deviance <- tight$deviance  # drop1.glm: the full model's deviance at the maximum,
    fit$control <- glm.control(epsilon = 1e-14, maxit = 100)  # and each reduced model refitted to its own
    fit
  }
}

# coefficient, SE, Wald CI (log scale) and Wald p of every non-intercept coefficient (NA if aliased)
wald_at_max <- function(fit, level = 0.95) {
  b <- coef(fit)
  se <- rep(NA_real_, length(b))
  if (inherits(fit, "coxph")) {
    se[!is.na(b)] <- sqrt(diag(as.matrix(fit$var))[!is.na(b)])
  } else if (!is.null(fit$robust_vcov)) {
    se[!is.na(b)] <- sqrt(diag(fit$robust_vcov))  # vcovCL: the estimated coefficients only
  } else {
    X <- model.matrix(fit)[, !is.na(b), drop = FALSE]
    mu <- fitted(fit)
    se[!is.na(b)] <- sqrt(diag(solve(crossprod(X, X * (mu * (1 - mu))))))
  }
  names(se) <- names(b)
  keep <- names(b) != "(Intercept)"
  b <- b[keep]; se <- se[keep]
  z <- qnorm(0.5 + level / 2)
  list(coef = b, se = se, low = b - z * se, high = b + z * se, p = 2 * pnorm(-abs(b / se)))
}

# a table on a treatment comparison's sample (`sample:`): case weights and the robust variance,
# clustered on the matched sets ("matched") or per patient ("weighted"): coxph(weights =, cluster =
# or robust = TRUE); glm(quasibinomial, weights =) with sandwich::vcovCL(fit, cluster = ~ set) or
# vcovCL(fit), at their defaults
fit_on_sample <- function(formula, data, kind, sample) {
  if (kind == "cox") {
    if (sample == "matched") {
      coxph(as.formula(formula), data = data, weights = sample_weight, cluster = sample_set,
            control = coxph.control(eps = 1e-14, iter.max = 100))
    } else {
      coxph(as.formula(formula), data = data, weights = sample_weight, robust = TRUE,
            control = coxph.control(eps = 1e-14, iter.max = 100))
    }
  } else {
    fit <- glm(as.formula(formula), family = quasibinomial, data = data, weights = sample_weight,
               control = glm.control(epsilon = 1e-14, maxit = 100))
    for (i in 1:3) {  # glm stops on the deviance, ~1e-7 short of the maximum: restart from there
      fit <- glm(as.formula(formula), family = quasibinomial, data = data, weights = sample_weight,
                 start = coef(fit), control = glm.control(epsilon = 1e-14, maxit = 100))
    }
    fit$robust_vcov <- if (sample == "matched") sandwich::vcovCL(fit, cluster = ~ sample_set)
                       else sandwich::vcovCL(fit)
    fit
  }
}

# The model term of each coefficient (R's assign: coxph fit$assign, glm the model matrix's
# "assign" attribute), named by coefficient.
coefficient_terms <- function(fit) {
  if (inherits(fit, "coxph")) {
    columns <- fit$assign
    terms <- rep(names(columns), lengths(columns))
    names(terms) <- names(coef(fit))[unlist(columns)]
    return(terms)
  }
  a <- attr(model.matrix(fit), "assign")
  labels <- c("(Intercept)", attr(terms(fit), "term.labels"))
  setNames(labels[a + 1], names(coef(fit)))
}

# Global likelihood-ratio test of every term with two or more coefficients, by R's drop1 itself
# (glm: drop1(test = "LRT"), each reduced model refitted by glm.fit on the full model's rows;
# coxph: drop1(test = "Chisq"), each reduced model refitted by update() on the same data frame,
# which holds the full model's complete cases only, see regression_model). A model of one term is
# compared with the null model, as anova(fit). Returns {term: c(chisq, df, p)}; NA for a term of
# one coefficient (ours prints no global p for it).
global_lrt <- function(fit, kind) {
  terms <- coefficient_terms(fit)
  terms <- terms[terms != "(Intercept)"]
  counts <- table(terms)
  tested <- names(counts)[counts >= 2]
  if (length(tested) == 0) return(list())
  d1 <- drop1(fit, test = if (kind == "cox") "Chisq" else "LRT")
  out <- list()
  for (term in tested) out[[term]] <- c(d1[term, "LRT"], d1[term, "Df"], d1[term, "Pr(>Chi)"])
  out
}

# d: the model's variables; only its complete cases are kept before fitting, so that the global
# test's reduced models (drop1) are refitted on the full model's rows, as the table's are.
# sample: a treatment comparison's sample (fit_on_sample; no global or PH test on such a fit).
# global: compare the global_* columns (the table's global_p); Cox: always the ph_* columns,
# cox.zph(fit, transform = "km") per term and GLOBAL.
regression_model <- function(table, analysis, predictor, d, formula, kind, global = FALSE, sample = "none") {
  d <- d[complete.cases(d[, all.vars(as.formula(formula)), drop = FALSE]), , drop = FALSE]
  fit <- if (sample == "none") fit_at_max(formula, d, kind) else fit_on_sample(formula, d, kind, sample)
  w <- wald_at_max(fit)
  terms <- coefficient_terms(fit)
  lrt <- if (global && sample == "none") global_lrt(fit, kind) else list()
  zph <- if (kind == "cox" && sample == "none") cox.zph(fit, transform = "km")$table else NULL
  for (term in names(w$coef)) {
    row <- paste(analysis, predictor, term, sep = "/")
    if (global) {
      g <- if (terms[[term]] %in% names(lrt)) lrt[[terms[[term]]]] else c(NA, NA, NA)
      put(table, row, "global_chisq", g[1])
      put(table, row, "global_df", g[2])
      put(table, row, "global_p", g[3])
    }
    if (!is.null(zph)) {
      z <- if (terms[[term]] %in% rownames(zph)) zph[terms[[term]], ] else c(chisq = NA, df = NA, p = NA)
      put(table, row, "ph_chisq", z[["chisq"]])
      put(table, row, "ph_df", z[["df"]])
      put(table, row, "ph_p", z[["p"]])
      put(table, row, "ph_global_chisq", zph["GLOBAL", "chisq"])
      put(table, row, "ph_global_df", zph["GLOBAL", "df"])
      put(table, row, "ph_global_p", zph["GLOBAL", "p"])
    }
    put(table, row, "coefficient", w$coef[[term]])
    put(table, row, "std_err", w$se[[term]])
    put(table, row, "ratio", exp(w$coef[[term]]))
    put(table, row, "ci_low", exp(w$low[[term]]))
    put(table, row, "ci_high", exp(w$high[[term]]))
    put(table, row, "z", w$coef[[term]] / w$se[[term]])
    put(table, row, "p_value", w$p[[term]])
    put(table, row, "n", if (kind == "cox") fit$n else nobs(fit))
  }
}

# --- competing risks --------------------------------------------------------------------------
# Cumulative incidence of each cause: Aalen-Johansen by survfit multi-state (pstate, std.err and
# the default log CI); Gray's test by cmprsk::cuminc (rho = 0). status: 0 = censored, k = the
# k-th of `causes` (the cause of interest first). Rows: "<analysis>@<group>@<cause>@cif@<i>" (i-th
# distinct time), "...@incidence@<j>" (j-th declared time), "...@events"; "<analysis>@<cause>@gray".
cif_cells <- function(table, analysis, group, time, status, causes, times, conf_level) {
  st <- factor(status, levels = 0:length(causes), labels = c("censored", causes))
  fit <- survfit(Surv(time, st) ~ 1, conf.int = conf_level)
  for (j in seq_along(causes)) {
    k <- match(causes[j], fit$states)
    for (i in seq_along(fit$time)) {
      row <- paste(analysis, group, causes[j], "cif", i, sep = "@")
      put(table, row, "time", fit$time[i])
      put(table, row, "n_at_risk", fit$n.risk[i, 1])
      put(table, row, "n_events", fit$n.event[i, k])
      put(table, row, "cif", fit$pstate[i, k])
      put(table, row, "std_err", fit$std.err[i, k])
      put(table, row, "ci", c(fit$lower[i, k], fit$upper[i, k]))
    }
    for (h in seq_along(times)) {
      row <- paste(analysis, group, causes[j], "incidence", h, sep = "@")
      put(table, row, "time", times[h])
      if (times[h] > max(fit$time)) {  # beyond the last follow-up: summary.survfit reports nothing
        put(table, row, "cif", NA)
        next
      }
      s <- summary(fit, times = times[h])
      put(table, row, "n_at_risk", sum(time >= times[h]))
      put(table, row, "cif", s$pstate[1, k])
      put(table, row, "std_err", s$std.err[1, k])
      put(table, row, "ci", c(s$lower[1, k], s$upper[1, k]))
    }
    put(table, paste(analysis, group, causes[j], "events", sep = "@"), "n_events", sum(status == j))
  }
}

gray_cells <- function(table, analysis, time, status, group, causes) {
  suppressPackageStartupMessages(library(cmprsk))
  tests <- cuminc(time, status, group)$Tests
  for (j in seq_along(causes)) {
    row <- paste(analysis, causes[j], "gray", sep = "@")
    i <- match(as.character(j), rownames(tests))
    put(table, row, "statistic", tests[i, "stat"])
    put(table, row, "p_value", tests[i, "pv"])
  }
}
