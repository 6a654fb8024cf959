import re

# Tables the study declares by kind (`tables.<id>: {kind: ..., ...}`; the kinds are registered in
# retrocohort.kinds): one job per table, its statistics at full precision and the table in
# every manuscript format; one job per figure a table draws (a survival table's Kaplan-Meier curves).
DECLARED_FIGURES = [(tid, fid) for tid in DECLARED_TABLES for fid in table_figures(TABLES[tid])]
cohort_table_outputs = lambda: [
    f
    for tid in DECLARED_TABLES
    for f in [f"{RESULTS}/stats/{tid}.csv", f"{RESULTS}/stats/{tid}.json", *table_files(tid).values()]
] + [
    f
    for tid, fid in DECLARED_FIGURES
    for f in [*figure_files(f"{tid}/km_{fid}"), f"{RESULTS}/stats/{tid}/km_{fid}_numbers.csv"]
]


rule cohort_table:
    input:
        **COHORT_INPUTS,
        comparison_sample=lambda wildcards: table_sample_input(wildcards.table),
        published=published_input,
    output:
        **table_outputs(
            "{table}",
            caption="../report/cohort_table.rst",
            category="1. Tables",
            # Snakemake formats report labels with the wildcards: a title's {n} is left out
            labels=lambda wildcards: report_table_labels(wildcards.table, report_title(wildcards.table)),
        ),
        csv=f"{RESULTS}/stats/{{table}}.csv",
        json=f"{RESULTS}/stats/{{table}}.json",
    log:
        "logs/cohort_table/{table}.log",
    benchmark:
        "logs/benchmarks/cohort_table/{table}.tsv"
    wildcard_constraints:
        # a paired table has its own rule (paired_table, which writes its pairs too)
        table="|".join(t for t in DECLARED_TABLES if t not in PAIRED_TABLES) or "(?!)",
    priority: PRIORITY["tables"]
    conda:
        "../envs/retrocohort.yaml"
    params:
        code=CODE,
        config=lambda wildcards: cohort_table_keys(wildcards.table),
        report_title=lambda wildcards: report_title(wildcards.table),  # the caption's title
    script:
        "../scripts/cohort_table.py"


rule cohort_figure:
    input:
        **COHORT_INPUTS,
        comparison_sample=lambda wildcards: table_sample_input(wildcards.table),
    output:
        png=report(
            f"{FIGURES}/{{table}}/km_{{figure}}.png",
            caption="../report/survival.rst",
            category="3. Figures",
            labels=lambda wildcards: {"figure": figure_label(wildcards.table, wildcards.figure)},
        ),
        svg=f"{FIGURES}/{{table}}/km_{{figure}}.svg",
        pdf=f"{FIGURES}/{{table}}/km_{{figure}}.pdf",
        numbers=f"{RESULTS}/stats/{{table}}/km_{{figure}}_numbers.csv",
    log:
        "logs/cohort_figure/{table}/{figure}.log",
    benchmark:
        "logs/benchmarks/cohort_figure/{table}/{figure}.tsv"
    wildcard_constraints:
        table="|".join(tid for tid, _ in DECLARED_FIGURES) or "(?!)",
        figure="|".join(fid for _, fid in DECLARED_FIGURES) or "(?!)",
    priority: PRIORITY["survival"]
    conda:
        "../envs/retrocohort.yaml"
    params:
        code=CODE,
        config=lambda wildcards: cohort_table_keys(wildcards.table),
    script:
        "../scripts/cohort_figure.py"
