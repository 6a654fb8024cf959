"""Rule ``table1_statistics``: Table 1 statistics at full precision (n, %, median and quartiles
under the study's Hyndman-Fan type, mean, SD, min, max), small cells suppressed as configured."""

from retrocohort.analysis.descriptive import table1_statistics
from retrocohort.analysis.frames import time_point_columns
from retrocohort.cohort.frames import (
    as_text,
    baseline_frame,
    category_codes,
    cohort_measurements,
    read_measurements,
    synthetic_variables,
)
from retrocohort.config.time_points import row_columns, worst_directions
from retrocohort.io.tabular import read_parquet, write_csv
from retrocohort.pipeline.step import run_step
from retrocohort.tables.suppression import small_cell_k, suppress_stats

#: Measurement columns Table 1 needs (each long-format row's value at its time point).
MEASUREMENT_COLUMNS = ["patient_id", "day", "variable", "value"]


def main(input: dict, output: dict, params: dict, config) -> None:
    cohort = read_parquet(input["cohort"])["patient_id"]
    patients = read_parquet(input["patients"])
    patients = patients[category_codes(patients["patient_id"], cohort) >= 0].reset_index(drop=True)
    day = config["baseline_day"]
    study = {  # the statistics' rows (no labels) with the study's time points
        **{k: config.get(k) for k in ("variables", "time_points", "paired_days", "baseline_time_point")},
        "tables": {"table1": {"rows": params["rows"], "time_point": params.get("time_point")}},
    }
    columns = row_columns(study, "table1")
    windows = [p.window for _, _, p in columns.values()] or [(day, day)]
    lo, hi = min(w[0] for w in windows), max(w[1] for w in windows)
    meas_vars = [v for v, s in config["variables"].items() if s["table"] == "measurements"]
    meas = cohort_measurements(
        read_measurements(input["measurements"], MEASUREMENT_COLUMNS, [("day", ">=", lo), ("day", "<=", hi)]),
        cohort,
        meas_vars,
    )
    meas = meas.assign(patient_id=as_text(meas["patient_id"]), variable=as_text(meas["variable"]))
    extra = None
    if "hscore" in input:  # the HScore stage's columns (hscore, hscore_probability_pct)
        extra = read_parquet(input["hscore"], columns=["patient_id", "hscore", "hscore_probability_pct"])
        extra = extra.set_index("patient_id")
    frame = baseline_frame(patients, meas.iloc[0:0], day, extra=extra)
    wide = time_point_columns(meas, columns, worst_directions(study))
    frame = frame.join(wide[[c for c in wide.columns if c not in frame.columns]], how="left")
    synthetic = synthetic_variables(config, read_parquet(input["sources"]))
    stats = table1_statistics(
        frame,
        params["rows"],
        config["variables"],
        config["derived"],
        config["statistics"]["quantile_type"],
        synthetic,
        columns={int(key.rsplit("/", 1)[1]): col for key, (col, _, _) in columns.items()},
    )
    write_csv(suppress_stats(stats, small_cell_k(config)), output["csv"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
