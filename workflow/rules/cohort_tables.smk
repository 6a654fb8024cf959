import re

# Tables the study declares by kind (`tables.<id>: {kind: descriptive | regression, ...}`): one
# job per table, its statistics at full precision and the table in every manuscript format.
cohort_table_outputs = lambda: [
    f
    for tid in DECLARED_TABLES
    for f in [f"{RESULTS}/stats/{tid}.csv", f"{RESULTS}/stats/{tid}.json", *table_files(tid).values()]
]


rule cohort_table:
    input:
        **COHORT_INPUTS,
    output:
        **table_outputs(
            "{table}",
            caption="../report/cohort_table.rst",
            category="1. Tables",
            # Snakemake formats report labels with the wildcards: a title's {n} is left out
            labels=lambda wildcards: {
                "table": re.sub(r"\{\w*\}\s*", "", TABLES[wildcards.table].get("title", wildcards.table))
            },
        ),
        csv=f"{RESULTS}/stats/{{table}}.csv",
        json=f"{RESULTS}/stats/{{table}}.json",
    log:
        "logs/cohort_table/{table}.log",
    benchmark:
        "logs/benchmarks/cohort_table/{table}.tsv"
    wildcard_constraints:
        table="|".join(DECLARED_TABLES) or "(?!)",
    priority: PRIORITY["tables"]
    conda:
        "../envs/retrocohort.yaml"
    params:
        code=CODE,
        config=lambda wildcards: config_keys(
            f"tables/{wildcards.table}",
            "tables/preset",
            "variables",
            "derived",
            "baseline_day",
            "baseline_time_point",  # the time points of long-format rows
            "time_points",
            "paired_days",
            "statistics/quantile_type",
            "statistics/rounding",
            "statistics/p_value",
            "statistics/wilcoxon",  # the study's R preset
            "statistics/mann_whitney",
            "statistics/chi_square",
        ),
    script:
        "../scripts/cohort_table.py"
