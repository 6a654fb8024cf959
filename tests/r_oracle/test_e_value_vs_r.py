"""R oracle of the E-value (VanderWeele & Ding 2017): :func:`retrocohort.stats.e_value.e_value`
equals the formulas of R package EValue (``evalues.RR``, ``evalues.HR``, ``evalues.OR``; Mathur
et al. 2018), written out in R because Debian does not package EValue: ``threshold(x) = x +
sqrt(x (x - 1))`` of the ratio (its inverse below 1) and of the CI limit nearer 1 (1 when the CI
contains 1); a common outcome's HR on the RR scale as ``(1 - 0.5^sqrt(HR)) / (1 - 0.5^sqrt(1/HR))``,
its OR as ``sqrt(OR)``; a rare outcome's HR or OR unchanged. One Rscript call over a grid of
ratios on both sides of 1, with intervals that do and do not contain 1."""

from __future__ import annotations

import numpy as np
import pytest
from rscript import run_r

from retrocohort.stats.e_value import e_value

pytestmark = pytest.mark.usefixtures("rscript")

EST = [0.2, 0.5, 0.81, 0.95, 1.3, 2.0, 3.7]
LOW = [0.1, 0.3, 0.68, 0.8, 1.05, 0.9, 2.1]
HIGH = [0.4, 0.8, 0.97, 1.1, 1.6, 4.4, 6.5]

R_CODE = r"""
threshold <- function(x) { x <- ifelse(x < 1, 1 / x, x); x + sqrt(x * (x - 1)) }
to_rr <- function(x, measure, rare) {
  if (rare || measure == "RR") return(x)
  if (measure == "HR") return((1 - 0.5^sqrt(x)) / (1 - 0.5^sqrt(1 / x)))
  sqrt(x)
}
ev <- function(est, lo, hi, measure, rare) {
  e <- to_rr(est, measure, rare); l <- to_rr(lo, measure, rare); h <- to_rr(hi, measure, rare)
  near <- if (l <= 1 && h >= 1) 1 else if (e > 1) threshold(l) else threshold(h)
  c(threshold(e), near)
}
out <- list()
for (m in c("RR", "HR", "OR")) for (r in c(TRUE, FALSE)) {
  v <- mapply(function(a, b, c) ev(a, b, c, m, r), est, lo, hi)
  out[[paste(m, r, "point", sep = "_")]] <- v[1, ]
  out[[paste(m, r, "ci", sep = "_")]] <- v[2, ]
}
"""


def test_e_value_equals_r_evalue_formulas():
    r = run_r(R_CODE, vectors={"est": EST, "lo": LOW, "hi": HIGH})
    for measure in ("RR", "HR", "OR"):
        for rare in (True, False):
            ours = [e_value(e, lo, hi, measure=measure, rare=rare) for e, lo, hi in zip(EST, LOW, HIGH)]
            key = f"{measure}_{str(rare).upper()}"
            np.testing.assert_allclose([o.point for o in ours], r[f"{key}_point"], rtol=1e-12)
            np.testing.assert_allclose([o.ci_limit for o in ours], r[f"{key}_ci"], rtol=1e-12)
