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
            labels={"table": "Table 3, full precision (CSV)"},
        ),
        json=f"{RESULTS}/stats/table3_paired.json",
    benchmark:
        "logs/benchmarks/paired_tests.tsv"
    log:
        "logs/paired_tests.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/paired_tests.py"
