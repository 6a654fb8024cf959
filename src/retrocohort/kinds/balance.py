"""``kind: balance``: covariate balance of a declared treatment comparison
(``treatment_comparisons.<comparison>``) before and after matching or weighting: per covariate
(each level of a categorical one) the standardised mean difference treated - control, and for a
number the variance ratio, with the imbalance threshold stated and the covariates still above it
footnoted; a Love plot and an overlap figure of the propensity score by group.

The comparison is fitted on the analysed cohort by
:func:`retrocohort.analysis.treatment_comparison.fit_treatment_comparison`, the function the
rule ``treatment_comparison`` writes the design file with (same frame, same result). SMDs are
those of R MatchIt's ``summary.matchit`` (binary covariates standardised too; SD of the
unadjusted sample: the treated group's for the ATT, pooled for the ATE)
(:func:`retrocohort.stats.balance.balance_table` with ``binary="std"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.analysis.treatment_comparison import TreatmentDesign, fit_treatment_comparison
from retrocohort.kinds.base import TableKind, TableRequest
from retrocohort.render.model import Table
from retrocohort.stats.balance import SD_DENOMINATOR, balance_table, weighted_mean

FIGURES = ("love", "overlap")


def fit(request: TableRequest) -> TreatmentDesign:
    """The table's treatment comparison fitted on its population."""
    name = request.spec["comparison"]
    return fit_treatment_comparison(
        request.frame, name, request.config["treatment_comparisons"][name], request.config
    )


def balance_records(design: TreatmentDesign, threshold: float) -> list[dict[str, Any]]:
    """One ``covariate`` record per covariate column (SMD and variance ratio before and after,
    group means before and after, the SD denominator) and one ``sample`` record per group
    (patients before, patients and effective sample size after)."""
    cov, treat, weights = design.covariates, design.treatment, design.weights
    rows = balance_table(cov.matrix, treat, weights, cov.names, design.estimand, binary="std")
    one, zero = treat == 1, treat == 0
    ones = np.ones(treat.size)
    records = []
    for j, row in enumerate(rows):
        x = cov.matrix[:, j]
        records.append(
            {
                "role": "covariate",
                "order": j,
                "column": row.name,
                "variable": cov.variables[j],
                "level": cov.levels[j] or "",
                "label": cov.labels[j],
                "binary": row.binary,
                "mean_treated_before": weighted_mean(x[one], ones[one]),
                "mean_control_before": weighted_mean(x[zero], ones[zero]),
                "mean_treated_after": weighted_mean(x[one], weights[one]),
                "mean_control_after": weighted_mean(x[zero], weights[zero]),
                "smd_before": row.diff_unadjusted,
                "smd_after": row.diff_adjusted,
                "variance_ratio_before": row.variance_ratio_unadjusted,
                "variance_ratio_after": row.variance_ratio_adjusted,
                "sd_denominator": row.sd_denominator,
                "threshold": threshold,
                "above_threshold_before": bool(abs(row.diff_unadjusted) > threshold),
                "above_threshold_after": bool(abs(row.diff_adjusted) > threshold),
            }
        )
    summary = design.summary
    for group, code, label in (("treated", 1, "Treated"), ("control", 0, "Untreated")):
        w = summary["weights"][group]
        records.append(
            {
                "role": "sample",
                "order": len(rows) + code,
                "column": group,
                "label": label,
                "n_before": int((treat == code).sum()),
                "n_after": int(summary["n_in_sample"][group]),
                "effective_n_after": w["effective_n"],
                "weight_min": w["min"],
                "weight_max": w["max"],
            }
        )
    return records


def statistics(request: TableRequest) -> pd.DataFrame:
    """``covariate`` records (SMD, variance ratio, means before and after) and ``sample``
    records, with the comparison's method sentence and estimand on every row."""
    design = fit(request)
    frame = pd.DataFrame.from_records(balance_records(design, float(request.spec["threshold"])))
    frame.insert(0, "comparison", design.name)
    frame["estimand"] = design.estimand
    frame["sd_denominator_rule"] = SD_DENOMINATOR[design.estimand]
    frame["method"] = design.summary["method"]
    frame["details"] = [{"summary": design.summary}] + [{}] * (len(frame) - 1)
    return frame


def build(stats: pd.DataFrame, request: TableRequest) -> Table:
    """The balance table (:func:`retrocohort.tables.balance_table.build_balance_table`)."""
    from retrocohort.tables.balance_table import build_balance_table

    return build_balance_table(stats, dict(request.config), request.table_id)


def draw(request: TableRequest, figure_id: str, stem: str) -> pd.DataFrame:
    """The Love plot (``love``) or the overlap figure (``overlap``); returns what it prints."""
    from retrocohort.figures.balance import draw_love_plot, draw_overlap

    design = fit(request)
    if figure_id == "love":
        records = pd.DataFrame.from_records(balance_records(design, float(request.spec["threshold"])))
        return draw_love_plot(records, design, float(request.spec["threshold"]), Path(stem))
    return draw_overlap(design, request.config, Path(stem))


def figures(spec: Mapping[str, Any]) -> list[str]:
    """A Love plot and an overlap figure per balance table."""
    return list(FIGURES)


KIND = TableKind("balance", statistics, build, figures=figures, draw=draw)
