# Table 1 statistics (full precision), then Tables 1-3 formatted in every manuscript format.
# Split so that editing a label or a decimal reruns only the formatting.


rule table1_statistics:
    priority: PRIORITY["table1_statistics"]
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
    params:
        rows=table1_statistic_rows(),
        config=config_keys(
            "baseline_day",
            "variables",
            "derived",
            "statistics/quantile_type",
            "statistics/small_cell_k",
        ),
    benchmark:
        "logs/benchmarks/table1_statistics.tsv"
    log:
        "logs/table1_statistics.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/table1_statistics.py"


rule tables:
    priority: PRIORITY["tables"]
    input:
        cohort=f"{RESULTS}/selection/cohort.parquet",
        patients=f"{VALIDATED}/patients.parquet",
        table1=f"{RESULTS}/stats/table1.csv",
        table3=f"{RESULTS}/stats/table3_paired.json",
    output:
        table2_csv=f"{RESULTS}/tables/table2.csv",
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
        latex_document=f"{RESULTS}/tables/tables.tex",
    params:
        config=config_keys(
            "tables/table1",
            "tables/table2",
            "tables/table3",
            "tables/preset",
            "study/synthetic_note",
            "variables",
            "derived",
            "paired_days",
            "statistics/quantile_type",
            "statistics/rounding",
            "statistics/p_value",
            "statistics/small_cell_k",
        ),
    benchmark:
        "logs/benchmarks/tables.tsv"
    log:
        "logs/tables.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/tables.py"
