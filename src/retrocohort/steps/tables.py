"""Rule ``tables``: Table 1 statistics, then Tables 1-3 in CSV, Markdown, LaTeX, DOCX and HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from retrocohort.cohort.frames import (as_text, baseline_frame, category_codes, cohort_measurements, read_measurements,
                      synthetic_variables)
from retrocohort.analysis.descriptive import table1_statistics
from retrocohort.io.csv_safe import safe_text_frame
from retrocohort.render.docx import to_docx_bytes
from retrocohort.render.html import to_html
from retrocohort.render.latex import standalone_document, to_latex
from retrocohort.render.markdown import to_markdown
from retrocohort.tables.suppression import small_cell_k, suppress_stats, suppress_table
from retrocohort.tables.build import build_table1, build_table2, build_table3
from retrocohort.io.tabular import atomic_write_bytes, read_parquet, write_csv, write_text

#: Measurement columns Table 1 needs (baseline-day values of each variable).
MEASUREMENT_COLUMNS = ["patient_id", "day", "variable", "value"]


def _write_formats(table, output: dict, stem: str) -> None:
    write_text(output[f"{stem}_md"], to_markdown(table))
    write_text(output[f"{stem}_tex"], to_latex(table))
    write_text(output[f"{stem}_html"], to_html(table))
    atomic_write_bytes(output[f"{stem}_docx"], to_docx_bytes([table], landscape=stem == "table2"))


def run(input: dict, output: dict, params: dict, config: dict) -> None:
    cohort = read_parquet(input["cohort"])["patient_id"]
    patients = read_parquet(input["patients"])
    patients = patients[category_codes(patients["patient_id"], cohort) >= 0].reset_index(drop=True)
    day = config.get("baseline_day", 0)
    meas_vars = [v for v, s in config["variables"].items() if s["table"] == "measurements"]
    meas = cohort_measurements(read_measurements(input["measurements"], MEASUREMENT_COLUMNS, [("day", "==", day)]),
                               cohort, meas_vars, (day,))
    meas = meas.assign(patient_id=as_text(meas["patient_id"]), variable=as_text(meas["variable"]))
    hscore = read_parquet(input["hscore"], columns=["patient_id", "hscore", "hscore_probability_pct"])
    synthetic = synthetic_variables(config, read_parquet(input["sources"]))
    st = config.get("statistics", {})
    frame = baseline_frame(patients, meas, day,
                           extra=hscore.set_index("patient_id"))
    t1 = table1_statistics(frame, config["tables"]["table1"]["rows"], config["variables"],
                           config.get("derived", {}), st.get("quantile_type", 7), synthetic)
    k = small_cell_k(config)
    write_csv(suppress_stats(t1, k), output["table1_csv"])
    table1 = suppress_table(build_table1(t1, config, len(patients)), t1, k)
    t2_cols = [c["variable"] for c in config["tables"]["table2"]["columns"]]
    write_csv(safe_text_frame(patients[t2_cols]), output["table2_csv"])
    table2 = build_table2(patients, config)
    t3 = pd.DataFrame.from_records(json.loads(Path(input["table3"]).read_text()))
    table3 = build_table3(t3, config)
    for table, stem in ((table1, "table1"), (table2, "table2"), (table3, "table3")):
        _write_formats(table, output, stem)
    write_text(output["latex_document"], standalone_document([table1, table2, table3]))
