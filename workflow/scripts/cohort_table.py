"""Rule ``cohort_table``: one table the study declares by kind (``tables.<id>``): ``descriptive``
(overall or by a group: n (%), median [Q1–Q3] or another statistic per row, p-value named by its
test, SMD), ``regression`` (logistic odds ratios or Cox hazard ratios, univariable and
multivariable) or ``listing`` (one row per patient). Writes the full-precision statistics (CSV, JSON) and the formatted table in
every registered table format (render/formats.py)."""

from retrocohort.analysis.declared_tables import declared_table_statistics, table_population
from retrocohort.analysis.frames import cohort_frame
from retrocohort.config.time_points import row_columns
from retrocohort.io.csv_safe import safe_text_frame
from retrocohort.io.tabular import write_csv, write_json
from retrocohort.pipeline.step import run_step
from retrocohort.stats.result import json_safe
from retrocohort.tables.declared_tables import build_declared_table
from retrocohort.tables.write import write_table_formats


def main(input: dict, output: dict, params: dict, config) -> None:
    table_id = params["table"]
    spec = config["tables"][table_id]
    columns = row_columns(config, table_id)  # each long-format row at its declared time point
    frame, _ = cohort_frame(input, config, columns)
    frame = table_population(frame, spec, table_id)  # the table's `where:`
    stats = declared_table_statistics(
        frame, table_id, spec, config["variables"], config["statistics"], columns=columns
    )
    # a listing holds free text: cells a spreadsheet would run as formulas are neutralised
    write_csv(
        safe_text_frame(stats) if config["tables"][table_id]["kind"] == "listing" else stats, output["csv"]
    )
    write_json(json_safe(stats.to_dict("records")), output["json"])
    table = build_declared_table(stats, table_id, config, n_patients=len(frame))
    write_table_formats(table, output, preset=config["tables"]["preset"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
