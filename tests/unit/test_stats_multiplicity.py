"""p-value adjustment: statsmodels results, NaN preserved and excluded from the family."""

import numpy as np
import pytest
from statsmodels.stats.multitest import multipletests

from retrocohort.stats.multiplicity import adjust_pvalues

P = np.array([0.01, 0.04, 0.03, 0.2, 0.005])


@pytest.mark.parametrize("method", ["holm", "fdr_bh", "bonferroni"])
def test_equals_multipletests(method):
    np.testing.assert_allclose(adjust_pvalues(P, method), multipletests(P, method=method)[1])


@pytest.mark.parametrize("method", ["holm", "fdr_bh", "bonferroni"])
def test_equals_multipletests_random_families_with_ties(method):
    rng = np.random.default_rng(7)
    for m in (1, 2, 3, 8, 50, 500):
        p = np.round(rng.uniform(0, 0.2, m), 2) if m < 500 else rng.uniform(0, 1, m)  # ties, then none
        np.testing.assert_array_equal(adjust_pvalues(p, method), multipletests(p, method=method)[1])


def test_known_values():
    assert adjust_pvalues([0.01, 0.04], "bonferroni").tolist() == [0.02, 0.08]
    np.testing.assert_allclose(adjust_pvalues([0.01, 0.02, 0.03], "fdr_bh"), [0.03, 0.03, 0.03])
    # Holm: sorted 0.01, 0.03, 0.04 times 3, 2, 1 -> 0.03, 0.06, 0.06 (monotone), back in input order
    np.testing.assert_allclose(adjust_pvalues([0.04, 0.01, 0.03], "holm"), [0.06, 0.03, 0.06])


@pytest.mark.parametrize("method", ["holm", "fdr_bh", "bonferroni"])
def test_nan_preserved_and_not_counted(method):
    with_nan = np.array([0.01, np.nan, 0.04, np.nan])
    out = adjust_pvalues(with_nan, method)
    assert np.isnan(out[[1, 3]]).all()
    np.testing.assert_allclose(out[[0, 2]], adjust_pvalues([0.01, 0.04], method))
    assert np.isnan(adjust_pvalues([np.nan, np.nan], method)).all()
    assert adjust_pvalues(P.reshape(5, 1), method).shape == (5, 1)


def test_none_returns_unchanged_copy():
    out = adjust_pvalues(P, None)
    np.testing.assert_array_equal(out, P)
    out[0] = 1.0
    assert P[0] == 0.01


@pytest.mark.parametrize("p, method", [([0.1, 1.2], "holm"), ([-0.1], "holm"), ([0.1], "BH")])
def test_invalid_input_raises(p, method):
    with pytest.raises(ValueError):
        adjust_pvalues(p, method)
