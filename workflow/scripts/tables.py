"""Rule ``tables``: the classic Tables 1-3 the study declares, formatted from their statistics
(Table 1 from ``table1.csv``, Table 2 the per-patient listing, Table 3 from the paired tests) in
every registered table format (Markdown, LaTeX, HTML, Word, Typst: render/formats.py), plus one
compilable LaTeX document with Tables 1-3 (one declared by kind, e.g. the flagship's Table 2 as a
``kind: listing``, joins it as its ``.tex`` file)."""

from pathlib import Path

import pandas as pd

from retrocohort.analysis.frames import read_table3
from retrocohort.audit.published import load_study
from retrocohort.cohort.frames import category_codes
from retrocohort.ingest.policies import with_adjustment_footnotes
from retrocohort.io.csv_safe import safe_text_frame
from retrocohort.io.tabular import read_parquet, write_csv, write_text
from retrocohort.pipeline.step import optional_input, run_step
from retrocohort.render.latex import standalone_document
from retrocohort.render.model import Table
from retrocohort.tables.build import build_table1, build_table2, build_table3
from retrocohort.tables.published_marks import mark_published, published_rows
from retrocohort.tables.suppression import small_cell_k, suppress_table
from retrocohort.tables.write import as_written, write_table_formats

#: The classic tables, in their order in the combined LaTeX document.
TABLE_STEMS = ("table1", "table2", "table3")


def _table1(input: dict, config, n_patients: int) -> Table:
    t1 = pd.read_csv(optional_input(input, "table1"))
    table1 = suppress_table(build_table1(t1, config, n_patients), t1, small_cell_k(config))
    published = optional_input(input, "published")
    if published:  # rows that differ from the paper: ‡ and a footnote to the audit
        printed = published_rows(load_study(published).numbers, "Table 1")
        rule, hf = config["statistics"]["rounding"], config["statistics"]["quantile_type"]
        table1 = mark_published(table1, t1, printed, rule, hf, "results/audit/audit.md")
    return table1


def _table2(patients: pd.DataFrame, config, csv_path: str) -> Table:
    t2_cols = [c["variable"] for c in config["tables"]["table2"]["columns"]]
    write_csv(safe_text_frame(patients[t2_cols]), csv_path)
    return build_table2(patients, config)


def main(input: dict, output: dict, params: dict, config) -> None:
    cohort = read_parquet(input["cohort"])["patient_id"]
    patients = read_parquet(input["patients"])
    patients = patients[category_codes(patients["patient_id"], cohort) >= 0].reset_index(drop=True)
    tables = {}  # the classic tables the study declares, in order
    if optional_input(input, "table1"):
        tables["table1"] = _table1(input, config, len(patients))
    if "table2_csv" in output.keys():
        tables["table2"] = _table2(patients, config, output["table2_csv"])
    if optional_input(input, "table3"):
        tables["table3"] = build_table3(read_table3(optional_input(input, "table3")), config)
    tables = {  # a value a declared policy changed is footnoted under every table that uses it
        stem: with_adjustment_footnotes(table, input["adjustments"], config["tables"][stem], config)
        for stem, table in tables.items()
    }
    for stem, table in tables.items():
        write_table_formats(
            table,
            output,
            preset=config["tables"]["preset"],
            prefix=f"{stem}_",
            subjects=config["study"]["subjects_noun"],
        )
    # Tables 1-3 declared by kind (rule cohort_table) join the document as their .tex files
    declared = {Path(path).stem: Path(path).read_text(encoding="utf-8") for path in input["declared_tex"]}
    noun = config["study"]["subjects_noun"]
    parts = [
        as_written(tables[stem], config["tables"]["preset"], noun) if stem in tables else declared[stem]
        for stem in TABLE_STEMS
        if stem in {**tables, **declared}
    ]
    write_text(output["latex_document"], standalone_document(parts))


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
