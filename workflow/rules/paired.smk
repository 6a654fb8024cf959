# Day 0 to Day 7 (the study's paired days) paired tests for every Table 3 parameter.


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
