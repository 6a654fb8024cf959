"""Cox convergence does not depend on a predictor's scale (found on survival::lung's Karnofsky
score, 50-100: the old bound on the score's size called R's converged fit "not converged")."""

import numpy as np
import pandas as pd
import pytest

from retrocohort.stats import cox_regression


@pytest.mark.parametrize("scale", [1.0, 100.0, 1e4])
def test_a_rescaled_predictor_converges_with_the_same_fit(scale):
    rng = np.random.default_rng(7)
    n = 200
    x = rng.normal(80, 10, n)
    time = rng.exponential(np.exp(-0.03 * (x - 80)) * 300)
    frame = pd.DataFrame({"t": time.round(), "e": rng.random(n) < 0.7, "x": x * scale})
    res = cox_regression(frame, "t", "e", ["x"])
    base = cox_regression(frame.assign(x=x), "t", "e", ["x"])
    assert res.converged and not res.notes
    assert res.to_frame()["coefficient"].iloc[0] * scale == pytest.approx(
        base.to_frame()["coefficient"].iloc[0], rel=1e-10
    )
    assert res.to_frame()["p_value"].iloc[0] == pytest.approx(base.to_frame()["p_value"].iloc[0], rel=1e-10)
