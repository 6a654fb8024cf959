FIGURES = f"{RESULTS}/figures"
FIGURE_STEMS = ["slopes", "hscore", "flow"] + (
    ["swimmer"] if config.get("figures", {}).get("swimmer") else []
)
FIGURE_CAPTIONS = {
    "slopes": "Day 0 to Day 7 paired values per Table 3 parameter (one line per patient, median in bold).",
    "hscore": "Distribution of the H score used for selection, cut-off line and HLH probability curve.",
    "flow": "Cohort selection flow: patients in, excluded by each criterion, patients out.",
    "swimmer": "Anakinra treatment duration per patient (line of treatment, efficacy, status).",
}


def figure_files(stem):
    return [f"{FIGURES}/{stem}.{ext}" for ext in ("png", "svg", "pdf")]


rule figures:
    input:
        cohort=f"{RESULTS}/selection/cohort.parquet",
        patients=f"{VALIDATED}/patients.parquet",
        measurements=f"{VALIDATED}/measurements.parquet",
        hscore=f"{RESULTS}/hscore/hscore.parquet",
        flow=f"{RESULTS}/selection/flow.csv",
        table3=f"{RESULTS}/stats/table3_paired.json",
    output:
        **{
            stem: report(
                f"{FIGURES}/{stem}.png",
                caption="../report/figure.rst",
                category="3. Figures",
                labels={"figure": FIGURE_CAPTIONS[stem].split(":")[0][:60]},
            )
            for stem in FIGURE_STEMS
        },
        extra=[f for stem in FIGURE_STEMS for f in figure_files(stem)[1:]],
    log:
        "logs/figures.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/figures.py"


def figure_outputs():
    return [f for stem in FIGURE_STEMS for f in figure_files(stem)]
