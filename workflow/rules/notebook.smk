# The reviewer's walkthrough notebook, executed by the workflow (nbclient; no nbconvert needed).
NOTEBOOKS = f"{RESULTS}/notebook"


def notebook_outputs():
    return [
        f"{NOTEBOOKS}/reviewer_walkthrough.ipynb",
        f"{NOTEBOOKS}/reviewer_walkthrough.html",
    ]


rule notebook:
    input:
        notebook="notebooks/reviewer_walkthrough.ipynb",
        cohort=f"{RESULTS}/selection/cohort.parquet",
        patients=f"{VALIDATED}/patients.parquet",
        measurements=f"{VALIDATED}/measurements.parquet",
        table1=f"{RESULTS}/stats/table1.csv",
        table3=f"{RESULTS}/stats/table3_paired.csv",
    output:
        ipynb=f"{NOTEBOOKS}/reviewer_walkthrough.ipynb",
        html=report(
            f"{NOTEBOOKS}/reviewer_walkthrough.html",
            caption="../report/notebook.rst",
            category="5. Reviewer notebook",
            labels={"notebook": "reviewer walkthrough", "format": "HTML (executed)"},
        ),
    params:
        title="Reviewer's walkthrough (executed by the workflow)",
        timeout=600,
    benchmark:
        "logs/benchmarks/notebook.tsv"
    log:
        "logs/notebook.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/notebook.py"
