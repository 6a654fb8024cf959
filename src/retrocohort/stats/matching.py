"""Greedy nearest-neighbour 1:k matching on a distance (propensity score or its logit), as R MatchIt.

Reproduces ``MatchIt::matchit(method = "nearest", distance = <vector>, ratio = k, replace =,
caliper =, std.caliper = TRUE, m.order = "largest", exact = ~ v)`` of MatchIt 4.5.1 (Debian 12
``r-cran-matchit``; C++ ``nn_matchC_vec`` with ``find_left``/``find_right``):

* treated units are visited in decreasing order of distance (R ``order(decreasing = TRUE)``,
  ties in data order);
* matching runs in k rounds: every treated unit gets its first control, then every treated unit
  its second, and so on; without replacement a control used once is gone; with replacement it
  stays available, but not twice for the same treated unit;
* a treated unit's candidates are the eligible control just below and just above it in the
  distances sorted by R ``sort.list`` (stable: equal distances in data order); the one below wins
  unless the one above is strictly nearer. This fixes the tie rule: the lalonde oracle, with 41
  tied scores, equals MatchIt's matched sets;
* the caliper is ``caliper * sd(distance)`` (SD over all units, n - 1) when standardised; a
  control is eligible only if |d_t - d_c| <= caliper;
* with ``exact``, a control is eligible only in the treated unit's exact stratum (MatchIt matches
  each stratum separately, which gives the same sets).

Two defects of MatchIt 4.5.1 are not reproduced (both fixed in later MatchIt, NEWS 4.6.0): its
``abs()`` on distances truncates to an integer on this platform (issue #163: "calipers would not
work properly on some systems"), so on the 0-1 score scale it always takes the control below and
ignores the caliper; and with ``replace = TRUE, ratio > 1`` it can give a treated unit the same
control twice (#159). The R oracle therefore passes the distance multiplied by 1e9 (the logit by
1e8), which leaves every rule above unchanged and makes the truncation immaterial, and checks
replacement with k = 1.

Reference: Ho DE, Imai K, King G, Stuart EA. MatchIt: nonparametric preprocessing for
parametric causal inference. J Stat Softw 2011;42(8):1-28. Austin PC. Optimal caliper widths
for propensity-score matching. Pharm Stat 2011;10:150-61.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from retrocohort.errors import InputError, Problem


@dataclass(frozen=True)
class MatchResult:
    """Matched sets of a nearest-neighbour matching.

    ``treated``: indices of the treated units (data order), one row each of ``match_matrix``:
    the indices of their controls in the order matched, -1 where none. ``subclass``: per unit the
    matched set id, numbered as MatchIt 4.5.1 does (by the treated unit's 1-based row number
    sorted as a character string: rows 1, 10, 100, 2, ... get ids 1, 2, 3, 4, ...), 0 if
    unmatched or with replacement (no sets then). ``weights``: MatchIt's matching weights (ATT).
    ``unmatched``: indices of units in no matched set. ``caliper_width``: the caliper on the
    distance scale (None without). ``method``: a sentence naming the specification.
    """

    treated: np.ndarray
    match_matrix: np.ndarray
    subclass: np.ndarray
    weights: np.ndarray
    unmatched: np.ndarray
    caliper_width: float | None
    method: str


def _validate(treatment: np.ndarray, distance: np.ndarray, ratio: int, caliper: float | None, exact) -> None:
    problems = []
    if treatment.shape != distance.shape or treatment.ndim != 1:
        problems.append(
            Problem("treatment and distance differ in length", value=f"{treatment.shape} vs {distance.shape}")
        )
    elif not np.isin(treatment, (0, 1)).all():
        problems.append(Problem("treatment not coded 0/1", column="treatment", expected="0 or 1"))
    elif not np.isfinite(distance).all():
        row = int(np.flatnonzero(~np.isfinite(distance))[0])
        problems.append(
            Problem("distance not finite", row=row + 1, value=str(distance[row]), expected="a finite number")
        )
    if not isinstance(ratio, (int, np.integer)) or ratio < 1:
        problems.append(
            Problem("matching ratio must be a positive integer", column="ratio", value=str(ratio))
        )
    if caliper is not None and not (np.isfinite(caliper) and caliper > 0):
        problems.append(Problem("caliper must be a positive number", column="caliper", value=str(caliper)))
    if exact is not None and np.asarray(exact).shape[0] != treatment.shape[0]:
        problems.append(Problem("exact-matching variable differs in length", column="exact"))
    elif exact is not None and pd.isna(np.asarray(exact, dtype=object)).any():
        row = int(
            np.flatnonzero(pd.isna(np.asarray(exact, dtype=object)).reshape(len(exact), -1).any(axis=1))[0]
        )
        problems.append(
            Problem(
                "missing value in an exact-matching variable", row=row + 1, column="exact", expected="a value"
            )
        )
    if problems:
        raise InputError("Nearest-neighbour matching impossible", problems)


def _strata(exact: np.ndarray | None, n: int) -> np.ndarray:
    if exact is None:
        return np.zeros(n, dtype=int)
    values = np.asarray(exact)
    if values.ndim == 1:
        values = values[:, None]
    return np.unique(values.astype(str), axis=0, return_inverse=True)[1].reshape(-1)


def matching_weights(treatment: np.ndarray, match_matrix: np.ndarray, treated: np.ndarray) -> np.ndarray:
    """ATT matching weights from the matched sets, as MatchIt.

    Matched treated units weigh 1; a control weighs the sum, over the treated units it is
    matched to, of 1 / (number of controls of that treated unit); control weights are then scaled
    to sum to the number of matched controls (MatchIt ``get_weights_from_mm`` /
    ``get_weights_from_subclass`` followed by the scaling in ``matchit``). Unmatched units weigh 0.

    Parameters
    ----------
    treatment : numpy.ndarray
        0/1 indicator.
    match_matrix, treated : numpy.ndarray
        As :class:`MatchResult`.

    Returns
    -------
    numpy.ndarray
        One weight per unit.

    References
    ----------
    Ho DE, Imai K, King G, Stuart EA. MatchIt. J Stat Softw 2011;42(8):1-28.

    Examples
    --------
    >>> matching_weights(np.array([1, 1, 0, 0, 0]), np.array([[2, 3], [4, -1]]), np.array([0, 1])).tolist()
    [1.0, 1.0, 0.75, 0.75, 1.5]
    """
    weights = np.zeros(treatment.size)
    for t, row in zip(treated, match_matrix, strict=True):
        controls = row[row >= 0]
        if controls.size:
            weights[t] = 1.0
            np.add.at(weights, controls, 1.0 / controls.size)
    control = (treatment == 0) & (weights > 0)
    if control.any():
        weights[control] *= control.sum() / weights[control].sum()
    return weights


def _nearest(
    t: int,
    controls: np.ndarray,
    available: np.ndarray,
    strata: np.ndarray,
    row: np.ndarray,
    distance: np.ndarray,
    position: np.ndarray,
    width: float | None,
) -> int:
    """MatchIt 4.5.1 ``find_left``/``find_right``: the eligible control just below and just above
    the treated unit in the sorted distances; the one below wins unless the one above is
    strictly nearer. -1 if none."""
    eligible = controls[available[controls] & (strata[controls] == strata[t]) & ~np.isin(controls, row)]
    gaps = np.abs(distance[eligible] - distance[t])
    if width is not None:
        eligible, gaps = eligible[gaps <= width], gaps[gaps <= width]
    below, above = position[eligible] < position[t], position[eligible] > position[t]
    left = eligible[below][np.argmax(position[eligible[below]])] if below.any() else -1
    right = eligible[above][np.argmin(position[eligible[above]])] if above.any() else -1
    if left < 0 or right < 0:
        return int(max(left, right))
    return int(left if abs(distance[left] - distance[t]) <= abs(distance[right] - distance[t]) else right)


def nearest_neighbour_match(
    treatment: np.ndarray,
    distance: np.ndarray,
    *,
    ratio: int = 1,
    replace: bool = False,
    caliper: float | None = None,
    std_caliper: bool = True,
    exact: np.ndarray | None = None,
) -> MatchResult:
    """Greedy nearest-neighbour 1:k matching of treated to control units, as MatchIt ``method = "nearest"``.

    The order, rounds and caliper rules are those of MatchIt (module docstring), with
    ``m.order = "largest"`` (treated units with the largest distance matched first).

    Parameters
    ----------
    treatment : numpy.ndarray
        0/1 indicator (1 = treated, the focal group: estimand ATT).
    distance : numpy.ndarray
        The matching distance per unit: the propensity score (MatchIt's default
        ``distance = "glm"``) or its logit (``link = "linear.logit"``).
    ratio : int
        k, the number of controls per treated unit.
    replace : bool
        Match with replacement (a control can serve several treated units).
    caliper : float, optional
        Maximum |d_t - d_c|, in SDs of the distance if ``std_caliper`` (Austin 2011: 0.2 SD of
        the logit of the score).
    std_caliper : bool
        Whether ``caliper`` is in SD units of the distance (SD over all units).
    exact : numpy.ndarray, optional
        (n,) or (n, m) values on which matched units must agree exactly.

    Returns
    -------
    MatchResult
        Matched sets, subclasses, weights and unmatched units.

    References
    ----------
    Ho DE, Imai K, King G, Stuart EA. MatchIt: nonparametric preprocessing for parametric causal
    inference. J Stat Softw 2011;42(8):1-28.
    Austin PC. Optimal caliper widths for propensity-score matching when estimating differences
    in means and differences in proportions in observational studies. Pharm Stat 2011;10:150-61.

    Examples
    --------
    >>> t = np.array([1, 0, 1, 0, 0, 0])
    >>> d = np.array([0.9, 0.8, 0.5, 0.45, 0.2, 0.7])
    >>> m = nearest_neighbour_match(t, d)
    >>> m.match_matrix.tolist(), m.subclass.tolist(), m.unmatched.tolist()
    ([[1], [3]], [1, 1, 2, 2, 0, 0], [4, 5])
    """
    treatment = np.asarray(treatment)
    distance = np.asarray(distance, dtype=float)
    _validate(treatment, distance, ratio, caliper, exact)
    n = treatment.size
    strata = _strata(exact, n)
    width = None
    if caliper is not None:
        width = float(caliper * np.std(distance, ddof=1)) if std_caliper else float(caliper)
    treated = np.flatnonzero(treatment == 1)
    controls = np.flatnonzero(treatment == 0)
    order = np.argsort(-distance[treated], kind="stable")  # R order(decreasing = TRUE)
    position = np.empty(n, dtype=int)  # place in R sort.list(distance): stable, ties in data order
    position[np.argsort(distance, kind="stable")] = np.arange(n)
    match_matrix = np.full((treated.size, ratio), -1, dtype=int)
    available = np.ones(n, dtype=bool)
    for r in range(ratio):
        for i in order:
            t = int(treated[i])
            found = _nearest(t, controls, available, strata, match_matrix[i], distance, position, width)
            if found < 0:
                continue
            match_matrix[i, r] = found
            if not replace:
                available[found] = False
    subclass = np.zeros(n, dtype=int)
    if not replace:
        # MatchIt 4.5.1 mm2subclass: a factor of the treated units' row labels, levels sorted as
        # character strings ("1" < "10" < "2"), renumbered 1, 2, ...
        matched = [i for i in range(treated.size) if (match_matrix[i] >= 0).any()]
        for set_id, i in enumerate(sorted(matched, key=lambda i: str(treated[i] + 1)), start=1):
            subclass[treated[i]] = set_id
            subclass[match_matrix[i][match_matrix[i] >= 0]] = set_id
    weights = matching_weights(treatment, match_matrix, treated)
    spec = [f"1:{ratio}", "with" if replace else "without", "replacement"]
    method = (
        f"Greedy nearest-neighbour {spec[0]} matching {spec[1]} {spec[2]} on the distance "
        '(largest first, as R MatchIt method = "nearest")'
        + (
            f", caliper {caliper:g}{' SD' if std_caliper else ''} of the distance"
            if caliper is not None
            else ""
        )
        + (", exact on the declared variables" if exact is not None else "")
        + "."
    )
    return MatchResult(
        treated=treated,
        match_matrix=match_matrix,
        subclass=subclass,
        weights=weights,
        unmatched=np.flatnonzero(weights == 0),
        caliper_width=width,
        method=method,
    )
