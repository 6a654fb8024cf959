"""Read a finished study run (its validated data and statistics) for the audit, outside Snakemake.

``retrocohort audit PAPER.yaml --data STUDY_DIR`` audits a paper against the validated
per-patient data of a project whose pipeline has run: the same files the workflow's ``audit``
rule reads (``results/validated/*.parquet``, ``results/selection/``, ``results/hscore/``,
``results/stats/``), and the audit options of its config (``statistics:``, ``audit:``,
``variables: range``). Every missing file is reported at once, with what produces it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from retrocohort.analysis.descriptive import summary_records
from retrocohort.audit.regen.calibration import Calibration, load_calibration
from retrocohort.audit.regen.regen_model import DEFAULT_QUANTILE_TYPES, AuditData, build_audit_data
from retrocohort.cohort.frames import synthetic_variables
from retrocohort.config.study_groups import study_groups_stats
from retrocohort.errors import InputError, Problem
from retrocohort.io.tabular import read_parquet
from retrocohort.kinds.paired import study_paired_stats

#: The run's files; the paired table's statistics (``table3``) are the classic Table 3's
#: ``table3_paired.json`` or a declared paired ``table3``'s ``table3.json``
#: (:func:`retrocohort.kinds.paired.study_paired_stats`; :func:`run_files`).
RUN_FILES = {
    "table1": "results/stats/table1.csv",
    "table3": "results/stats/table3_paired.json",
    "hscore": "results/hscore/hscore.parquet",
    "flow": "results/selection/flow.csv",
    "cohort": "results/selection/cohort.parquet",
    "patients": "results/validated/patients.parquet",
    "measurements": "results/validated/measurements.parquet",
    "treatments": "results/validated/treatments.parquet",
    "sources": "results/validated/sources.parquet",
}
GROUPS_FILE = "results/stats/groups.json"


@dataclass(frozen=True)
class AuditOptions:
    """The audit settings of a study config (defaults when audited without data)."""

    rule: str = "half_up"
    types: tuple[int, ...] = DEFAULT_QUANTILE_TYPES
    max_group_total: int | None = None
    ranges: Mapping[str, tuple[float, float]] | None = None
    calibration: Calibration | None = None


def audit_options(config: Mapping[str, Any], project: Path | None = None) -> AuditOptions:
    """Rounding rule, quantile types, Mann-Whitney search bound, variable ranges and calibration
    record (read relative to ``project``) from a loaded study config (schema defaults filled)."""
    au = config["audit"]
    ranges = {
        k: (float(v["range"][0]), float(v["range"][1]))
        for k, v in config.get("variables", {}).items()
        if "range" in v
    }
    cal = au.get("calibration")
    return AuditOptions(
        rule=str(config["statistics"]["rounding"]),
        types=tuple(au["quantile_types"]),
        max_group_total=int(au["max_group_total"]) if au.get("max_group_total") else None,
        ranges=ranges,
        calibration=load_calibration(str(project / cal if project else cal)) if cal else None,
    )


def run_files(config: Mapping[str, Any]) -> dict[str, str]:
    """:data:`RUN_FILES` with the statistics of the study's paired table as it declares it
    (:func:`retrocohort.kinds.paired.study_paired_stats`).

    Parameters
    ----------
    config : mapping
        The loaded study (``tables``).

    Returns
    -------
    dict of str to str
        File key -> path relative to the study directory.

    References
    ----------
    Apache Parquet file format specification, https://parquet.apache.org/docs/.

    Examples
    --------
    >>> run_files({"tables": {"table3": {"kind": "paired", "parameters": []}}})["table3"]
    'results/stats/table3.json'
    """
    paired = study_paired_stats(config.get("tables", {}))
    return {**RUN_FILES, **({"table3": f"{paired}.json"} if paired else {})}


def load_run_data(project: Path, config: Mapping[str, Any]) -> AuditData:
    """The validated cohort data of a finished run in ``project`` (see module docstring).

    Raises
    ------
    InputError
        Listing every missing result file, or when the selection flow and the cohort disagree.
    """
    files = run_files(config)
    paths = {k: project / v for k, v in files.items()}
    missing = [
        Problem(
            "missing result file",
            file=str(p),
            expected=f"a finished `retrocohort run` in {project} (it writes {files[k]})",
        )
        for k, p in paths.items()
        if not p.exists()
    ]
    if missing:
        raise InputError(f"{project}: no finished run to audit against", missing)
    sources = read_parquet(paths["sources"])
    groups = project / GROUPS_FILE
    data = build_audit_data(
        cohort=read_parquet(paths["cohort"])["patient_id"].tolist(),
        patients=read_parquet(paths["patients"]),
        measurements=read_parquet(paths["measurements"]),
        treatments=read_parquet(paths["treatments"]),
        sources=sources,
        hscore=read_parquet(paths["hscore"]),
        table3_records=json.loads(paths["table3"].read_text(encoding="utf-8")),
        synthetic=synthetic_variables(dict(config), sources),
        config=config,
        table1=summary_records(pd.read_csv(paths["table1"]), config["statistics"]["quantile_type"]),
        group_records=(
            json.loads(groups.read_text(encoding="utf-8"))
            if study_groups_stats(config) and groups.is_file()  # groups: or tables.groups
            else ()
        ),
    )
    flow_n = int(pd.read_csv(paths["flow"])["n_out"].iloc[-1])
    if flow_n != len(data.frame):
        raise InputError(
            f"{paths['flow']}: the selection flow ends with {flow_n} patients but "
            f"{paths['cohort']} holds {len(data.frame)}"
        )
    return data
