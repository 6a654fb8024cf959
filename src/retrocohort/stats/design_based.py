"""Design-based summaries and tests of a matched or weighted sample, as R's ``survey`` package
computes them on ``svydesign(ids = ~set, weights = ~w, data)`` (a matched sample: the matched
sets are the clusters; a weighted sample: ``ids = ~1``, each patient its own cluster).

With G clusters, weights w_i and score (influence) contributions z_i, the variance of an
estimator is the linearisation (Taylor-series) variance of ``survey::svyrecvar`` for one
stratum without finite-population correction: V = G / (G - 1) * sum_g (Z_g - Zbar)(Z_g - Zbar)',
Z_g the sum of z_i within cluster g and Zbar their mean.

* weighted mean ``sum(w x) / sum(w)`` and weighted SD, ``survey::svymean`` / ``svyvar``:
  var = n / (n - 1) * sum(w (x - m)^2) / sum(w), n the number of patients with a value
  (the n - 1 SD when all weights are 1); cobalt's ``col_w_sd`` divides instead by
  (sum(w)^2 - sum(w^2)) / sum(w), equal when the weights are equal;
* design-based two-sample t-test, ``survey::svyttest``: the coefficient of the group in the
  weighted least-squares regression of the value on the group, divided by its linearisation
  (sandwich) standard error, on G - 2 degrees of freedom (``svyglm``'s ``df.residual``:
  ``degf(design) + 1 - 2`` with ``degf = G - 1``);
* Pearson's chi-square with the Rao-Scott second-order correction, ``survey::svychisq(~x + g,
  design)`` (its default ``statistic = "F"``): X^2 of the weighted table rescaled to n patients,
  divided by tr(Delta), Delta the generalised design-effect matrix of the interaction contrasts,
  referred to an F distribution on d and d * (G - 1) degrees of freedom, d = tr(Delta)^2 /
  tr(Delta^2).

Patients with a missing value are left out (the design of the patients with a known value).

References
----------
Lumley T. Analysis of complex survey samples. J Stat Softw 2004;9(8):1-19 (R ``survey``).
Rao JNK, Scott AJ. On chi-squared tests for multiway contingency tables with cell proportions
estimated from survey data. Ann Stat 1984;12:46-60.
Binder DA. On the variances of asymptotically normal estimators from complex surveys. Int Stat
Rev 1983;51:279-92 (linearisation variance).
Austin PC, Stuart EA. Moving towards best practice when using inverse probability of treatment
weighting (IPTW) using the propensity score to estimate causal treatment effects in
observational studies. Stat Med 2015;34:3661-79 (weighted means, SDs and proportions).
Abadie A, Spiess J. Robust post-matching inference. J Am Stat Assoc 2022;117:983-95 (the matched
pairs as clusters, MatchIt's recommendation).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

from retrocohort.stats.result import TestResult
from retrocohort.stats.sandwich import cluster_sums

#: The name of each test in its results (``test``) and the sentences the tables print.
T_TEST = "Design-based t-test"
RAO_SCOTT = "Rao-Scott chi-square"


def _clean(
    values: ArrayLike, weights: ArrayLike, clusters: ArrayLike | None, *others: ArrayLike
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray | None, list[NDArray]]:
    """Values, weights, clusters and other arrays of the observations with a known value."""
    x = np.asarray(values, dtype=float)
    w = np.asarray(weights, dtype=float)
    keep = ~np.isnan(x)
    for other in others:
        keep &= ~np.isnan(np.asarray(other, dtype=float))
    c = None if clusters is None else np.asarray(clusters, dtype=object)[keep]
    return x[keep], w[keep], c, [np.asarray(o, dtype=float)[keep] for o in others]


def linearised_variance(scores: NDArray[np.float64], clusters: NDArray | None) -> NDArray[np.float64]:
    """The linearisation variance G / (G - 1) * sum_g (Z_g - Zbar)(Z_g - Zbar)' of the score
    contributions ``scores`` (n x p), Z_g their sum within cluster g (each row its own cluster
    without ``clusters``), as ``survey::svyrecvar`` for one stratum without fpc.

    Parameters
    ----------
    scores : numpy.ndarray
        n x p contributions (influence functions times the weight).
    clusters : numpy.ndarray, optional
        Cluster (matched set) of each row.

    Returns
    -------
    numpy.ndarray
        p x p variance.

    References
    ----------
    Binder DA. Int Stat Rev 1983;51:279-92. Lumley T. J Stat Softw 2004;9(8):1-19.

    Examples
    --------
    >>> linearised_variance(np.array([[1.0], [-1.0], [2.0], [-2.0]]), None).round(6).tolist()
    [[13.333333]]
    """
    totals = cluster_sums(np.atleast_2d(scores.T).T, clusters)
    g = totals.shape[0]
    centred = totals - totals.mean(axis=0)
    return centred.T @ centred * g / (g - 1)


def n_clusters(n: int, clusters: NDArray | None) -> int:
    """G: the number of distinct clusters, or of observations without clusters.

    Parameters
    ----------
    n : int
        Observations.
    clusters : numpy.ndarray, optional
        Cluster of each observation.

    Returns
    -------
    int
        G.

    References
    ----------
    Lumley T. J Stat Softw 2004;9(8):1-19 (``degf``: G - 1 for one stratum).

    Examples
    --------
    >>> n_clusters(4, np.array(["a", "b", "a", "c"])), n_clusters(4, None)
    (3, 4)
    """
    return n if clusters is None else len(set(clusters.tolist()))


def weighted_mean_sd(values: ArrayLike, weights: ArrayLike) -> tuple[float, float]:
    """The weighted mean sum(w x) / sum(w) and SD sqrt(n / (n - 1) * sum(w (x - m)^2) / sum(w))
    of the known values (``survey::svymean`` and ``svyvar``).

    Parameters
    ----------
    values : array-like
        The values (NaN: missing, left out).
    weights : array-like
        One weight > 0 per value.

    Returns
    -------
    tuple of float
        (mean, SD); SD NaN with fewer than two values, both NaN without one.

    References
    ----------
    Lumley T. J Stat Softw 2004;9(8):1-19 (``svyvar``: the n / (n - 1) factor).

    Examples
    --------
    >>> weighted_mean_sd([1.0, 2.0, 3.0], [1.0, 1.0, 1.0])
    (2.0, 1.0)
    >>> [round(v, 6) for v in weighted_mean_sd([1.0, 2.0, 3.0, float("nan")], [1.0, 1.0, 2.0, 5.0])]
    [2.25, 1.015505]
    """
    x, w, _, _ = _clean(values, weights, None)
    if x.size == 0:
        return float("nan"), float("nan")
    mean = float(np.sum(w * x) / np.sum(w))
    if x.size < 2:
        return mean, float("nan")
    var = x.size / (x.size - 1) * np.sum(w * (x - mean) ** 2) / np.sum(w)
    return mean, float(np.sqrt(var))


def weighted_proportions(codes: ArrayLike, n_levels: int, weights: ArrayLike) -> NDArray[np.float64]:
    """The weighted share sum(w [x = k]) / sum(w) of each level k = 0..n_levels-1 among the known
    values (codes; NaN: missing).

    Parameters
    ----------
    codes : array-like
        Level code per value (NaN: missing).
    n_levels : int
        Number of levels.
    weights : array-like
        Weight per value.

    Returns
    -------
    numpy.ndarray
        The weighted shares (sum 1).

    References
    ----------
    Lumley T. J Stat Softw 2004;9(8):1-19 (``svymean`` of the level indicators).

    Examples
    --------
    >>> weighted_proportions([0, 1, 1, float("nan")], 2, [2.0, 1.0, 1.0, 9.0]).tolist()
    [0.5, 0.5]
    """
    x, w, _, _ = _clean(codes, weights, None)
    return np.array([w[x == k].sum() for k in range(n_levels)]) / w.sum()


def design_t_test(
    values: ArrayLike, group: ArrayLike, weights: ArrayLike, clusters: ArrayLike | None = None
) -> TestResult:
    """Design-based two-sample t-test of ``values`` between ``group`` 0 and 1, as R
    ``svyttest(value ~ group, svydesign(ids = ~set, weights = ~w))`` (``ids = ~1`` without
    clusters).

    The weighted least-squares fit of value = b0 + b1 * group; b1 (the difference of the weighted
    means) over its linearisation standard error sqrt(V[1, 1]), V = B M B with B = (X'WX)^-1 and
    M the :func:`linearised_variance` of the scores w_i x_i e_i (e the residuals); t on G - 2
    degrees of freedom, two-sided.

    Parameters
    ----------
    values : array-like
        The outcome (NaN: missing, left out).
    group : array-like
        0 or 1 per value.
    weights : array-like
        Weight > 0 per value.
    clusters : array-like, optional
        Matched set per value (None: each patient its own cluster).

    Returns
    -------
    TestResult
        ``statistic`` t, ``details``: df, estimate (b1), se, clusters (G).

    References
    ----------
    Lumley T. J Stat Softw 2004;9(8):1-19 (``svyttest``, ``svyglm``).
    Binder DA. Int Stat Rev 1983;51:279-92.

    Examples
    --------
    >>> r = design_t_test([1.0, 2.0, 3.0, 4.0, 6.0, 7.0], [0, 0, 0, 1, 1, 1], [1.0] * 6)
    >>> round(r.details["estimate"], 6), r.details["df"]
    (3.666667, 4)
    """
    y, w, c, (g,) = _clean(values, weights, clusters, group)
    n_used = y.size
    big_g = n_clusters(n_used, c)
    x = np.column_stack([np.ones_like(y), g])
    if big_g < 3 or np.unique(g).size < 2:
        return _not_computed(T_TEST, "fewer than 3 clusters or a group without a value", n_used)
    bread = np.linalg.inv(x.T @ (w[:, None] * x))
    beta = bread @ (x.T @ (w * y))
    resid = y - x @ beta
    meat = linearised_variance(w[:, None] * x * resid[:, None], c)
    var = bread @ meat @ bread
    se = float(np.sqrt(var[1, 1]))
    df = big_g - 2
    if not se > 0:
        return _not_computed(T_TEST, "no variation of the value", n_used)
    from scipy import stats as sps  # heavy: imported where a test is run

    t = float(beta[1]) / se
    p = float(2 * sps.t.sf(abs(t), df))
    design = "clusters: the matched sets" if c is not None else "each patient its own cluster"
    return TestResult(
        test=T_TEST,
        method=(
            "Design-based t-test: weighted least-squares regression of the value on the group, "
            f"linearisation (sandwich) standard error ({design}), t on G − 2 degrees of freedom, "
            "G the number of clusters (R survey::svyttest)"
        ),
        statistic=t,
        p_value=p,
        n=n_used,
        n_used=n_used,
        alternative="two-sided",
        details={"df": df, "estimate": float(beta[1]), "se": se, "clusters": big_g},
    )


def rao_scott_test(
    codes: ArrayLike, group: ArrayLike, weights: ArrayLike, clusters: ArrayLike | None = None
) -> TestResult:
    """Pearson's chi-square of a levels x groups table with the Rao-Scott second-order
    correction, as R ``svychisq(~x + group, svydesign(ids = ~set, weights = ~w))`` (statistic
    "F", its default).

    p_k: the weighted share of cell k (levels vary fastest), V its linearisation variance
    (:func:`linearised_variance` of w_i (1[cell_i = k] - p_k) / sum(w)); C the interaction
    contrasts (the interaction columns of the saturated design residualised on the main
    effects), D = diag(p), N the patients; Delta = (C' D^-1 C / N)^-1 (C' D^-1 V D^-1 C);
    X^2: Pearson's statistic of the table N p; F = X^2 / tr(Delta) on d = tr(Delta)^2 /
    tr(Delta^2) and d (G - 1) degrees of freedom.

    Parameters
    ----------
    codes : array-like
        Level code 0..L-1 per patient (NaN: missing, left out); unobserved levels are dropped.
    group : array-like
        Group code per patient (0..K-1).
    weights : array-like
        Weight > 0 per patient.
    clusters : array-like, optional
        Matched set per patient (None: each patient its own cluster).

    Returns
    -------
    TestResult
        ``statistic`` F, ``details``: ndf (d), ddf, pearson (X^2), trace (tr Delta), clusters.

    References
    ----------
    Rao JNK, Scott AJ. Ann Stat 1984;12:46-60. Lumley T. J Stat Softw 2004;9(8):1-19
    (``svychisq``).

    Examples
    --------
    >>> r = rao_scott_test([0, 0, 1, 1, 0, 1, 1, 1], [0, 0, 0, 0, 1, 1, 1, 1], [1.0] * 8)
    >>> round(r.details["pearson"], 6), round(r.p_value, 4)
    (0.533333, 0.5165)
    """
    x, w, c, (g,) = _clean(codes, weights, clusters, group)
    n = x.size
    rows, r_index = np.unique(x, return_inverse=True)
    cols, c_index = np.unique(g, return_inverse=True)
    nr, nc = rows.size, cols.size
    big_g = n_clusters(n, c)
    if nr < 2 or nc < 2 or big_g < 2:
        return _not_computed(RAO_SCOTT, "fewer than two levels, groups or clusters with values", n)
    cell = r_index + nr * c_index
    mm = np.zeros((n, nr * nc))
    mm[np.arange(n), cell] = 1.0
    total = w.sum()
    p = (w[:, None] * mm).sum(axis=0) / total
    v = linearised_variance(w[:, None] * (mm - p) / total, c)
    contrasts = _interaction_contrasts(nr, nc)
    inv_d = np.diag(np.where(p == 0, 0.0, 1.0 / np.where(p == 0, 1.0, p)))
    denom = contrasts.T @ (inv_d / n) @ contrasts
    numer = contrasts.T @ inv_d @ v @ inv_d @ contrasts
    delta = np.linalg.solve(denom, numer)
    trace = float(np.trace(delta))
    d0 = trace**2 / float(np.trace(delta @ delta))
    table = (n * p).reshape(nc, nr).T
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    pearson = float(np.sum((table - expected) ** 2 / expected))
    from scipy import stats as sps  # heavy: imported where a test is run

    f = pearson / trace
    ddf = d0 * (big_g - 1)
    design = "clusters: the matched sets" if c is not None else "each patient its own cluster"
    return TestResult(
        test=RAO_SCOTT,
        method=(
            "Pearson's chi-square of the weighted table with the Rao-Scott second-order "
            f"correction ({design}): X² / tr(Δ) on F(d, d(G − 1)), d = tr(Δ)² / tr(Δ²), Δ the "
            "design-effect matrix, G the number of clusters (R survey::svychisq)"
        ),
        statistic=f,
        p_value=float(sps.f.sf(f, d0, ddf)),
        n=n,
        n_used=n,
        alternative="two-sided",
        details={"ndf": d0, "ddf": ddf, "pearson": pearson, "trace": trace, "clusters": big_g},
    )


def _interaction_contrasts(nr: int, nc: int) -> NDArray[np.float64]:
    """The interaction columns of the saturated nr x nc design (cells with rows varying fastest,
    treatment contrasts) residualised on the main-effects design (``qr.resid`` in svychisq)."""
    r = np.tile(np.arange(nr), nc)
    k = np.repeat(np.arange(nc), nr)
    row_d = (r[:, None] == np.arange(1, nr)).astype(float)
    col_d = (k[:, None] == np.arange(1, nc)).astype(float)
    main = np.column_stack([np.ones(nr * nc), row_d, col_d])
    inter = np.column_stack([row_d[:, i] * col_d[:, j] for j in range(nc - 1) for i in range(nr - 1)])
    coef, *_ = np.linalg.lstsq(main, inter, rcond=None)
    return inter - main @ coef


def _not_computed(test: str, reason: str, n: int) -> TestResult:
    return TestResult(
        test=test,
        method=f"not computed: {reason}",
        statistic=float("nan"),
        p_value=float("nan"),
        n=n,
        n_used=n,
        alternative="two-sided",
    )
