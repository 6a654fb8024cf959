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
    """JSON records (details as objects, NaN as null) and a flat CSV (details as text)."""
    write_json(json_safe(stats.to_dict("records")), json_path)
    write_csv(stats.assign(details=stats["details"].map(details_text)), csv_path)


def read_table3(path: str) -> pd.DataFrame:
    """The paired-test records (``table3_paired.json``) as a frame; columns that are null in
    every row (e.g. ``p_adjusted`` without an adjustment) read as float, not object."""
    import json
    from pathlib import Path

    frame = pd.DataFrame.from_records(json.loads(Path(path).read_text(encoding="utf-8")))
    empty = [c for c in frame.columns if frame[c].isna().all()]
    return frame.astype({c: "float64" for c in empty})
