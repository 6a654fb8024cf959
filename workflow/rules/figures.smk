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
    benchmark:
        "logs/benchmarks/figures.tsv"
    log:
        "logs/figures.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/figures.py"
