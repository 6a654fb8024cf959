"""Rule ``group_comparisons``: Fisher / Mann-Whitney per configured comparison, in CSV, JSON,
Markdown, LaTeX, HTML and DOCX."""

from __future__ import annotations

import pandas as pd

from retrocohort.cohort.frames import baseline_frame, synthetic_variables
from retrocohort.analysis.groups import group_statistics
from retrocohort.render.docx import to_docx_bytes
from retrocohort.render.html import to_html
from retrocohort.render.latex import to_latex
from retrocohort.render.markdown import to_markdown
from retrocohort.render.model import Table
from retrocohort.stats.result import details_text, json_safe
from retrocohort.tables.build import build_group_table
from retrocohort.io.tabular import atomic_write_bytes, read_parquet, write_csv, write_json, write_text


def cohort_frame(input: dict, config: dict) -> tuple[pd.DataFrame, set[str]]:
    """Baseline frame of the selected cohort (patient variables, baseline-day measurements,
    HScore columns) and the set of synthetic variables."""
    cohort = read_parquet(input["cohort"])["patient_id"]
    patients = read_parquet(input["patients"])
    patients = patients[patients["patient_id"].isin(cohort)].reset_index(drop=True)
    meas = read_parquet(input["measurements"])
    meas = meas[meas["patient_id"].isin(cohort)]
    hscore = read_parquet(input["hscore"], columns=["patient_id", "hscore", "hscore_probability_pct"])
    frame = baseline_frame(patients, meas, config.get("baseline_day", 0),
                           extra=hscore.set_index("patient_id"))
    return frame, synthetic_variables(config, read_parquet(input["sources"]))


def write_statistics(stats: pd.DataFrame, output: dict) -> None:
    """JSON records (details as objects, NaN as null) and a flat CSV (details as text)."""
    write_json(json_safe(stats.to_dict("records")), output["json"])
    write_csv(stats.assign(details=stats["details"].map(details_text)), output["csv"])


def write_table(table: Table, output: dict) -> None:
    """The formatted table as Markdown, LaTeX, HTML and DOCX (outputs md, tex, html, docx)."""
    write_text(output["md"], to_markdown(table))
    write_text(output["tex"], to_latex(table))
    write_text(output["html"], to_html(table))
    atomic_write_bytes(output["docx"], to_docx_bytes([table]))


def run(input: dict, output: dict, params: dict, config: dict) -> None:
    frame, synthetic = cohort_frame(input, config)
    stats = group_statistics(frame, config.get("groups", []), config["variables"],
                             config.get("derived", {}), config.get("statistics", {}), synthetic)
    write_statistics(stats, output)
    write_table(build_group_table(stats, config), output)
