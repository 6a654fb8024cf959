rule validate_site:
    input:
        patients=f"{INTERIM}/{{site}}/patients.parquet",
        measurements=f"{INTERIM}/{{site}}/measurements.parquet",
        treatments=f"{INTERIM}/{{site}}/treatments.parquet",
        sources=f"{INTERIM}/{{site}}/sources.parquet",
    output:
        summary=f"{INTERIM}/{{site}}/validation.json",
    benchmark:
        "logs/benchmarks/validate_site/{site}.tsv"
    log:
        "logs/validate/{site}.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/validate_site.py"


rule validate:
    input:
        patients=per_site("patients"),
        measurements=per_site("measurements"),
        treatments=per_site("treatments"),
        sources=per_site("sources"),
        site_checks=expand(f"{INTERIM}/{{site}}/validation.json", site=SITES),
    output:
        patients=f"{VALIDATED}/patients.parquet",
        # a Parquet dataset (directory of the validated site files), read as one table
        measurements=directory(f"{VALIDATED}/measurements.parquet"),
        treatments=f"{VALIDATED}/treatments.parquet",
        sources=f"{VALIDATED}/sources.parquet",
        report=f"{RESULTS}/validation/report.md",
    benchmark:
        "logs/benchmarks/validate.tsv"
    log:
        "logs/validate.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/validate.py"
