"""Analysis frames built from the validated canonical tables.

* :func:`baseline_frame`: one row per patient, patient-level variables plus each measurement
  variable at the baseline day (wide), plus optional per-patient HScore columns;
* :func:`paired_frame`: per variable, the patients with a value on both paired days;
* :func:`synthetic_variables`: which variables (declared or derived) rest on synthetic files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from retrocohort.config.derived_spec import derived_inputs


def measurements_wide(measurements: pd.DataFrame, day: int) -> pd.DataFrame:
    """Measurement values of one day, one column per variable, indexed by patient_id."""
    rows = measurements[measurements["day"] == day]
    return rows.pivot(index="patient_id", columns="variable", values="value")


def baseline_frame(
    patients: pd.DataFrame, measurements: pd.DataFrame, day: int, extra: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Patients x (patient variables + baseline-day measurements [+ extra columns])."""
    frame = patients.set_index("patient_id")
    wide = measurements_wide(measurements, day)
    wide = wide[[c for c in wide.columns if c not in frame.columns]]
    frame = frame.join(wide, how="left")
    if extra is not None:
        frame = frame.join(extra[[c for c in extra.columns if c not in frame.columns]], how="left")
    return frame


def category_codes(values: pd.Series, categories: list[str]) -> np.ndarray:
    """Position of each value in the distinct ``categories`` (first occurrences; -1 when absent
    or missing), hashing only the distinct values (pd.factorize) instead of every row."""
    if isinstance(values.dtype, pd.CategoricalDtype):  # codes already there: look up the labels
        codes, uniques = values.cat.codes.to_numpy(), np.asarray(values.cat.categories, dtype=object)
    else:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.append(_positions(uniques, categories), -1)
    return lookup[codes]


def _positions(uniques, categories) -> np.ndarray:
    """Position of each of ``uniques`` among the distinct ``categories`` (first occurrences; -1
    when absent). Strings go through Arrow's hash lookup (~10x faster than pandas' get_indexer
    on 10^6 object strings); anything else through pandas."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        needles = pa.array(np.asarray(uniques, dtype=object), type=pa.string(), from_pandas=True)
        haystack = pc.unique(
            pa.array(np.asarray(categories, dtype=object), type=pa.string(), from_pandas=True)
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pd.Index(categories).unique().get_indexer(pd.Index(uniques))
    return (
        pc.index_in(needles, value_set=haystack).fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
    )


def as_text(values: pd.Series) -> pd.Series:
    """A categorical column (labels read from Parquet dictionaries) as a ``string`` column, by
    taking its category labels; other columns unchanged."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return values
    labels = np.append(np.asarray(values.cat.categories, dtype=object), pd.NA)
    return pd.Series(
        pd.array(labels[values.cat.codes.to_numpy()], dtype="string"), index=values.index, name=values.name
    )


def read_measurements(path: str, columns: list[str], filters: list[tuple] | None = None) -> pd.DataFrame:
    """Measurement ``columns`` with ``patient_id`` and ``variable`` as categoricals (Parquet
    dictionaries); ``filters`` (pyarrow row filters, e.g. ``[("day", "in", [0])]``) drop rows
    in Arrow, before any pandas conversion. Row order is the file's."""
    import pyarrow.parquet as pq

    table = pq.read_table(
        path,
        columns=columns,
        filters=filters or None,
        read_dictionary=[c for c in ("patient_id", "variable") if c in columns],
    )
    return table.to_pandas()


def cohort_measurements(
    measurements: pd.DataFrame, cohort: pd.Series, variables: list[str], days: tuple[int, ...] | None = None
) -> pd.DataFrame:
    """Rows of ``variables`` (on ``days``, if given) for patients in ``cohort``.

    ``variable`` becomes categorical over ``variables`` so later per-variable selections
    compare integer codes; the cheap filters (variable, day) run before the patient filter.
    """
    names = list(dict.fromkeys(variables))
    codes = category_codes(measurements["variable"], names)
    variable = pd.Categorical.from_codes(np.where(codes >= 0, codes, -1), categories=names)
    keep = codes >= 0
    if days is not None:
        keep &= measurements["day"].isin(days).to_numpy(dtype=bool, na_value=False)
    rows = measurements.loc[keep].assign(variable=variable[keep])
    return rows.loc[category_codes(rows["patient_id"], cohort) >= 0]


def synthetic_variables(config: dict, sources: pd.DataFrame) -> set[str]:
    """Variables whose values come from synthetic files, including derived ones built on them."""
    synthetic = set(sources.loc[sources["synthetic"].astype(bool), "variable"])
    for name, spec in config.get("derived", {}).items():
        if synthetic.intersection(derived_inputs(spec)):
            synthetic.add(name)
    return synthetic
