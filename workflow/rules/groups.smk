# Group comparisons (Fisher / Mann-Whitney) and time to event (Kaplan-Meier, log-rank):
# inputs and outputs here, the rules in groups_rules.smk (snakemake --lint: no functions beside rules).
GROUP_INPUTS = dict(
    cohort=f"{RESULTS}/selection/cohort.parquet",
    patients=f"{VALIDATED}/patients.parquet",
    measurements=f"{VALIDATED}/measurements.parquet",
    sources=f"{VALIDATED}/sources.parquet",
    hscore=f"{RESULTS}/hscore/hscore.parquet",
)
SURVIVAL_IDS = [s["id"] for s in config.get("survival", [])]


def group_table_files(stem):
    return [f"{RESULTS}/tables/{stem}.{ext}" for ext in ("md", "tex", "html", "docx")]


def group_outputs():
    outputs = []
    if config.get("groups"):
        outputs += [f"{RESULTS}/stats/groups.csv"] + group_table_files("groups")
    if SURVIVAL_IDS:
        outputs += [f"{RESULTS}/stats/survival.csv"] + group_table_files("survival")
        outputs += [f for sid in SURVIVAL_IDS for f in figure_files(f"km_{sid}")]
    return outputs


include: "groups_rules.smk"
