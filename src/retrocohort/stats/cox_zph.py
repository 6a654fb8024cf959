"""Test of the proportional-hazards assumption of a Cox model: the score test of Grambsch and
Therneau on the scaled Schoenfeld residuals, per term and global, as R ``survival::cox.zph(fit)``
(survival 3.5-3 defaults: ``transform = "km"``, ``terms = TRUE``, ``global = TRUE``).

For each term (the one or several columns of a predictor), the test asks whether adding
g(t) x (g(t) = 1 - KM(t-) centred on the event times) to the model improves it: the score
vector of those time-varying columns at the fitted coefficients, with the full 2p x 2p
information, gives chi-square = u' I^-1 u on the term's number of columns (R ``zph1.c``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ZphTest:
    """One row of R's ``cox.zph(fit)$table``: a term (or "GLOBAL"), chi-square, df, p."""

    term: str
    chisq: float
    df: int
    p_value: float


def km_transform(time: np.ndarray, status: np.ndarray) -> np.ndarray:
    """1 - S(t-) of every observation, S the Kaplan-Meier estimate of all the data (strata
    ignored), as ``cox.zph(transform = "km")``.

    Parameters
    ----------
    time, status : numpy.ndarray
        Follow-up times and event indicators (1 event, 0 censored).

    Returns
    -------
    numpy.ndarray
        One minus the Kaplan-Meier survival just before each observation's time.

    References
    ----------
    Kaplan EL, Meier P. Nonparametric estimation from incomplete observations. J Am Stat Assoc
    1958;53:457-81.

    Examples
    --------
    >>> km_transform(np.array([1.0, 2.0, 2.0, 3.0]), np.array([1, 1, 0, 1])).tolist()
    [0.0, 0.25, 0.25, 0.5]
    """
    times = np.unique(time)
    at_risk = np.array([(time >= u).sum() for u in times])
    deaths = np.array([((time == u) & (status == 1)).sum() for u in times])
    surv_after = np.cumprod(1.0 - deaths / at_risk)
    before = np.searchsorted(times, time, side="left")  # number of distinct times < t
    return 1.0 - np.concatenate([[1.0], surv_after])[before]


def _zph_score(
    gtime: np.ndarray,
    time: np.ndarray,
    status: np.ndarray,
    x: np.ndarray,
    eta: np.ndarray,
    strata: np.ndarray,
    efron: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """The score u (2p) and information (2p x 2p) of [x, g(t) x] at the fit (R's ``zph1.c``)."""
    n, p = x.shape
    x = x - x.mean(axis=0)
    u = np.zeros(2 * p)
    imat = np.zeros((2 * p, 2 * p))
    risk_all = np.exp(eta)
    for stratum in np.unique(strata):
        in_s = np.flatnonzero(strata == stratum)
        denom, a, cmat = 0.0, np.zeros(p), np.zeros((p, p))
        for t in np.unique(time[in_s])[::-1]:  # backwards in time
            at = in_s[time[in_s] == t]
            censored, dead = at[status[at] == 0], at[status[at] == 1]
            r_c, x_c = risk_all[censored], x[censored]
            denom += r_c.sum()
            a += r_c @ x_c
            cmat += (x_c * r_c[:, None]).T @ x_c
            d = dead.size
            if d == 0:
                continue
            g = gtime[dead[0]]
            r_d, x_d = risk_all[dead], x[dead]
            denom2, a2, cmat2 = r_d.sum(), r_d @ x_d, (x_d * r_d[:, None]).T @ x_d
            u[:p] += x_d.sum(axis=0)
            u[p:] += g * x_d.sum(axis=0)
            steps = [(denom2 / d, a2 / d, cmat2 / d)] * d if efron else [(denom2, a2, cmat2)]
            weight = 1.0 if efron else float(d)
            for add_denom, add_a, add_cmat in steps:
                denom += add_denom
                a = a + add_a
                cmat = cmat + add_cmat
                mean = a / denom
                u[:p] -= weight * mean
                u[p:] -= g * weight * mean
                v = weight * (cmat - np.outer(mean, a)) / denom
                imat[:p, :p] += v
                imat[:p, p:] += g * v
                imat[p:, p:] += g * g * v
    imat[p:, :p] = imat[:p, p:].T
    return u, imat


def cox_zph(
    time: np.ndarray,
    status: np.ndarray,
    x: np.ndarray,
    coefficients: np.ndarray,
    terms: Sequence[tuple[str, Sequence[int]]],
    *,
    strata: np.ndarray | None = None,
    ties: str = "efron",
) -> tuple[ZphTest, ...]:
    """Proportional-hazards test per term and global, as R ``cox.zph(fit)`` (transform "km").

    Parameters
    ----------
    time, status : numpy.ndarray
        Follow-up times and event indicators (1 event, 0 censored) of the model's rows.
    x : numpy.ndarray
        The model's design matrix (n x p, aliased columns left out).
    coefficients : numpy.ndarray
        The fitted coefficients (p).
    terms : sequence of (str, sequence of int)
        Each term's name and its columns of ``x`` (R's ``fit$assign``): a factor's columns
        together (one test on as many df), an interaction its own term.
    strata : numpy.ndarray, optional
        Stratum of each row (separate risk sets, as ``strata()`` in the model).
    ties : {"efron", "breslow"}
        The model's handling of tied event times.

    Returns
    -------
    tuple of ZphTest
        One per term, then "GLOBAL" (all p columns, p df).

    References
    ----------
    Grambsch PM, Therneau TM. Proportional hazards tests and diagnostics based on weighted
    residuals. Biometrika 1994;81:515-26. Therneau TM, Grambsch PM. Modeling Survival Data:
    Extending the Cox Model. Springer; 2000. Ch. 6.

    Examples
    --------
    >>> time = np.array([2, 3, 3, 5, 6, 8, 9, 12, 4, 7, 10, 11], dtype=float)
    >>> status = np.array([1, 1, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1])
    >>> age = np.array([[40, 45, 50, 52, 60, 61, 38, 70, 55, 66, 48, 58]], dtype=float).T
    >>> tests = cox_zph(time, status, age, np.array([-0.0462292728804]), [("age", [0])])
    >>> [(t.term, round(t.chisq, 9), t.df, round(t.p_value, 9)) for t in tests]  # R: 0.174943883, 0.675754886
    [('age', 0.174943883, 1, 0.675754886), ('GLOBAL', 0.174943883, 1, 0.675754886)]
    """
    from scipy.stats import chi2

    time = np.asarray(time, dtype=float)
    status = np.asarray(status, dtype=float).astype(int)
    x = np.asarray(x, dtype=float)
    beta = np.asarray(coefficients, dtype=float)
    n, p = x.shape
    strata = (
        np.zeros(n, dtype=int) if strata is None else np.unique(np.asarray(strata), return_inverse=True)[1]
    )
    ttimes = km_transform(time, status)
    gtime = ttimes - ttimes[status == 1].mean()
    eta = (x - x.mean(axis=0)) @ beta
    u, imat = _zph_score(gtime, time, status, x, eta, strata, ties == "efron")
    out = []
    for name, columns in [*terms, ("GLOBAL", list(range(p)))]:
        cols = list(columns)
        keep = list(range(p)) + [p + j for j in cols]
        score = np.concatenate([np.zeros(p), u[[p + j for j in cols]]])
        stat = float(score @ np.linalg.solve(imat[np.ix_(keep, keep)], score))
        out.append(ZphTest(name, stat, len(cols), float(chi2.sf(stat, len(cols)))))
    return tuple(out)
