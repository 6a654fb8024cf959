"""Rule ``audit``: every published number beside its regenerated value, consistency checks,
unknown values as parameters, and the count-only studies; written as JSON, CSV, Markdown, HTML."""

import json
from pathlib import Path
from typing import Any

import pandas as pd

from retrocohort.analysis.descriptive import summary_records
from retrocohort.audit.published import load_study
from retrocohort.audit.regen.calibration import load_calibration
from retrocohort.audit.regen.regenerated import DEFAULT_QUANTILE_TYPES, build_audit_data
from retrocohort.audit.report.referee import referee_json
from retrocohort.audit.report.report import (
    json_safe,
    render_html,
    render_markdown,
    report_blocks,
    rows_frame,
)
from retrocohort.audit.report.study_audit import audit_one_study
from retrocohort.cohort.frames import synthetic_variables
from retrocohort.errors import InputError
from retrocohort.io.tabular import read_parquet, write_csv, write_json, write_text
from retrocohort.pipeline.step import optional_input, run_step

_RULE_TEXT = {"half_up": "half-up", "half_even": "half-even"}


def _methods_note(config: dict, types: list[int], files: list[str]) -> str:
    st = config.get("statistics", {})
    rule = st.get("rounding", "half_up")
    other = "half_even" if rule == "half_up" else "half_up"
    return (
        f"Published numbers: {', '.join(files)}. Configured method: Hyndman–Fan quantile type "
        f"{st.get('quantile_type', 7)}, {_RULE_TEXT[rule]} rounding, Wilcoxon preset "
        f"'{st.get('wilcoxon', {}).get('preset', 'retrocohort')}', McNemar "
        f"{st.get('mcnemar', {}).get('method', 'exact')}. Alternatives tried: quantile types "
        f"{', '.join(map(str, types))}, {_RULE_TEXT[other]} rounding, other signed-rank and McNemar "
        "variants, and unpaired tests on paired margins. Each row says whether its regenerated "
        "value rests on real per-patient data (Table 2 transcription: independent evidence) or on "
        "synthetic data calibrated to the published summaries (not independent evidence)."
    )


def _ranges(config: dict) -> dict[str, tuple[float, float]]:
    return {
        k: (float(v["range"][0]), float(v["range"][1]))
        for k, v in config.get("variables", {}).items()
        if "range" in v
    }


def _records(path: str) -> list[dict[str, Any]]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def main(input: dict, output: dict, params: dict, config) -> None:
    au = config.get("audit", {})
    types = list(au.get("quantile_types", DEFAULT_QUANTILE_TYPES))
    rule = config.get("statistics", {}).get("rounding", "half_up")
    sources = read_parquet(input["sources"])
    data = build_audit_data(
        cohort=read_parquet(input["cohort"])["patient_id"].tolist(),
        patients=read_parquet(input["patients"]),
        measurements=read_parquet(input["measurements"]),
        treatments=read_parquet(input["treatments"]),
        sources=sources,
        hscore=read_parquet(hs)
        if (hs := optional_input(input, "hscore"))
        else pd.DataFrame({"patient_id": []}),
        table3_records=_records(t3) if (t3 := optional_input(input, "table3")) else (),
        synthetic=synthetic_variables(config, sources),
        config=config,
        table1=summary_records(pd.read_csv(t1), config["statistics"]["quantile_type"])
        if (t1 := optional_input(input, "table1"))
        else None,
        group_records=_records(groups) if (groups := optional_input(input, "groups")) else (),
    )
    cohort_n = int(pd.read_csv(input["flow"])["n_out"].iloc[-1]) if "flow" in input else len(data.frame)
    if cohort_n != len(data.frame):
        raise InputError(
            f"{input['flow']}: the selection flow ends with {cohort_n} patients but "
            f"{input['cohort']} holds {len(data.frame)}"
        )
    max_total = au.get("max_group_total")
    flagship = [config["study"]["published"]] if "published" in config["study"] else []
    study_id = config["study"]["id"]
    calibration_file = optional_input(input, "calibration")
    calibration = load_calibration(calibration_file) if calibration_file else None
    audits = {}
    if "published" in config["study"]:  # the study's own paper, against this run's data
        published = config["study"]["published"]
        audits[study_id] = audit_one_study(
            load_study(published),
            published,
            data,
            rule=rule,
            types=types,
            max_group_total=int(max_total) if max_total else None,
            ranges=_ranges(config),
            calibration=calibration,
        )
    for path in au.get("count_only", []):
        audits[Path(path).stem] = audit_one_study(load_study(path), path, None, rule=rule, types=types)
    blocks = report_blocks(audits, _methods_note(config, types, [*flagship, *au.get("count_only", [])]))
    write_json(json_safe({"referee": referee_json(audits), "studies": audits}), output["json"])
    write_csv(rows_frame(audits), output["csv"])
    write_text(output["md"], render_markdown(blocks))
    write_text(output["html"], render_html(blocks, "Reviewer audit"))


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
