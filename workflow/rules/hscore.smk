# HScore derivation (Fardet 2014), for a study with the HScore stage (a `hscore:` key), then the
# cohort selection (on the HScore columns too when there are some).


if HSCORE:

    rule hscore:
        input:
            patients=f"{VALIDATED}/patients.parquet",
            measurements=f"{VALIDATED}/measurements.parquet",
        output:
            parquet=f"{RESULTS}/hscore/hscore.parquet",
        log:
            "logs/hscore.log",
        benchmark:
            "logs/benchmarks/hscore.tsv"
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
            config=config_keys("hscore", "selection/score", "variables"),
        script:
            "../scripts/hscore.py"

    # The per-patient CSV copy of hscore.parquet in its own job: at 10^6 patients its text
    # (~4 s) is then written beside the paired tests instead of delaying every later rule.
    rule hscore_csv:
        input:
            parquet=f"{RESULTS}/hscore/hscore.parquet",
        output:
            csv=report(
                f"{RESULTS}/hscore/hscore.csv",
                caption="../report/hscore_table.rst",
                category="2. HScore and selection",
                labels={"table": "per-patient HScore"},
            ),
        log:
            "logs/hscore_csv.log",
        benchmark:
            "logs/benchmarks/hscore_csv.tsv"
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
        script:
            "../scripts/hscore_csv.py"


rule select_cohort:
    input:
        **({"hscore": f"{RESULTS}/hscore/hscore.parquet"} if HSCORE else {}),
        patients=f"{VALIDATED}/patients.parquet",
    output:
        flow=report(
            f"{RESULTS}/selection/flow.csv",
            caption="../report/selection_flow.rst",
            category=SELECTION_CATEGORY,
            labels={"table": "cohort selection flow"},
        ),
        cohort=f"{RESULTS}/selection/cohort.parquet",
    log:
        "logs/select_cohort.log",
    benchmark:
        "logs/benchmarks/select_cohort.tsv"
    conda:
        "../envs/retrocohort.yaml"
    params:
        code=CODE,
        config=config_keys("selection/criteria", *(["hscore/cutoff", "hscore/operator"] if HSCORE else [])),
    script:
        "../scripts/select_cohort.py"
