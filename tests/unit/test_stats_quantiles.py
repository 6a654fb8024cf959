"""Hyndman-Fan quantiles: against numpy, against exact rational arithmetic, edge cases."""

from fractions import Fraction
from math import floor

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrocohort.stats.quantiles import HF_TYPES, NUMPY_METHOD, grouped_quantiles, quantile

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
probs_st = st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=8)

_AB = {
    4: (0, 1),
    5: (Fraction(1, 2),) * 2,
    6: (0, 0),
    7: (1, 1),
    8: (Fraction(1, 3),) * 2,
    9: (Fraction(3, 8),) * 2,
}


def _position(n: int, p: np.ndarray, hf_type: int) -> np.ndarray:
    if hf_type <= 3:
        return n * p - (0.5 if hf_type == 3 else 0.0)
    a, b = (float(v) for v in _AB[hf_type])
    return a + p * (n + 1 - a - b)


def _exact_hf(x: list[int], p: Fraction, hf_type: int) -> Fraction:
    """Hyndman & Fan (1996) definition in exact rational arithmetic."""
    xs, n = sorted(x), len(x)
    if hf_type <= 3:
        pos = n * p - (Fraction(1, 2) if hf_type == 3 else 0)
    else:
        a, b = (Fraction(v) for v in _AB[hf_type])
        pos = a + p * (n + 1 - a - b)
    j = floor(pos)
    f = pos - j
    if hf_type == 1:
        g = Fraction(int(f > 0))
    elif hf_type == 2:
        g = Fraction(1) if f > 0 else Fraction(1, 2)
    elif hf_type == 3:
        g = Fraction(0) if (f == 0 and j % 2 == 0) else Fraction(1)
    else:
        g = f
    order = lambda i: xs[min(max(i, 1), n) - 1]  # noqa: E731  x_(0) = x_(1), x_(n+1) = x_(n)
    return (1 - g) * order(j) + g * order(j + 1)


@pytest.mark.parametrize("hf_type", range(1, 10))
@settings(max_examples=150, deadline=None)
@given(values=st.lists(finite, min_size=1, max_size=40), probs=probs_st)
def test_matches_numpy_quantile_methods(hf_type, values, probs):
    x, p = np.array(values), np.array(probs)
    ours = quantile(x, p, hf_type)
    ref = np.quantile(x, p, method=NUMPY_METHOD[hf_type])
    scale = 1e-9 * max(1.0, np.abs(x).max())
    if hf_type <= 3:  # numpy has no rounding guard: skip positions a few ulp off an integer
        pos = _position(x.size, p, hf_type)
        dist = np.abs(pos - np.rint(pos))
        keep = (dist == 0) | (dist > 1e-9 * np.maximum(1.0, np.abs(pos)))
        ours, ref = ours[keep], ref[keep]
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=scale)


@pytest.mark.parametrize("hf_type", range(1, 10))
def test_matches_exact_rational_definition_on_percent_grid(hf_type):
    rng = np.random.default_rng(hf_type)
    for n in range(1, 41):
        x = rng.integers(-50, 50, n).tolist()
        probs = [Fraction(k, 100) for k in range(101)]
        ours = quantile(x, [float(q) for q in probs], hf_type)
        exact = [float(_exact_hf(x, q, hf_type)) for q in probs]
        np.testing.assert_allclose(ours, exact, rtol=1e-12, atol=1e-12, err_msg=f"n={n}")


def test_rounding_guard_where_numpy_differs():
    x = np.arange(1.0, 26.0)  # 25 * 0.28 = 7.000000000000001 in floating point
    assert quantile(x, 0.28, 1) == 7.0 and quantile(x, 0.28, 2) == 7.5
    assert np.quantile(x, 0.28, method="inverted_cdf") == 8.0  # numpy: no guard


def test_textbook_quartiles_differ_by_type():
    x = [1, 2, 3, 4, 5, 6, 7, 8]
    assert quantile(x, [0.25, 0.75], 7).tolist() == [2.75, 6.25]  # Excel QUARTILE.INC
    assert quantile(x, [0.25, 0.75], 6).tolist() == [2.25, 6.75]  # Excel QUARTILE.EXC / SPSS
    assert quantile(x, [0.25, 0.75], 2).tolist() == [2.5, 6.5]  # SAS default


def test_nan_dropped_empty_gives_nan_and_shape_follows_probs():
    assert quantile([np.nan, 3.0, 1.0, 2.0], 0.5, 7) == 2.0
    assert np.isnan(quantile([], [0.1, 0.9], 7)).all()
    assert np.isnan(quantile([np.nan, np.nan], 0.5, 1))
    assert quantile([1, 2, 3], 0.5, 7).shape == ()
    assert quantile([1, 2, 3], [[0.0, 1.0], [0.5, 0.5]], 7).tolist() == [[1, 3], [2, 2]]


@pytest.mark.parametrize("hf_type", range(1, 10))
def test_grouped_quantiles_equals_per_column(hf_type):
    rng = np.random.default_rng(7)
    data = rng.normal(size=(37, 6))
    probs = [0.0, 0.1, 0.25, 0.5, 0.75, 1.0]
    expected = np.column_stack([quantile(col, probs, hf_type) for col in data.T])
    np.testing.assert_allclose(grouped_quantiles(data, probs, hf_type), expected)
    data[rng.random(data.shape) < 0.3] = np.nan
    data[:, 2] = np.nan
    expected = np.column_stack([quantile(col, probs, hf_type) for col in data.T])
    got = grouped_quantiles(data, probs, hf_type)
    np.testing.assert_allclose(got, expected)
    assert np.isnan(got[:, 2]).all()


def test_hf_types_documented():
    assert sorted(HF_TYPES) == list(range(1, 10))
    assert "QUARTILE.EXC" in HF_TYPES[6] and "SPSS" in HF_TYPES[6]
    assert "QUARTILE.INC" in HF_TYPES[7] and "SAS" in HF_TYPES[2]


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(values=[1, 2], probs=0.5, hf_type=0),
        dict(values=[1, 2], probs=0.5, hf_type=10),
        dict(values=[1, 2], probs=1.5, hf_type=7),
        dict(values=[1, 2], probs=np.nan, hf_type=7),
        dict(values=[[1, 2]], probs=0.5, hf_type=7),
        dict(values=[1, np.inf], probs=0.5, hf_type=7),
    ],
)
def test_invalid_input_raises(kwargs):
    with pytest.raises(ValueError):
        quantile(**kwargs)
