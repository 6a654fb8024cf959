"""The analysis frame of the selected cohort and the statistics files of a comparison rule."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from retrocohort.analysis.time_points import select_time_point
from retrocohort.cohort.frames import baseline_frame, synthetic_variables
from retrocohort.config.time_points import RowColumn, TimePoint, worst_directions
from retrocohort.io.tabular import read_parquet, write_csv, write_json
from retrocohort.stats.result import details_text, json_safe


def time_point_columns(
    measurements: pd.DataFrame,
    columns: Mapping[str, RowColumn],
    worst: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One column per long-format row: the value its time point selects per patient
    (:func:`retrocohort.analysis.time_points.select_time_point`: window, rule and tie), indexed
    by patient id; a patient without a value in the window is missing.

    Parameters
    ----------
    measurements : pandas.DataFrame
        Long table (``patient_id``, ``variable``, ``day``, ``value``).
    columns : mapping
        ``{key: (frame column, variable, time point)}`` (:func:`retrocohort.config.time_points.row_columns`).
    worst : mapping, optional
        Variable -> ``max``/``min`` for the ``worst`` rule.

    Returns
    -------
    pandas.DataFrame
        Index ``patient_id``; one float column per distinct frame column.

    References
    ----------
    Moher D, Hopewell S, Schulz KF, et al. CONSORT 2010 explanation and elaboration. BMJ
    2010;340:c869 (baseline data: a stated time point and window for each measurement).

    Examples
    --------
    >>> import pandas as pd
    >>> from retrocohort.config.time_points import TimePoint
    >>> long = pd.DataFrame({"patient_id": ["a", "a", "b"], "variable": "crp",
    ...                      "day": [-2, 0, 5], "value": [10.0, 12.0, 30.0]})
    >>> baseline = TimePoint("baseline", 0, (-3, 0))
    >>> time_point_columns(long, {"crp": ("crp@baseline", "crp", baseline)})
                crp@baseline
    patient_id
    a                   12.0
    """
    wanted = {col: (var, point) for col, var, point in columns.values()}
    by_point: dict[TimePoint, list[tuple[str, str]]] = {}
    for col, (var, point) in wanted.items():
        by_point.setdefault(point, []).append((col, var))
    parts = []
    for point, cols in by_point.items():
        names = list(dict.fromkeys(var for _, var in cols))
        chosen = select_time_point(measurements, names, point, worst)
        wide = chosen.pivot(index="patient_id", columns="variable", values="value")
        parts += [wide[var].rename(col) for col, var in cols if var in wide]
    frame = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=pd.Index([]))
    return frame.reindex(columns=list(wanted)).astype("float64").rename_axis("patient_id")


def cohort_frame(
    input: Mapping[str, str], config: Mapping, columns: Mapping[str, RowColumn] | None = None
) -> tuple[pd.DataFrame, set[str]]:
    """Per-patient frame of the selected cohort (patient variables, HScore columns when the
    study has the HScore stage, measurements) and the set of synthetic variables.

    ``input`` names the files ``cohort``, ``patients``, ``measurements``, ``sources`` and,
    optionally, ``hscore``; ``config`` needs ``baseline_day`` and ``derived``. Measurements:
    with ``columns`` (:func:`retrocohort.config.time_points.row_columns` of a table), exactly those columns, each at its time
    point (``config`` then also needs ``variables`` for the ``worst`` rule); without, every
    measurement on ``baseline_day``.

    Parameters
    ----------
    input : mapping of str to str
        Parquet paths: ``cohort`` (the selected ``patient_id``), ``patients``,
        ``measurements`` (long), ``sources`` (``variable``, ``synthetic``) and optional
        ``hscore``.
    config : mapping
        The loaded study (``baseline_day``, ``derived``, ``variables``).
    columns : mapping, optional
        ``{key: (frame column, variable, time point)}`` of a table's long-format rows.

    Returns
    -------
    frame : pandas.DataFrame
        One row per selected patient (index ``patient_id``).
    synthetic : set of str
        Variables read from synthetic files (and derived variables built on them).

    References
    ----------
    Apache Parquet file format specification, https://parquet.apache.org/docs/.
    Moher D, Hopewell S, Schulz KF, et al. CONSORT 2010 explanation and elaboration. BMJ
    2010;340:c869 (the analysed population is the selected cohort).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> folder = Path(tempfile.mkdtemp())
    >>> tables = {
    ...     "cohort": pd.DataFrame({"patient_id": ["a", "b"]}),
    ...     "patients": pd.DataFrame({"patient_id": ["a", "b", "c"], "age": [40.0, 50.0, 60.0]}),
    ...     "measurements": pd.DataFrame({"patient_id": ["a", "b"], "variable": "crp",
    ...                                   "day": [0, 7], "value": [12.0, 30.0]}),
    ...     "sources": pd.DataFrame({"variable": ["age", "crp"], "synthetic": [False, True]}),
    ... }
    >>> paths = {}
    >>> for name, table in tables.items():
    ...     paths[name] = str(folder / f"{name}.parquet")
    ...     table.to_parquet(paths[name])
    >>> frame, synthetic = cohort_frame(paths, {"baseline_day": 0, "derived": {}})
    >>> frame
                 age   crp
    patient_id
    a           40.0  12.0
    b           50.0   NaN
    >>> synthetic
    {'crp'}
    """
    cohort = read_parquet(input["cohort"])["patient_id"]
    patients = read_parquet(input["patients"])
    patients = patients[patients["patient_id"].isin(cohort)].reset_index(drop=True)
    meas = read_parquet(input["measurements"])
    meas = meas[meas["patient_id"].isin(cohort)]
    extra = None
    if input.get("hscore"):
        hscore = read_parquet(input["hscore"], columns=["patient_id", "hscore", "hscore_probability_pct"])
        extra = hscore.set_index("patient_id")
    if columns is None:
        frame = baseline_frame(patients, meas, config["baseline_day"], extra=extra)
    else:
        wide = time_point_columns(meas, columns, worst_directions(dict(config)))
        frame = baseline_frame(patients, meas.iloc[0:0], config["baseline_day"], extra=extra)
        frame = frame.join(wide[[c for c in wide.columns if c not in frame.columns]], how="left")
    return frame, synthetic_variables(config, read_parquet(input["sources"]))


def write_statistics(stats: pd.DataFrame, json_path: str, csv_path: str) -> None:
    """JSON records (details as objects, NaN as null) and a flat CSV (details as text).

    Parameters
    ----------
    stats : pandas.DataFrame
        Statistics records with a ``details`` column (a mapping per row).
    json_path, csv_path : str
        Files written.

    Returns
    -------
    None

    References
    ----------
    Bray T, ed. The JavaScript Object Notation (JSON) Data Interchange Format. RFC 8259, 2017.
    Shafranovich Y. Common Format and MIME Type for Comma-Separated Values (CSV) Files.
    RFC 4180, 2005.

    Examples
    --------
    >>> import json, math, tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> folder = Path(tempfile.mkdtemp())
    >>> stats = pd.DataFrame({"variable": ["crp"], "p_value": [math.nan], "details": [{"n": 3}]})
    >>> write_statistics(stats, str(folder / "s.json"), str(folder / "s.csv"))
    >>> json.loads((folder / "s.json").read_text())
    [{'details': {'n': 3}, 'p_value': None, 'variable': 'crp'}]
    """
    write_json(json_safe(stats.to_dict("records")), json_path)
    write_csv(stats.assign(details=stats["details"].map(details_text)), csv_path)


def read_table3(path: str) -> pd.DataFrame:
    """The paired-test records (``table3_paired.json``) as a frame; columns that are null in
    every row (e.g. ``p_adjusted`` without an adjustment) read as float, not object.

    Parameters
    ----------
    path : str
        A JSON file holding a list of records.

    Returns
    -------
    pandas.DataFrame
        One row per record.

    References
    ----------
    Bray T, ed. The JavaScript Object Notation (JSON) Data Interchange Format. RFC 8259, 2017.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = Path(tempfile.mkdtemp()) / "table3_paired.json"
    >>> _ = path.write_text('[{"variable": "crp", "p_adjusted": null}]')
    >>> read_table3(str(path)).dtypes["p_adjusted"]
    dtype('float64')
    """
    import json
    from pathlib import Path

    frame = pd.DataFrame.from_records(json.loads(Path(path).read_text(encoding="utf-8")))
    empty = [c for c in frame.columns if frame[c].isna().all()]
    return frame.astype({c: "float64" for c in empty})
