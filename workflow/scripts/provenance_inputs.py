"""Rule ``provenance_inputs``: input checksums, resolved config, package versions, code state.

``retrocohort`` names the version and commit (or, installed from a wheel, a digest of its
source files) of the code that ran; ``study_directory`` the study directory's own git state.

``results/provenance/inputs.json`` is deterministic on purpose, so two clean runs of the same
commit give byte-identical provenance files. The command line and timestamps, which differ
on every run, go to ``logs/provenance/run.json`` (``output["run_record"]``), outside
``results/`` and outside the byte-compared outputs.
"""

import json
import platform
import sys
from pathlib import Path

from retrocohort.io.atomic import write_json
from retrocohort.io.provenance import package_versions, run_record, software_state, study_state
from retrocohort.pipeline.step import run_step


def main(input: dict, output: dict, params: dict, config) -> None:
    study = params["study"]  # the whole resolved config (defaults filled), recorded as used
    files = input["checksums"] if not isinstance(input["checksums"], str) else [input["checksums"]]
    records = sorted((r for f in files for r in json.loads(Path(f).read_text())), key=lambda r: r["path"])
    write_json(
        {
            "study": study["study"]["id"],
            "inputs": records,
            "config": study,
            "packages": package_versions(),
            "python": sys.version.split()[0],
            "platform": platform.machine(),
            "retrocohort": software_state(),
            "study_directory": study_state(),
            "run_record": output.get("run_record"),
        },
        output["json"],
    )
    if output.get("run_record"):
        write_json(run_record(), output["run_record"])


run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)
