"""Robust (sandwich) variances of a fitted model: the per-observation score contributions summed
within clusters (matched sets), or each observation its own cluster.

V = B (sum_g U_g U_g') B, with B the inverse of the (weighted) information and U_g the sum of the
weighted score contributions of cluster g; times ``adjustment``:

* Cox: R ``coxph(..., weights = w, cluster = g)`` (or ``robust = TRUE``): no adjustment, V =
  D'D with D the ``dfbeta`` residuals (weighted score residuals times B) summed per cluster;
* GLM: R ``sandwich::vcovCL(fit, cluster = ~ g)`` with its defaults for a ``glm`` (``type =
  "HC0"``, ``cadjust = TRUE``): adjustment G / (G - 1), G the number of clusters (n / (n - 1)
  without clusters, ``vcovCL(fit)``).

References
----------
Lin DY, Wei LJ. The robust inference for the Cox proportional hazards model. JASA
1989;84:1074-8.
Zeileis A, Koell S, Graham N. Various versatile variances: an object-oriented implementation of
clustered covariances in R. J Stat Softw 2020;95(1):1-36.
Liang KY, Zeger SL. Longitudinal data analysis using generalized linear models. Biometrika
1986;73:13-22.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def cluster_sums(contributions: np.ndarray, clusters: np.ndarray | None) -> np.ndarray:
    """The rows of ``contributions`` summed within each cluster (clusters in first-seen order);
    the rows themselves without clusters.

    Parameters
    ----------
    contributions : numpy.ndarray
        n x p per-observation contributions.
    clusters : numpy.ndarray, optional
        Cluster label per observation.

    Returns
    -------
    numpy.ndarray
        G x p cluster sums (n x p without clusters).

    References
    ----------
    Liang KY, Zeger SL. Biometrika 1986;73:13-22 (sums of score contributions within clusters).

    Examples
    --------
    >>> cluster_sums(np.array([[1.0], [2.0], [4.0]]), np.array(["a", "b", "a"])).tolist()
    [[5.0], [2.0]]
    """
    if clusters is None:
        return contributions
    codes = pd.factorize(pd.Series(clusters, dtype=object))[0]
    out = np.zeros((codes.max() + 1, contributions.shape[1]))
    np.add.at(out, codes, contributions)
    return out


def cluster_sandwich(
    contributions: np.ndarray,
    bread: np.ndarray,
    clusters: np.ndarray | None = None,
    *,
    small_sample: bool = False,
) -> np.ndarray:
    """Cluster-robust sandwich variance B (sum_g U_g U_g') B.

    Parameters
    ----------
    contributions : numpy.ndarray
        n x p weighted score contributions (sum: the score).
    bread : numpy.ndarray
        p x p inverse information of the (weighted) fit.
    clusters : numpy.ndarray, optional
        Cluster label per observation; each observation its own cluster without.
    small_sample : bool
        Multiply by G / (G - 1) (``sandwich::vcovCL``'s ``cadjust = TRUE``); False for coxph.

    Returns
    -------
    numpy.ndarray
        p x p variance matrix.

    References
    ----------
    Lin DY, Wei LJ. JASA 1989;84:1074-8. Zeileis A, Koell S, Graham N. J Stat Softw 2020;95(1).

    Examples
    --------
    >>> u = np.array([[1.0], [-2.0], [1.0]])
    >>> cluster_sandwich(u, np.array([[0.5]]), np.array([1, 1, 2])).tolist()
    [[0.5]]
    >>> cluster_sandwich(u, np.array([[0.5]]), np.array([1, 1, 2]), small_sample=True).tolist()
    [[1.0]]
    """
    summed = cluster_sums(contributions, clusters) @ bread
    variance = summed.T @ summed
    g = summed.shape[0]
    return variance * (g / (g - 1)) if small_sample else variance


def robust_variance_text(model: str, clustered: bool, weighted: bool) -> str:
    """The method sentence's clause naming the variance of a robust fit.

    Parameters
    ----------
    model : {"cox", "logistic"}
        The model.
    clustered, weighted : bool
        Clusters (matched sets) given; case weights given.

    Returns
    -------
    str
        The clause, naming the R call with the same variance.

    References
    ----------
    Lin DY, Wei LJ. JASA 1989;84:1074-8. Zeileis A, Koell S, Graham N. J Stat Softw 2020;95(1).

    Examples
    --------
    >>> robust_variance_text("cox", True, True)
    'case weights; robust (sandwich) standard errors clustered on matched sets, as R coxph(weights =, cluster =)'
    >>> robust_variance_text("cox", False, False)
    'robust (sandwich) standard errors (each patient its own cluster), as R coxph(robust = TRUE)'
    """
    weights = "case weights; " if weighted else ""
    w_arg = "weights =, " if weighted else ""
    if model == "cox":
        call = f"coxph({w_arg}cluster =)" if clustered else f"coxph({w_arg}robust = TRUE)"
        where = "clustered on matched sets" if clustered else "(each patient its own cluster)"
        return f"{weights}robust (sandwich) standard errors {where}, as R {call}"
    if clustered:
        return (
            f"{weights}robust (sandwich) standard errors clustered on matched sets (HC0 x G/(G-1), "
            f"G sets), as R sandwich::vcovCL(glm(family = quasibinomial{', weights =' * weighted}), cluster = ~ set)"
        )
    return (
        f"{weights}robust (sandwich) standard errors (HC0 x n/(n-1)), as R "
        f"sandwich::vcovCL(glm(family = quasibinomial{', weights =' * weighted}))"
    )
