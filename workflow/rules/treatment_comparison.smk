# Treatment comparisons the study declares (`treatment_comparisons.<name>`): the propensity score
# and the matched sets or weights per patient (results/stats/treatment_comparison_<name>.csv, read
# by outcome analyses declared with `sample: <name>`) and the specification with the weight
# summary and the unmatched patients (.json). One job per comparison.
TREATMENT_COMPARISONS = list(STUDY.data.get("treatment_comparisons") or {})
treatment_comparison_outputs = lambda: [
    f"{RESULTS}/stats/treatment_comparison_{name}.{ext}"
    for name in TREATMENT_COMPARISONS
    for ext in ("csv", "json")
]


rule treatment_comparison:
    input:
        **COHORT_INPUTS,
    output:
        csv=f"{RESULTS}/stats/treatment_comparison_{{name}}.csv",
        json=f"{RESULTS}/stats/treatment_comparison_{{name}}.json",
    log:
        "logs/treatment_comparison/{name}.log",
    benchmark:
        "logs/benchmarks/treatment_comparison/{name}.tsv"
    wildcard_constraints:
        name="|".join(TREATMENT_COMPARISONS) or "(?!)",
    priority: PRIORITY["tables"]
    conda:
        "../envs/retrocohort.yaml"
    params:
        code=CODE,
        config=lambda wildcards: config_keys(
            f"treatment_comparisons/{wildcards.name}",
            "variables",
            "derived",
            "baseline_day",
        ),
    script:
        "../scripts/treatment_comparison.py"
