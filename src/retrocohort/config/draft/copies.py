"""Two variables of an export that hold the same values: an export fault to confirm.

R's ``survival::nafld2`` (version 3.5) gives ``chol`` the values of ``hdl`` and ``dbp`` those of
``sbp`` on every patient-day: a Table 1 then prints a total cholesterol of 49 mg/dL and a
diastolic pressure of 132 mmHg. Nothing in a single variable looks wrong; only the comparison of
two variables shows it. The draft says so beside the source (a TODO line), never changes data.
"""

from __future__ import annotations

import itertools

import pandas as pd

#: The fewest shared (patient, day) records, or rows, for identical values to count as a copy
#: rather than chance (two binary variables agreeing on three rows is not a fault).
MIN_SHARED = 20


def identical_long_variables(
    frame: pd.DataFrame, id_column: str, day_column: str, variable_column: str, value_column: str
) -> list[tuple[str, str, int]]:
    """Pairs of variables of a long file equal at every (patient, day) where both are recorded.

    Parameters
    ----------
    frame
        The export, every cell as text (values compared as written, stripped).
    id_column, day_column, variable_column, value_column
        Its columns.

    Returns
    -------
    list of (str, str, int)
        ``(a, b, shared)`` for each pair (names in sorted order) recorded together on at least
        :data:`MIN_SHARED` patient-days and equal on all of them, with more than one distinct
        value; a patient-day with several differing values of one variable is left out.

    >>> rows = [(i, 0, v, str(i)) for i in range(25) for v in ("hdl", "chol")]
    >>> rows += [(i, 0, "ldl", "1") for i in range(25)]
    >>> identical_long_variables(pd.DataFrame(rows, columns=["id", "day", "test", "value"]).astype(str),
    ...                          "id", "day", "test", "value")
    [('chol', 'hdl', 25)]
    """
    keys = [id_column, day_column, variable_column]
    cells = frame[[*keys, value_column]].astype("string")
    cells = cells.apply(lambda c: c.str.strip()).dropna().drop_duplicates()
    # a patient-day with several values of one variable is left out (no pair can be equal there)
    cells = cells[~cells.duplicated(keys, keep=False)]
    wide = cells.set_index(keys)[value_column].unstack(variable_column)
    return _equal_pairs(wide)


def identical_columns(frame: pd.DataFrame, columns: list[str]) -> list[tuple[str, str, int]]:
    """Pairs of a one-row-per-patient file's ``columns`` equal in every row where both have a
    value (at least :data:`MIN_SHARED` such rows): ``(a, b, shared)``, names sorted."""
    cells = frame[columns].astype("string").apply(lambda c: c.str.strip()).replace("", pd.NA)
    return _equal_pairs(cells)


def _equal_pairs(wide: pd.DataFrame) -> list[tuple[str, str, int]]:
    pairs = []
    for a, b in itertools.combinations(sorted(map(str, wide.columns)), 2):
        both = wide[a].notna() & wide[b].notna()
        shared = int(both.sum())
        values = wide.loc[both, a]
        # one value throughout (two flags that are all "0") is no sign of a copy
        if shared >= MIN_SHARED and values.nunique() > 1 and bool((values == wide.loc[both, b]).all()):
            pairs.append((a, b, shared))
    return pairs
