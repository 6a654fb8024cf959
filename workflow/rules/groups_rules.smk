# Rules of the group comparisons and time-to-event stage (outputs listed in groups.smk).


rule group_comparisons:
    priority: PRIORITY["group_comparisons"]
    input:
        **GROUP_INPUTS,
    output:
        csv=f"{RESULTS}/stats/groups.csv",
        json=f"{RESULTS}/stats/groups.json",
        md=f"{RESULTS}/tables/groups.md",
        tex=f"{RESULTS}/tables/groups.tex",
        html=report(
            f"{RESULTS}/tables/groups.html",
            caption="../report/groups.rst",
            category="1. Tables",
            labels={"table": "Group comparisons"},
        ),
        docx=f"{RESULTS}/tables/groups.docx",
    benchmark:
        "logs/benchmarks/group_comparisons.tsv"
    log:
        "logs/group_comparisons.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/group_comparisons.py"


rule survival:
    priority: PRIORITY["survival"]
    input:
        **GROUP_INPUTS,
    output:
        csv=f"{RESULTS}/stats/survival.csv",
        json=f"{RESULTS}/stats/survival.json",
        md=f"{RESULTS}/tables/survival.md",
        tex=f"{RESULTS}/tables/survival.tex",
        html=report(
            f"{RESULTS}/tables/survival.html",
            caption="../report/survival.rst",
            category="1. Tables",
            labels={"table": "Time to event"},
        ),
        docx=f"{RESULTS}/tables/survival.docx",
        **{
            f"km_{sid}": report(
                f"{FIGURES}/km_{sid}.png",
                caption="../report/survival.rst",
                category="3. Figures",
                labels={"figure": f"Kaplan-Meier: {sid}"},
            )
            for sid in SURVIVAL_IDS
        },
        km_extra=[f for sid in SURVIVAL_IDS for f in figure_files(f"km_{sid}")[1:]],
    benchmark:
        "logs/benchmarks/survival.tsv"
    log:
        "logs/survival.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/survival.py"
