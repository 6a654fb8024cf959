"""Formatted balance table from the statistics of a ``balance`` table
(:mod:`retrocohort.kinds.balance`): per covariate (a categorical one as a heading with one row
per level) the standardised mean difference before and after matching or weighting and, for a
number, the variance ratio; footnotes state the method, the SD used, the threshold and the
covariates still above it, and the sample sizes (effective sample sizes for weights)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from retrocohort.format.numbers import EM_DASH, format_number, rounding_rule_sentence
from retrocohort.render.model import Row, Table
from retrocohort.tables.cells import number_style

COLUMNS = ["Covariate", "SMD before", "SMD after", "Variance ratio before", "Variance ratio after"]


def _after_word(method: str) -> str:
    return "matching" if "matching" in method else "weighting"


def _sample_note(samples: pd.DataFrame, after: str, decimals: int) -> str:
    parts = []
    for rec in samples.to_dict("records"):
        text = f"{rec['label']} {int(rec['n_before'])} before, {int(rec['n_after'])} after"
        if after == "weighting":
            text += f" (effective sample size {format_number(rec['effective_n_after'], 1)})"
        parts.append(text)
    text = f"Patients: {'; '.join(parts)} {after}"
    if after == "matching":
        left = [
            f"{int(r['n_before']) - int(r['n_after'])} {r['label'].lower()}"
            for r in samples.to_dict("records")
        ]
        text += f" (unmatched: {' and '.join(left)})"
    return text + "."


def imbalance_footnote(covariates: pd.DataFrame, threshold: float, after: str) -> str:
    """The sentence naming the covariates whose |SMD| stays above the threshold after
    adjustment, or saying that none does.

    Examples
    --------
    >>> c = pd.DataFrame({"label": ["Age", "Nodes"], "above_threshold_after": [False, True]})
    >>> imbalance_footnote(c, 0.1, "matching")
    'Still above |SMD| 0.1 after matching: Nodes.'
    """
    above = covariates.loc[covariates["above_threshold_after"].astype(bool), "label"].tolist()
    if not above:
        return f"Every covariate has |SMD| <= {threshold:g} after {after}."
    return f"Still above |SMD| {threshold:g} after {after}: {', '.join(above)}."


def build_balance_table(stats: pd.DataFrame, config: dict[str, Any], tid: str) -> Table:
    """The balance table of ``tables.<tid>`` from its statistics.

    Parameters
    ----------
    stats : pandas.DataFrame
        :func:`retrocohort.kinds.balance.statistics`.
    config : dict
        The loaded study (the table's entry, variable labels, rounding).
    tid : str
        The table's key.

    Returns
    -------
    Table
        Rows per covariate, footnotes with the method, threshold and imbalance.

    References
    ----------
    Austin PC. Balance diagnostics for comparing the distribution of baseline covariates
    between treatment groups in propensity-score matched samples. Stat Med 2009;28:3083-107.
    """
    spec = config["tables"][tid]
    style = number_style(config, tid)
    decimals = int(spec["decimals"])
    threshold = float(spec["threshold"])
    covariates = stats[stats["role"] == "covariate"].sort_values("order")
    samples = stats[stats["role"] == "sample"].sort_values("order", ascending=False)
    method = str(stats["method"].iloc[0])
    after = _after_word(method)

    def number(x: Any) -> str:
        return format_number(x, decimals, rule=style.rule, nan=EM_DASH)

    rows, seen = [], set()
    for rec in covariates.to_dict("records"):
        level = rec["level"] if isinstance(rec["level"], str) else ""
        label = rec["label"]
        if level:
            head, _, label = label.partition(": ")
            if rec["variable"] not in seen:
                rows.append(Row([head, "", "", "", ""], section=True))
                seen.add(rec["variable"])
        cells = [label, number(rec["smd_before"]), number(rec["smd_after"])]
        cells += (
            ["", ""]
            if rec["binary"]
            else [number(rec["variance_ratio_before"]), number(rec["variance_ratio_after"])]
        )
        rows.append(Row(cells, indent=1 if level else 0))
    estimand = str(stats["estimand"].iloc[0])
    sd_rule = str(stats["sd_denominator_rule"].iloc[0])
    sd_text = (
        "the SD of the treated group before adjustment"
        if sd_rule == "treated"
        else "the pooled SD sqrt((s1² + s0²)/2) before adjustment"
    )
    footnotes = list(spec.get("footnotes") or [])
    footnotes += [
        method,
        f"SMD: standardised mean difference, treated − control, divided by {sd_text} (estimand "
        f"{estimand}; for a yes/no covariate or a level, the SD is sqrt(p(1 − p)), as R MatchIt's "
        "summary). Variance ratio: treated / control, numbers only. Threshold of imbalance: "
        f"|SMD| > {threshold:g}.",
        imbalance_footnote(covariates, threshold, after),
        _sample_note(samples, after, decimals),
        rounding_rule_sentence(style.rule),  # type: ignore[arg-type]
    ]
    title = spec.get("title", f"Covariate balance before and after {after}")
    return style.table(
        Table(title=title, columns=list(COLUMNS), rows=rows, footnotes=footnotes, label=f"tab:{tid}")
    )
