"""Pieces of the recipe builder (:class:`retrocohort.synthetic.recipe_builder.RecipeBuilder`) for
paired Day 0 / Day 7 parameters and for the checks that recompute a target.

Grid units -> values, the configured Wilcoxon signed-rank p on grid values and its exact floor
(the p search's objective and bound), one paired draw's record, and the pairs and quantiles
computed as the pipeline computes them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from retrocohort.analysis.paired import paired_frame, wilcoxon_options
from retrocohort.audit.checks.quantile_checks import QUANTILE_P
from retrocohort.stats.quantiles import quantile
from retrocohort.stats.signed_rank import wilcoxon_signed_rank
from retrocohort.synthetic.paired_search import min_signed_rank_p
from retrocohort.synthetic.reconstruct import Outcome, Sample
from retrocohort.synthetic.subset_median import SubsetSample


def grid_values(values: list[int], decimals: int) -> np.ndarray:
    """Integer grid units -> values (``units / 10**decimals``)."""
    return np.asarray(values, dtype=np.float64) / 10**decimals


def signed_rank_p_of_grid(stats_cfg: dict, decimals: int) -> Callable[[list[int], list[int]], float]:
    """p of the configured Wilcoxon test on grid values, computed as the pipeline does."""
    opts = wilcoxon_options(stats_cfg["wilcoxon"])
    dec = stats_cfg["decimals_for_tests"]

    def p(u0: list[int], u7: list[int]) -> float:
        d = np.round(grid_values(u7, decimals) - grid_values(u0, decimals), dec)
        return wilcoxon_signed_rank(d, decimals=dec, **opts).p_value

    return p


def exact_p_floor(stats_cfg: dict, k: int) -> Fraction | None:
    """2 / 2**k when the configured signed-rank test is exact (with ties) for k pairs."""
    opts = wilcoxon_options(stats_cfg["wilcoxon"])
    exact = opts["method"] == "exact" or (
        opts["method"] == "auto" and k <= opts["exact_max_n"] and opts["exact_with_ties"]
    )
    return min_signed_rank_p(k) if exact and opts.get("alternative", "two-sided") == "two-sided" else None


def quantile_of(values: pd.Series, key: str, qtype: int) -> float:
    """The ``key`` quantile (:data:`retrocohort.audit.checks.quantile_checks.QUANTILE_P`) of the non-missing
    values, Hyndman-Fan type ``qtype`` (NaN when none)."""
    x = values.dropna().to_numpy(dtype=float)
    return float(quantile(x, float(QUANTILE_P[key]), qtype)) if x.size else math.nan


def pipeline_pairs(meas: pd.DataFrame, parameter: str) -> pd.DataFrame:
    """Day 0 / Day 7 pairs of one parameter of the synthetic long table (columns patient,
    parameter, day, value), paired as the pipeline pairs them (:func:`paired_frame`)."""
    canonical = meas.rename(columns={"patient": "patient_id", "parameter": "variable"})
    return paired_frame(canonical, parameter, (0, 7))


@dataclass
class PairedDraw:
    """One attempt at a paired laboratory parameter (sorted Day 0 grid values, kept positions)."""

    sub: SubsetSample
    day7: Sample
    units: list[int]
    kept: list[int]
    day7_units: list[int]
    p_outcome: Outcome
    p_distance: float = 0.0
