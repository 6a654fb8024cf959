# Helpers shared by all rules: config validation, site list, output lists.
from snakemake.utils import validate

from retrocohort.config import check_config

validate(config, "../schemas/config.schema.yaml")
check_config(config, file="config")

SITES = sorted(config["sites"])
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
    ] + hscore_outputs() + paired_outputs() + figure_outputs() + table_outputs()
