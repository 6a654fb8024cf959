"""McNemar's test against statsmodels and by hand."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

from retrocohort.stats.paired_binary import mcnemar, mcnemar_from_discordant


@settings(max_examples=200, deadline=None)
@given(b=st.integers(0, 60), c=st.integers(0, 60))
def test_equals_statsmodels(b, c):
    table = [[5, b], [c, 7]]
    exact = mcnemar_from_discordant(b, c, "exact")
    ref = sm_mcnemar(table, exact=True)
    assert exact.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    assert exact.statistic == ref.statistic == min(b, c)
    if b + c > 0:
        plain = mcnemar_from_discordant(b, c, "chi2")
        ref = sm_mcnemar(table, exact=False, correction=False)
        assert plain.statistic == pytest.approx(ref.statistic)
        assert plain.p_value == pytest.approx(ref.pvalue, rel=1e-12)
    if b != c:  # statsmodels corrects also when b == c; R does not (see below)
        cc = mcnemar_from_discordant(b, c, "chi2_cc")
        ref = sm_mcnemar(table, exact=False, correction=True)
        assert cc.statistic == pytest.approx(ref.statistic)
        assert cc.p_value == pytest.approx(ref.pvalue, rel=1e-12)


def test_exact_by_hand_and_r_conventions():
    res = mcnemar_from_discordant(1, 7, "exact")
    assert res.p_value == pytest.approx(2 * (1 + 8) / 2**8)  # 2 P(X <= 1), X ~ Bin(8, 1/2)
    assert mcnemar_from_discordant(4, 4, "chi2_cc").statistic == 0.0  # R: no correction if b == c
    assert mcnemar_from_discordant(4, 4, "chi2_cc").p_value == 1.0
    assert mcnemar_from_discordant(0, 0, "exact").p_value == 1.0
    assert np.isnan(mcnemar_from_discordant(0, 0, "chi2").p_value)
    assert "continuity correction" in mcnemar_from_discordant(3, 9, "chi2_cc").method


def test_paired_arrays_drop_incomplete_pairs():
    before = pd.array([True, True, True, False, False, None, True, False], dtype="boolean")
    after = [False, False, True, True, False, True, None, False]
    res = mcnemar(before, after, method="exact")
    assert res.n == 8 and res.n_used == 6
    d = res.details
    assert (d["a"], d["b"], d["c"], d["d"], d["n_incomplete"]) == (1, 2, 1, 2, 2)
    assert res.p_value == mcnemar_from_discordant(2, 1).p_value


@pytest.mark.parametrize(
    "call",
    [
        lambda: mcnemar([1, 0, 2], [1, 0, 1]),
        lambda: mcnemar([1, 0], [1, 0, 1]),
        lambda: mcnemar([None, 1], [1, None]),
        lambda: mcnemar([1, 0], [0, 1], method="exact_mid_p"),
        lambda: mcnemar_from_discordant(-1, 3),
        lambda: mcnemar_from_discordant(1.5, 3),
    ],
)
def test_invalid_input_raises(call):
    with pytest.raises(ValueError):
        call()
