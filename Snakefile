# retrocohort: regenerate a retrospective cohort study's tables, figures, report and audit
# from patient-level data. Run through `make run` or `retrocohort run` (they set up and build
# the report). The study is config/config.yaml of the working directory (`--directory STUDY`),
# or exactly one `--configfile`; see workflow/rules/common.smk.
from snakemake.utils import min_version

min_version("9.0")


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/validate.smk"
include: "workflow/rules/hscore.smk"
include: "workflow/rules/paired.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/groups.smk"
include: "workflow/rules/cohort_tables.smk"
include: "workflow/rules/treatment_comparison.smk"
include: "workflow/rules/survival.smk"
include: "workflow/rules/audit.smk"
include: "workflow/rules/notebook.smk"
include: "workflow/rules/manuscript.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
        treatment_comparison_outputs(),
