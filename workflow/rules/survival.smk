# Time to event, classic: the top-level `survival:` analyses (Kaplan-Meier, median with CI,
# log-rank by group; one figure per analysis). A study declaring them as `tables.survival` of
# `kind: survival` (rule cohort_table) has no top-level `survival:`, and no rule `survival`.
SURVIVAL_IDS = [s["id"] for s in STUDY.data["survival"]]
survival_outputs = lambda: (
    [f"{RESULTS}/stats/survival.csv", *table_files("survival").values()]
    + [f for sid in SURVIVAL_IDS for f in figure_files(f"km_{sid}")]
    if SURVIVAL_IDS
    else []
)


if SURVIVAL_IDS:

    rule survival:
        input:
            **COHORT_INPUTS,
        output:
            **{
                f"km_{sid}": report(
                    f"{FIGURES}/km_{sid}.png",
                    caption="../report/survival.rst",
                    category="3. Figures",
                    labels={"figure": f"Kaplan-Meier: {spec.get('label', spec['id'])}"},
                )
                for sid, spec in zip(SURVIVAL_IDS, STUDY.data["survival"])
            },
            **table_outputs(
                "survival",
                caption="../report/survival.rst",
                category="1. Tables",
                labels=report_table_labels("survival", "Time to event"),
            ),
            csv=f"{RESULTS}/stats/survival.csv",
            json=f"{RESULTS}/stats/survival.json",
            km_extra=[f for sid in SURVIVAL_IDS for f in figure_files(f"km_{sid}")[1:]],
        log:
            "logs/survival.log",
        benchmark:
            "logs/benchmarks/survival.tsv"
        priority: PRIORITY["survival"]
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
            config=config_keys(
                "survival",
                "tables/survival",
                "tables/preset",
                "study/subjects_noun",
                "study/synthetic_note",
                "variables",
                "derived",
                "baseline_day",
                "statistics/quantile_type",
                "statistics/rounding",
                "statistics/p_value",
            ),
        script:
            "../scripts/survival.py"
