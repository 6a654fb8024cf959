# The manuscript text: the study's Results template (config/manuscript/results.md) with every
# placeholder replaced from the statistics files and values.json (placeholder -> full-precision
# value -> source file, record, column -> rule -> input checksums). Runs only for a study that
# ships the template. The methods section (rule `methods`) runs for every study.
MANUSCRIPT_TEMPLATE = "config/manuscript/results.md"
MANUSCRIPT = f"{RESULTS}/manuscript"
# Optional statistics: a study without group comparisons or time-to-event analyses has no file.
MANUSCRIPT_OPTIONAL = {
    **({"groups": f"{RESULTS}/stats/groups.json"} if STUDY.data["groups"] else {}),
    **({"survival": f"{RESULTS}/stats/survival.json"} if STUDY.data["survival"] else {}),
}
# The template's placeholders read Table 1, the paired tests and the flow: all three are needed.
MANUSCRIPT_ON = os.path.exists(MANUSCRIPT_TEMPLATE) and TABLE1 and TABLE3
# Every statistics file of the study: the methods section names each test and estimator they
# record (one sentence per method, from retrocohort.manuscript.method_sentences).
METHODS_SOURCES = {
    os.path.basename(path).split(".")[0]: path
    for path in ([f"{RESULTS}/stats/table1.csv"] if TABLE1 else [])
    + ([f"{RESULTS}/stats/table3_paired.json"] if TABLE3 else [])
    + list(MANUSCRIPT_OPTIONAL.values())
    + [f"{RESULTS}/stats/{tid}.json" for tid in DECLARED_TABLES]
}
METHODS_OUTPUTS = [f"{MANUSCRIPT}/{name}" for name in ("methods.md", "methods.docx", "methods.rst")]
manuscript_outputs = lambda: METHODS_OUTPUTS + (
    [f"{MANUSCRIPT}/{name}" for name in ("results.md", "results.docx", "values.json")]
    if MANUSCRIPT_ON
    else []
)


rule methods:
    input:
        **METHODS_SOURCES,
    output:
        md=f"{MANUSCRIPT}/methods.md",
        docx=f"{MANUSCRIPT}/methods.docx",
        rst=f"{MANUSCRIPT}/methods.rst",
    log:
        "logs/methods.log",
    benchmark:
        "logs/benchmarks/methods.tsv"
    conda:
        "../envs/retrocohort.yaml"
    params:
        code=CODE,
        config=config_keys(
            "statistics",
            "hscore",
            "selection/score",
            "study/title",
            "study/synthetic_note",
            "tables/preset",
            "tables/table3/bold_p_below",
            "paired_days",
            "time_points",
            "paired_time_points",
            "repeated_time_points",
        ),
    script:
        "../scripts/methods.py"


if MANUSCRIPT_ON:

    rule manuscript:
        input:
            **MANUSCRIPT_OPTIONAL,
            template=MANUSCRIPT_TEMPLATE,
            table1=f"{RESULTS}/stats/table1.csv",
            paired=f"{RESULTS}/stats/table3_paired.json",
            flow=f"{RESULTS}/selection/flow.csv",
        output:
            results_md=f"{MANUSCRIPT}/results.md",
            results_docx=f"{MANUSCRIPT}/results.docx",
            values=f"{MANUSCRIPT}/values.json",
        log:
            "logs/manuscript.log",
        benchmark:
            "logs/benchmarks/manuscript.tsv"
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
            config=with_value(
                config_keys(
                    "statistics/quantile_type",
                    "statistics/rounding",
                    "statistics/p_value",
                    "study/title",
                    "study/synthetic_note",
                    "tables/preset",
                    "tables/table1/rows",
                    "tables/table1/thousands_separator",
                    "tables/table1/thousands_min",
                    "tables/table3/parameters",
                    "tables/table3/bold_p_below",
                    "paired_days",
                    "time_points",
                    "paired_time_points",
                ),
                "tables/table1/rows",
                table1_row_formats(),
            ),
        script:
            "../scripts/manuscript.py"
