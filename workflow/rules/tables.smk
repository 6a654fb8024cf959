rule tables:
    priority: PRIORITY["tables"]
    input:
        cohort=f"{RESULTS}/selection/cohort.parquet",
        patients=f"{VALIDATED}/patients.parquet",
        measurements=f"{VALIDATED}/measurements.parquet",
        sources=f"{VALIDATED}/sources.parquet",
        hscore=f"{RESULTS}/hscore/hscore.parquet",
        table3=f"{RESULTS}/stats/table3_paired.json",
    output:
        table1_csv=report(
            f"{RESULTS}/stats/table1.csv",
            caption="../report/stats_table1.rst",
            category="1. Tables",
            labels={"table": "Table 1, full precision (CSV)"},
        ),
        table2_csv=f"{RESULTS}/tables/table2.csv",
        table1_md=f"{RESULTS}/tables/table1.md",
        table1_tex=f"{RESULTS}/tables/table1.tex",
        table1_html=report(
            f"{RESULTS}/tables/table1.html",
            caption="../report/table1.rst",
            category="1. Tables",
            labels={"table": "Table 1"},
        ),
        table1_docx=f"{RESULTS}/tables/table1.docx",
        table2_md=f"{RESULTS}/tables/table2.md",
        table2_tex=f"{RESULTS}/tables/table2.tex",
        table2_html=report(
            f"{RESULTS}/tables/table2.html",
            caption="../report/table2.rst",
            category="1. Tables",
            labels={"table": "Table 2"},
        ),
        table2_docx=f"{RESULTS}/tables/table2.docx",
        table3_md=f"{RESULTS}/tables/table3.md",
        table3_tex=f"{RESULTS}/tables/table3.tex",
        table3_html=report(
            f"{RESULTS}/tables/table3.html",
            caption="../report/table3.rst",
            category="1. Tables",
            labels={"table": "Table 3"},
        ),
        table3_docx=f"{RESULTS}/tables/table3.docx",
        latex_document=f"{RESULTS}/tables/tables.tex",
    benchmark:
        "logs/benchmarks/tables.tsv"
    log:
        "logs/tables.log",
    conda:
        "../envs/retrocohort.yaml"
    script:
        "../scripts/tables.py"
