# Table 1 statistics (full precision), then the classic Tables 1-3 (those the study declares)
# formatted in every manuscript format. Split so that editing a label or a decimal reruns only the
# formatting.


if TABLE1:

    rule table1_statistics:
        input:
            **({"hscore": f"{RESULTS}/hscore/hscore.parquet"} if HSCORE else {}),
            cohort=f"{RESULTS}/selection/cohort.parquet",
            patients=f"{VALIDATED}/patients.parquet",
            measurements=f"{VALIDATED}/measurements.parquet",
            sources=f"{VALIDATED}/sources.parquet",
        output:
            csv=report(
                f"{RESULTS}/stats/table1.csv",
                caption="../report/stats_table1.rst",
                category="1. Tables",
                labels=report_table_labels("table1", "Table 1, full precision (CSV)", " (CSV)"),
            ),
        log:
            "logs/table1_statistics.log",
        benchmark:
            "logs/benchmarks/table1_statistics.tsv"
        priority: PRIORITY["table1_statistics"]
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
            rows=table1_statistic_rows(),
            time_point=TABLES.get("table1", {}).get("time_point"),
            config=config_keys(
                "baseline_day",
                "baseline_time_point",  # the time points of long-format rows
                "time_points",
                "paired_days",
                "variables",
                "derived",
                "statistics/quantile_type",
                "statistics/small_cell_k",
            ),
        script:
            "../scripts/table1_statistics.py"


# Also when Tables 1-3 are all declared by kind: tables.tex, the compilable LaTeX document of the
# paper's tables, is still written (from their .tex files).
if TABLES_TEX:

    rule tables:
        input:
            cohort=f"{RESULTS}/selection/cohort.parquet",
            patients=f"{VALIDATED}/patients.parquet",
            # values a declared policy changed (out_of_range: missing, ...): footnoted per table
            adjustments=f"{RESULTS}/validation/adjustments.json",
            table1=[f"{RESULTS}/stats/table1.csv"] if TABLE1 else [],
            table3=[f"{RESULTS}/stats/table3_paired.json"] if TABLE3 else [],  # the classic Table 3
            # Tables 1-3 declared by kind: their LaTeX joins tables.tex in its place
            declared_tex=[
                table_files(t)["tex"] for t in ("table1", "table2", "table3") if t in DECLARED_TABLES
            ],
            # the paper's printed numbers, when the study has them (Table 1 rows that differ get ‡)
            published=[STUDY.data["study"]["published"]] if "published" in STUDY.data["study"] else [],
        output:
            **{
                key: path
                for i in (1, 2, 3)
                if f"table{i}" in CLASSIC_TABLES
                for key, path in table_outputs(
                    f"table{i}",
                    prefix=f"table{i}_",
                    caption=f"../report/table{i}.rst",
                    category="1. Tables",
                    labels=report_table_labels(f"table{i}", f"Table {i}"),
                ).items()
            },
            **({"table2_csv": f"{RESULTS}/tables/table2.csv"} if TABLE2 else {}),
            latex_document=f"{RESULTS}/tables/tables.tex",
        log:
            "logs/tables.log",
        benchmark:
            "logs/benchmarks/tables.tsv"
        priority: PRIORITY["tables"]
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
            config=config_keys(
                *(f"tables/{t}" for t in CLASSIC_TABLES),
                "tables/preset",
                "study/subjects_noun",
                "study/synthetic_note",
                "variables",
                "derived",
                "paired_days",
                "time_points",
                "paired_time_points",
                "repeated_time_points",
                "statistics/quantile_type",
                "statistics/rounding",
                "statistics/p_value",
                "statistics/small_cell_k",
            ),
        script:
            "../scripts/tables.py"
