# The study, loaded once; what each rule reads of it; output lists; the run-status hooks.
import os
import re
import sys
from pathlib import Path

from retrocohort.config.agents import AGENT_OPS
from retrocohort.config.derived_spec import uses_quantile_groups
from retrocohort.config.analysis_samples import sample_file
from retrocohort.config.analysis_entries import table_figures
from retrocohort.config.slices import with_value
from retrocohort.config.study import load_study, study_file
from retrocohort.config.study_groups import study_groups_stats
from retrocohort.io.content_hashes import content_hashes, package_digest
from retrocohort.kinds.paired import study_paired_stats
from retrocohort.pipeline import run_status
from retrocohort.pipeline.snakemake_params import (
    use_builtin_param_serialisation,
    use_compact_params_change_reason,
)
from retrocohort.render.formats import TABLE_FORMATS
from retrocohort.render.rst import rst_escape_text

use_builtin_param_serialisation()  # params are plain values: no pandas import to compare them
use_compact_params_change_reason()  # "Params have changed": the changed keys, not the config

# conda users (--sdm conda): workflow/envs/retrocohort.yaml installs this checkout from here.
os.environ.setdefault("RETROCOHORT_ROOT", workflow.basedir)

# One study per run: config/config.yaml of the working directory, or exactly one --configfile
# (no `configfile:` directive, so nothing is merged); --config overrides are refused. Checked
# (schema, cross-references) and completed with the schema's defaults before any rule.
# A config file that does not load marks earlier results as not current (results/run_status.json
# "stale" with the reason, report removed) before the error stops Snakemake; one that loads puts
# back the earlier status. (A refused invocation, e.g. --config overrides, changes nothing.)
STUDY_FILE = study_file(workflow.config_settings.configfiles, workflow.config_settings.config)
try:
    STUDY = load_study(STUDY_FILE)
except Exception as load_error:
    try:
        run_status.config_failed(run_status.load_failure_reason(load_error))
    except run_status.RunStatusUnwritable as unwritable:
        print(unwritable, file=sys.stderr)
    raise
try:
    run_status.config_loaded()
except run_status.RunStatusUnwritable as unwritable:  # the run's onstart stops on it too
    print(unwritable, file=sys.stderr)
# Rules read STUDY.data (and their declared slice of it); the global `config` is what the report's
# caption templates see (snakemake.config), so there every free-text string is RST-escaped:
# no markup written in a label (links, raw HTML, directives) reaches the report as markup.
config.clear()
config.update(rst_escape_text(STUDY.data))
# the library's code: a param of every rule, so outputs of other code are never kept as current
CODE = package_digest()
config_keys = STUDY.slice  # in params: the config keys a rule reads, so editing one reruns it

SITES = STUDY.sites
# Optional stages and tables, as the study declares them: the HScore stage runs only for a study
# with a `hscore:` key; the classic Tables 1-3 only when declared; every table with a `kind:`
# (descriptive by a group, regression) is built by the rule `cohort_table`.
HSCORE = "hscore" in STUDY.data
TABLES = STUDY.data["tables"]
DECLARED_TABLES = [tid for tid, spec in TABLES.items() if isinstance(spec, dict) and "kind" in spec]
TABLE1 = "table1" in TABLES and "table1" not in DECLARED_TABLES
TABLE2 = "table2" in TABLES and "table2" not in DECLARED_TABLES
TABLE3 = "table3" in TABLES and "table3" not in DECLARED_TABLES
SELECTION_CATEGORY = "2. HScore and selection" if HSCORE else "2. Cohort selection"
CLASSIC_TABLES = [t for t, on in (("table1", TABLE1), ("table2", TABLE2), ("table3", TABLE3)) if on]
# tables.tex, the compilable LaTeX document of Tables 1-3 (written by `tables`), whether they are classic
# or declared by kind (then their .tex files join it).
TABLES_TEX = bool(CLASSIC_TABLES) or any(
    t in TABLES and "kind" in TABLES[t] for t in ("table1", "table2", "table3")
)
# Tables declared with `kind: paired` (rule paired_table, which also writes their pairs). The
# study's paired table is `tables.table3`, classic (written by `paired_tests`) or `kind: paired`; the
# slope figure, the audit, the notebook and the Results text's `paired.*` keys read its
# statistics (PAIRED_STATS, without suffix) and its pairs (results/stats/table3_pairs.parquet).
PAIRED_TABLES = [tid for tid in DECLARED_TABLES if TABLES[tid]["kind"] == "paired"]
PAIRED_STATS = study_paired_stats(TABLES)
PAIRED = PAIRED_STATS is not None
# A Table 1 whose statistics (results/stats/table1.csv) the audit, notebook and manuscript read:
# classic, or declared `kind: descriptive` with one column (no `by`), as the flagship's
# (retrocohort.analysis.descriptive.summary_records reads both). A Table 1 by group is read only
# as the declared table it is (tables.table1.* keys of the Results text).
TABLE1_STATS = TABLE1 or (
    TABLES.get("table1", {}).get("kind") == "descriptive" and "by" not in TABLES["table1"]
)
# The study's survival table, results/stats/survival.{csv,json}: classic (the top-level
# `survival:` analyses; the survival rule) or `tables.survival` of `kind: survival` (the
# cohort_table rule). The Results text's `survival.*` keys read it either way.
SURVIVAL_STATS = bool(STUDY.data["survival"]) or TABLES.get("survival", {}).get("kind") == "survival"

# The study's group comparisons (retrocohort.config.study_groups): the top-level `groups:`
# (classic; the group_comparisons rule) or tables.groups declared `kind: comparison` (the
# cohort_table rule); either way results/stats/groups.{csv,json} (GROUPS_STATS, without suffix), read
# by the audit and the Results text's `groups.*` keys.
CLASSIC_GROUPS = bool(STUDY.data["groups"])
GROUPS_STATS = study_groups_stats(STUDY.data)
# Scheduling (higher starts first among ready jobs): the long chain after hscore
# (paired_tests -> tables -> notebook/audit) first, then the longer leaves (figures, survival); the short ones
# (hscore_csv, provenance: default 0) fill the gaps.
PRIORITY = {
    "paired_tests": 60,
    "table1_statistics": 55,
    "tables": 50,
    "group_comparisons": 40,
    "figures_slopes": 30,
    "notebook": 30,
    "audit": 30,
    "figures": 20,
    "survival": 20,
}
RESULTS = "results"
INTERIM = "results/interim"
VALIDATED = "results/validated"
FIGURES = f"{RESULTS}/figures"
# Raw-file hashes cached by file identity (see retrocohort.io.content_hashes).
HASH_CACHE = ".snakemake/retrocohort/raw-hashes.json"


def table1_statistic_rows():
    """Table 1 rows as the statistics see them (variable and statistic, or a section marker):
    labels, decimals and indentation are formatting, so editing them reruns only `tables`."""
    keep = ("variable", "stat", "level", "time_point")
    return [
        {"section": True} if "section" in row else {k: row[k] for k in keep if k in row}
        for row in (TABLES["table1"]["rows"] if TABLE1_STATS else [])
    ]


def table1_row_formats():
    """Table 1 rows without their labels (variable, statistic, decimals): what a rule that prints
    Table 1 numbers elsewhere (the manuscript text) needs, so a label edit does not rerun it."""
    keep = ("variable", "stat", "level", "decimals", "pct_decimals")
    return [
        {"section": True} if "section" in row else {k: row[k] for k in keep if k in row}
        for row in (TABLES["table1"]["rows"] if TABLE1 else [])
    ]


def site_inputs(wildcards):
    """The raw files of one site, so a change to any of them re-runs its ingestion."""
    return [src["path"] for src in STUDY.data["sites"][wildcards.site]["sources"]]


def site_hashes(wildcards):
    """SHA-256 of the site's raw files: changed bytes rerun the ingestion, whatever the mtime."""
    return content_hashes(site_inputs(wildcards), HASH_CACHE)


def per_site(table):
    return expand(f"{INTERIM}/{{site}}/{table}.parquet", site=SITES)


def figure_files(stem):
    return [f"{FIGURES}/{stem}.{ext}" for ext in ("png", "svg", "pdf")]


def table_files(stem):
    """The files of table `stem` in every registered format (render/formats.py), by format."""
    return {fmt.name: f"{RESULTS}/tables/{stem}{fmt.suffix}" for fmt in TABLE_FORMATS}


def report_title(table_id):
    """A declared table's title as the report's caption and label print it: its `{n}` (the
    population's size, known only once the table is computed) left out."""
    return re.sub(r"\{\w*\}\s*", "", TABLES[table_id].get("title", table_id))


def report_table_labels(stem, text, suffix=""):
    """Report labels of a table's entry: "no." (its place among the study's tables, in config
    order: the report sorts entries by their first label) and its name."""
    stems = [t for t in TABLES if t != "preset"]
    stems += [t for t in ("groups", "survival") if t not in stems]
    return {"no.": f"{stems.index(stem) + 1:02d}{suffix}", "table": text}


def table_outputs(stem, prefix="", **report_args):
    """A rule's outputs for table `stem` in every registered format, keyed `prefix + format`;
    the file of each format the report shows is wrapped in report(**report_args)."""
    return {
        f"{prefix}{fmt.name}": (report(path, **report_args) if fmt.in_report else path)
        for fmt, path in zip(TABLE_FORMATS, table_files(stem).values())
    }


def all_outputs():
    return (
        [
            f"{VALIDATED}/patients.parquet",
            f"{RESULTS}/validation/report.md",
            f"{RESULTS}/provenance/inputs.json",
            f"{RESULTS}/selection/flow.csv",
        ]
        + ([f"{RESULTS}/hscore/hscore.csv"] if HSCORE else [])
        + ([f"{RESULTS}/stats/table1.csv"] if TABLE1 else [])
        + ([f"{RESULTS}/stats/table3_paired.csv"] if TABLE3 else [])
        + [f for stem in FIGURE_STEMS for f in figure_files(stem)]
        + [f for stem in CLASSIC_TABLES for f in table_files(stem).values()]
        + ([f"{RESULTS}/tables/tables.tex"] if TABLES_TEX else [])
        + cohort_table_outputs()
        + group_outputs()
        + survival_outputs()
        + audit_outputs()
        + notebook_outputs()
        + manuscript_outputs()
    )


#: The config keys each kind reads besides the table's own entry and the shared ones.
KIND_KEYS = {
    "descriptive": ["statistics/mann_whitney", "statistics/chi_square", "study/synthetic_note"],
    "regression": [],
    "listing": [],
    "comparison": ["statistics/mann_whitney", "statistics/chi_square", "study/synthetic_note"],
    "survival": ["study/synthetic_note"],
    "competing_risks": ["study/synthetic_note"],
    "balance": ["treatment_comparisons"],
    "paired": [
        "paired_time_points",
        "statistics/mcnemar",
        "statistics/hodges_lehmann",
        "statistics/decimals_for_tests",
        "statistics/extra_tests",
        "statistics/multiplicity",
        "study/synthetic_note",
    ],
}


def figure_label(table_id, figure_id):
    """The printed name of a declared table's figure: what it draws (Kaplan-Meier, or the
    cumulative incidence of a competing_risks table) and its analysis' label (else its id)."""
    entries = TABLES[table_id].get("analyses") or []
    label = next((a.get("label", figure_id) for a in entries if a["id"] == figure_id), figure_id)
    what = "Cumulative incidence" if TABLES[table_id]["kind"] == "competing_risks" else "Kaplan-Meier"
    if TABLES[table_id]["kind"] == "balance":
        what, label = (
            "Balance",
            {"love": "Love plot", "overlap": "overlap of the propensity score"}[figure_id],
        )
    return f"{what}: {label}"


#: The statistics settings every kind that computes statistics reads (a listing computes none:
#: editing them does not rerun it).
STATISTICS_KEYS = [
    "statistics/quantile_type",
    "statistics/p_value",
    "statistics/wilcoxon",  # the study's R preset
    "statistics/tests",
    "statistics/default_tests",
]


def cohort_table_keys(table_id):
    """What the rules of one declared table read of the study: its entry, the study's variables
    and time points, the statistics settings of its kind."""
    kind = TABLES[table_id]["kind"]
    return config_keys(
        f"tables/{table_id}",
        "tables/preset",
        "study/subjects_noun",  # the noun of its wording (tables.write.in_subjects_noun)
        "variables",
        "derived",
        "baseline_day",
        "baseline_time_point",  # the time points of long-format rows
        "time_points",
        "paired_days",
        "statistics/rounding",
        *([] if kind == "listing" else STATISTICS_KEYS),
        *KIND_KEYS[kind],
        *sample_treatment_keys(table_id),
    )


def sample_treatment_keys(table_id):
    """The treatment of the comparison a table analyses (`sample:`): its E-value's ratio."""
    name = TABLES[table_id].get("sample")
    return [f"treatment_comparisons/{name}/treatment"] if name else []


def published_input(wildcards):
    """The paper's printed numbers, for a table that declares `published_table` (its ‡ marks)."""
    wanted = "published_table" in TABLES[wildcards.table] and "published" in STUDY.data["study"]
    return [STUDY.data["study"]["published"]] if wanted else []


def table_sample_input(table_id):
    """The design file of the treatment comparison a declared table analyses (`sample:`): its
    matched or weighted sample, weights and matched sets (none without `sample:`)."""
    name = TABLES[table_id].get("sample")
    return [sample_file(name)] if name else []


def manuscript_config():
    """The config slice read by rule `manuscript`, i.e. the classic tables' number formats (Table 1
    rows without their labels, Table 3 parameters) and, with declared tables, each declared
    table's entry (rows, labels, decimals) and the variables' labels. A label of the classic
    Table 1 is not read: editing it does not rerun the text, whatever else the study declares."""
    classic = ["tables/table1/rows", "tables/table1/thousands_separator", "tables/table1/thousands_min"]
    classic += ["tables/table1/decimals", "tables/table1/pct_decimals"]  # its rows' defaults
    classic = (classic if TABLE1 else []) + (
        ["tables/table3/parameters", "tables/table3/bold_p_below", "tables/table3/time_points"]
        if TABLE3
        else []
    )
    declared = [f"tables/{tid}" for tid in DECLARED_TABLES]
    declared += ["variables", "derived"] if DECLARED_TABLES else []
    sliced = config_keys(
        "statistics/quantile_type",
        "statistics/rounding",
        "statistics/p_value",
        "study/title",
        "study/synthetic_note",
        "study/subjects_noun",
        "tables/preset",
        *classic,
        *declared,
        "paired_days",
        "time_points",
        "paired_time_points",
    )
    return with_value(sliced, "tables/table1/rows", table1_row_formats()) if TABLE1 else sliced


def planned_outputs():
    """(rule, output) of every job this run will execute (for the run-status hooks)."""
    try:
        jobs = list(workflow.dag.needrun_jobs())
    except Exception:  # the DAG API is Snakemake's: without it, only the status is written
        return []
    return [(job.rule.name, str(f)) for job in jobs for f in job.output]


def incomplete_outputs():
    """Outputs of the workflow that Snakemake marks incomplete (their job was interrupted or
    failed, or a killed run left them): they are removed by the run-status hooks."""
    try:
        outputs = {str(f) for job in workflow.dag.jobs for f in job.output}
        return sorted(workflow.persistence._filter_incomplete_keys(outputs))
    except Exception:  # Snakemake's persistence API: without it, Snakemake's own check remains
        return []


def orphan_outputs():
    """Files under results/ that no rule of this workflow writes any more (a table, figure, site
    or stage the config no longer declares): removed when a run starts, so none looks current."""
    try:
        rules = list(workflow.rules)
        files = [p for p in Path(RESULTS).rglob("*") if p.is_file()]
    except Exception:  # Snakemake's API for rules; without it, nothing is removed
        return []
    return run_status.orphaned_outputs(files, lambda path: any(rule.is_producer(path) for rule in rules))


def status_hook(hook, *args):
    """Run a run-status hook; results/ that cannot be written stops the run with one paragraph."""
    try:
        return hook(*args)
    except run_status.RunStatusUnwritable as unwritable:
        print(f"\n{unwritable}\n", file=sys.stderr)
        raise SystemExit(1) from None


onstart:
    orphans = status_hook(run_status.remove_orphaned, orphan_outputs())
    if orphans:
        print(
            f"retrocohort: removed {len(orphans)} file(s) of results/ that no rule of this study "
            f"writes any more (a table, figure or stage no longer declared): {', '.join(orphans)}",
            file=sys.stderr,
        )
    removed = status_hook(run_status.start_run, planned_outputs(), incomplete_outputs())
    if removed:
        print(
            f"retrocohort: removed {len(removed)} output(s) of jobs interrupted in an earlier run "
            f"(they are rerun): {', '.join(removed)}",
            file=sys.stderr,
        )


onsuccess:
    status_hook(run_status.finish_run)


onerror:
    status = status_hook(run_status.fail_run, log, incomplete_outputs())
    if status["stale_outputs_removed"]:
        print(
            f"retrocohort: run failed; removed {len(status['stale_outputs_removed'])} output(s) of "
            f"earlier runs that this run could not regenerate (jobs not finished: "
            f"{', '.join(status['jobs_not_finished'])}); see results/run_status.json",
            file=sys.stderr,
        )
    if status["interrupted_outputs_removed"]:
        print(
            f"retrocohort: removed {len(status['interrupted_outputs_removed'])} output(s) of jobs "
            f"that did not finish (interrupted or failed; the next run reruns them): "
            f"{', '.join(status['interrupted_outputs_removed'])}",
            file=sys.stderr,
        )


def ingest_config(site):
    """What ingestion reads of the study. Of `derived:` only the treatment agents its operations
    name (their spellings are checked against the treatment lines read here): adding, removing or
    editing a derived variable otherwise reruns its derivation (merge_sites_and_derive), never a
    site's ingestion or validation (validate_site reads `variables` and
    `day_range` only)."""
    sliced = config_keys(
        f"sites/{site}",
        "variables",
        "derived",
        "agents",
        "missing_values",
        "unit_spellings",
        "input_limits",
        "day_range",
    )
    agents = {
        name: {op: {"agent": spec[op]["agent"]} for op in AGENT_OPS if op in spec}
        for name, spec in STUDY.data.get("derived", {}).items()
        if any(op in spec for op in AGENT_OPS)
    }
    return with_value(sliced, "derived", agents)


# What the derivation reads: the sample-quantile definition only when a derived variable cuts
# quantile groups (a quantile_type edit reruns the derivation of no other study).
DERIVE_KEYS = ("variables", "derived") + (
    ("statistics/quantile_type",) if uses_quantile_groups(STUDY.data.get("derived", {})) else ()
)
