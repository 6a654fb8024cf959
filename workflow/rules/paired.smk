import re

# The paired tests (ingestion -> validation -> HScore -> paired tests -> figures): every table
# declared with `kind: paired` (rule paired_table: e.g. the flagship's Day 0 to Day 7 Table 3),
# and the classic `tables.table3` without a kind (rule paired_tests: the study's paired days).


if TABLE3:

    rule paired_tests:
        input:
            cohort=f"{RESULTS}/selection/cohort.parquet",
            measurements=f"{VALIDATED}/measurements.parquet",
            sources=f"{VALIDATED}/sources.parquet",
        output:
            csv=report(
                f"{RESULTS}/stats/table3_paired.csv",
                caption="../report/stats_table3.rst",
                category="1. Tables",
                labels=report_table_labels("table3", "Table 3, full precision (CSV)", " (CSV)"),
            ),
            json=f"{RESULTS}/stats/table3_paired.json",
            # the (patient, first day, second day) pairs each Table 3 row was computed from
            pairs=f"{RESULTS}/stats/table3_pairs.parquet",
        log:
            "logs/paired_tests.log",
        benchmark:
            "logs/benchmarks/paired_tests.tsv"
        priority: PRIORITY["paired_tests"]
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
            config=config_keys(
                "tables/table3",
                "paired_days",
                "time_points",
                "paired_time_points",
                "repeated_time_points",
                "variables",
                "derived",
                "statistics/quantile_type",
                "statistics/wilcoxon",
                "statistics/mcnemar",
                "statistics/hodges_lehmann",
                "statistics/decimals_for_tests",
                "statistics/extra_tests",
                "statistics/multiplicity",
                "statistics/tests",
                "statistics/default_tests",
            ),
        script:
            "../scripts/paired_tests.py"


if PAIRED_TABLES:

    rule paired_table:
        input:
            # read when the job runs: the cohort tables' inputs are declared after this file
            unpack(lambda wildcards: COHORT_INPUTS),
        output:
            **table_outputs(
                "{table}",
                caption="../report/paired_table.rst",
                category="1. Tables",
                # Snakemake formats report labels with the wildcards: a title's {n} is left out
                labels=lambda wildcards: report_table_labels(wildcards.table, report_title(wildcards.table)),
            ),
            csv=f"{RESULTS}/stats/{{table}}.csv",
            json=f"{RESULTS}/stats/{{table}}.json",
            # the (patient, first day, second day) pairs each row was computed from
            pairs=f"{RESULTS}/stats/{{table}}_pairs.parquet",
        log:
            "logs/paired_table/{table}.log",
        benchmark:
            "logs/benchmarks/paired_table/{table}.tsv"
        wildcard_constraints:
            table="|".join(PAIRED_TABLES),
        priority: PRIORITY["paired_tests"]
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
            config=lambda wildcards: cohort_table_keys(wildcards.table),
            report_title=lambda wildcards: report_title(wildcards.table),  # the caption's title
        script:
            "../scripts/paired_table.py"
