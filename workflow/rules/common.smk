# Helpers shared by all rules: config validation, site list, output lists.
from snakemake.utils import validate

from retrocohort.config.check import SCHEMA_PATH, check_config

check_config(config, file="config")  # schema + cross-references, one line per problem
validate(config, str(SCHEMA_PATH))  # then fill schema defaults

SITES = sorted(config["sites"])
# Scheduling (higher starts first among ready jobs): the long chain after hscore
# (paired_tests -> tables -> notebook/audit) first, then the longer leaves (figures, survival); the short ones
# (hscore_csv, provenance: default 0) fill the gaps.
PRIORITY = {"paired_tests": 60, "tables": 50, "group_comparisons": 40,
            "figures_slopes": 30, "notebook": 30, "audit": 30, "figures": 20, "survival": 20}
RESULTS = "results"
INTERIM = "results/interim"
VALIDATED = "results/validated"


def site_inputs(wildcards):
    """The raw files of one site, so a change to any of them re-runs its ingestion."""
    return [src["path"] for src in config["sites"][wildcards.site]["sources"]]


def per_site(table):
    return expand(f"{INTERIM}/{{site}}/{table}.parquet", site=SITES)


def all_outputs():
    return [
        f"{VALIDATED}/patients.parquet",
        f"{RESULTS}/validation/report.md",
        f"{RESULTS}/provenance/inputs.json",
    ] + hscore_outputs() + paired_outputs() + figure_outputs() + table_outputs() + (
        group_outputs() + audit_outputs() + notebook_outputs()
    )


# Outputs of each stage (used by rule all) and figure naming.
def hscore_outputs():
    return [f"{RESULTS}/hscore/hscore.csv", f"{RESULTS}/selection/flow.csv"]


def paired_outputs():
    return [f"{RESULTS}/stats/table3_paired.csv"]


FIGURES = f"{RESULTS}/figures"
COHORT_FIGURE_STEMS = ["hscore", "flow"] + (
    ["swimmer"] if config.get("figures", {}).get("swimmer") else []
)
FIGURE_STEMS = ["slopes"] + COHORT_FIGURE_STEMS


def figure_files(stem):
    return [f"{FIGURES}/{stem}.{ext}" for ext in ("png", "svg", "pdf")]


def figure_outputs():
    return [f for stem in FIGURE_STEMS for f in figure_files(stem)]


def table_outputs():
    return [f"{RESULTS}/tables/table{i}.{ext}" for i in (1, 2, 3) for ext in ("md", "tex", "html", "docx")]
