"""The Kaplan-Meier median where the curve reaches exactly 1/2 on an interval.

Default (R survfit, SAS LIFETEST): the midpoint of that interval. The flagship's fever
resolution (10 of 20 patients resolved on day 1, the next on day 2) printed 2.0 under the
former default (smallest time with S(t) < 0.5) where R prints 1.5:
    summary(survfit(Surv(c(rep(1, 10), 2:11), rep(1, 20)) ~ 1))$table["median"]  # 1.5
Either rule must not depend on the product-limit arithmetic landing one ulp below or above 0.5.
"""

import numpy as np
import pytest

from retrocohort.stats.survival import median_survival


@pytest.mark.parametrize("n_first", [10, 6])
def test_exact_half_takes_the_midpoint_by_default(n_first):
    # 2 * n_first patients: n_first events at t = 1 (S = 1/2 exactly), then the others die at 2..
    n = 2 * n_first
    t = np.concatenate([np.ones(n_first), np.arange(2, n_first + 2)]).astype(float)
    assert median_survival(t, np.ones(n)).median == 1.5  # R survfit: (1 + 2) / 2
    assert median_survival(t, np.ones(n), convention="first_below_half").median == 2.0


def test_telescoping_product_that_reaches_half_with_float_noise():
    # 20 patients dying one per day: S(10) = prod(1 - 1/k, k = 20..11) = 10/20 up to rounding
    t = np.arange(1, 21, dtype=float)
    assert median_survival(t, np.ones(20)).median == 10.5  # survfit: the midpoint
    assert median_survival(t, np.ones(20), convention="first_below_half").median == 11.0
