# Group comparisons (Fisher / Mann-Whitney) of the selected cohort, declared by the top-level
# `groups:` (classic). tables.groups declared `kind: comparison` writes the same files through
# rule cohort_table (and then this rule is not defined: both would write results/stats/groups.*).
COHORT_INPUTS = dict(
    cohort=f"{RESULTS}/selection/cohort.parquet",
    patients=f"{VALIDATED}/patients.parquet",
    measurements=f"{VALIDATED}/measurements.parquet",
    sources=f"{VALIDATED}/sources.parquet",
    # values changed by declared policies (duplicates, conflicts, out_of_range): footnoted
    adjustments=f"{RESULTS}/validation/adjustments.json",
    **({"hscore": f"{RESULTS}/hscore/hscore.parquet"} if HSCORE else {}),
)
group_outputs = lambda: (
    [f"{RESULTS}/stats/groups.csv", *table_files("groups").values()] if CLASSIC_GROUPS else []
)


if CLASSIC_GROUPS:

    rule group_comparisons:
        input:
            **COHORT_INPUTS,
        output:
            **table_outputs(
                "groups",
                caption="../report/groups.rst",
                category="1. Tables",
                labels=report_table_labels("groups", "Group comparisons"),
            ),
            csv=f"{RESULTS}/stats/groups.csv",
            json=f"{RESULTS}/stats/groups.json",
        log:
            "logs/group_comparisons.log",
        benchmark:
            "logs/benchmarks/group_comparisons.tsv"
        priority: PRIORITY["group_comparisons"]
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
            config=config_keys(
                "groups",
                "tables/groups",
                "tables/preset",
                "study/subjects_noun",
                "study/synthetic_note",
                "variables",
                "derived",
                "baseline_day",
                "statistics/quantile_type",
                "statistics/rounding",
                "statistics/p_value",
                "statistics/wilcoxon",  # the study's R preset
                "statistics/mann_whitney",
                "statistics/chi_square",
                "statistics/tests",
                "statistics/default_tests",
            ),
        script:
            "../scripts/group_comparisons.py"
