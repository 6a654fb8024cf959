"""The matched sample of a propensity-score matching as a step of the cohort flow: how many
treated patients and controls were matched, and how many were left unmatched and why, from the
summary the treatment-comparison rule writes (``results/stats/treatment_comparison_<name>.json``).

CONSORT-style reporting of a matched observational comparison states the patients matched and
those left out of the matched sample (Austin 2008; the STROBE flow of participants).

References
----------
Austin PC. A critical appraisal of propensity-score matching in the medical literature between
1996 and 2003. Stat Med 2008;27:2037-49.
von Elm E, et al. The Strengthening the Reporting of Observational Studies in Epidemiology
(STROBE) statement. Lancet 2007;370:1453-7 (item 13: numbers at each stage, reasons).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MatchedStep:
    """Counts of one matched comparison, as the flow diagram prints them.

    Attributes
    ----------
    label : str
        The comparison's label ("1:1 propensity-score matching").
    n_analysed : int
        Patients of the analysed cohort.
    n_not_modelled : int
        Of them, without the treatment or a covariate of the score (not matched).
    treated_matched, control_matched : int
        Patients in the matched sample by group.
    n_sets : int
        Matched sets.
    treated_unmatched, control_unmatched : int
        Modelled patients left out of the matched sample by group.
    caliper : float or None
        The caliper in SD of the distance (None without one).
    """

    label: str
    n_analysed: int
    n_not_modelled: int
    treated_matched: int
    control_matched: int
    n_sets: int
    treated_unmatched: int
    control_unmatched: int
    caliper: float | None

    @property
    def n_matched(self) -> int:
        return self.treated_matched + self.control_matched

    @property
    def n_left_out(self) -> int:
        return self.n_analysed - self.n_matched

    def main_lines(self) -> list[str]:
        """The matched sample's box: "N treated, M controls matched (S matched sets)"."""
        return [
            f"{self.label}:",
            f"{self.treated_matched:,} treated, {self.control_matched:,} controls matched "
            f"({self.n_sets:,} matched sets)",
        ]

    def reasons(self) -> list[str]:
        """Why patients are not in the matched sample, one line per reason with a count > 0
        (treated patients left unmatched are always stated, 0 included: a reader checks them)."""
        why = (
            f"no control within the caliper ({self.caliper:g} SD)"
            if self.caliper is not None
            else "no eligible control left"
        )
        lines = [f"{self.treated_unmatched:,} treated unmatched: {why}"]
        if self.control_unmatched:
            lines.append(f"{self.control_unmatched:,} controls not selected as a match")
        if self.n_not_modelled:
            lines.append(f"{self.n_not_modelled:,} without the treatment or a covariate of the score")
        return lines


def matched_step(summary: Mapping[str, Any]) -> MatchedStep | None:
    """The flow step of a treatment comparison's summary (its JSON); None for weighting or
    matching with replacement (no matched sample of distinct patients in sets).

    Parameters
    ----------
    summary : mapping
        ``results/stats/treatment_comparison_<name>.json``: ``specification``, ``n_patients``,
        ``n_modelled``, ``n_in_sample``, ``n_unmatched``, ``n_matched_sets``.

    Returns
    -------
    MatchedStep or None

    References
    ----------
    Austin PC. Stat Med 2008;27:2037-49.

    Examples
    --------
    >>> step = matched_step({"specification": {"label": "PSM", "method": "matching",
    ...     "matching": {"caliper": 0.2, "replace": False}}, "n_patients": 110,
    ...     "n_modelled": {"treated": 30, "control": 75}, "n_in_sample": {"treated": 28, "control": 28},
    ...     "n_unmatched": {"treated": 2, "control": 47}, "n_matched_sets": 28})
    >>> step.main_lines(), step.reasons(), step.n_left_out
    (['PSM:', '28 treated, 28 controls matched (28 matched sets)'], ['2 treated unmatched: no control within the caliper (0.2 SD)', '47 controls not selected as a match', '5 without the treatment or a covariate of the score'], 54)
    """
    spec = summary.get("specification") or {}
    matching = spec.get("matching") or {}
    if spec.get("method") != "matching" or matching.get("replace"):
        return None
    modelled, inside, unmatched = summary["n_modelled"], summary["n_in_sample"], summary["n_unmatched"]
    n = int(summary["n_patients"])
    return MatchedStep(
        label=str(spec.get("label") or "Propensity-score matching"),
        n_analysed=n,
        n_not_modelled=n - int(modelled["treated"]) - int(modelled["control"]),
        treated_matched=int(inside["treated"]),
        control_matched=int(inside["control"]),
        n_sets=int(summary["n_matched_sets"]),
        treated_unmatched=int(unmatched["treated"]),
        control_unmatched=int(unmatched["control"]),
        caliper=None if matching.get("caliper") is None else float(matching["caliper"]),
    )


@dataclass(frozen=True)
class WeightedStep:
    """Counts of one weighted comparison, as the flow diagram prints them: the patients given a
    weight by group and their effective sample sizes (Kish: (sum w)^2 / sum w^2).

    Attributes
    ----------
    label : str
        The comparison's label ("Inverse probability of treatment weighting").
    n_analysed : int
        Patients of the analysed cohort.
    n_not_modelled : int
        Of them, without the treatment or a covariate of the score (no weight).
    treated, control : int
        Patients in the weighted sample by group.
    ess_treated, ess_control : float
        Effective sample sizes by group.
    estimand : str
        ATE or ATT.
    """

    label: str
    n_analysed: int
    n_not_modelled: int
    treated: int
    control: int
    ess_treated: float
    ess_control: float
    estimand: str

    @property
    def n_matched(self) -> int:
        """Patients in the weighted sample (the box's n)."""
        return self.treated + self.control

    @property
    def n_left_out(self) -> int:
        return self.n_analysed - self.n_matched

    def main_lines(self) -> list[str]:
        """The weighted sample's box: "N treated, M controls weighted (ATT; effective ...)"."""
        return [
            f"{self.label}:",
            f"{self.treated:,} treated, {self.control:,} controls weighted ({self.estimand}; effective "
            f"sample size {self.ess_treated:,.0f} and {self.ess_control:,.0f})",
        ]

    def reasons(self) -> list[str]:
        """Why patients have no weight (none when every analysed patient has one)."""
        if not self.n_left_out:
            return []
        return [f"{self.n_left_out:,} without the treatment or a covariate of the score"]


def sample_step(summary: Mapping[str, Any]) -> MatchedStep | WeightedStep | None:
    """The flow step of any treatment comparison's summary: :func:`matched_step` for a matching,
    a :class:`WeightedStep` for a weighting; None for matching with replacement.

    Parameters
    ----------
    summary : mapping
        ``results/stats/treatment_comparison_<name>.json`` (a weighting's ``weights.<group>``
        hold ``effective_n``).

    Returns
    -------
    MatchedStep, WeightedStep or None

    References
    ----------
    Austin PC, Stuart EA. Stat Med 2015;34:3661-79 (report the effective sample size).

    Examples
    --------
    >>> step = sample_step({"specification": {"label": "IPTW", "method": "weighting",
    ...     "weighting": {"estimand": "ATT"}}, "n_patients": 110, "estimand": "ATT",
    ...     "n_modelled": {"treated": 30, "control": 75}, "n_in_sample": {"treated": 30, "control": 75},
    ...     "weights": {"treated": {"effective_n": 30.0}, "control": {"effective_n": 41.6}}})
    >>> step.main_lines(), step.reasons()
    (['IPTW:', '30 treated, 75 controls weighted (ATT; effective sample size 30 and 42)'], ['5 without the treatment or a covariate of the score'])
    """
    spec = summary.get("specification") or {}
    if spec.get("method") != "weighting":
        return matched_step(summary)
    inside, weights = summary["n_in_sample"], summary["weights"]
    modelled = summary["n_modelled"]
    n = int(summary["n_patients"])
    return WeightedStep(
        label=str(spec.get("label") or "Inverse probability of treatment weighting"),
        n_analysed=n,
        n_not_modelled=n - int(modelled["treated"]) - int(modelled["control"]),
        treated=int(inside["treated"]),
        control=int(inside["control"]),
        ess_treated=float(weights["treated"]["effective_n"]),
        ess_control=float(weights["control"]["effective_n"]),
        estimand=str(summary.get("estimand") or (spec.get("weighting") or {}).get("estimand", "")),
    )
