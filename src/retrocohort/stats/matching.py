"""Greedy nearest-neighbour 1:k matching on a distance (propensity score or its logit), as R MatchIt.

Reproduces ``MatchIt::matchit(method = "nearest", distance = <vector>, ratio = k, replace =,
caliper =, std.caliper = TRUE, m.order = "largest", exact = ~ v)`` (MatchIt 4.5, C++ routine
``nn_matchC``):

* treated units are visited in decreasing order of distance (R ``order(decreasing = TRUE)``,
  ties in data order);
* without replacement, matching runs in k rounds: every treated unit gets its first control,
  then every treated unit still matchable its second, and so on; a control used once is gone; a
  treated unit with no eligible control in round 1 stays unmatched;
* with replacement, each treated unit gets its k nearest controls, controls reusable;
* the caliper is ``caliper * sd(distance)`` (SD over all units, n - 1) when standardised, and a
  control is eligible only if |d_t - d_c| <= caliper;
* with ``exact``, a control is eligible only in the treated unit's exact stratum.

Tie rule: two eligible controls at exactly the same |d_t - d_c| are not ordered as MatchIt
orders them (MatchIt walks the sorted distances outward, alternately left and right, and breaks
the remaining tie with ``std::partial_sort``, whose order of equal elements is unspecified);
here the control earlier in the data wins. Results equal MatchIt whenever no such tie arises.

Reference: Ho DE, Imai K, King G, Stuart EA. MatchIt: nonparametric preprocessing for
parametric causal inference. J Stat Softw 2011;42(8):1-28. Austin PC. Optimal caliper widths
for propensity-score matching. Pharm Stat 2011;10:150-61.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from retrocohort.errors import InputError, Problem


@dataclass(frozen=True)
class MatchResult:
    """Matched sets of a nearest-neighbour matching.

    ``treated``: indices of the treated units (data order), one row each of ``match_matrix``:
    the indices of their controls in the order matched, -1 where none. ``subclass``: per unit the
    matched set id (1, 2, ... numbered by treated units in data order, as MatchIt), 0 if
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
    row_of = {int(t): i for i, t in enumerate(treated)}
    match_matrix = np.full((treated.size, ratio), -1, dtype=int)
    available = np.ones(n, dtype=bool)

    def nearest(t: int, k: int) -> np.ndarray:
        eligible = controls[available[controls] & (strata[controls] == strata[t])]
        eligible = eligible[~np.isin(eligible, match_matrix[row_of[t]])]
        gaps = np.abs(distance[eligible] - distance[t])
        if width is not None:
            eligible, gaps = eligible[gaps <= width], gaps[gaps <= width]
        return eligible[np.argsort(gaps, kind="stable")[:k]]

    if replace:
        for t in treated[order]:
            found = nearest(int(t), ratio)
            match_matrix[row_of[int(t)], : found.size] = found
    else:
        active = np.ones(treated.size, dtype=bool)
        for r in range(ratio):
            for i in order:
                if not active[i] or not available[controls].any():
                    continue
                found = nearest(int(treated[i]), 1)
                if found.size == 0:
                    if r == 0:
                        active[i] = False
                    continue
                match_matrix[i, r] = found[0]
                available[found[0]] = False
    subclass = np.zeros(n, dtype=int)
    if not replace:
        set_id = 0
        for t, row in zip(treated, match_matrix, strict=True):
            if (row >= 0).any():
                set_id += 1
                subclass[t] = set_id
                subclass[row[row >= 0]] = set_id
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
