# Reviewer audit: published numbers beside regenerated values, consistency checks.


# Published numbers of the study (if any) plus every count-only study (config `audit:`); the
# audit runs when there is at least one.
AUDIT_PUBLISHED = ([STUDY.data["study"]["published"]] if "published" in STUDY.data["study"] else []) + list(
    STUDY.data["audit"].get("count_only", [])
)
AUDIT_FILES = [f"{RESULTS}/audit/audit.{ext}" for ext in ("md", "html", "json", "csv")]
# Optional inputs: the group comparisons (subgroup numbers) and the synthetic data's calibration
# record (which published numbers the synthetic data were built to reproduce).
AUDIT_GROUPS = [f"{GROUPS_STATS}.json"] if GROUPS_STATS else []  # groups: or tables.groups
AUDIT_CALIBRATION = [STUDY.data["audit"]["calibration"]] if STUDY.data["audit"].get("calibration") else []
audit_outputs = lambda: AUDIT_FILES if AUDIT_PUBLISHED else []


rule audit:
    input:
        # the classic tables and the HScore, when the study has them
        table1=[f"{RESULTS}/stats/table1.csv"] if TABLE1_STATS else [],
        table3=[f"{PAIRED_STATS}.json"] if PAIRED else [],  # tables.table3, classic or kind: paired
        hscore=[f"{RESULTS}/hscore/hscore.parquet"] if HSCORE else [],
        flow=f"{RESULTS}/selection/flow.csv",
        cohort=f"{RESULTS}/selection/cohort.parquet",
        patients=f"{VALIDATED}/patients.parquet",
        measurements=f"{VALIDATED}/measurements.parquet",
        treatments=f"{VALIDATED}/treatments.parquet",
        sources=f"{VALIDATED}/sources.parquet",
        groups=AUDIT_GROUPS,
        calibration=AUDIT_CALIBRATION,
        published=AUDIT_PUBLISHED,
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
    log:
        "logs/audit.log",
    benchmark:
        "logs/benchmarks/audit.tsv"
    priority: PRIORITY["audit"]
    conda:
        "../envs/retrocohort.yaml"
    params:
        code=CODE,
        config=config_keys(
            "study",
            "audit",
            "variables",
            "derived",
            "groups",
            "tables/groups/kind",  # tables.groups declared kind: comparison
            "tables/groups/comparisons",
            "baseline_day",
            "paired_days",
            "time_points",
            "paired_time_points",
            "tables/table3/time_points",  # a declared paired table's own
            "repeated_time_points",
            "statistics",
        ),
    script:
        "../scripts/audit.py"
