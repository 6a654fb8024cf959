"""A declared treatment comparison (``treatment_comparisons.<name>``) on the cohort frame: the
propensity score, then nearest-neighbour matching or inverse probability of treatment weighting,
giving the per-patient design (score, logit, matched set, weight) that the balance tables and
the outcome analyses on the matched or weighted sample read.

The score is R ``glm(treat ~ covariates, family = binomial)``
(:func:`retrocohort.stats.propensity.propensity_score`); a categorical covariate enters as R's
treatment coding (one indicator per level but the first declared), a yes/no one as 0/1, a
number as it is. Matching is MatchIt's ``method = "nearest"``
(:func:`retrocohort.stats.matching.nearest_neighbour_match`) on the logit of the score (or the
score); weighting is WeightIt's ``get_w_from_ps``
(:func:`retrocohort.stats.weighting.iptw_weights`), optionally truncated at a percentile.
Patients with a missing treatment or covariate are left out of the model (R's ``na.omit``;
MatchIt refuses them) and counted, never silently.
References: Rosenbaum PR, Rubin DB. Biometrika 1983;70:41-55. Austin PC. An introduction to
propensity score methods for reducing the effects of confounding in observational studies.
Multivariate Behav Res 2011;46:399-424.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.config.check import variable_label
from retrocohort.config.values import printed
from retrocohort.errors import InputError, Problem
from retrocohort.stats.matching import nearest_neighbour_match
from retrocohort.stats.propensity import propensity_score
from retrocohort.stats.weighting import iptw_weights, truncate_weights, weight_summary

#: The columns of results/stats/treatment_comparison_<name>.csv, in order (read by outcome
#: analyses declared with ``sample: <name>``).
DESIGN_COLUMNS = ["patient_id", "treatment", "ps", "logit_ps", "in_sample", "set_id", "weight"]


@dataclass(frozen=True)
class Covariates:
    """Numeric covariate columns: ``matrix`` (n, p), their ``names`` (``variable`` or
    ``variable: level``), printed ``labels``, the ``variable`` each comes from and its ``level``
    (None for a number or a yes/no variable)."""

    matrix: np.ndarray
    names: list[str]
    labels: list[str]
    variables: list[str]
    levels: list[str | None]


@dataclass(frozen=True)
class TreatmentDesign:
    """A fitted treatment comparison: the per-patient ``design`` (:data:`DESIGN_COLUMNS`), the
    balance covariates of the modelled patients, their treatment, and the ``summary`` (the
    specification, method sentence, counts and weight summary) written as JSON."""

    name: str
    design: pd.DataFrame
    covariates: Covariates
    treatment: np.ndarray
    weights: np.ndarray
    estimand: str
    summary: dict[str, Any] = field(default_factory=dict)


def _kind(config: Mapping[str, Any], name: str, values: pd.Series) -> str:
    declared = (config.get("variables") or {}).get(name) or {}
    if declared.get("kind") in ("continuous", "count"):
        return "number"
    if declared.get("kind") == "binary" or pd.api.types.is_bool_dtype(values.dropna()):
        return "binary"
    if declared.get("kind") == "categorical" or not pd.api.types.is_numeric_dtype(values.dropna()):
        return "categorical"
    return "number"


def _levels(config: Mapping[str, Any], name: str, values: pd.Series) -> list[str]:
    declared = ((config.get("variables") or {}).get(name) or {}).get("categories")
    present = sorted({printed(v) for v in values.dropna()})
    if declared:
        return [printed(c) for c in declared if printed(c) in present]
    return present


def spline_basis(values: pd.Series, df: int) -> np.ndarray:
    """Cubic B-spline basis of ``values`` with ``df`` columns, knots at quantiles, no intercept:
    patsy's ``bs(x, df=df)``, equal to R ``splines::bs(x, df = df)`` (de Boor 1978).

    >>> spline_basis(pd.Series([50.0, 55, 60, 62, 70, 75, 80, 85, 90, 95]), 4)[1].round(6).tolist()
    [0.463649, 0.0631, 0.002743, 0.0]
    """
    from patsy import dmatrix  # statsmodels' formula engine; only a spline covariate needs it

    return np.asarray(dmatrix(f"bs(x, df={int(df)}) - 1", {"x": values.astype(float).to_numpy()}))


def covariate_columns(
    frame: pd.DataFrame,
    covariates: Sequence[str],
    config: Mapping[str, Any],
    *,
    all_levels: bool,
    splines: Mapping[str, int] | None = None,
) -> Covariates:
    """Numeric columns of the covariates: numbers as they are, yes/no as 0/1, a categorical
    variable as one 0/1 indicator per level (``all_levels``: every level present, as a balance
    table shows them; else every level but the first, R's ``contr.treatment`` coding of a model);
    a number named in ``splines`` (model only) as its cubic B-spline basis of that many columns
    (:func:`spline_basis`, R ``bs(x, df)``), so the score's dependence on it need not be linear.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient, no missing covariate value.
    covariates : sequence of str
        Declared variables.
    config : mapping
        The study (``variables``: kinds, categories, labels, level labels).
    all_levels : bool
        One indicator per level (balance), or all but the reference (model).

    Returns
    -------
    Covariates
        The matrix and its column names, labels, variables and levels.

    Examples
    --------
    >>> f = pd.DataFrame({"age": [50.0, 60.0, 70.0], "size": ["a", "b", "a"]})
    >>> c = covariate_columns(f, ["age", "size"], {"variables": {}}, all_levels=False)
    >>> c.names, c.matrix.tolist()
    (['age', 'size: b'], [[50.0, 0.0], [60.0, 1.0], [70.0, 0.0]])
    """
    columns, names, labels, variables, levels = [], [], [], [], []
    level_labels_of = config.get("variables") or {}
    for name in covariates:
        values = frame[name]
        label = variable_label(dict(config), name)
        kind = _kind(config, name, values)
        if kind != "categorical" and not all_levels and name in (splines or {}):
            basis = spline_basis(values, splines[name])  # type: ignore[index]
            for j in range(basis.shape[1]):
                columns.append(basis[:, j])
                names.append(f"{name}: bs{j + 1}")
                labels.append(f"{label} (B-spline basis {j + 1} of {basis.shape[1]})")
                variables.append(name)
                levels.append(None)
            continue
        if kind != "categorical":
            columns.append(values.astype(float).to_numpy())
            names.append(name)
            labels.append(label)
            variables.append(name)
            levels.append(None)
            continue
        found = _levels(config, name, values)
        shown = (level_labels_of.get(name) or {}).get("level_labels") or {}
        text = values.map(printed)
        for level in found if all_levels else found[1:]:
            columns.append((text == level).astype(float).to_numpy())
            names.append(f"{name}: {level}")
            labels.append(f"{label}: {shown.get(level, level)}")
            variables.append(name)
            levels.append(level)
    matrix = np.column_stack(columns) if columns else np.empty((len(frame), 0))
    return Covariates(matrix, names, labels, variables, levels)


def treatment_flag(frame: pd.DataFrame, spec: Mapping[str, Any], where: str) -> pd.Series:
    """1 for the ``treated:`` level of ``treatment:``, 0 for the other level, NA if missing;
    a third level is refused (patient and value named)."""
    name = spec["treatment"]
    text = frame[name].map(lambda v: None if pd.isna(v) else printed(v))
    treated = printed(spec["treated"])
    others = sorted({v for v in text.dropna() if v != treated})
    if len(others) > 1:
        bad = text[text.notna() & (text != treated) & (text != others[0])]
        raise InputError(
            f"Treatment comparison {where}: the treatment has more than two values",
            [
                Problem(
                    "a treatment comparison compares two groups",
                    column=name,
                    value=f"patient {bad.index[0]}: {bad.iloc[0]}",
                    expected=f"{treated!r} (treated) or {others[0]!r}",
                )
            ],
        )
    if (text == treated).sum() == 0 or text.notna().sum() == (text == treated).sum():
        raise InputError(
            f"Treatment comparison {where}",
            [
                Problem(
                    "one of the two groups is empty",
                    column=name,
                    value=f"{int((text == treated).sum())} treated of {int(text.notna().sum())}",
                    expected="treated and untreated patients",
                )
            ],
        )
    return pd.Series(np.where(text.isna(), np.nan, (text == treated).astype(float)), index=frame.index)


def _method_sentence(spec: Mapping[str, Any], width: float | None, config: Mapping[str, Any]) -> str:
    """The comparison as a methods sentence, variables by their printed labels (lower case
    after the first word unless an acronym), never their config names."""

    def label(name: str) -> str:
        text = variable_label(dict(config), name)
        return text if text[:2].isupper() else text[:1].lower() + text[1:]

    splines = spec.get("splines") or {}
    covariates = ", ".join(
        label(c) + (f" (cubic B-spline, {splines[c]} df, R splines::bs)" if c in splines else "")
        for c in spec["covariates"]
    )
    score = f"Propensity score: logistic regression of {label(spec['treatment'])} on {covariates} (R glm)"
    if spec["method"] == "matching":
        m = spec["matching"]
        on = "logit of the propensity score" if m["distance"] == "logit" else "propensity score"
        text = (
            f"{score}; greedy nearest-neighbour 1:{m['ratio']} matching "
            f"{'with' if m['replace'] else 'without'} replacement on the {on}, largest score first "
            '(R MatchIt method = "nearest")'
        )
        if m.get("caliper") is not None:
            text += f", caliper {m['caliper']:g} SD of the {on} ({width:.6g} on its scale)"
        if m.get("exact"):
            text += f", exact on {', '.join(label(e) for e in m['exact'])}"
        return text + "; estimand ATT, matching weights as MatchIt."
    w = spec["weighting"]
    text = f"{score}; inverse probability of treatment weights for the {w['estimand']}"
    if w["stabilised"]:
        text += ", stabilised by the marginal probability of the group"
    if w.get("trim") is not None:
        text += f", truncated at the {w['trim']:g}th percentile (R quantile type 7)"
    return text + " (R WeightIt get_w_from_ps)."


def fit_treatment_comparison(
    frame: pd.DataFrame, name: str, spec: Mapping[str, Any], config: Mapping[str, Any]
) -> TreatmentDesign:
    """Propensity score, then matching or weighting, for the treatment comparison ``name``.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient of the analysed cohort (index ``patient_id``).
    name : str
        The comparison's key under ``treatment_comparisons:``.
    spec : mapping
        Its config entry (schema defaults filled).
    config : mapping
        The study (variables, their kinds and labels).

    Returns
    -------
    TreatmentDesign
        The per-patient design, the balance inputs and the summary.

    References
    ----------
    Ho DE, Imai K, King G, Stuart EA. MatchIt. J Stat Softw 2011;42(8):1-28.
    Austin PC, Stuart EA. Moving towards best practice when using inverse probability of
    treatment weighting (IPTW) using the propensity score. Stat Med 2015;34:3661-79.

    Examples
    --------
    Inverse probability of treatment weights for the ATE (1 / ps treated, 1 / (1 - ps) not):

    >>> frame = pd.DataFrame({"treated": ["yes", "no", "yes", "no", "no", "yes", "no", "no"],
    ...                       "age": [61.0, 54, 70, 49, 66, 58, 72, 51]},
    ...                      index=pd.Index([f"p{i}" for i in range(8)], name="patient_id"))
    >>> config = {"variables": {"treated": {"kind": "categorical", "categories": ["no", "yes"]},
    ...                         "age": {"kind": "continuous"}}}
    >>> spec = {"treatment": "treated", "treated": "yes", "covariates": ["age"], "method": "weighting",
    ...         "weighting": {"estimand": "ATE", "stabilised": False, "trim": None}}
    >>> design = fit_treatment_comparison(frame, "iptw", spec, config).design
    >>> design["treatment"].tolist(), design["weight"].round(3).tolist()[:3]
    ([1, 0, 1, 0, 0, 1, 0, 0], [2.63, 1.368, 1.844])
    """
    where = f"treatment_comparisons/{name}"
    covariates = list(spec["covariates"])
    exact = list((spec.get("matching") or {}).get("exact") or []) if spec["method"] == "matching" else []
    flag = treatment_flag(frame, spec, where)
    needed = frame[list(dict.fromkeys([*covariates, *exact]))]
    complete = flag.notna() & needed.notna().all(axis=1)
    missing = {c: int((flag.notna() & needed[c].isna()).sum()) for c in needed.columns}
    data = frame[complete]
    treat = flag[complete].to_numpy(dtype=int)
    model = covariate_columns(data, covariates, config, all_levels=False, splines=spec.get("splines"))
    ps = propensity_score(treat, model.matrix, model.names)
    n = len(frame)
    score = np.full(n, np.nan)
    logit = np.full(n, np.nan)
    weight = np.zeros(n)
    set_id = np.full(n, np.nan)
    rows = np.flatnonzero(complete.to_numpy())
    score[rows], logit[rows] = ps.score, ps.logit
    unused = "weighting" if spec["method"] == "matching" else "matching"
    specification = {k: v for k, v in spec.items() if k != unused}
    summary: dict[str, Any] = {"name": name, "specification": specification}
    width = None
    if spec["method"] == "matching":
        m = spec["matching"]
        result = nearest_neighbour_match(
            treat,
            ps.logit if m["distance"] == "logit" else ps.score,
            ratio=int(m["ratio"]),
            replace=bool(m["replace"]),
            caliper=m.get("caliper"),
            exact=data[exact].astype(str).to_numpy() if exact else None,
        )
        width = result.caliper_width
        weights = result.weights
        if not m["replace"]:
            set_id[rows] = np.where(result.subclass > 0, result.subclass, np.nan)
        estimand = "ATT"
        matched = weights > 0
        summary["n_matched_sets"] = int((result.match_matrix >= 0).any(axis=1).sum())
        summary["n_unmatched"] = {
            "treated": int(((treat == 1) & ~matched).sum()),
            "control": int(((treat == 0) & ~matched).sum()),
        }
        summary["caliper_width"] = width
    else:
        w = spec["weighting"]
        estimand = w["estimand"]
        weights = iptw_weights(treat, ps.score, estimand, stabilize=bool(w["stabilised"]))
        if w.get("trim") is not None:
            only = (treat == 0) if estimand == "ATT" else None
            weights = truncate_weights(weights, w["trim"] / 100, only=only)
    weight[rows] = weights
    in_sample = weight > 0
    design = pd.DataFrame(
        {
            "patient_id": frame.index.astype(str),
            "treatment": flag.astype("Int64").to_numpy(),
            "ps": score,
            "logit_ps": logit,
            "in_sample": in_sample,
            "set_id": pd.array(set_id, dtype="Int64"),
            "weight": weight,
        },
        columns=DESIGN_COLUMNS,
    )
    ws = weight_summary(treat[weights > 0], weights[weights > 0])
    summary |= {
        "method": _method_sentence(spec, width, config),
        "estimand": estimand,
        "n_patients": n,
        "n_missing": {"treatment": int(flag.isna().sum()), **missing},
        "n_modelled": {"treated": int((treat == 1).sum()), "control": int((treat == 0).sum())},
        "n_in_sample": {
            "treated": int(((treat == 1) & (weights > 0)).sum()),
            "control": int(((treat == 0) & (weights > 0)).sum()),
        },  # fmt: skip
        "weights": {
            group: {
                "n": ws.n[code],
                "min": ws.minimum[code],
                "max": ws.maximum[code],
                "sum": ws.total[code],
                "effective_n": ws.effective_n[code],
            }
            for code, group in ((1, "treated"), (0, "control"))
        },
        "coefficients": dict(zip(["(Intercept)", *model.names], ps.coefficients.tolist(), strict=True)),
        "common_support": common_support(ps.score, treat),
    }
    balance = covariate_columns(data, covariates, config, all_levels=True)
    return TreatmentDesign(name, design, balance, treat, weights, estimand, summary)


def common_support(score: np.ndarray, treatment: np.ndarray) -> dict[str, float]:
    """The common-support range of the score: [max of the group minima, min of the group maxima].

    Examples
    --------
    >>> common_support(np.array([0.1, 0.5, 0.3, 0.9]), np.array([0, 0, 1, 1]))
    {'low': 0.3, 'high': 0.5}
    """
    one, zero = score[treatment == 1], score[treatment == 0]
    return {"low": float(max(one.min(), zero.min())), "high": float(min(one.max(), zero.max()))}
