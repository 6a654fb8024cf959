rule hscore:
    input:
        patients=f"{VALIDATED}/patients.parquet",
        measurements=f"{VALIDATED}/measurements.parquet",
    output:
        csv=report(
            f"{RESULTS}/hscore/hscore.csv",
            caption="../report/hscore_table.rst",
            category="2. HScore and selection",
            labels={"table": "per-patient HScore"},
        ),
        parquet=f"{RESULTS}/hscore/hscore.parquet",
        flow=report(
            f"{RESULTS}/selection/flow.csv",
            caption="../report/selection_flow.rst",
            category="2. HScore and selection",
            labels={"table": "cohort selection flow"},
        ),
        cohort=f"{RESULTS}/selection/cohort.parquet",
    benchmark:
        "logs/benchmarks/hscore.tsv"
    log:
        "logs/hscore.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/hscore.py"
