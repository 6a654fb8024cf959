"""Aliased (non-identifiable) columns of a design, found as R finds them.

* ``glm`` (and ``lm``): R's LINPACK routine ``dqrdc2``, a Householder QR with limited column
  pivoting, takes the columns in model order; a column whose norm, after the columns kept before
  it have been projected out, is below ``tol`` times its original norm is moved to the end and
  not used (coefficient NA: "not defined because of singularities"). So of two collinear columns
  the later one in model order is dropped. ``lm.fit`` uses ``tol = 1e-7``; ``glm.fit`` uses
  ``min(1e-7, epsilon / 1000)``, 1e-11 at the default ``glm.control(epsilon = 1e-8)`` (on the
  IRLS-weighted matrix, whose weights are all equal at R's start).
* ``survival::coxph``: a Cholesky decomposition of the information matrix (C routine
  ``cholesky2``, no pivoting, columns in model order) sets a column to 0 when its pivot is below
  ``toler.chol`` (``.Machine$double.eps^0.75``) times the largest diagonal element; its
  coefficient is NA. Again the later of collinear columns is dropped.

References
----------
Dongarra, Bunch, Moler & Stewart (1979), LINPACK Users' Guide, ch. 9 (``dqrdc``); R's
``src/appl/dqrdc2.f`` and ``glm.fit``; Therneau, survival package, ``cholesky2.c`` and
``coxph.fit``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

R_QR_TOL = 1e-7  # lm.fit: qr(x, tol = 1e-7)
R_GLM_QR_TOL = 1e-11  # glm.fit: min(1e-7, glm.control()$epsilon / 1000)
R_COXPH_TOLER_CHOL = np.finfo(float).eps ** 0.75  # coxph.control()$toler.chol


@dataclass(frozen=True)
class Aliasing:
    """Which columns are aliased and, for each, the kept columns it is a combination of.

    ``aliased[j]`` is True for a dropped column; ``combinations[j]`` maps a dropped column's
    index to the coefficients of the kept columns (by index) reproducing it (least squares, only
    the non-negligible ones)."""

    aliased: np.ndarray
    combinations: dict[int, dict[int, float]]

    @property
    def rank(self) -> int:
        """Number of kept (estimable) columns."""
        return int((~self.aliased).sum())


def limited_pivoting_qr(x: np.ndarray, tol: float = R_QR_TOL) -> Aliasing:
    """Aliased columns of ``x`` by R's ``dqrdc2`` rule (Householder QR, limited pivoting).

    Parameters
    ----------
    x : numpy.ndarray
        n x p design matrix, columns in model order (an intercept, if any, first).
    tol : float
        Relative tolerance: column j is aliased when the norm of its residual on the columns
        kept before it is < ``tol`` times its own norm (R: ``qr(x, tol = 1e-7)``). A column of
        zeros is aliased.

    Returns
    -------
    Aliasing
        The aliased columns and what each is a combination of.

    Notes
    -----
    The residual norm is computed by Householder reflections of the kept columns (as
    ``dqrdc2``), exactly rather than by ``dqrdc2``'s norm downdating; the two agree except
    for a residual within rounding of the tolerance. At most n columns are kept.

    References
    ----------
    Dongarra JJ, Bunch JR, Moler CB, Stewart GW. LINPACK Users' Guide. SIAM; 1979. (Chapter 9,
    ``dqrdc``; R's ``src/appl/dqrdc2.f``.)

    Examples
    --------
    The third column is the sum of the first two: it is aliased, as R's ``lm`` gives it NA.

    >>> import numpy as np
    >>> x = np.array([[1.0, 0, 1], [1, 1, 2], [1, 0, 1], [1, 1, 2]])
    >>> al = limited_pivoting_qr(x)
    >>> al.aliased.tolist(), {j: {k: round(v, 6) for k, v in c.items()} for j, c in al.combinations.items()}
    ([False, False, True], {2: {0: 1.0, 1: 1.0}})
    """
    x = np.asarray(x, dtype=float)
    n, p = x.shape
    aliased = np.zeros(p, dtype=bool)
    work = x.copy()
    kept: list[int] = []
    reflectors: list[np.ndarray] = []
    for j in range(p):
        column = work[:, j].copy()
        for step, v in enumerate(reflectors):  # apply the reflections of the kept columns
            column[step:] -= 2.0 * v * (v @ column[step:])
        original = np.linalg.norm(x[:, j])
        r = len(kept)  # rows above r hold the triangular factor
        residual = np.linalg.norm(column[r:]) if r < n else 0.0
        if original == 0 or residual < tol * original or r >= n:
            aliased[j] = True
            continue
        v = column[r:].copy()  # Householder vector zeroing column[l+1:]
        v[0] += np.copysign(residual, v[0]) if v[0] != 0 else residual
        v /= np.linalg.norm(v)
        reflectors.append(v)
        kept.append(j)
    return Aliasing(aliased=aliased, combinations=combinations_of(x, aliased, tol))


def combinations_of(x: np.ndarray, aliased: np.ndarray, tol: float = R_QR_TOL) -> dict[int, dict[int, float]]:
    """For each aliased column of ``x``, the kept columns reproducing it (least-squares coefficients).

    Only coefficients contributing more than ``tol`` of the column's norm are kept.

    Parameters
    ----------
    x : numpy.ndarray
        Design matrix (n x p).
    aliased : numpy.ndarray
        Boolean, True for an aliased column.
    tol : float
        Relative size below which a contribution is dropped.

    Returns
    -------
    dict
        Aliased column index -> {kept column index: coefficient}.

    References
    ----------
    Dongarra JJ, Bunch JR, Moler CB, Stewart GW. LINPACK Users' Guide. SIAM; 1979. (Least
    squares by QR.)

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 0, 2], [1, 1, 2], [1, 0, 2], [1, 1, 2]])
    >>> {j: {k: round(v, 6) for k, v in c.items()} for j, c in combinations_of(x, np.array([False, False, True])).items()}
    {2: {0: 2.0}}
    """
    kept = np.flatnonzero(~aliased).tolist()
    combinations: dict[int, dict[int, float]] = {}
    if not kept:
        return combinations
    basis = x[:, kept]
    for j in np.flatnonzero(aliased):
        coef, *_ = np.linalg.lstsq(basis, x[:, j], rcond=None)
        scale = np.linalg.norm(x[:, j]) or 1.0
        combinations[int(j)] = {
            kept[i]: float(c)
            for i, c in enumerate(coef)
            if abs(c) * np.linalg.norm(basis[:, i]) > max(tol, 1e-7) * scale
        }
    return combinations


def cholesky2_aliased(information: np.ndarray, toler: float = R_COXPH_TOLER_CHOL) -> np.ndarray:
    """Columns set to zero by survival's ``cholesky2`` (coxph): in model order, a pivot below
    ``toler`` times the largest diagonal element of ``information`` (or not finite).

    Parameters
    ----------
    information : numpy.ndarray
        Symmetric information matrix (minus the Hessian of the log partial likelihood).
    toler : float
        ``coxph.control(toler.chol)``, default ``.Machine$double.eps^0.75``.

    Returns
    -------
    numpy.ndarray
        Boolean mask of the aliased columns.

    References
    ----------
    Therneau TM, Grambsch PM. Modeling Survival Data: Extending the Cox Model. Springer; 2000.
    (R package survival: ``cholesky2.c``, ``coxph.fit``.)

    Examples
    --------
    Columns 1 and 2 identical: the second is aliased.

    >>> import numpy as np
    >>> cholesky2_aliased(np.array([[2.0, 2.0, 0.5], [2.0, 2.0, 0.5], [0.5, 0.5, 1.0]])).tolist()
    [False, True, False]
    """
    a = np.array(information, dtype=float)
    k = a.shape[0]
    largest = max((a[i, i] for i in range(k) if a[i, i] > 0), default=0.0)
    eps = toler * largest if largest > 0 else toler
    aliased = np.zeros(k, dtype=bool)
    for i in range(k):
        pivot = a[i, i]
        if not np.isfinite(pivot) or pivot < eps:
            aliased[i] = True
            continue
        for j in range(i + 1, k):
            temp = a[j, i] / pivot
            a[j, i] = temp
            a[j, j] -= temp * temp * pivot
            for m in range(j + 1, k):
                a[m, j] -= temp * a[m, i]
    return aliased


def aliasing_notes(aliasing: Aliasing, names: Sequence[str]) -> list[str]:
    """One note per aliased column, in words like R's: "female not estimable (aliased: collinear with the intercept and sex: f vs m; R: not defined because of singularities)".

    Parameters
    ----------
    aliasing : Aliasing
        The result of :func:`limited_pivoting_qr` (or an equivalent for coxph).
    names : sequence of str
        The column names of the matrix given to :func:`limited_pivoting_qr` (the constant column
        named in words, e.g. "the intercept").

    Returns
    -------
    list of str
        The notes, in column order.

    References
    ----------
    Dongarra JJ, Bunch JR, Moler CB, Stewart GW. LINPACK Users' Guide. SIAM; 1979. (Chapter 9,
    ``dqrdc``; R's ``src/appl/dqrdc2.f``.)

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([[1.0, 0, 1], [1, 1, 2], [1, 0, 1], [1, 1, 2]])
    >>> aliasing_notes(limited_pivoting_qr(x), ["the intercept", "treated", "dose"])
    ["dose not estimable (aliased: collinear with the intercept and treated; fitted without it, as R's 'not defined because of singularities')"]
    """
    notes = []
    for j, combination in aliasing.combinations.items():
        partners = [names[i] for i in combination]
        if not partners:
            what = "it is zero"
        else:
            text = ", ".join(partners[:-1]) + (" and " if len(partners) > 1 else "") + partners[-1]
            what = f"collinear with {text}"
        notes.append(
            f"{names[j]} not estimable (aliased: {what}; fitted without it, "
            f"as R's 'not defined because of singularities')"
        )
    for j in np.flatnonzero(aliasing.aliased):
        if int(j) not in aliasing.combinations:
            notes.append(f"{names[j]} not estimable (aliased; fitted without it)")
    return notes
