"""The :class:`TestResult` record and the small helpers every test module shares.

Helpers: input coercion (:func:`as_float_vector`, :func:`as_binary_vector`), argument
checking, and the two ways a p-value is read off a null distribution
(:func:`discrete_pvalue` for an exact null on an integer lattice, :func:`normal_pvalue` for
the normal approximation).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

ALTERNATIVES = ("two-sided", "less", "greater")

#: The words a chi-square ``method`` carries when Yates' continuity correction was applied;
#: :func:`retrocohort.stats.registry.stated_test` reads them to name the corrected test.
YATES_APPLIED = "with Yates continuity correction"


@dataclass(frozen=True)
class TestResult:
    """Outcome of one hypothesis test, with every analytic choice spelled out.

    ``method`` is a sentence for humans (exact vs asymptotic, zeros, ties, continuity
    correction); ``details`` holds the same choices and intermediate values for machines.
    ``n`` counts the observations (or pairs) passed in, ``n_used`` those the test used.
    """

    __test__ = False  # not a pytest test class

    test: str
    method: str
    statistic: float
    p_value: float
    n: int
    n_used: int
    alternative: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    def to_dict(self, *, flat: bool = True) -> dict[str, Any]:
        """Plain-Python dict for a CSV row (``flat``: details as ``details.<key>``) or JSON."""
        row: dict[str, Any] = {
            "test": self.test,
            "method": self.method,
            "statistic": _plain(self.statistic),
            "p_value": _plain(self.p_value),
            "n": int(self.n),
            "n_used": int(self.n_used),
            "alternative": self.alternative,
        }
        details = {key: _plain(value) for key, value in self.details.items()}
        if flat:
            row.update({f"details.{key}": value for key, value in details.items()})
        else:
            row["details"] = details
        return row


def _plain(value: Any) -> Any:
    """numpy scalars/arrays -> Python scalars/lists, so rows serialise with json/csv."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def check_alternative(alternative: str) -> str:
    """Return ``alternative`` if it is 'two-sided', 'less' or 'greater'; else ValueError."""
    if alternative not in ALTERNATIVES:
        raise ValueError(f"alternative must be one of {ALTERNATIVES}, got {alternative!r}")
    return alternative


def check_choice(name: str, value: Any, allowed: tuple[Any, ...]) -> Any:
    """Return ``value`` if it is one of ``allowed``; else ValueError naming the argument."""
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")
    return value


def as_float_vector(values: ArrayLike, name: str) -> NDArray[np.float64]:
    """1-D float64 copy of ``values`` (pandas NA -> NaN); ValueError if not 1-D numeric or ±inf."""
    if hasattr(values, "to_numpy"):  # pandas Series / extension arrays with pd.NA
        values = values.to_numpy(dtype=float, na_value=np.nan)
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be numeric: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains infinite values")
    return arr


def as_binary_vector(values: ArrayLike, name: str) -> NDArray[np.float64]:
    """1-D 0/1 float vector, NaN for missing (bool, 0/1 and pandas boolean accepted)."""
    arr = as_float_vector(values, name)
    bad = ~np.isnan(arr) & (arr != 0) & (arr != 1)
    if bad.any():
        raise ValueError(f"{name} must be boolean/0-1 (missing allowed); got {arr[bad][:5].tolist()}")
    return arr


TWO_SIDED_RULES = ("double_smaller_tail", "double_observed_side", "absolute_deviation")

TWO_SIDED_TEXT = {
    "double_smaller_tail": "two-sided p = min(1, 2 x the smaller tail)",
    "double_observed_side": "two-sided p = min(1, 2 x the tail on the observed side of the null "
    "mean) as R's wilcox.test(exact = TRUE)",
    "absolute_deviation": "two-sided p = P(|S - E(S)| >= |s - E(S)|) as coin's "
    "wilcox_test(distribution = 'exact')",
}


def discrete_pvalue(
    pmf: NDArray[np.float64],
    observed: int,
    alternative: str,
    two_sided: str = "double_smaller_tail",
    center: float | None = None,
) -> float:
    """Exact p-value of an integer statistic under a discrete null pmf on 0..len(pmf)-1.

    'greater' = P(S >= obs), 'less' = P(S <= obs). 'two-sided' by ``two_sided`` (see
    ``TWO_SIDED_TEXT``): 'double_smaller_tail' min(1, 2 * smaller tail); 'double_observed_side'
    min(1, 2 P(S >= obs)) if obs > ``center`` else min(1, 2 P(S <= obs)) (R's exact
    signed-rank and rank-sum tests; equal to the former for a symmetric null);
    'absolute_deviation' P(|S - center| >= |obs - center|) (coin). The last two need
    ``center`` = E(S) under the null (ValueError without it).

    Parameters
    ----------
    pmf : ndarray of float64
        Null probabilities of S = 0, 1, ..., len(pmf) - 1.
    observed : int
        The observed statistic.
    alternative, two_sided : str
        Alternative hypothesis; rule for the two-sided p-value (``TWO_SIDED_RULES``).
    center : float, optional
        Null mean of S.

    Returns
    -------
    float
        The p-value, at most 1.

    References
    ----------
    Hothorn T, Hornik K, van de Wiel MA, Zeileis A. A Lego system for conditional inference.
    Am Stat 2006;60:257-63.

    Examples
    --------
    >>> import numpy as np
    >>> pmf = np.array([1, 4, 6, 4, 1]) / 16  # Binomial(4, 1/2)
    >>> discrete_pvalue(pmf, 1, "two-sided"), discrete_pvalue(pmf, 1, "greater")
    (0.625, 0.9375)
    """
    check_choice("two_sided", two_sided, TWO_SIDED_RULES)
    lower = float(pmf[: observed + 1].sum())
    upper = float(pmf[observed:].sum())
    if alternative == "greater":
        return min(1.0, upper)
    if alternative == "less":
        return min(1.0, lower)
    if two_sided == "double_smaller_tail":
        return min(1.0, 2.0 * min(lower, upper))
    if center is None:
        raise ValueError(f"two_sided={two_sided!r} needs the null mean (center)")
    if two_sided == "double_observed_side":
        return min(1.0, 2.0 * (upper if observed > center else lower))
    deviation = np.abs(np.arange(pmf.size) - center)
    # support points are integers and the centre a ratio of small integers: a relative
    # tolerance of 1e-9 separates equal deviations from distinct ones (coin uses one too)
    extreme = deviation >= abs(observed - center) * (1 - 1e-9)
    return min(1.0, float(pmf[extreme].sum()))


ZERO_VARIANCE_NOTE = (
    "every value tied: the rank statistic has a one-point null (variance zero), so p = 1 (R: NaN, z = 0/0)"
)


def normal_pvalue(
    statistic: float, mean: float, variance: float, alternative: str, correction: bool
) -> tuple[float, float]:
    """(z, p) by the normal approximation, continuity-corrected by 0.5 towards the mean as R.

    Correction: two-sided subtracts sign(S - mean) * 0.5, 'greater' 0.5, 'less' -0.5.
    Two-sided p = 2 * min(Phi(z), 1 - Phi(z)). A zero null variance with the statistic at its
    mean (every value tied: R's z is 0/0, p NaN) gives z = NaN and p = 1, the p-value of the
    degenerate null; callers add :data:`ZERO_VARIANCE_NOTE`. ValueError for a negative variance
    or a statistic away from the mean of a zero-variance null.

    Parameters
    ----------
    statistic, mean, variance : float
        The observed statistic, its null mean and variance.
    alternative : {"two-sided", "less", "greater"}
        Alternative hypothesis.
    correction : bool
        Apply the continuity correction of 0.5.

    Returns
    -------
    tuple of float
        z and the p-value (at most 1).

    References
    ----------
    Hollander M, Wolfe DA, Chicken E. Nonparametric Statistical Methods. 3rd ed. Wiley; 2014.

    Examples
    --------
    Signed-rank V = 40, n = 9 (null mean 22.5, variance 71.25), as R's ``correct = TRUE``:

    >>> z, p = normal_pvalue(40.0, 22.5, 71.25, "greater", correction=True)
    >>> round(z, 6), round(p, 6)
    (2.013986, 0.022005)
    """
    from scipy.special import ndtr  # = scipy.stats.norm.cdf, without importing scipy.stats (~1 s)

    if variance == 0 and statistic == mean:
        return math.nan, 1.0
    if not variance > 0:
        raise ValueError(
            f"normal approximation undefined: null variance {variance!r} with the statistic "
            f"{statistic!r} away from its mean {mean!r}"
        )
    diff = statistic - mean
    if correction:
        diff -= {"two-sided": 0.5 * np.sign(diff), "greater": 0.5, "less": -0.5}[alternative]
    z = diff / math.sqrt(variance)
    if alternative == "greater":
        p = ndtr(-z)  # norm.sf(z)
    elif alternative == "less":
        p = ndtr(z)
    else:
        p = 2.0 * min(ndtr(z), ndtr(-z))
    return float(z), float(min(1.0, p))


def r_qnorm(p: float, lower_tail: bool = True) -> float:
    """Standard normal quantile to the bit as R's ``qnorm(p, lower.tail = lower_tail)`` (AS 241).

    statistics.NormalDist.inv_cdf is the same AS 241 code as R's lower tail; R's upper tail
    feeds p itself to the tail branch (|p - 1/2| > 0.425) and 1/2 - p + 1/2 to the central
    one, which this repeats (scipy's ndtri can differ from R in the last bit).

    Parameters
    ----------
    p : float
        Probability in (0, 1).
    lower_tail : bool
        True: P(Z <= q) = p; False: P(Z > q) = p.

    Returns
    -------
    float
        The quantile q.

    References
    ----------
    Wichura MJ. Algorithm AS 241: the percentage points of the normal distribution. Appl Stat
    1988;37:477-84.

    Examples
    --------
    >>> round(r_qnorm(0.975), 9), round(r_qnorm(0.025, lower_tail=False), 9)
    (1.959963985, 1.959963985)
    """
    from statistics import NormalDist

    if lower_tail:
        return NormalDist().inv_cdf(p)
    if abs(0.5 - p) > 0.425:  # tail branch: R uses r = sqrt(-log(p)) with p itself
        return -NormalDist().inv_cdf(p)
    return NormalDist().inv_cdf(0.5 - p + 0.5)


def details_text(details: Any) -> str:
    """A result's ``details`` as one CSV cell, ``key=value; ...`` with keys sorted ("" if not a mapping).

    Parameters
    ----------
    details : Any
        A mapping (numpy scalars are written as plain values).

    Returns
    -------
    str
        The cell text.

    References
    ----------
    None: a formatting helper.

    Examples
    --------
    >>> details_text({"df": 4, "b": 2, "yates": False})
    'b=2; df=4; yates=False'
    """
    if not isinstance(details, Mapping):
        return ""
    return "; ".join(f"{key}={_plain(details[key])}" for key in sorted(details))


def json_safe(value: Any) -> Any:
    """Strict-JSON copy of a value: numpy scalars to Python, NaN/inf/NA to None, recursively.

    Mappings become dicts with string keys, sequences lists; other objects their ``str``.

    Parameters
    ----------
    value : Any
        A result value, a ``details`` mapping, or a nested structure of them.

    Returns
    -------
    Any
        The same structure, serialisable by ``json.dumps(..., allow_nan=False)``.

    References
    ----------
    Bray T, ed. The JavaScript Object Notation (JSON) Data Interchange Format. RFC 8259. 2017.

    Examples
    --------
    >>> import numpy as np
    >>> json_safe({"p": np.float64(0.25), "ci": (np.nan, np.inf), 1: [np.int64(3)]})
    {'p': 0.25, 'ci': [None, None], '1': [3]}
    """
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [json_safe(v) for v in value]
    value = _plain(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is not None and not isinstance(value, (str, int, float, bool)):
        import pandas as pd

        return None if pd.isna(value) else str(value)
    return value
