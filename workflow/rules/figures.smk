from retrocohort.figures.score_term import caption_term, score_term

# Figures in two jobs: the slope plots wait for Table 3 (their panels print its p-values); the
# cohort figures do not, so they run beside the paired tests. Each figure is PNG (300 dpi, shown
# in the report with its own caption), SVG and PDF (fonts embedded, byte-identical across runs).
# The HScore figure's label and caption name the score as the figure and tables do (score_term).
FIGURE_LABELS = {
    "slopes": "Paired values, first vs second day",
    "hscore": f"{score_term(STUDY.data)} distribution",
    "flow": "Cohort selection flow",
    "swimmer": "Anakinra duration (swimmer plot)",
}
COHORT_FIGURE_STEMS = (
    (["hscore"] if HSCORE else []) + ["flow"] + (["swimmer"] if STUDY.data["figures"].get("swimmer") else [])
)
FIGURE_STEMS = (["slopes"] if PAIRED else []) + COHORT_FIGURE_STEMS


if PAIRED:  # the study's paired table, tables.table3 (classic or kind: paired)

    rule figures_slopes:
        input:
            pairs=f"{RESULTS}/stats/table3_pairs.parquet",
            table3=f"{PAIRED_STATS}.json",
        output:
            slopes=report(
                f"{FIGURES}/slopes.png",
                caption="../report/figure_slopes.rst",
                category="3. Figures",
                labels={"figure": FIGURE_LABELS["slopes"], "files": "PNG 300 dpi, SVG, PDF"},
            ),
            extra=figure_files("slopes")[1:],
        log:
            "logs/figures_slopes.log",
        benchmark:
            "logs/benchmarks/figures_slopes.tsv"
        priority: PRIORITY["figures_slopes"]
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
            config=config_keys(
                "tables/table3",
                "figures/slopes",
                "study/subjects_noun",
                "paired_days",
                "time_points",
                "paired_time_points",
                "statistics/p_value",
                "statistics/rounding",
            ),
        script:
            "../scripts/figures_slopes.py"


# The flow diagram reads each treatment comparison's summary (matched_<name>): its matched or
# weighted sample, stacked in declared order below the analysed cohort, and the patients left out.
rule figures:
    input:
        **({"hscore": f"{RESULTS}/hscore/hscore.parquet"} if HSCORE else {}),
        **{
            f"matched_{name}": f"{RESULTS}/stats/treatment_comparison_{name}.json"
            for name in (STUDY.data.get("treatment_comparisons") or {})
        },
        cohort=f"{RESULTS}/selection/cohort.parquet",
        patients=f"{VALIDATED}/patients.parquet",
        flow=f"{RESULTS}/selection/flow.csv",
    output:
        **{
            stem: report(
                f"{FIGURES}/{stem}.png",
                caption=f"../report/figure_{stem}.rst",
                category="3. Figures",
                labels={"figure": FIGURE_LABELS[stem], "files": "PNG 300 dpi, SVG, PDF"},
            )
            for stem in COHORT_FIGURE_STEMS
        },
        extra=[f for stem in COHORT_FIGURE_STEMS for f in figure_files(stem)[1:]],
    log:
        "logs/figures.log",
    benchmark:
        "logs/benchmarks/figures.tsv"
    priority: PRIORITY["figures"]
    conda:
        "../envs/retrocohort.yaml"
    params:
        # the score's printed term, not the config it comes from: a Table 1 edit reruns this
        # rule only when it changes the term
        **({"score_term": caption_term(STUDY.data), "score_label": score_term(STUDY.data)} if HSCORE else {}),
        code=CODE,
        config=config_keys(
            "figures",
            "study/subjects_noun",  # the flow diagram's words
            *(["hscore/cutoff", "hscore/operator", "selection/score"] if HSCORE else []),
        ),
    script:
        "../scripts/figures.py"
