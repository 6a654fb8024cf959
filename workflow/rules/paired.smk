rule paired_tests:
    priority: PRIORITY["paired_tests"]
    input:
        cohort=f"{RESULTS}/selection/cohort.parquet",
        measurements=f"{VALIDATED}/measurements.parquet",
        sources=f"{VALIDATED}/sources.parquet",
    output:
        csv=report(
            f"{RESULTS}/stats/table3_paired.csv",
            caption="../report/stats_table3.rst",
            category="1. Tables",
            labels={"table": "Table 3, full precision (CSV)"},
        ),
        json=f"{RESULTS}/stats/table3_paired.json",
        # the (patient, Day 0, Day 7) pairs each Table 3 row was computed from
        pairs=f"{RESULTS}/stats/table3_pairs.parquet",
    benchmark:
        "logs/benchmarks/paired_tests.tsv"
    log:
        "logs/paired_tests.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/paired_tests.py"
