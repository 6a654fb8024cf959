"""The registered t-tests equal R's t.test to 1e-9: Welch's unequal-variances test
(``t.test(x ~ g)``) and the paired t-test (``t.test(x, y, paired = TRUE)``), statistic, df,
p-value, mean difference and its confidence interval, two-sided and one-sided."""

from __future__ import annotations

import numpy as np
import pytest
from rscript import require_rscript, run_r

from retrocohort.stats.registry import TESTS

REL = 1e-9
RNG = np.random.default_rng(22)
X = np.round(RNG.normal(10, 2, 17), 2)
Y = np.round(RNG.normal(11.5, 4, 11), 2)
BEFORE = np.round(RNG.normal(50, 10, 14), 1)
AFTER = np.round(BEFORE + RNG.normal(3, 5, 14), 1)


@pytest.fixture(scope="module")
def r_t() -> dict[str, list]:
    require_rscript()
    code = "\n".join(
        f'{k} <- t.test({call}, alternative = "{alt}", conf.level = {lvl})\n'
        f"out${k} <- c({k}$statistic, {k}$parameter, {k}$p.value, {k}$conf.int, "
        f"{k}$estimate[1] - if (length({k}$estimate) > 1) {k}$estimate[2] else 0)"
        for k, call, alt, lvl in (
            ("welch", "v ~ g", "two.sided", 0.95),
            ("welch_less", "v ~ g", "less", 0.9),
            ("paired", "after, before, paired = TRUE", "two.sided", 0.95),
            ("paired_greater", "after, before, paired = TRUE", "greater", 0.99),
        )
    )
    return run_r(
        'g <- factor(c(rep("a", length(x)), rep("b", length(y))))\nv <- c(x, y)\nout <- list()\n' + code,
        vectors={"x": X, "y": Y, "before": BEFORE, "after": AFTER},
    )


def _numbers(res) -> list[float]:
    d = res.details
    return [res.statistic, d["df"], res.p_value, d["ci_low"], d["ci_high"], d["mean_difference"]]


@pytest.mark.parametrize(
    ("key", "alternative", "level"),
    [("welch", "two-sided", 0.95), ("welch_less", "less", 0.9)],
)
def test_welch_t_equals_r_t_test(r_t, key, alternative, level):
    res = TESTS["welch_t"].function(X, Y, alternative=alternative, conf_level=level)
    assert _numbers(res) == pytest.approx(r_t[key], rel=REL)


@pytest.mark.parametrize(
    ("key", "alternative", "level"),
    [("paired", "two-sided", 0.95), ("paired_greater", "greater", 0.99)],
)
def test_paired_t_equals_r_paired_t_test(r_t, key, alternative, level):
    res = TESTS["paired_t"].function(AFTER - BEFORE, alternative=alternative, conf_level=level)
    assert _numbers(res) == pytest.approx(r_t[key], rel=REL)
