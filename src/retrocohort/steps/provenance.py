"""Rule ``provenance_inputs``: input checksums, resolved config, package versions, git state.

``results/provenance/inputs.json`` is deterministic on purpose, so two clean runs of the same
commit give byte-identical provenance files. The command line and timestamps, which differ
on every run, go to ``logs/provenance/run.json`` (``output["run_record"]``), outside
``results/`` and outside the byte-compared outputs.
"""

from __future__ import annotations

import json
import platform
import sys
from pathlib import Path

from retrocohort.io.provenance import git_state, package_versions, run_record
from retrocohort.io.atomic import write_json


def run(input: dict, output: dict, params: dict, config: dict) -> None:
    files = input["checksums"] if not isinstance(input["checksums"], str) else [input["checksums"]]
    records = sorted((r for f in files for r in json.loads(Path(f).read_text())),
                     key=lambda r: r["path"])
    write_json({
        "study": config["study"]["id"],
        "inputs": records,
        "config": config,
        "packages": package_versions(),
        "python": sys.version.split()[0],
        "platform": platform.machine(),
        "git": git_state(),
        "run_record": output.get("run_record"),
    }, output["json"])
    if output.get("run_record"):
        write_json(run_record(), output["run_record"])
