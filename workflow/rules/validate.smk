rule validate:
    input:
        patients=per_site("patients"),
        measurements=per_site("measurements"),
        treatments=per_site("treatments"),
        sources=per_site("sources"),
    output:
        patients=f"{VALIDATED}/patients.parquet",
        measurements=f"{VALIDATED}/measurements.parquet",
        treatments=f"{VALIDATED}/treatments.parquet",
        sources=f"{VALIDATED}/sources.parquet",
        report=f"{RESULTS}/validation/report.md",
    log:
        "logs/validate.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/validate.py"
