# Ingestion: each site's raw files -> canonical tables (patients; long measurements with units
# converted by pint; treatments; sources), and the run's provenance.
rule ingest_site:
    input:
        site_inputs,
    output:
        patients=f"{INTERIM}/{{site}}/patients.parquet",
        measurements=f"{INTERIM}/{{site}}/measurements.parquet",
        treatments=f"{INTERIM}/{{site}}/treatments.parquet",
        sources=f"{INTERIM}/{{site}}/sources.parquet",
        events=f"{INTERIM}/{{site}}/events.parquet",
        checksums=f"{INTERIM}/{{site}}/checksums.json",
        adjustments=f"{INTERIM}/{{site}}/adjustments.json",
    log:
        "logs/ingest/{site}.log",
    benchmark:
        "logs/benchmarks/ingest/{site}.tsv"
    conda:
        "../envs/retrocohort.yaml"
    params:
        code=CODE,
        config=lambda wildcards: ingest_config(wildcards.site),
        raw_sha256=site_hashes,
    script:
        "../scripts/ingest_site.py"


rule provenance_inputs:
    input:
        checksums=expand(f"{INTERIM}/{{site}}/checksums.json", site=SITES),
    output:
        json=report(
            f"{RESULTS}/provenance/inputs.json",
            caption="../report/provenance.rst",
            category="4. Provenance",
            labels={"file": "inputs, config, versions"},
        ),
        # command line and timestamps: outside results/ so results stay byte-identical
        run_record="logs/provenance/run.json",
    log:
        "logs/provenance/inputs.log",
    benchmark:
        "logs/benchmarks/provenance/inputs.tsv"
    conda:
        "../envs/retrocohort.yaml"
    params:
        code=CODE,
        study=STUDY.data,  # the whole resolved config is recorded, so any edit reruns this
    script:
        "../scripts/provenance_inputs.py"
