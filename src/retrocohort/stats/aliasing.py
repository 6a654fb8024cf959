"""Aliased (non-identifiable) columns of a design matrix, found as R's ``lm.fit`` / ``glm.fit``
find them: a QR decomposition with limited column pivoting and a relative tolerance of 1e-7.

R's LINPACK routine ``dqrdc2`` (used by ``qr()``, ``lm.fit`` and ``glm.fit`` with
``tol = 1e-7``) takes the columns in model order; a column whose norm, after the columns kept
before it have been projected out, is below ``tol`` times its original norm is moved to the end
and not used (its coefficient is NA: "not defined because of singularities"). So of two
collinear columns the later one in model order is dropped. ``survival::coxph`` drops the later
of collinear columns too (its Cholesky decomposition of the information matrix sets them to 0;
``coef`` NA); here the same rule is applied to the Cox design with a constant column first, since
the partial likelihood does not identify a constant.

References
----------
Dongarra, Bunch, Moler & Stewart (1979), LINPACK Users' Guide, ch. 9 (``dqrdc``);
R's ``src/appl/dqrdc2.f`` (limited column pivoting, B. D. Ripley / D. Bates).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

R_QR_TOL = 1e-7  # lm.fit / glm.fit: qr(x, tol = 1e-7)


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
    combinations: dict[int, dict[int, float]] = {}
    if aliased.any() and kept:
        basis = x[:, kept]
        for j in np.flatnonzero(aliased):
            coef, *_ = np.linalg.lstsq(basis, x[:, j], rcond=None)
            scale = np.linalg.norm(x[:, j]) or 1.0
            combinations[int(j)] = {
                kept[i]: float(c)
                for i, c in enumerate(coef)
                if abs(c) * np.linalg.norm(basis[:, i]) > tol * scale
            }
    return Aliasing(aliased=aliased, combinations=combinations)


def aliasing_notes(aliasing: Aliasing, names: Sequence[str]) -> list[str]:
    """One note per aliased column, in words like R's: "female not estimable (aliased: collinear
    with the intercept and sex: f vs m; R: not defined because of singularities)".

    ``names`` are the column names of the matrix given to :func:`limited_pivoting_qr` (the
    constant column named in words, e.g. "the intercept")."""
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
