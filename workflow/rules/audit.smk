# Reviewer audit: published numbers beside regenerated values, consistency checks.


def audit_published_files():
    """The study's published numbers (if any) plus every count-only study (config `audit:`)."""
    own = [config["study"]["published"]] if "published" in config["study"] else []
    return own + list(config.get("audit", {}).get("count_only", []))


def audit_outputs():
    """The audit runs when the study has published numbers or count-only studies to check."""
    if not audit_published_files():
        return []
    return [f"{RESULTS}/audit/audit.{ext}" for ext in ("md", "html", "json", "csv")]


rule audit:
    input:
        table1=f"{RESULTS}/stats/table1.csv",
        table3=f"{RESULTS}/stats/table3_paired.json",
        hscore=f"{RESULTS}/hscore/hscore.parquet",
        flow=f"{RESULTS}/selection/flow.csv",
        cohort=f"{RESULTS}/selection/cohort.parquet",
        patients=f"{VALIDATED}/patients.parquet",
        measurements=f"{VALIDATED}/measurements.parquet",
        treatments=f"{VALIDATED}/treatments.parquet",
        sources=f"{VALIDATED}/sources.parquet",
        published=audit_published_files(),
        config=workflow.configfiles,
    output:
        md=f"{RESULTS}/audit/audit.md",
        html=report(
            f"{RESULTS}/audit/audit.html",
            caption="../report/audit.rst",
            category="5. Audit",
            labels={"audit": "published vs regenerated"},
        ),
        json=f"{RESULTS}/audit/audit.json",
        csv=f"{RESULTS}/audit/audit.csv",
    benchmark:
        "logs/benchmarks/audit.tsv"
    log:
        "logs/audit.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/audit.py"
