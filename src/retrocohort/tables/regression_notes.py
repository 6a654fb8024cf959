"""The parts of a regression table that concern whole model terms: the global (likelihood-ratio)
p printed on a predictor's first row, the rows of interaction terms labelled from variable and
level labels ("Treatment arm × Female"), and the footnotes stating the global test, the
proportional-hazards check of a Cox model (R ``cox.zph``) and its strata.

All read the statistics frame of :meth:`retrocohort.analysis.regression.RegressionAnalysis.to_frame`
(its ``global_*``, ``ph_*``, ``strata`` and ``interaction`` columns, absent when unused)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.format.numbers import is_missing
from retrocohort.tables.footnote_words import wald_interval_words


def global_p(results: pd.DataFrame, analysis: str, variable: str) -> float | None:
    """The global p of ``variable``'s term in the ``analysis`` model(s) (univariable: the model
    of that predictor), None when it has none.

    Parameters
    ----------
    results : pandas.DataFrame
        The regression statistics (one row per model term).
    analysis : {"univariable", "multivariable"}
        Which model.
    variable : str
        The term's variable ("a:b" for an interaction).

    Returns
    -------
    float or None
        The likelihood-ratio p (R ``drop1(test = "LRT")``).

    References
    ----------
    Wilks SS. The large-sample distribution of the likelihood ratio for testing composite
    hypotheses. Ann Math Stat 1938;9:60-2.

    Examples
    --------
    >>> frame = pd.DataFrame({"analysis": ["univariable"] * 2, "variable": ["arm", "arm"], "global_p": [0.02, 0.02]})
    >>> global_p(frame, "univariable", "arm"), global_p(frame, "multivariable", "arm")
    (0.02, None)
    """
    if "global_p" not in results:
        return None
    rows = results[(results["analysis"] == analysis) & (results["variable"] == variable)]
    values = rows["global_p"].dropna()
    return float(values.iloc[0]) if len(values) else None


def interaction_parts(code: str) -> list[tuple[str, str | None]]:
    """(variable, level or None for a number) of each factor of an interaction column, from its
    ``interaction`` code "a=level;b=" (:func:`retrocohort.stats.regression_design.build_design`).

    Parameters
    ----------
    code : str
        The column's ``interaction`` value.

    Returns
    -------
    list of (str, str or None)
        The variables and levels, in model order.

    References
    ----------
    Chambers JM, Hastie TJ, eds. Statistical Models in S. Wadsworth & Brooks/Cole; 1992. Ch. 2.

    Examples
    --------
    >>> interaction_parts("trt=placebo;age=")
    [('trt', 'placebo'), ('age', None)]
    """
    parts = []
    for piece in code.split(";"):
        name, _, level = piece.partition("=")
        parts.append((name, level or None))
    return parts


def term_key_parts(rec: Mapping[str, Any]) -> list[str]:
    """The parts naming one stats row's coefficient (placeholder keys of the manuscript): the
    variable, then its level (a factor level) or each factor's level of an interaction (a
    number factor by its name), so the columns of one interaction get distinct keys.

    Parameters
    ----------
    rec : mapping
        One row of the regression statistics.

    Returns
    -------
    list of str
        The key parts.

    References
    ----------
    Presentation only; see :func:`interaction_parts`.

    Examples
    --------
    >>> term_key_parts({"variable": "trt:age", "level": None, "interaction": "trt=placebo;age="})
    ['trt:age', 'placebo', 'age']
    >>> term_key_parts({"variable": "arm", "level": "B"})
    ['arm', 'B']
    """
    code = rec.get("interaction")
    if isinstance(code, str) and code:
        return [str(rec["variable"])] + [level or name for name, level in interaction_parts(code)]
    level = rec.get("level")
    return [str(rec["variable"])] + ([] if level is None or is_missing(level) else [level])


def interaction_label(
    code: str, labels: Mapping[str, str], level_labels: Mapping[str, Mapping[str, str]]
) -> str:
    """A readable label of an interaction column: each factor by its level label (a number by
    its variable label), joined by " × ": "Placebo × Female", "Placebo × Age (years)".

    Parameters
    ----------
    code : str
        The column's ``interaction`` value.
    labels, level_labels : mapping
        Printed variable labels and {variable: {level: label}}.

    Returns
    -------
    str
        The row label.

    References
    ----------
    Presentation only; see :func:`interaction_parts`.

    Examples
    --------
    >>> interaction_label("trt=placebo;sex=f", {}, {"trt": {"placebo": "Placebo"}, "sex": {"f": "Female"}})
    'Placebo × Female'
    """
    words = []
    for name, level in interaction_parts(code):
        if level is None:
            words.append(str(labels.get(name, name)))
        else:
            words.append(str(level_labels.get(name, {}).get(level, level)))
    return " × ".join(words)


def term_label(term: str, labels: Mapping[str, str]) -> str:
    """A term's printed name: a predictor's label, an interaction "A × B" of its variables'
    labels.

    Parameters
    ----------
    term : str
        A predictor's name, or "a:b" for an interaction.
    labels : mapping
        Printed variable labels.

    Returns
    -------
    str
        The label.

    References
    ----------
    Presentation only; see :func:`interaction_parts`.

    Examples
    --------
    >>> term_label("trt:sex", {"trt": "Treatment arm", "sex": "Sex"})
    'Treatment arm × Sex'
    """
    return " × ".join(str(labels.get(name, name)) for name in term.split(":"))


def model_footnote(results: pd.DataFrame) -> str:
    """The model of a regression table in words: "Cox proportional-hazards regression (Efron
    method for ties) on complete cases ...; 95% confidence intervals are Wald intervals on the
    log scale." The formulas (exp(b -/+ z se)) stay in the statistics' ``method`` column and the
    methods' supplementary note.

    Parameters
    ----------
    results : pandas.DataFrame
        The regression statistics (``model``, ``method``, ``conf_level``; ``global_p`` when
        printed).

    Returns
    -------
    str
        The sentences.

    References
    ----------
    Cox DR. Regression models and life-tables. J R Stat Soc B 1972;34:187-220. Hosmer DW,
    Lemeshow S, Sturdivant RX. Applied Logistic Regression. 3rd ed. Wiley; 2013.

    Examples
    --------
    >>> frame = pd.DataFrame({"model": ["logistic"], "method": ["Logistic regression (...)"], "conf_level": [0.95]})
    >>> model_footnote(frame)
    'Logistic regression (maximum likelihood) on complete cases; categorical predictors compared with their stated reference level. 95% confidence intervals are Wald intervals on the log scale; p-values are Wald tests.'
    """
    if str(results["model"].iloc[0]) == "cox":
        ties = "Breslow" if results["method"].astype(str).str.contains("Breslow ties").any() else "Efron"
        model = f"Cox proportional-hazards regression ({ties} method for ties)"
    else:
        model = "Logistic regression (maximum likelihood)"
    wald_p = (
        "" if "global_p" in results and results["global_p"].notna().any() else "; p-values are Wald tests"
    )
    return (
        f"{model} on complete cases; categorical predictors compared with their stated reference level. "
        + wald_interval_words(float(results["conf_level"].iloc[0])).rstrip(".")
        + wald_p
        + "."
    )


def global_p_footnote(results: pd.DataFrame) -> list[str]:
    """The sentence naming the global test, when the table prints one.

    Parameters
    ----------
    results : pandas.DataFrame
        The regression statistics.

    Returns
    -------
    list of str
        One footnote, or none when no term has a global p.

    References
    ----------
    Wilks SS. The large-sample distribution of the likelihood ratio for testing composite
    hypotheses. Ann Math Stat 1938;9:60-2.

    Examples
    --------
    >>> global_p_footnote(pd.DataFrame({"global_p": [float("nan")]}))
    []
    """
    if "global_p" not in results or not results["global_p"].notna().any():
        return []
    return [
        "p on a predictor's first row (global p): likelihood-ratio test against the model without the "
        "predictor, refitted on the same patients, on as many degrees of freedom as the predictor "
        "has coefficients; p on a level's row: Wald test."
    ]


def strata_footnote(results: pd.DataFrame, labels: Mapping[str, str]) -> list[str]:
    """ "Stratified by Sex: a separate baseline hazard per stratum ..." for a stratified Cox table.

    Parameters
    ----------
    results : pandas.DataFrame
        The regression statistics (``strata`` column when stratified).
    labels : mapping
        Printed variable labels.

    Returns
    -------
    list of str
        One footnote, or none.

    References
    ----------
    Kalbfleisch JD, Prentice RL. The Statistical Analysis of Failure Time Data. 2nd ed. Wiley;
    2002. Sec. 4.4.

    Examples
    --------
    >>> strata_footnote(pd.DataFrame({"strata": ["sex"]}), {"sex": "Sex"})[0][:26]
    'Stratified by Sex: a separ'
    """
    if "strata" not in results or not results["strata"].notna().any():
        return []
    name = str(results["strata"].dropna().iloc[0])
    return [
        f"Stratified by {labels.get(name, name)}: a separate baseline hazard per stratum (stratified "
        "partial likelihood), hence no hazard ratio for it."
    ]


def ph_footnote(
    results: pd.DataFrame,
    labels: Mapping[str, str],
    threshold: float | None,
    p_text: Callable[[Any], str],
) -> list[str]:
    """The proportional-hazards check of every Cox model of the table (R ``cox.zph``): the terms
    with p below ``threshold`` named with their model, otherwise one short sentence.

    Parameters
    ----------
    results : pandas.DataFrame
        The regression statistics.
    labels : mapping
        Printed variable labels.
    threshold : float or None
        Terms with a p below it are named (None: only the global p is reported).
    p_text : callable
        Formats a p-value as the table does.

    Returns
    -------
    list of str
        One footnote (none for a logistic table).

    References
    ----------
    Grambsch PM, Therneau TM. Proportional hazards tests and diagnostics based on weighted
    residuals. Biometrika 1994;81:515-26.
    """
    if "ph_p" not in results or not results["ph_p"].notna().any():
        return []
    method = (
        "Proportional hazards checked by the Grambsch–Therneau test on scaled Schoenfeld residuals, "
        "per term and for the whole model"
    )
    flagged = []
    for analysis in ("univariable", "multivariable"):
        part = results[results["analysis"] == analysis]
        for predictor, model in part.groupby("predictor", sort=False):
            which = (
                "adjusted model"
                if analysis == "multivariable"
                else f"univariable model of {labels.get(predictor, predictor)}"
            )
            terms = model.drop_duplicates("variable")
            for rec in terms.to_dict("records"):
                p = rec.get("ph_p")
                if threshold is not None and not is_missing(p) and np.isfinite(p) and p < threshold:
                    flagged.append(f"{term_label(rec['variable'], labels)} ({which}, p {_p(p_text(p))})")
            whole = terms.iloc[0].get("ph_global_p")
            if (
                analysis == "multivariable"
                and threshold is not None
                and not is_missing(whole)
                and whole < threshold
            ):
                flagged.append(f"the adjusted model as a whole (global p {_p(p_text(whole))})")
    if flagged:
        return [f"{method}: p < {threshold:g} for {'; '.join(flagged)}: the hazard ratio may vary over time."]
    none_below = f": no term with p < {threshold:g}" if threshold is not None else ""
    mv = results[results["analysis"] == "multivariable"]
    if not mv.empty and not is_missing(mv["ph_global_p"].iloc[0]):
        return [f"{method}{none_below} (adjusted model: global p {_p(p_text(mv['ph_global_p'].iloc[0]))})."]
    return [f"{method}{none_below}."]


def _p(text: str) -> str:
    """ "= 0.012" or "< 0.001" from a printed p."""
    return f"{text[0]} {text[1:].strip()}" if text.startswith(("<", ">")) else f"= {text}"
