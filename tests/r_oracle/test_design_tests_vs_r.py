"""Design-based summaries and tests of a matched or weighted sample (Table 1 or a comparison on a
treatment comparison's ``sample:``), equal to R.

R's ``survey`` package is not installed here (nor in CI's Debian image), so R computes each
number from its definition with base R and ``sandwich``, independently of the Python code:

* weighted mean ``weighted.mean``; weighted SD ``svyvar``'s n / (n - 1) * sum(w (x - m)^2) /
  sum(w) (and ``sd`` itself when every weight is 1);
* ``svyttest``: ``lm(y ~ g, weights = w)``, its coefficient over the ``sandwich::vcovCL(fit,
  cluster =, type = "HC0", cadjust = TRUE)`` standard error (the linearisation variance
  G / (G - 1) sum_g U_g U_g' of ``svyrecvar``), t on G - 2 df;
* ``svychisq`` (Rao-Scott, statistic "F"): the cell shares and their variance from the
  multivariate ``lm(cells ~ 1, weights = w)`` with ``vcovCL`` as above, then survey's own
  lines (``Cmat``, ``Delta``, ``d0``) with Pearson's X^2 from ``chisq.test`` of the weighted
  table rescaled to n.

Samples made in R from ``survival::rotterdam`` (hormonal therapy): ``MatchIt::matchit(method =
"nearest")`` 1:1 (unit weights, clusters: its ``subclass``) and 1:2 (non-unit control weights),
and ATT weights from ``glm`` (each patient its own cluster). Tolerance 1e-9; a control shows that
the design-based p-value differs from the naive one, so these tests can fail.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from rscript import run_r
from scipy import stats as sps

from retrocohort.stats.design_based import design_t_test, rao_scott_test, weighted_mean_sd

TOL = 1e-9

SAMPLES = """
library(sandwich)
d <- survival::rotterdam
f <- hormon ~ age + meno + size + nodes + er + pgr + chemo
m1 <- MatchIt::matchit(f, data = d, method = "nearest", ratio = 1, caliper = 0.2)
m2 <- MatchIt::matchit(f, data = d, method = "nearest", ratio = 2)
ps <- fitted(glm(f, data = d, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100)))
w <- d; w$weights <- ifelse(d$hormon == 1, 1, ps / (1 - ps)); w$subclass <- seq_len(nrow(w))
samples <- list(matched1 = MatchIt::match.data(m1), matched2 = MatchIt::match.data(m2), weighted = w)
"""

NUMBERS = """
out <- list()
for (s in names(samples)) {
  x <- samples[[s]]; wt <- x$weights; cl <- x$subclass; G <- length(unique(cl))
  for (v in c("age", "nodes", "pgr")) {
    for (g in 0:1) {
      y <- x[[v]][x$hormon == g]; ww <- wt[x$hormon == g]; n <- length(y); mu <- weighted.mean(y, ww)
      out[[paste(s, v, g, "mean", sep = "_")]] <- mu
      out[[paste(s, v, g, "sd", sep = "_")]] <- sqrt(n / (n - 1) * sum(ww * (y - mu)^2) / sum(ww))
      out[[paste(s, v, g, "plain_sd", sep = "_")]] <- sd(y)
    }
    fit <- lm(x[[v]] ~ x$hormon, weights = wt)
    vc <- vcovCL(fit, cluster = cl, type = "HC0", cadjust = TRUE)
    t <- unname(coef(fit)[2] / sqrt(vc[2, 2]))
    out[[paste(s, v, "t", sep = "_")]] <- t
    out[[paste(s, v, "p", sep = "_")]] <- 2 * pt(-abs(t), G - 2)
  }
  for (v in c("size", "meno", "grade")) {
    rows <- factor(x[[v]]); cols <- factor(x$hormon); nr <- nlevels(rows); nc <- nlevels(cols)
    mm <- model.matrix(~ interaction(rows, cols) - 1)
    N <- nrow(mm)
    fit <- lm(mm ~ 1, weights = wt)
    mean2 <- unname(coef(fit)[1, ])
    V <- unname(vcovCL(fit, cluster = cl, type = "HC0", cadjust = TRUE))
    mf1 <- expand.grid(rows = 1:nr, cols = 1:nc)
    X1 <- model.matrix(~ factor(rows) + factor(cols), mf1)
    X12 <- model.matrix(~ factor(rows) * factor(cols), mf1)
    Cmat <- qr.resid(qr(X1), X12[, -(1:(nr + nc - 1)), drop = FALSE])
    iDmat <- diag(ifelse(mean2 == 0, 0, 1 / mean2))
    denom <- t(Cmat) %*% (iDmat / N) %*% Cmat
    numr <- t(Cmat) %*% iDmat %*% V %*% iDmat %*% Cmat
    Delta <- solve(denom, numr)
    d0 <- sum(diag(Delta))^2 / sum(diag(Delta %*% Delta))
    tab <- xtabs(wt ~ rows + cols); tab <- tab * N / sum(tab)
    X2 <- unname(suppressWarnings(chisq.test(tab, correct = FALSE))$statistic)
    Fs <- X2 / sum(diag(Delta))
    out[[paste(s, v, "pearson", sep = "_")]] <- X2
    out[[paste(s, v, "F", sep = "_")]] <- Fs
    out[[paste(s, v, "ndf", sep = "_")]] <- d0
    out[[paste(s, v, "ddf", sep = "_")]] <- d0 * (G - 1)
    out[[paste(s, v, "p", sep = "_")]] <- pf(Fs, d0, d0 * (G - 1), lower.tail = FALSE)
  }
}
"""


@pytest.fixture(scope="module")
def oracle(tmp_path_factory, rscript) -> tuple[dict[str, pd.DataFrame], dict]:
    """The samples made by R (read back) and R's numbers on them."""
    where = Path(tmp_path_factory.mktemp("design"))
    write = "".join(
        f'write.csv(samples[["{s}"]], "{where}/{s}.csv", row.names = FALSE)\n'
        for s in ("matched1", "matched2", "weighted")
    )
    r = run_r(SAMPLES + write + NUMBERS)
    frames = {s: pd.read_csv(where / f"{s}.csv") for s in ("matched1", "matched2", "weighted")}
    return frames, r


SAMPLE_NAMES = ["matched1", "matched2", "weighted"]


def _design(frame: pd.DataFrame, sample: str) -> tuple[np.ndarray, np.ndarray | None]:
    clusters = None if sample == "weighted" else frame["subclass"].astype(str).to_numpy()
    return frame["weights"].to_numpy(dtype=float), clusters


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
@pytest.mark.parametrize("variable", ["age", "nodes", "pgr"])
def test_weighted_mean_sd_and_t_test_equal_r(oracle, sample, variable) -> None:
    frames, r = oracle
    frame = frames[sample]
    w, clusters = _design(frame, sample)
    for g in (0, 1):
        inside = (frame["hormon"] == g).to_numpy()
        mean, sd = weighted_mean_sd(frame[variable].to_numpy(dtype=float)[inside], w[inside])
        assert mean == pytest.approx(r[f"{sample}_{variable}_{g}_mean"][0], rel=TOL, abs=TOL)
        assert sd == pytest.approx(r[f"{sample}_{variable}_{g}_sd"][0], rel=TOL, abs=TOL)
        if sample == "matched1":  # unit weights: the weighted SD is the n - 1 SD
            assert sd == pytest.approx(r[f"{sample}_{variable}_{g}_plain_sd"][0], rel=TOL)
    res = design_t_test(frame[variable], frame["hormon"], w, clusters)
    assert res.statistic == pytest.approx(r[f"{sample}_{variable}_t"][0], rel=TOL, abs=TOL)
    assert res.p_value == pytest.approx(r[f"{sample}_{variable}_p"][0], rel=TOL, abs=1e-12)


@pytest.mark.parametrize("sample", SAMPLE_NAMES)
@pytest.mark.parametrize("variable", ["size", "meno", "grade"])
def test_rao_scott_equal_r(oracle, sample, variable) -> None:
    frames, r = oracle
    frame = frames[sample]
    w, clusters = _design(frame, sample)
    codes = pd.factorize(frame[variable].astype(str), sort=True)[0].astype(float)
    res = rao_scott_test(codes, frame["hormon"], w, clusters)
    assert res.details["pearson"] == pytest.approx(r[f"{sample}_{variable}_pearson"][0], rel=TOL)
    assert res.statistic == pytest.approx(r[f"{sample}_{variable}_F"][0], rel=TOL)
    assert res.details["ndf"] == pytest.approx(r[f"{sample}_{variable}_ndf"][0], rel=TOL)
    assert res.details["ddf"] == pytest.approx(r[f"{sample}_{variable}_ddf"][0], rel=TOL)
    assert res.p_value == pytest.approx(r[f"{sample}_{variable}_p"][0], rel=TOL, abs=1e-12)
    # the control: the naive (unweighted, independent-patients) chi-square gives another p
    naive = sps.chi2_contingency(pd.crosstab(frame[variable], frame["hormon"]).to_numpy(), correction=False)
    assert abs(naive.pvalue - res.p_value) > 1e-6
