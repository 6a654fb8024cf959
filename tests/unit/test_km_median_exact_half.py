"""The Kaplan-Meier median where the curve reaches exactly 1/2: the documented rule (smallest
event time with S(t) < 0.5) must not depend on the product-limit arithmetic landing one ulp
below or above 0.5 (statsmodels' quantile does; the R oracle found it on the flagship)."""

import numpy as np
import pytest

from retrocohort.stats.survival import median_survival


@pytest.mark.parametrize("n_first", [10, 6])
def test_exact_half_takes_the_next_event_time(n_first):
    # 2 * n_first patients: n_first events at t = 1 (S = 1/2 exactly), then the others die at 2..
    n = 2 * n_first
    t = np.concatenate([np.ones(n_first), np.arange(2, n_first + 2)]).astype(float)
    assert median_survival(t, np.ones(n)).median == 2.0


def test_telescoping_product_that_reaches_half_with_float_noise():
    # 20 patients dying one per day: S(10) = prod(1 - 1/k, k = 20..11) = 10/20 up to rounding
    t = np.arange(1, 21, dtype=float)
    assert median_survival(t, np.ones(20)).median == 11.0
    assert median_survival(t, np.ones(20), convention="R").median == 10.5  # survfit: the midpoint
