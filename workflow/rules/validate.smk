# Pandera validation of each site's canonical tables, then the merge: cross-site checks and
# the study's derived patient-level variables.


rule validate_site:
    input:
        patients=f"{INTERIM}/{{site}}/patients.parquet",
        measurements=f"{INTERIM}/{{site}}/measurements.parquet",
        treatments=f"{INTERIM}/{{site}}/treatments.parquet",
        sources=f"{INTERIM}/{{site}}/sources.parquet",
        adjustments=f"{INTERIM}/{{site}}/adjustments.json",
    output:
        summary=f"{INTERIM}/{{site}}/validation.json",
    log:
        "logs/validate/{site}.log",
    benchmark:
        "logs/benchmarks/validate_site/{site}.tsv"
    conda:
        "../envs/retrocohort.yaml"
    params:
        code=CODE,
        config=config_keys("variables", "day_range"),
    script:
        "../scripts/validate_site.py"


rule merge_sites_and_derive:
    input:
        patients=per_site("patients"),
        measurements=per_site("measurements"),
        treatments=per_site("treatments"),
        sources=per_site("sources"),
        events=per_site("events"),
        site_checks=expand(f"{INTERIM}/{{site}}/validation.json", site=SITES),
    output:
        patients=f"{VALIDATED}/patients.parquet",
        # a Parquet dataset (directory of the validated site files), read as one table
        measurements=directory(f"{VALIDATED}/measurements.parquet"),
        treatments=f"{VALIDATED}/treatments.parquet",
        sources=f"{VALIDATED}/sources.parquet",
        events=f"{VALIDATED}/events.parquet",
        report=f"{RESULTS}/validation/report.md",
        adjustments=f"{RESULTS}/validation/adjustments.json",
    log:
        "logs/merge_sites_and_derive.log",
    benchmark:
        "logs/benchmarks/merge_sites_and_derive.tsv"
    conda:
        "../envs/retrocohort.yaml"
    params:
        code=CODE,
        config=config_keys(*DERIVE_KEYS),
    script:
        "../scripts/merge_sites_and_derive.py"
