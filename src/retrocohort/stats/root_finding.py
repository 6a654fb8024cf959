"""Brent's root finder exactly as R's ``uniroot`` runs it (R_zeroin2, src/library/stats/src/zeroin.c).

R estimates several quantities by ``uniroot`` with a loose tolerance (``wilcox.test`` uses
``tol.root = 1e-4``), so its answers depend on the iterates, not only on the root. Porting
the algorithm step for step (Brent 1973, "Algorithms for Minimization without Derivatives",
ch. 4; the netlib C ``zeroin`` that R ships) reproduces R's numbers to the last bit whenever
the function being solved is evaluated with the same floating-point operations.
scipy.optimize.brentq is a different implementation and stops at other iterates.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass

_EPSILON = sys.float_info.epsilon  # DBL_EPSILON, as in zeroin.c


@dataclass(frozen=True)
class Root:
    """Outcome of :func:`zeroin`: root estimate, iterations used, estimated precision
    (``uniroot``'s ``root``, ``iter`` and ``estim.prec``; precision -1 if not converged)."""

    root: float
    iterations: int
    precision: float
    converged: bool


def _same_sign(u: float, v: float) -> bool:
    return (u > 0 and v > 0) or (u < 0 and v < 0)


def zeroin(
    f: Callable[[float], float],
    lower: float,
    upper: float,
    f_lower: float | None = None,
    f_upper: float | None = None,
    *,
    tol: float = _EPSILON**0.25,
    maxiter: int = 1000,
) -> Root:
    """Root of ``f`` in [lower, upper] by R's ``uniroot`` (Brent's method, R_zeroin2).

    Parameters
    ----------
    f : callable
        Function of one float; values at ``lower`` and ``upper`` must not have the same sign.
    lower, upper : float
        Bracket.
    f_lower, f_upper : float, optional
        f(lower), f(upper) if already known (``uniroot(f.lower=, f.upper=)``).
    tol : float
        ``uniroot``'s ``tol`` (default ``.Machine$double.eps^0.25``).
    maxiter : int
        ``uniroot``'s ``maxiter``.

    Returns
    -------
    Root

    Raises
    ------
    ValueError
        If the end-point values have the same sign or are NaN (R: "f() values at end points
        not of opposite sign").

    References
    ----------
    Brent RP. Algorithms for Minimization without Derivatives. Prentice-Hall; 1973. (Chapter 4.)

    Examples
    --------
    >>> r = zeroin(lambda x: x * x - 2, 0.0, 2.0, tol=1e-10)
    >>> round(r.root, 9), r.converged
    (1.414213562, True)
    """
    fa = f(lower) if f_lower is None else f_lower
    fb = f(upper) if f_upper is None else f_upper
    if math.isnan(fa) or math.isnan(fb) or _same_sign(fa, fb):
        raise ValueError(
            f"f() values at end points not of opposite sign: f({lower}) = {fa}, f({upper}) = {fb}"
        )
    a, b = float(lower), float(upper)
    c, fc = a, fa
    if fa == 0.0:
        return Root(a, 0, 0.0, True)
    if fb == 0.0:
        return Root(b, 0, 0.0, True)
    remaining = maxiter + 1
    while remaining:
        remaining -= 1
        prev_step = b - a
        if abs(fc) < abs(fb):  # make b the best approximation
            a, b, c = b, c, b
            fa, fb, fc = fb, fc, fb
        tol_act = 2 * _EPSILON * abs(b) + tol / 2
        new_step = (c - b) / 2
        if abs(new_step) <= tol_act or fb == 0.0:
            return Root(b, maxiter - remaining, abs(c - b), True)
        if abs(prev_step) >= tol_act and abs(fa) > abs(fb):  # try interpolation
            cb = c - b
            if a == c:  # linear interpolation
                t1 = fb / fa
                p = cb * t1
                q = 1.0 - t1
            else:  # inverse quadratic interpolation
                q = fa / fc
                t1 = fb / fc
                t2 = fb / fa
                p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1.0))
                q = (q - 1.0) * (t1 - 1.0) * (t2 - 1.0)
            if p > 0:
                q = -q
            else:
                p = -p
            if p < (0.75 * cb * q - abs(tol_act * q) / 2) and p < abs(prev_step * q / 2):
                new_step = p / q
        if abs(new_step) < tol_act:
            new_step = tol_act if new_step > 0 else -tol_act
        a, fa = b, fb
        b += new_step
        fb = f(b)
        if _same_sign(fb, fc):
            c, fc = a, fa
    return Root(b, -1, -1.0, False)
