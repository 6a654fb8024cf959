# R side of the table-level oracle for tables on a treatment comparison's matched or weighted
# sample (`sample:`; r_sample_tables.py): every number from its definition in base R and sandwich
# (R's survey package is not installed: its formulas are written out here, independently of the
# Python code). Needs put() of tables_oracle.R.
#   weighted mean: weighted.mean; SD: survey::svyvar, n / (n - 1) * sum(w (x - m)^2) / sum(w);
#   svyttest: lm(y ~ g, weights = w) with sandwich::vcovCL(type = "HC0", cadjust = TRUE) (the
#     linearisation variance G / (G - 1) sum_g U_g U_g'), t on G - 2 df;
#   svychisq (Rao-Scott, "F"): cell shares and their variance from lm(cells ~ 1, weights = w) and
#     vcovCL as above, then survey's Cmat / Delta / d0 lines; Pearson's X^2 by chisq.test.
#   SMD (tableone svyCreateTableOne): |m1 - m0| / sqrt((s1^2 + s0^2) / 2); categorical: Yang &
#     Dalton on the weighted shares, first level dropped.

svy_moments <- function(x, w) {
  k <- !is.na(x); x <- x[k]; w <- w[k]; n <- length(x); m <- weighted.mean(x, w)
  c(m, if (n > 1) sqrt(n / (n - 1) * sum(w * (x - m)^2) / sum(w)) else NA)
}

svy_t <- function(y, g, w, cl) {
  k <- !is.na(y); y <- y[k]; g <- g[k]; w <- w[k]; cl <- cl[k]
  fit <- lm(y ~ g, weights = w)
  v <- sandwich::vcovCL(fit, cluster = cl, type = "HC0", cadjust = TRUE)
  t <- unname(coef(fit)[2] / sqrt(v[2, 2]))
  c(t, 2 * pt(-abs(t), length(unique(cl)) - 2))
}

svy_chisq <- function(x, g, w, cl) {
  k <- !is.na(x) & !is.na(g); rows <- factor(x[k]); cols <- factor(g[k]); w <- w[k]; cl <- cl[k]
  nr <- nlevels(rows); nc <- nlevels(cols)
  mm <- model.matrix(~ interaction(rows, cols) - 1); N <- nrow(mm)
  fit <- lm(mm ~ 1, weights = w)
  mean2 <- unname(coef(fit)[1, ])
  V <- unname(sandwich::vcovCL(fit, cluster = cl, type = "HC0", cadjust = TRUE))
  mf1 <- expand.grid(rows = 1:nr, cols = 1:nc)
  X1 <- model.matrix(~ factor(rows) + factor(cols), mf1)
  X12 <- model.matrix(~ factor(rows) * factor(cols), mf1)
  Cmat <- qr.resid(qr(X1), X12[, -(1:(nr + nc - 1)), drop = FALSE])
  iD <- diag(ifelse(mean2 == 0, 0, 1 / mean2))
  Delta <- solve(t(Cmat) %*% (iD / N) %*% Cmat, t(Cmat) %*% iD %*% V %*% iD %*% Cmat)
  d0 <- sum(diag(Delta))^2 / sum(diag(Delta %*% Delta))
  tab <- xtabs(w ~ rows + cols); tab <- tab * N / sum(tab)
  Fs <- unname(suppressWarnings(chisq.test(tab, correct = FALSE))$statistic) / sum(diag(Delta))
  c(Fs, pf(Fs, d0, d0 * (length(unique(cl)) - 1), lower.tail = FALSE))
}

yang_dalton <- function(p1, p0) {
  tt <- (p1 - p0)[-1]
  s <- function(p) { m <- -outer(p, p); diag(m) <- p * (1 - p); m[-1, -1, drop = FALSE] }
  sqrt(drop(t(tt) %*% solve((s(p1) + s(p0)) / 2) %*% tt))
}

# One row of a descriptive table on a sample: `groups` the values of g in column order, `labels`
# the column names; kind "continuous", "binary" (x 0/1) or "categorical" (x text, `levels`).
sample_variable <- function(table, variable, x, g, groups, labels, kind, w, cl, levels = NULL) {
  inside <- !is.na(g) & g %in% groups
  x <- x[inside]; g <- g[inside]; w <- w[inside]; cl <- cl[inside]
  code <- match(g, groups) - 1
  strata <- c(list(Overall = rep(TRUE, length(x))), setNames(lapply(groups, function(v) g == v), labels))
  if (kind == "continuous") {
    mom <- lapply(strata, function(s) svy_moments(x[s], w[s]))
    for (s in names(strata)) { put(table, variable, paste0("mean@", s), mom[[s]][1]); put(table, variable, paste0("sd@", s), mom[[s]][2]) }
    a <- mom[[labels[1]]]; b <- mom[[labels[2]]]
    put(table, variable, "smd", abs(b[1] - a[1]) / sqrt((a[2]^2 + b[2]^2) / 2))
    tt <- svy_t(x, code, w, cl)
    put(table, variable, "statistic", tt[1]); put(table, variable, "p_value", tt[2])
    return(invisible())
  }
  lv <- if (kind == "binary") c(0, 1) else levels
  share <- function(s, l) { k <- !is.na(x) & s; sum(w[k & x == l]) / sum(w[k]) }
  for (s in names(strata)) for (l in lv) {
    row <- if (kind == "binary") variable else paste0(variable, ":", l)
    if (kind == "binary" && l == 0) next
    k <- !is.na(x) & strata[[s]]
    put(table, row, paste0("count@", s), sum(w[k & x == l]))
    put(table, row, paste0("percent@", s), 100 * share(strata[[s]], l))
  }
  p <- lapply(labels, function(s) sapply(lv, function(l) share(strata[[s]], l)))
  put(table, variable, "smd", yang_dalton(p[[2]], p[[1]]))
  tt <- svy_chisq(x, code, w, cl)
  put(table, variable, "statistic", tt[1]); put(table, variable, "p_value", tt[2])
}

# One comparison of a comparison table on a sample: the weighted summary of each group and the
# design-based test (binary: Rao-Scott; continuous: svyttest).
sample_comparison <- function(table, id, x, g, groups, labels, binary, w, cl) {
  inside <- !is.na(g) & g %in% groups
  x <- x[inside]; g <- g[inside]; w <- w[inside]; cl <- cl[inside]
  code <- match(g, groups) - 1
  for (i in seq_along(groups)) {
    s <- g == groups[i]; k <- s & !is.na(x); row <- paste0(id, "@", labels[i])
    if (binary) {
      put(table, row, "count", sum(w[k & x == 1])); put(table, row, "denominator", sum(w[k]))
      put(table, row, "percent", 100 * sum(w[k & x == 1]) / sum(w[k]))
    } else {
      mom <- svy_moments(x[s], w[s]); put(table, row, "mean", mom[1]); put(table, row, "sd", mom[2])
    }
  }
  tt <- if (binary) svy_chisq(x, code, w, cl) else svy_t(x, code, w, cl)
  put(table, id, "statistic", tt[1]); put(table, id, "p_value", tt[2])
}
