"""Derived numbers from arithmetic of columns (``expression``) and ordered groups from a
variable's sample quantiles (``quantile_groups``), vectorised.

Each returns the new column and a sentence for the validation report when something about the
data needs saying (rows made missing by a division by zero; the cut points and group sizes of a
quantile split), so that no value is changed silently.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from retrocohort.config.derived_expression import parse_expression
from retrocohort.config.derived_spec import quantile_group_levels

#: A sample-quantile function: (values without missing, probabilities) -> quantiles. The pipeline
#: passes :func:`retrocohort.stats.quantiles.quantile` with ``statistics.quantile_type``.
QuantileFunction = Callable[[np.ndarray, Sequence[float]], np.ndarray]


class QuantileDefinition(NamedTuple):
    """The study's sample-quantile definition: its name for the report (``"Hyndman-Fan type 7"``)
    and the function computing it."""

    name: str
    function: QuantileFunction


#: Names of the usual numbers of quantile groups.
GROUP_WORDS = {2: "halves", 3: "tertiles", 4: "quartiles", 5: "quintiles", 10: "deciles"}


def _number(value: float) -> str:
    return f"{value:.10g}"


def evaluate_expression(text: str, frame: pd.DataFrame) -> tuple[pd.Series, int]:
    """Evaluate a checked ``+ - * /`` expression row by row.

    A missing input gives a missing result (R's arithmetic with ``NA``); a division whose divisor
    is 0 in a row gives a missing value in that row (R would give ``Inf`` or ``NaN``, which no
    table can summarise), counted and returned.

    Parameters
    ----------
    text : str
        The expression, as accepted by :func:`retrocohort.config.derived_expression.parse_expression`.
    frame : pandas.DataFrame
        One row per patient, holding every variable the expression names.

    Returns
    -------
    (pandas.Series, int)
        ``Float64`` values (``pd.NA`` where missing), and the number of rows made missing by a
        zero divisor.

    References
    ----------
    R Core Team. *R Language Definition*, section 3.3 "Arithmetic" (``NA`` propagates).

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [1.0, 2.0, None], "b": [1.0, 0.0, 3.0]})
    >>> values, zero = evaluate_expression("a / b + 1", frame)
    >>> values.tolist(), zero
    ([2.0, <NA>, <NA>], 1)
    """
    zero = pd.Series(False, index=frame.index)

    def value(node: ast.expr) -> pd.Series | float:
        nonlocal zero
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            return frame[node.id].astype("Float64")
        if isinstance(node, ast.UnaryOp):
            inner = value(node.operand)
            return -inner if isinstance(node.op, ast.USub) else inner
        assert isinstance(node, ast.BinOp)
        left, right = value(node.left), value(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        divisor = (
            right if isinstance(right, pd.Series) else pd.Series(right, index=frame.index, dtype="Float64")
        )
        is_zero = (divisor == 0).fillna(False).astype(bool)
        zero |= is_zero
        return left / divisor.mask(is_zero)

    result = value(parse_expression(text))
    if not isinstance(result, pd.Series):
        result = pd.Series(result, index=frame.index, dtype="Float64")
    return result.astype("Float64"), int(zero.sum())


def quantile_groups(
    values: pd.Series, groups: int, quantile: QuantileFunction
) -> tuple[pd.Series, list[float]]:
    """Ordered groups ``Q1`` ... ``Q<groups>`` of a number, cut at its sample quantiles.

    The cut points are the quantiles at probabilities 1/k, ..., (k-1)/k of the known values
    (``quantile``: Hyndman-Fan type ``statistics.quantile_type``); intervals are right-closed, the
    first one including its lower end: ``Q1`` is x <= c1, ``Qi`` is c(i-1) < x <= ci, ``Qk`` is
    x > c(k-1), as R's ``cut(x, quantile(x, 0:k/k, type = t), include.lowest = TRUE)``. Equal cut
    points (ties in the data) leave a group empty where R's ``cut`` stops with "breaks are not
    unique". A missing value stays missing.

    Parameters
    ----------
    values : pandas.Series
        The variable, one value per patient.
    groups : int
        Number of groups (4: quartiles, 10: deciles).
    quantile : callable
        (sorted or unsorted finite values, probabilities) -> sample quantiles.

    Returns
    -------
    (pandas.Series, list of float)
        The group of each row (``string``, ``pd.NA`` where missing) and the k - 1 cut points.

    References
    ----------
    Hyndman RJ, Fan Y. Sample quantiles in statistical packages. Am Stat 1996;50:361-5.
    R Core Team. ``?cut`` (right-closed intervals, ``include.lowest``).

    Examples
    --------
    >>> import numpy as np
    >>> groups, cuts = quantile_groups(pd.Series([1.0, 2, 3, 4, None]), 2, lambda x, p: np.quantile(x, p))
    >>> groups.tolist(), cuts
    (['Q1', 'Q1', 'Q2', 'Q2', <NA>], [2.5])
    """
    number = values.astype("Float64")
    known = number.notna()
    out = pd.Series(pd.NA, index=values.index, dtype="string")
    if not known.any():
        return out, []
    probs = [i / groups for i in range(1, groups)]
    cuts = [float(c) for c in np.atleast_1d(quantile(number[known].to_numpy(dtype=float), probs))]
    levels = np.array(quantile_group_levels({"groups": groups}), dtype=object)
    index = np.searchsorted(np.asarray(cuts), number[known].to_numpy(dtype=float), side="left")
    out[known] = levels[index]
    return out, cuts


def quantile_note(name: str, variable: str, groups: pd.Series, cuts: list[float], definition: str) -> str:
    """The validation report's sentence of a ``quantile_groups`` variable: its cut points and the
    number of rows in each group (an empty group, from tied cut points, is named).

    Examples
    --------
    >>> quantile_note("g", "x", pd.Series(["Q1", "Q2", "Q2"]), [1.5], "Hyndman-Fan type 7")
    '`g`: halves of `x` (sample quantiles, Hyndman-Fan type 7, of the 3 rows with a value); cut points 1.5; Q1 (x <= 1.5) 1, Q2 (x > 1.5) 2.'
    """
    levels = quantile_group_levels({"groups": len(cuts) + 1})
    counts = groups.value_counts()
    parts = []
    for i, level in enumerate(levels):
        if i == 0:
            rule = f"x <= {_number(cuts[0])}"
        elif i == len(cuts):
            rule = f"x > {_number(cuts[-1])}"
        else:
            rule = f"{_number(cuts[i - 1])} < x <= {_number(cuts[i])}"
        parts.append(f"{level} ({rule}) {int(counts.get(level, 0))}")
    word = GROUP_WORDS.get(len(levels), f"{len(levels)} quantile groups")
    empty = [level for level in levels if not counts.get(level, 0)]
    tail = f" Empty (tied cut points): {', '.join(empty)}." if empty else ""
    return (
        f"`{name}`: {word} of `{variable}` (sample quantiles, {definition}, of the "
        f"{int(groups.notna().sum())} rows with a value); cut points "
        f"{', '.join(_number(c) for c in cuts)}; {', '.join(parts)}.{tail}"
    )


def division_note(name: str, text: str, rows: int) -> str:
    """The validation report's sentence of an ``expression`` with rows divided by zero.

    Examples
    --------
    >>> division_note("ratio", "kappa / lambda", 2)
    '`ratio` = kappa / lambda: 2 rows with a divisor of 0 have no value (missing).'
    """
    return (
        f"`{name}` = {text}: {rows} row{'s' if rows != 1 else ''} with a divisor of 0 "
        f"{'have' if rows != 1 else 'has'} no value (missing)."
    )


def derived_notes_section(notes: list[str]) -> str:
    """The validation report's section "Derived variables" (``""`` when there is nothing to say).

    Examples
    --------
    >>> derived_notes_section([])
    ''
    >>> print(derived_notes_section(["`r` = a / b: 1 row with a divisor of 0 has no value (missing)."]), end="")
    <BLANKLINE>
    ## Derived variables
    <BLANKLINE>
    - `r` = a / b: 1 row with a divisor of 0 has no value (missing).
    """
    if not notes:
        return ""
    return "\n## Derived variables\n\n" + "".join(f"- {note}\n" for note in notes)
