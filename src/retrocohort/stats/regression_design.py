"""Inputs and outputs of the regression models: complete cases, treatment-coded design
matrices with explicit reference levels, and the result records (one row per model term).

Treatment (dummy) coding as R's default ``contr.treatment``: a categorical predictor with
levels L_0 (the declared reference), L_1, ..., L_k contributes k indicator columns
"variable: L_j vs L_0". Numeric and boolean predictors enter as they are (boolean as 0/1).
Rows with a missing outcome or predictor are dropped (R's ``na.omit``), and counted.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from retrocohort.errors import InputError, Problem
from retrocohort.stats.result import r_qnorm


@dataclass(frozen=True)
class RegressionTerm:
    """One coefficient: log-odds or log-hazard ratio, its ratio, Wald CI and Wald p."""

    term: str
    variable: str
    level: str | None
    reference: str | None
    coefficient: float
    std_err: float
    ratio: float
    ci_low: float
    ci_high: float
    z: float
    p_value: float
    interaction: str = ""  # an interaction column's parts, "a=level;b=level" ("b=" for a number)


@dataclass(frozen=True)
class TermTest:
    """A test of a whole model term (all its columns): a likelihood-ratio test of the model
    without it (``global_*``) or a proportional-hazards test (``ph_*``)."""

    term: str
    chisq: float
    df: int
    p_value: float


@dataclass(frozen=True)
class RegressionResult:
    """A fitted model: its terms plus n, events, convergence and notes for the table."""

    model: str
    method: str
    outcome: str
    terms: tuple[RegressionTerm, ...]
    n: int
    n_events: int
    n_dropped: int
    converged: bool
    log_likelihood: float
    conf_level: float
    notes: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
    strata: str | None = None
    global_tests: tuple[TermTest, ...] = ()
    ph_tests: tuple[TermTest, ...] = ()
    rows: pd.Index | None = field(default=None, repr=False, compare=False)  # the complete cases
    assign: tuple[tuple[str, tuple[int, ...]], ...] = ()  # each term's fitted columns

    def to_frame(self) -> pd.DataFrame:
        """One row per term, with the model-level columns repeated (for CSV tables).

        With global tests, ``global_test``, ``global_chisq``, ``global_df``, ``global_p`` on the
        rows of each tested term (the same on every level of a factor); with PH tests (Cox),
        ``ph_chisq``, ``ph_df``, ``ph_p`` of the row's term and ``ph_global_*`` of the model; with
        a robust variance, ``naive_std_err`` (the model-based SE) of each term."""
        rows = [asdict(t) for t in self.terms]
        frame = pd.DataFrame.from_records(rows, columns=list(RegressionTerm.__dataclass_fields__))
        if not frame["interaction"].astype(bool).any():
            frame = frame.drop(columns="interaction")
        for key in ("model", "outcome", "n", "n_events", "n_dropped", "converged", "conf_level"):
            frame[key] = getattr(self, key)
        if self.strata:
            frame["strata"] = self.strata
        if self.global_tests:
            frame = _term_test_columns(frame, self.global_tests, "global")
            frame["global_test"] = [
                LRT_NAME if np.isfinite(p) else "" for p in frame["global_p"].to_numpy(dtype=float)
            ]
        if self.ph_tests:
            frame = _term_test_columns(frame, [t for t in self.ph_tests if t.term != "GLOBAL"], "ph")
            (whole,) = [t for t in self.ph_tests if t.term == "GLOBAL"]
            frame = frame.assign(
                ph_global_chisq=whole.chisq, ph_global_df=whole.df, ph_global_p=whole.p_value
            )
            frame["ph_test"] = PH_TEST_NAME
        if "naive_std_err" in self.details:  # a robust variance: the model-based SEs, for comparison
            frame["naive_std_err"] = list(self.details["naive_std_err"])
        frame["notes"] = "; ".join(self.notes)
        frame["method"] = self.method
        return frame

    def term(self, name: str) -> RegressionTerm:
        """The term called ``name`` (KeyError listing the terms otherwise)."""
        for t in self.terms:
            if t.term == name:
                return t
        raise KeyError(f"no term {name!r}; terms: {[t.term for t in self.terms]}")


@dataclass(frozen=True)
class Design:
    """Complete-case design: matrix (no intercept), term labels and the rows kept."""

    matrix: np.ndarray
    terms: tuple[tuple[str, str, str | None, str | None], ...]  # (term, variable, level, reference)
    rows: pd.Index
    n_dropped: int
    level_counts: Mapping[str, Mapping[str, int]]
    interactions: Mapping[int, str] = field(default_factory=dict)  # column -> "a=level;b="

    def assign(self) -> tuple[tuple[str, tuple[int, ...]], ...]:
        """Each model term and its columns, in model order (R's ``fit$assign``): a predictor's
        variable (a factor: all its level columns), an interaction "a:b"."""
        out: dict[str, list[int]] = {}
        for j, (_term, variable, _level, _reference) in enumerate(self.terms):
            out.setdefault(variable, []).append(j)
        return tuple((name, tuple(cols)) for name, cols in out.items())


#: The ``test`` recorded for a global p (registry: ``likelihood_ratio``).
LRT_NAME = "Likelihood-ratio test"
#: The ``test`` recorded for the proportional-hazards check (registry: ``cox_zph``).
PH_TEST_NAME = "Grambsch-Therneau test"


def _term_test_columns(frame: pd.DataFrame, tests: Sequence[TermTest], prefix: str) -> pd.DataFrame:
    """``<prefix>_chisq/_df/_p`` of each row's term (NaN for a term without a test)."""
    by_term = {t.term: t for t in tests}
    found = [by_term.get(v) for v in frame["variable"]]
    nan = float("nan")
    return frame.assign(
        **{
            f"{prefix}_chisq": [t.chisq if t else nan for t in found],
            f"{prefix}_df": [t.df if t else nan for t in found],
            f"{prefix}_p": [t.p_value if t else nan for t in found],
        }
    )


def _where(source: str | None) -> str:
    return source or "regression input"


def require_columns(frame: pd.DataFrame, columns: Sequence[str], source: str | None) -> None:
    """InputError naming every requested column absent from ``frame``."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(
            f"Columns missing from {_where(source)}",
            [
                Problem("column not found", file=source, column=c, expected=f"one of {list(frame.columns)}")
                for c in missing
            ],
        )


def _is_categorical(series: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series))


def _level_text(value: Any) -> str:
    return str(value)


def build_design(
    frame: pd.DataFrame,
    predictors: Sequence[str],
    reference_levels: Mapping[str, Any],
    required: Sequence[str],
    source: str | None = None,
    interactions: Sequence[Sequence[str]] = (),
) -> Design:
    """Treatment-coded design matrix of ``predictors`` on the complete cases of ``required`` + predictors, as R's ``model.matrix``.

    A predictor is categorical if it is listed in ``reference_levels`` or is not numeric /
    boolean. InputError (no silent choice) for: no predictor, a missing column, a categorical
    predictor without a declared reference or whose reference is absent from the complete cases,
    a predictor with one value only.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient.
    predictors, required : sequence of str
        Predictor columns in model order; other columns that must be non-missing (outcome...).
    reference_levels : mapping
        Reference level of each categorical predictor.
    source : str, optional
        Name of the input file, used in error messages.
    interactions : sequence of (str, str)
        Pairs of predictors whose product columns are added after the main effects, as R's
        ``a:b`` (every column of ``a`` times every column of ``b``; term "a:b").

    Returns
    -------
    Design
        Matrix (no intercept), term labels, rows kept, number dropped, level counts.

    References
    ----------
    Chambers JM, Hastie TJ, eds. Statistical Models in S. Wadsworth & Brooks/Cole; 1992. Ch. 2.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"y": [0, 1, 1, None], "age": [40, 50, 60, 70], "arm": ["A", "B", "C", "B"]})
    >>> design = build_design(frame, ["age", "arm"], {"arm": "A"}, ["y"])
    >>> design.matrix.tolist(), [t[0] for t in design.terms], design.n_dropped
    ([[40.0, 0.0, 0.0], [50.0, 1.0, 0.0], [60.0, 0.0, 1.0]], ['age', 'arm: B vs A', 'arm: C vs A'], 1)
    """
    if not predictors:
        raise InputError(
            "A regression model needs at least one predictor",
            [Problem("no predictors declared", file=source, expected="one or more column names")],
        )
    if len(set(predictors)) != len(predictors):
        raise InputError(
            "A predictor is listed twice",
            [Problem("duplicate predictor", file=source, value=list(predictors))],
        )
    require_columns(frame, [*required, *predictors], source)
    data = frame[[*required, *predictors]]
    complete = data.notna().all(axis=1)
    data = data[complete]
    columns: list[np.ndarray] = []
    terms: list[tuple[str, str, str | None, str | None]] = []
    counts: dict[str, dict[str, int]] = {}
    problems: list[Problem] = []
    for name in predictors:
        series = data[name]
        if name in reference_levels or _is_categorical(series):
            if isinstance(series.dtype, pd.CategoricalDtype):  # declared order, as R's factor levels
                levels = [c for c in series.cat.categories if (series == c).any()]
            else:
                levels = sorted(pd.unique(series).tolist(), key=_level_text)
            counts[name] = {_level_text(v): int((series == v).sum()) for v in levels}
            if name not in reference_levels:
                problems.append(
                    Problem(
                        "categorical predictor without a reference level",
                        file=source,
                        column=name,
                        value=[_level_text(v) for v in levels],
                        expected="a declared reference level (treatment coding)",
                    )
                )
                continue
            ref = reference_levels[name]
            match = [v for v in levels if v == ref or _level_text(v) == _level_text(ref)]
            if not match:
                problems.append(
                    Problem(
                        "reference level not found among the complete cases",
                        file=source,
                        column=name,
                        value=ref,
                        expected=f"one of {[_level_text(v) for v in levels]}",
                    )
                )
                continue
            others = [v for v in levels if v is not match[0] and v != match[0]]
            if not others:
                problems.append(
                    Problem(
                        "predictor has a single level in the complete cases",
                        file=source,
                        column=name,
                        value=_level_text(ref),
                        expected="at least two levels",
                    )
                )
            for level in others:
                columns.append((series == level).to_numpy(dtype=float))
                terms.append(
                    (
                        f"{name}: {_level_text(level)} vs {_level_text(match[0])}",
                        name,
                        _level_text(level),
                        _level_text(match[0]),
                    )
                )
        else:
            values = series.to_numpy(dtype=float)
            if values.size and np.all(values == values[0]):
                problems.append(
                    Problem(
                        "predictor does not vary in the complete cases",
                        file=source,
                        column=name,
                        value=float(values[0]),
                        expected="at least two distinct values",
                    )
                )
            columns.append(values)
            terms.append((name, name, None, None))
    for pair in interactions:
        if len(pair) != 2 or not set(pair) <= set(predictors) or pair[0] == pair[1]:
            problems.append(
                Problem(
                    "interaction of variables that are not two distinct predictors of the model",
                    file=source,
                    value=list(pair),
                    expected=f"two of {list(predictors)}",
                )
            )
    if problems:
        raise InputError(f"Cannot build the regression design from {_where(source)}", problems)
    parts: dict[int, str] = {}
    for a, b in interactions:
        for ja, (term_a, _va, level_a, _ra) in enumerate(list(terms)):
            if _va != a:
                continue
            for jb, (term_b, _vb, level_b, _rb) in enumerate(list(terms)):
                if _vb != b:
                    continue
                parts[len(columns)] = f"{a}={level_a or ''};{b}={level_b or ''}"
                columns.append(columns[ja] * columns[jb])
                terms.append((f"{term_a} × {term_b}", f"{a}:{b}", None, None))
    matrix = np.column_stack(columns) if columns else np.zeros((int(complete.sum()), 0))
    return Design(
        matrix=matrix,
        terms=tuple(terms),
        rows=data.index,
        n_dropped=int((~complete).sum()),
        level_counts=counts,
        interactions=parts,
    )


def binary_outcome(series: pd.Series, name: str, event_level: Any | None, source: str | None) -> np.ndarray:
    """0/1 float vector of a binary regression outcome (no missing values left).

    With ``event_level`` the outcome is (value == event_level, also as text); otherwise values
    must be 0/1 or booleans: InputError naming the rows with any other value.

    Parameters
    ----------
    series : pandas.Series
        The outcome column of the complete cases.
    name : str
        The column's name, for error messages.
    event_level, source : optional
        The value counted as the event; the input file's name for messages.

    Returns
    -------
    numpy.ndarray
        1.0 for the event, 0.0 otherwise.

    References
    ----------
    Hosmer DW, Lemeshow S, Sturdivant RX. Applied Logistic Regression. 3rd ed. Wiley; 2013.

    Examples
    --------
    >>> import pandas as pd
    >>> binary_outcome(pd.Series(["dead", "alive", "dead"]), "status", "dead", None).tolist()
    [1.0, 0.0, 1.0]
    """
    if event_level is not None:
        if not (series == event_level).any() and not (series.astype(str) == str(event_level)).any():
            raise InputError(
                f"Event level absent from the outcome in {_where(source)}",
                [
                    Problem(
                        "event level not found",
                        file=source,
                        column=name,
                        value=event_level,
                        expected=f"one of {sorted(map(str, pd.unique(series)))}",
                    )
                ],
            )
        return ((series == event_level) | (series.astype(str) == str(event_level))).to_numpy(dtype=float)
    if pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=float)
    values = pd.to_numeric(series, errors="coerce")
    bad = values.isna() | ~values.isin([0, 1])
    if bad.any():
        raise InputError(
            f"Outcome '{name}' is not binary in {_where(source)}",
            [
                Problem(
                    "not a 0/1 outcome",
                    file=source,
                    row=_row(idx),
                    column=name,
                    value=plain_scalar(series[idx]),
                    expected="0 or 1 (or declare the event level)",
                )
                for idx in series.index[bad][:20]
            ],
        )
    return values.to_numpy(dtype=float)


def _row(index_value: Any) -> int | None:
    """Row number for messages: the frame's index label if it is an integer (callers index
    the frame by the row numbers of its file to get file rows in messages)."""
    return int(index_value) if isinstance(index_value, (int, np.integer)) else None


def plain_scalar(value: Any) -> Any:
    """numpy scalar -> Python scalar, so messages show 2, not np.int64(2)."""
    return value.item() if isinstance(value, np.generic) else value


def wald_terms(
    design: Design,
    params: np.ndarray,
    std_errs: np.ndarray,
    conf_level: float,
    no_interval: Collection[int] = (),
) -> tuple[RegressionTerm, ...]:
    """Terms with exp(coef), Wald CI exp(coef -/+ z se), z = coef/se, p = 2 Phi(-|z|) (R ``confint.default``).

    A NaN coefficient (an aliased term) gives NaN everywhere; the terms whose indices are in
    ``no_interval`` (an infinite estimate: separation) keep their coefficient, SE and ratio but
    get NaN CI, z and p (a Wald test of a diverging estimate is meaningless).

    Parameters
    ----------
    design : Design
        The design the coefficients belong to.
    params, std_errs : numpy.ndarray
        Coefficients (log odds / log hazard ratios) and standard errors, in term order.
    conf_level : float
        Level of the Wald intervals.
    no_interval : collection of int
        Indices of terms with an infinite estimate.

    Returns
    -------
    tuple of RegressionTerm
        One per term of ``design``.

    References
    ----------
    Wald A. Tests of statistical hypotheses concerning several parameters when the number of
    observations is large. Trans Am Math Soc 1943;54:426-82.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> design = Design(np.zeros((3, 1)), (("age", "age", None, None),), pd.RangeIndex(3), 0, {})
    >>> t = wald_terms(design, np.array([0.19]), np.array([0.11]), 0.95)[0]
    >>> round(t.ratio, 6), round(t.ci_low, 6), round(t.ci_high, 6), round(t.p_value, 6)
    (1.20925, 0.974729, 1.500196, 0.084119)
    """
    from scipy.special import ndtr

    z_crit = r_qnorm(0.5 + conf_level / 2)
    out = []
    nan = float("nan")
    for j, ((term, variable, level, reference), b, se) in enumerate(
        zip(design.terms, params, std_errs, strict=True)
    ):
        b, se = float(b), float(se)
        z = b / se if se > 0 else nan
        with np.errstate(over="ignore"):  # a diverging estimate gives inf, flagged in the notes
            ratio, low, high = np.exp([b, b - z_crit * se, b + z_crit * se]).tolist()
        if j in no_interval:
            low = high = z = nan
        out.append(
            RegressionTerm(
                term=term,
                variable=variable,
                level=level,
                reference=reference,
                coefficient=b,
                std_err=se,
                ratio=ratio,
                ci_low=low,
                ci_high=high,
                z=z,
                p_value=float(2 * ndtr(-abs(z))),
                interaction=design.interactions.get(j, ""),
            )
        )
    return tuple(out)


def case_weights(frame: pd.DataFrame, column: str | None, source: str | None) -> np.ndarray | None:
    """The case weights of the complete cases (column ``column``), None without a column.

    InputError naming the rows whose weight is not a finite number > 0 (a zero weight means the
    patient is not in the analysed sample: leave the row out instead).

    Parameters
    ----------
    frame : pandas.DataFrame
        The complete cases.
    column : str, optional
        The weight column.
    source : str, optional
        Input file named in error messages.

    Returns
    -------
    numpy.ndarray or None
        The weights, as floats.

    References
    ----------
    Therneau TM, Grambsch PM. Modeling Survival Data. Springer; 2000. Sec. 7.2 (case weights).

    Examples
    --------
    >>> case_weights(pd.DataFrame({"w": [1, 0.5]}), "w", None).tolist()
    [1.0, 0.5]
    """
    if column is None:
        return None
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = ~(np.isfinite(values.to_numpy(dtype=float)) & (values.to_numpy(dtype=float) > 0))
    if bad.any():
        raise InputError(
            f"Invalid case weights in {_where(source)}",
            [
                Problem(
                    "case weight is not a positive number",
                    file=source,
                    row=_row(idx),
                    column=column,
                    value=plain_scalar(frame.loc[idx, column]),
                    expected="a finite number > 0",
                )
                for idx in frame.index[bad][:20]
            ],
        )
    return values.to_numpy(dtype=float)


def cluster_labels(series: pd.Series) -> np.ndarray:
    """Cluster (matched-set) labels as text, so 3 and 3.0 (a CSV's integer read as float) are
    one set.

    Parameters
    ----------
    series : pandas.Series
        The cluster column of the complete cases.

    Returns
    -------
    numpy.ndarray
        One text label per row.

    References
    ----------
    Lin DY, Wei LJ. JASA 1989;84:1074-8 (clusters of the robust variance).

    Examples
    --------
    >>> cluster_labels(pd.Series([3, 3.0, "a"])).tolist()
    ['3', '3', 'a']
    """
    return np.array(
        [
            str(plain_scalar(v)).removesuffix(".0") if isinstance(v, float | np.floating) else str(v)
            for v in series
        ],
        dtype=object,
    )
