"""Maximum likelihood by Newton-Raphson with step halving, iterated to the maximum at full
floating-point precision (the logistic and Cox fits of :mod:`retrocohort.stats.regression`).

R's ``glm`` and ``coxph`` stop on a small relative change in the deviance / log-likelihood
(``glm.control(epsilon = 1e-8)``, ``coxph.control(eps = 1e-9)``), which leaves a coefficient up to
~sqrt(eps) standard errors from the maximum; here the test is on the Newton step itself.
Reference: Nocedal & Wright (2006), Numerical Optimization, 2nd ed., ch. 3 (Newton's method with
backtracking).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

NEWTON_STEP_TOL = 1e-10  # a Newton step this small (relative to |b| + se) ends the iteration
NEWTON_MAXITER = 100


@dataclass(frozen=True)
class NewtonFit:
    """Result of :func:`newton_maximise`: the maximiser, inverse information, log-likelihood,
    iterations, how it stopped, and the Newton step still pending at the end."""

    params: np.ndarray
    cov: np.ndarray
    loglik: float
    iterations: int
    converged: bool
    next_step: np.ndarray


def _inverse_information(hessian: np.ndarray) -> np.ndarray:
    """(-H)^-1, NaN if -H is singular."""
    try:
        return np.linalg.inv(-hessian)
    except np.linalg.LinAlgError:
        return np.full(hessian.shape, np.nan)


def newton_maximise(
    loglike: Callable[[np.ndarray], float],
    derivatives: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    start: np.ndarray,
    maxiter: int = NEWTON_MAXITER,
) -> NewtonFit:
    """Maximise a concave log-likelihood by Newton-Raphson with step halving, to full precision.

    A step that lowers the log-likelihood is halved (as R's ``coxph``), unless its predicted
    gain is below the rounding of the log-likelihood (64 ulps): there, near the maximum, only
    the score can locate it (a near-zero coefficient stalled 1e-6 relative off the maximum
    when every step had to raise the log-likelihood). Stops when

    * a Newton step is below ``NEWTON_STEP_TOL`` (1e-10) times |b_j| + se_j for every j: it is
      applied and, Newton converging quadratically, the estimates are at the maximum to
      floating-point precision (converged);
    * three successive full steps leave the log-likelihood unchanged in floating point while the
      steps do not shrink: the likelihood is flat at its supremum along a direction in which
      coefficients diverge (separation, monotone likelihood; converged, the diverging terms
      are found from ``next_step``);
    * no halving of the step raises the log-likelihood: converged when the step is already
      below 1e-6 (|b| + se) (rounding floor), otherwise not;
    * ``maxiter`` iterations: not converged.

    Unlike R (``glm.control(epsilon = 1e-8)``, ``coxph.control(eps = 1e-9)``, relative changes
    in the deviance / log-likelihood), the test is on the coefficients: a change in the
    log-likelihood of 1e-9 leaves coefficients off by ~sqrt(1e-9) standard errors.

    Parameters
    ----------
    loglike : callable
        b -> log-likelihood.
    derivatives : callable
        b -> (score, Hessian).
    start : numpy.ndarray
        Starting coefficients.
    maxiter : int
        Most Newton steps.

    Returns
    -------
    NewtonFit
        Covariance = inverse observed information at the returned coefficients.

    References
    ----------
    Nocedal J, Wright SJ. Numerical Optimization. 2nd ed. Springer; 2006. (Chapter 3, Newton's
    method with backtracking.)

    Examples
    --------
    Binomial log-likelihood of 7 successes in 10 on the logit scale: the maximum is logit(0.7).

    >>> import numpy as np
    >>> def loglike(b):
    ...     return float(7 * b[0] - 10 * np.log1p(np.exp(b[0])))
    >>> def derivatives(b):
    ...     p = 1 / (1 + np.exp(-b[0]))
    ...     return np.array([7 - 10 * p]), np.array([[-10 * p * (1 - p)]])
    >>> fit = newton_maximise(loglike, derivatives, np.zeros(1))
    >>> round(float(fit.params[0]), 9), round(float(np.log(0.7 / 0.3)), 9), fit.converged
    (0.84729786, 0.84729786, True)
    >>> round(float(fit.cov[0, 0]), 6)
    0.47619
    """
    beta = np.asarray(start, dtype=float).copy()
    loglik = float(loglike(beta))
    converged, flat, iterations = False, 0, 0
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        while iterations < maxiter:
            iterations += 1
            score, hessian = derivatives(beta)
            cov = _inverse_information(hessian)
            step = cov @ score
            if not np.all(np.isfinite(step)):
                break
            size = np.max(np.abs(step) / (np.abs(beta) + np.sqrt(np.abs(np.diag(cov)))))
            if size <= NEWTON_STEP_TOL:
                beta = beta + step
                loglik = float(loglike(beta))
                converged = True
                break
            # within the rounding of the log-likelihood (a predicted gain g'step/2 below 64 ulps)
            # comparing log-likelihoods cannot tell a better point: take the full Newton step
            unresolved = score @ step / 2 <= 64 * np.finfo(float).eps * max(1.0, abs(loglik))
            t = 1.0
            for _ in range(60):
                new = float(loglike(beta + t * step))
                if np.isfinite(new) and (new >= loglik or unresolved):
                    break
                t /= 2
            else:
                converged = size < 1e-6
                break
            change = new - loglik
            beta, loglik = beta + t * step, new
            flat = flat + 1 if t == 1.0 and change <= 4 * np.finfo(float).eps * abs(loglik) else 0
            if flat >= 3:
                converged = True
                break
        score, hessian = derivatives(beta)
        cov = _inverse_information(hessian)
        next_step = cov @ score
    return NewtonFit(beta, cov, loglik, iterations, converged, next_step)
