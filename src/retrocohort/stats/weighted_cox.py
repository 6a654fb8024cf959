"""The Cox partial likelihood with case weights (Breslow or Efron ties, strata), its score,
information and per-subject score residuals, as R's ``coxph(weights = w)`` (``coxfit6.c``) and
``residuals(fit, type = "score")`` (``coxscore2.c``).

At an event time with d tied events of total weight W (mean weight W / d) and risk-set sums
S0 = sum w e^eta, S1 = sum w e^eta x, S2 = sum w e^eta x x' (events' own sums D0, D1, D2):

* Breslow: the log-likelihood gains sum_events w eta - W log S0;
* Efron: sum_events w eta - (W / d) sum_{k<d} log(S0 - (k / d) D0), with the weighted mean
  x_k = (S1 - (k / d) D1) / (S0 - (k / d) D0) in the score and information.

The score residual of subject i (unweighted; R's ``weighted = FALSE``) is
delta_i (x_i - mean_k x_k) - e^eta_i sum_{event times t <= t_i} sum_k c_ik (x_i - x_k) h_k, with
h_k = (W / d) / (S0 - (k / d) D0) and c_ik = 1 - k / d for an event at t_i, 1 otherwise (Breslow:
d = 1). Their weighted sum is the score; times the inverse information they are the ``dfbeta``
residuals of the robust variance (:func:`retrocohort.stats.sandwich.cluster_sandwich`).

References
----------
Therneau TM, Grambsch PM. Modeling Survival Data: Extending the Cox Model. Springer; 2000.
Sec. 3.3 (ties), 7.2 (weights), 7.3 (score residuals and the robust variance).
Efron B. The efficiency of Cox's likelihood function for censored data. JASA 1977;72:557-65.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class _Stratum:
    """One stratum: its rows by decreasing time, its distinct event times (increasing), how
    many rows are at risk at each (time >= t, a prefix of ``rows``), the rows with the event at
    each (``events``, grouped by ``event_time``: index into ``times``), and the Efron steps
    (``step_time``: the time of each step, ``step_frac``: k / d)."""

    rows: np.ndarray
    times: np.ndarray
    at_risk: np.ndarray
    events: np.ndarray
    event_time: np.ndarray
    step_time: np.ndarray
    step_frac: np.ndarray


def _strata(time: np.ndarray, status: np.ndarray, strata: np.ndarray | None, ties: str) -> list[_Stratum]:
    groups = np.zeros(time.size, dtype=int) if strata is None else np.unique(strata, return_inverse=True)[1]
    out = []
    for g in np.unique(groups):
        mine = np.flatnonzero(groups == g)
        rows = mine[np.argsort(-time[mine], kind="stable")]
        times = np.unique(time[rows][status[rows] == 1])
        at_risk = np.searchsorted(-time[rows], -times, side="right")  # rows with time >= t
        events = rows[status[rows] == 1]
        event_time = np.searchsorted(times, time[events])
        d = np.bincount(event_time, minlength=times.size)
        steps = d if ties == "efron" else np.ones_like(d)
        step_time = np.repeat(np.arange(times.size), steps)
        first = np.repeat(np.cumsum(steps) - steps, steps)
        step_frac = (np.arange(step_time.size) - first) / np.where(ties == "efron", d[step_time], 1)
        out.append(_Stratum(rows, times, at_risk, events, event_time, step_time, step_frac))
    return out


class WeightedCox:
    """Weighted Cox partial likelihood of a fixed data set (times, events, covariates, weights).

    Parameters
    ----------
    time, status : numpy.ndarray
        Follow-up times and 0/1 event indicators.
    x : numpy.ndarray
        n x p covariate matrix (no intercept).
    weights : numpy.ndarray
        Positive case weights (R ``coxph(weights =)``).
    ties : {"efron", "breslow"}
        Approximation for tied event times.
    strata : numpy.ndarray, optional
        Stratum labels (separate baseline hazards).

    Examples
    --------
    >>> import numpy as np
    >>> cox = WeightedCox(np.array([1.0, 2, 2, 3]), np.array([1, 1, 1, 0]), np.array([[0.0], [1], [0], [1]]), np.ones(4), "efron")
    >>> round(cox.loglike(np.zeros(1)), 6)  # -log 4 - (log 3 + log 2); R: coxph(...)$loglik[1]
    -3.178054
    """

    def __init__(
        self,
        time: np.ndarray,
        status: np.ndarray,
        x: np.ndarray,
        weights: np.ndarray,
        ties: str,
        strata: np.ndarray | None = None,
    ) -> None:
        self.time, self.status = np.asarray(time, float), np.asarray(status, float)
        self.x, self.weights, self.ties = np.asarray(x, float), np.asarray(weights, float), ties
        self.strata = _strata(self.time, self.status, strata, ties)

    def _steps(self, beta: np.ndarray, st: _Stratum) -> tuple[np.ndarray, ...]:
        """Per Efron step of stratum ``st``: mean event weight, denominator, weighted mean x and
        S2 / denominator; and the events' sums of w eta and w x."""
        eta = self.x @ beta
        risk = self.weights * np.exp(eta)
        x, r, e = self.x[st.rows], risk[st.rows], st.events
        m = st.at_risk - 1
        s0, s1 = np.cumsum(r)[m], np.cumsum(r[:, None] * x, axis=0)[m]
        s2 = np.cumsum(r[:, None, None] * x[:, :, None] * x[:, None, :], axis=0)[m]
        n_t, p = st.times.size, self.x.shape[1]
        d0, d1, d2, dead_wt = np.zeros(n_t), np.zeros((n_t, p)), np.zeros((n_t, p, p)), np.zeros(n_t)
        np.add.at(d0, st.event_time, risk[e])
        np.add.at(d1, st.event_time, risk[e][:, None] * self.x[e])
        np.add.at(d2, st.event_time, risk[e][:, None, None] * self.x[e][:, :, None] * self.x[e][:, None, :])
        np.add.at(dead_wt, st.event_time, self.weights[e])
        j, f = st.step_time, st.step_frac
        denom = s0[j] - f * d0[j]
        xbar = (s1[j] - f[:, None] * d1[j]) / denom[:, None]
        s2_mean = (s2[j] - f[:, None, None] * d2[j]) / denom[:, None, None]
        mean_wt = dead_wt[j] / np.bincount(j, minlength=n_t)[j]
        return mean_wt, denom, xbar, s2_mean, self.weights[e] @ eta[e], self.weights[e] @ self.x[e]

    def loglike(self, beta: np.ndarray) -> float:
        """The weighted log partial likelihood at ``beta``."""
        total = 0.0
        for st in self.strata:
            mean_wt, denom, _xbar, _s2, w_eta, _wx = self._steps(beta, st)
            total += float(w_eta - mean_wt @ np.log(denom))
        return float(total)

    def derivatives(self, beta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Score and Hessian (minus the information) at ``beta``."""
        p = self.x.shape[1]
        score, information = np.zeros(p), np.zeros((p, p))
        for st in self.strata:
            mean_wt, _denom, xbar, s2, _w_eta, w_x = self._steps(beta, st)
            score += w_x - mean_wt @ xbar
            information += np.einsum("k,kij->ij", mean_wt, s2 - xbar[:, :, None] * xbar[:, None, :])
        return score, -information

    def score_residuals(self, beta: np.ndarray) -> np.ndarray:
        """n x p score residuals (unweighted), R ``residuals(fit, type = "score")``."""
        out = np.zeros_like(self.x)
        e_eta = np.exp(self.x @ beta)
        for st in self.strata:
            mean_wt, denom, xbar, _s2, _w_eta, _w_x = self._steps(beta, st)
            n_t, j = st.times.size, st.step_time
            hazard = mean_wt / denom
            h, hx = np.zeros(n_t), np.zeros((n_t, self.x.shape[1]))
            h_ev, hx_ev, x_mean = np.zeros(n_t), np.zeros_like(hx), np.zeros_like(hx)
            np.add.at(h, j, hazard)
            np.add.at(hx, j, hazard[:, None] * xbar)
            np.add.at(h_ev, j, (1 - st.step_frac) * hazard)
            np.add.at(hx_ev, j, ((1 - st.step_frac) * hazard)[:, None] * xbar)
            np.add.at(x_mean, j, xbar / np.bincount(j, minlength=n_t)[j][:, None])
            rows = st.rows
            t, event = self.time[rows], self.status[rows] == 1
            upto = np.searchsorted(st.times, t, side="right")  # event times <= t
            own = (upto > 0) & (st.times[np.maximum(upto - 1, 0)] == t)
            before = np.where(own, upto - 1, upto)
            cum_h = np.concatenate([[0.0], np.cumsum(h)])[before]
            cum_hx = np.concatenate([np.zeros((1, hx.shape[1])), np.cumsum(hx, axis=0)])[before]
            k = np.maximum(upto - 1, 0)
            cum_h = cum_h + np.where(own, np.where(event, h_ev[k], h[k]), 0.0)
            cum_hx = cum_hx + np.where(own[:, None], np.where(event[:, None], hx_ev[k], hx[k]), 0.0)
            x = self.x[rows]
            resid = -e_eta[rows][:, None] * (x * cum_h[:, None] - cum_hx)
            resid[event] += x[event] - x_mean[k[event]]
            out[rows] = resid
        return out
