# The reviewer's walkthrough notebook, executed by the workflow (nbclient; no nbconvert needed).
NOTEBOOKS = f"{RESULTS}/notebook"
# Notebooks ship with the workflow (next to the Snakefile), so `--directory <study>` finds them.
# Relative to the working directory, so no absolute path reaches the report (byte-stable).
NOTEBOOK_SOURCE = os.path.relpath(os.path.join(workflow.basedir, "notebooks", "reviewer_walkthrough.ipynb"))

# A one-line lambda, not a def: `snakemake --lint` flags functions next to rules.
# It walks through Table 1 and the paired tests: a study without both has no notebook.
NOTEBOOK = TABLE1_STATS and PAIRED  # the paired table: tables.table3, classic or kind: paired
notebook_outputs = lambda: (
    [f"{NOTEBOOKS}/reviewer_walkthrough.{ext}" for ext in ("ipynb", "html")] if NOTEBOOK else []
)


if NOTEBOOK:

    rule notebook:
        input:
            notebook=NOTEBOOK_SOURCE,
            cohort=f"{RESULTS}/selection/cohort.parquet",
            patients=f"{VALIDATED}/patients.parquet",
            measurements=f"{VALIDATED}/measurements.parquet",
            table1=f"{RESULTS}/stats/table1.csv",
            table3=f"{PAIRED_STATS}.csv",
        output:
            ipynb=f"{NOTEBOOKS}/reviewer_walkthrough.ipynb",
            html=report(
                f"{NOTEBOOKS}/reviewer_walkthrough.html",
                caption="../report/notebook.rst",
                category="6. Reviewer notebook",
                labels={"notebook": "reviewer walkthrough", "format": "HTML (executed)"},
            ),
        log:
            "logs/notebook.log",
        benchmark:
            "logs/benchmarks/notebook.tsv"
        priority: PRIORITY["notebook"]
        conda:
            "../envs/retrocohort.yaml"
        params:
            code=CODE,
            table1_variables=[r["variable"] for r in table1_statistic_rows() if "variable" in r],
            table3_variables=[p["variable"] for p in STUDY.data["tables"]["table3"]["parameters"]],
            config=config_keys(
                "variables",
                "tables/table3/time_points",
                "paired_days",
                "time_points",
                "paired_time_points",
                "repeated_time_points",
                "statistics/quantile_type",
                "statistics/decimals_for_tests",
                "statistics/wilcoxon",
            ),
            title="Reviewer's walkthrough (executed by the workflow)",
            timeout=600,  # seconds per cell
        script:
            "../scripts/notebook.py"
