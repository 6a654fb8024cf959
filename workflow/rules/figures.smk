# Figures (one job: matplotlib/pandas are imported once). Each figure is PNG (300 dpi, shown in
# the report with its own caption), SVG and PDF (fonts embedded, byte-identical across runs).
FIGURE_LABELS = {
    "slopes": "Day 0 vs Day 7 paired values",
    "hscore": "HScore distribution",
    "flow": "Cohort selection flow",
    "swimmer": "Anakinra duration (swimmer plot)",
}


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
                caption=f"../report/figure_{stem}.rst",
                category="3. Figures",
                labels={"figure": FIGURE_LABELS[stem], "files": "PNG 300 dpi, SVG, PDF"},
            )
            for stem in FIGURE_STEMS
        },
        extra=[f for stem in FIGURE_STEMS for f in figure_files(stem)[1:]],
    benchmark:
        "logs/benchmarks/figures.tsv"
    log:
        "logs/figures.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/figures.py"
