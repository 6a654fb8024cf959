"""The matched or weighted sample of a treatment comparison, for the outcome analyses run on it
(a table's ``sample: <name>``).

The comparison's design file (``results/stats/treatment_comparison_<name>.csv``, one row per
patient: ``patient_id``, ``treatment``, ``ps``, ``logit_ps``, ``in_sample``, ``set_id``,
``weight``) gives the patients analysed (``in_sample`` true), their case weights (``weight``) and,
after matching, their matched set (``set_id``). A sample whose patients all have a set is a
matched sample: its models use a robust variance clustered on the sets; a sample without sets
(weighting, or matching with replacement, where a control belongs to several sets) uses a robust
sandwich variance with each patient its own cluster, as R ``coxph(..., weights =, robust =
TRUE)`` and ``sandwich::vcovCL(fit)``.

References
----------
Austin PC. A critical appraisal of propensity-score matching in the medical literature between
1996 and 2003. Stat Med 2008;27:2037-49 (the matched design in the variance).
Austin PC, Stuart EA. Moving towards best practice when using inverse probability of treatment
weighting (IPTW) using the propensity score to estimate causal treatment effects in
observational studies. Stat Med 2015;34:3661-79.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.config.analysis_samples import sample_file
from retrocohort.errors import InputError, Problem

#: The design file's columns this module reads.
SAMPLE_COLUMNS = ("patient_id", "in_sample", "set_id", "weight")
#: Frame columns holding each patient's case weight and matched set in the analysed sample.
WEIGHT_COLUMN = "__sample_weight__"
SET_COLUMN = "__matched_set__"
_TRUE, _FALSE = {"true", "1", "1.0", "yes"}, {"false", "0", "0.0", "no"}


@dataclass(frozen=True)
class AnalysisSample:
    """The analysed patients of a treatment comparison: weight and set by ``patient_id`` (text).

    Attributes
    ----------
    name : str
        The comparison's key under ``treatment_comparisons:``.
    weights : pandas.Series
        Case weight of each patient in the sample (index: patient_id as text).
    sets : pandas.Series or None
        Matched set of each patient (text), None when the sample has no sets (weighting).
    """

    name: str
    weights: pd.Series
    sets: pd.Series | None

    @property
    def matched(self) -> bool:
        return self.sets is not None


def _flag(value: Any) -> bool | None:
    text = str(value).strip().lower()
    return True if text in _TRUE else False if text in _FALSE else None


def read_sample(path: str, name: str) -> AnalysisSample:
    """The sample of comparison ``name`` from its design file ``path``.

    InputError naming the file, row (1 = first data row), column and value for: a missing
    column, an ``in_sample`` that is not true/false, a duplicated patient, a patient in the sample
    whose ``weight`` is not a finite number > 0, a sample where some patients have a ``set_id``
    and others not, or where all share one set.

    Parameters
    ----------
    path : str
        The design CSV.
    name : str
        The comparison's name (messages).

    Returns
    -------
    AnalysisSample
        The patients with ``in_sample`` true.

    References
    ----------
    Ho DE, Imai K, King G, Stuart EA. MatchIt: nonparametric preprocessing for parametric causal
    inference. J Stat Softw 2011;42(8):1-28 (``match.data``: weights and subclass per unit).

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(path, "w").write("patient_id,treatment,ps,logit_ps,in_sample,set_id,weight\\nA,1,.6,.4,true,1,1\\nB,0,.5,0,true,1,1\\nC,1,.7,.8,true,2,1\\nD,0,.4,-.4,true,2,1\\nE,0,.2,-1.4,false,,0\\n")
    >>> s = read_sample(path, "m")
    >>> s.weights.to_dict(), s.sets.to_dict()
    ({'A': 1.0, 'B': 1.0, 'C': 1.0, 'D': 1.0}, {'A': '1', 'B': '1', 'C': '2', 'D': '2'})
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    where = f"treatment comparison '{name}' ({path})"
    missing = [c for c in SAMPLE_COLUMNS if c not in table.columns]
    if missing:
        raise InputError(
            f"Design file of {where} lacks columns",
            [
                Problem("column missing", file=path, column=c, expected=f"columns {list(SAMPLE_COLUMNS)}")
                for c in missing
            ],
        )
    problems: list[Problem] = []
    flags = table["in_sample"].map(_flag)
    for i in np.flatnonzero(flags.isna().to_numpy())[:20]:
        problems.append(_problem(path, i, "in_sample", table, "true or false"))
    for i in np.flatnonzero(table["patient_id"].duplicated().to_numpy())[:20]:
        problems.append(_problem(path, i, "patient_id", table, "one row per patient"))
    inside = table[flags.fillna(False).astype(bool)]
    weights = pd.to_numeric(inside["weight"], errors="coerce")
    for i in np.flatnonzero(
        ~(np.isfinite(weights.to_numpy(dtype=float)) & (weights.to_numpy(dtype=float) > 0))
    )[:20]:
        problems.append(
            _problem(
                path,
                table.index.get_loc(inside.index[i]),
                "weight",
                table,
                "a finite number > 0 for a patient in the sample",
            )
        )
    sets = inside["set_id"].str.strip()
    has_set = (sets != "") & (sets.str.lower() != "nan")
    if has_set.any() and not has_set.all():
        first = inside.index[~has_set.to_numpy()][0]
        problems.append(
            _problem(
                path,
                table.index.get_loc(first),
                "set_id",
                table,
                "a matched set for every patient in the sample, or none (weighting)",
            )
        )
    elif has_set.all() and len(sets) and sets.nunique() < 2:  # one cluster: no variance between sets
        problems.append(
            _problem(
                path,
                table.index.get_loc(inside.index[0]),
                "set_id",
                table,
                "two or more matched sets (leave set_id empty for a weighted sample)",
            )
        )
    if problems:
        raise InputError(f"Invalid design file of {where}", problems)
    ids = inside["patient_id"].to_numpy()
    return AnalysisSample(
        name=name,
        weights=pd.Series(weights.to_numpy(dtype=float), index=ids),
        sets=pd.Series(sets.str.removesuffix(".0").to_numpy(), index=ids)
        if has_set.all() and len(sets)
        else None,
    )


def _problem(path: str, i: int, column: str, table: pd.DataFrame, expected: str) -> Problem:
    return Problem(
        f"invalid {column}",
        file=path,
        row=int(i) + 1,
        column=column,
        value=table[column].iloc[i],
        expected=expected,
    )


def sample_frame(
    frame: pd.DataFrame, sample: AnalysisSample, table_id: str, *, strict: bool = True
) -> pd.DataFrame:
    """The patients of ``frame`` (index ``patient_id``) in the sample, with their case weight
    (:data:`WEIGHT_COLUMN`) and matched set (:data:`SET_COLUMN`, matched samples only).

    ``strict`` (a table without ``where:``, whose population is the analysed cohort): InputError
    when a patient of the sample is not in ``frame`` (the sample was made on other patients).
    A table with ``where:`` analyses the patients of the sample meeting it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table's population, one row per patient (index ``patient_id``).
    sample : AnalysisSample
        The comparison's sample.
    table_id : str
        The table (messages).
    strict : bool
        Refuse sample patients absent from ``frame``.

    Returns
    -------
    pandas.DataFrame
        The sample's patients with their weight and set columns.

    References
    ----------
    Ho DE, Imai K, King G, Stuart EA. J Stat Softw 2011;42(8):1-28 (analyses on the matched data).

    Examples
    --------
    >>> s = AnalysisSample("m", pd.Series([1.0, 0.5], index=["A", "C"]), None)
    >>> sample_frame(pd.DataFrame({"x": [1, 2, 3]}, index=pd.Index(["A", "B", "C"], name="patient_id")), s, "t")[WEIGHT_COLUMN].to_dict()
    {'A': 1.0, 'C': 0.5}
    """
    ids = frame.index.astype(str)
    absent = sorted(set(sample.weights.index) - set(ids))
    if absent and strict:
        raise InputError(
            f"tables/{table_id}: the sample of treatment comparison '{sample.name}' has patients outside the analysed cohort",
            [
                Problem(
                    "patient of the sample not in the analysed cohort",
                    file=sample_file(sample.name),
                    column="patient_id",
                    value=absent[:10],
                    expected="patients of the analysed cohort only (rerun the comparison)",
                )
            ],
        )
    inside = ids.isin(sample.weights.index)
    out = frame[inside].copy()
    kept = ids[inside]
    out[WEIGHT_COLUMN] = sample.weights.reindex(kept).to_numpy()
    if sample.sets is not None:
        out[SET_COLUMN] = sample.sets.reindex(kept).to_numpy()
    return out


def table_sample(inputs: Mapping[str, Any], spec: Mapping[str, Any]) -> AnalysisSample | None:
    """The sample a table declares with ``sample:``, read from its rule's ``comparison_sample``
    input; None without ``sample:``.

    Parameters
    ----------
    inputs : mapping
        The rule's named inputs (``comparison_sample``: a path or a list of one path).
    spec : mapping
        The table's config entry.

    Returns
    -------
    AnalysisSample or None
        :func:`read_sample` of the design file.

    References
    ----------
    Ho DE, Imai K, King G, Stuart EA. J Stat Softw 2011;42(8):1-28.

    Examples
    --------
    >>> table_sample({}, {"kind": "regression"}) is None
    True
    """
    name = spec.get("sample")
    if not name:
        return None
    path = inputs.get("comparison_sample")
    path = path if isinstance(path, str) else (list(path)[0] if path else sample_file(name))
    return read_sample(str(path), name)


def with_sample_model(spec: Mapping[str, Any], frame: pd.DataFrame) -> Mapping[str, Any]:
    """A regression table's spec with the model keys of its ``sample:``, read from the columns
    :func:`sample_frame` added to ``frame``: case weights and a robust variance, clustered on the
    matched sets when the sample has them; the spec itself without ``sample:``.

    Parameters
    ----------
    spec : mapping
        A regression table's config entry.
    frame : pandas.DataFrame
        Its population (from :func:`sample_frame` when ``sample:`` is declared).

    Returns
    -------
    mapping
        ``spec`` with ``weights``, ``cluster`` and ``robust`` (:func:`retrocohort.analysis.regression.fit_model`).

    References
    ----------
    Austin PC. Stat Med 2008;27:2037-49 (the matched design in the variance).

    Examples
    --------
    >>> keys = with_sample_model({"sample": "psm"}, pd.DataFrame(columns=[WEIGHT_COLUMN, SET_COLUMN]))
    >>> keys["weights"] == WEIGHT_COLUMN, keys["cluster"] == SET_COLUMN, keys["robust"]
    (True, True, True)
    """
    if not spec.get("sample"):
        return spec
    cluster = SET_COLUMN if SET_COLUMN in frame else None
    return {**spec, "weights": WEIGHT_COLUMN, "cluster": cluster, "robust": True}


def sample_sentence(name: str, n: int, sets: int | None) -> str:
    """The first footnote of a table fitted on a treatment comparison's sample: which patients
    (the matched or weighted sample, its n and matched sets), their weights and the variance
    the design requires, in words (the comparison's key ``name`` is a config name, never printed).

    Parameters
    ----------
    name : str
        The treatment comparison (not printed; kept so callers name what they describe).
    n : int
        Patients analysed.
    sets : int, optional
        Matched sets (None: a weighted sample).

    Returns
    -------
    str
        The footnote.

    References
    ----------
    Austin PC, Stuart EA. Stat Med 2015;34:3661-79 (reporting the analysed sample and its variance).

    Examples
    --------
    >>> sample_sentence("psm", 120, 40)
    'Patients: the propensity-score matched sample (n = 120 in 40 matched sets), each weighted by its matching weight; robust (sandwich) standard errors clustered on the matched sets.'
    >>> sample_sentence("iptw", 300, None)
    'Patients: the inverse-probability-weighted sample (n = 300), each weighted by its weight; robust (sandwich) standard errors.'
    """
    del name  # the comparison's config key is not prose
    if sets is not None:
        return (
            f"Patients: the propensity-score matched sample (n = {n} in {sets} matched sets), each "
            "weighted by its matching weight; robust (sandwich) standard errors clustered on the matched sets."
        )
    return (
        f"Patients: the inverse-probability-weighted sample (n = {n}), each weighted by its weight; "
        "robust (sandwich) standard errors."
    )
