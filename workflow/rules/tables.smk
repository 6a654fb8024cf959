# Table 1 statistics (full precision), then Tables 1-3 formatted in every manuscript format.
# Split so that editing a label or a decimal reruns only the formatting.


rule table1_statistics:
    input:
        cohort=f"{RESULTS}/selection/cohort.parquet",
        patients=f"{VALIDATED}/patients.parquet",
        measurements=f"{VALIDATED}/measurements.parquet",
        sources=f"{VALIDATED}/sources.parquet",
        hscore=f"{RESULTS}/hscore/hscore.parquet",
    output:
        csv=report(
            f"{RESULTS}/stats/table1.csv",
            caption="../report/stats_table1.rst",
            category="1. Tables",
            labels={"table": "Table 1, full precision (CSV)"},
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
        config=config_keys(
            "baseline_day",
            "variables",
            "derived",
            "statistics/quantile_type",
            "statistics/small_cell_k",
        ),
    script:
        "../scripts/table1_statistics.py"


rule tables:
    input:
        cohort=f"{RESULTS}/selection/cohort.parquet",
        patients=f"{VALIDATED}/patients.parquet",
        table1=f"{RESULTS}/stats/table1.csv",
        table3=f"{RESULTS}/stats/table3_paired.json",
        # the paper's printed numbers, when the study has them (Table 1 rows that differ get ‡)
        published=[STUDY.data["study"]["published"]] if "published" in STUDY.data["study"] else [],
    output:
        **{
            f"table{i}_{ext}": (
                report(
                    path,
                    caption=f"../report/table{i}.rst",
                    category="1. Tables",
                    labels={"table": f"Table {i}"},
                )
                if ext == "html"
                else path
            )
            for i in (1, 2, 3)
            for ext, path in table_files(f"table{i}").items()
        },
        table2_csv=f"{RESULTS}/tables/table2.csv",
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
            "tables/table1",
            "tables/table2",
            "tables/table3",
            "tables/preset",
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
