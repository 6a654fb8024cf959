# The manuscript text, results/manuscript/results.md (and .docx) with values.json (placeholder ->
# full-precision value -> source file, record, column -> rule -> input checksums), written from
# a template with every placeholder replaced from the statistics files:
# - rule `manuscript`: the study's own Results template (config/manuscript/results.md);
# - rule `results_skeleton`, for a study without one: a template generated from what the study
#   declares (a paragraph per table; retrocohort.manuscript.skeleton), written beside the text
#   as results_template.md (copy it to config/manuscript/results.md to edit it, numbers traced).
# The methods section (rule `methods`) runs for every study.
MANUSCRIPT_TEMPLATE = "config/manuscript/results.md"
MANUSCRIPT = f"{RESULTS}/manuscript"
# Optional statistics: a study without group comparisons or time-to-event analyses has no file.
MANUSCRIPT_OPTIONAL = {
    **({"groups": f"{GROUPS_STATS}.json"} if GROUPS_STATS else {}),  # groups: or tables.groups
    **({"survival": f"{RESULTS}/stats/survival.json"} if SURVIVAL_STATS else {}),
}
# Every statistics file a Results text may read: the flow, the classic Table 1 and paired Table 3
# when declared, the optional files and each declared table's statistics (input `declared_<id>`).
RESULTS_SOURCES = {
    **({"table1": f"{RESULTS}/stats/table1.csv"} if TABLE1_STATS else {}),
    # the study's paired table (tables.table3, classic or kind: paired): keys paired.*
    **({"paired": f"{PAIRED_STATS}.json"} if PAIRED else {}),
    "flow": f"{RESULTS}/selection/flow.csv",
    **MANUSCRIPT_OPTIONAL,
    **{f"declared_{tid}": f"{RESULTS}/stats/{tid}.json" for tid in DECLARED_TABLES},
    # each propensity-score matching's summary: keys matching.<name>.* (matched, unmatched)
    **{
        f"matching_{name}": f"{RESULTS}/stats/treatment_comparison_{name}.json"
        for name, spec in (STUDY.data.get("treatment_comparisons") or {}).items()
        if spec["method"] == "matching"
    },
}
MANUSCRIPT_ON = os.path.exists(MANUSCRIPT_TEMPLATE)
# Every statistics file of the study: the methods section names each test and estimator they
# record (one sentence per method, from retrocohort.manuscript.method_sentences).
METHODS_SOURCES = {
    os.path.basename(path).split(".")[0]: path
    for path in ([f"{RESULTS}/stats/table1.csv"] if TABLE1_STATS else [])
    + ([f"{RESULTS}/stats/table3_paired.json"] if TABLE3 else [])
    + list(MANUSCRIPT_OPTIONAL.values())
    + [f"{RESULTS}/stats/{tid}.json" for tid in DECLARED_TABLES]
}
METHODS_OUTPUTS = [f"{MANUSCRIPT}/{name}" for name in ("methods.md", "methods.docx", "methods.rst")]
manuscript_outputs = lambda: (
    METHODS_OUTPUTS
    + [f"{MANUSCRIPT}/{name}" for name in ("results.md", "results.docx", "values.json")]
    + ([] if MANUSCRIPT_ON else [f"{MANUSCRIPT}/results_template.md"])
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
            "study/subjects_noun",
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
            **RESULTS_SOURCES,
            template=MANUSCRIPT_TEMPLATE,
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
            config=manuscript_config(),
        script:
            "../scripts/manuscript.py"

else:

    rule results_skeleton:
        input:
            **RESULTS_SOURCES,
        output:
            template=f"{MANUSCRIPT}/results_template.md",
            results_md=f"{MANUSCRIPT}/results.md",
            results_docx=f"{MANUSCRIPT}/results.docx",
            values=f"{MANUSCRIPT}/values.json",
        log:
            "logs/results_skeleton.log",
        benchmark:
            "logs/benchmarks/results_skeleton.tsv"
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
            # the order, titles, rows and labels of every table; the variables' labels and
            # units; the survival analyses and group comparisons; number and p-value style
            config=config_keys(
                "statistics/rounding",
                "statistics/p_value",
                "statistics/quantile_type",  # a declared Table 1's quartiles (summary_records)
                "study/title",
                "study/synthetic_note",
                "study/subjects_noun",
                "tables",
                "variables",
                "derived",
                "survival",
                "groups",
                "paired_days",
                "time_points",
                "paired_time_points",
            ),
        script:
            "../scripts/results_skeleton.py"
