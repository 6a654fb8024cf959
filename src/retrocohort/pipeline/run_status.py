"""A failed run never leaves results that look current.

The Snakefile's ``onstart`` / ``onsuccess`` / ``onerror`` hooks call these functions:

* :func:`start_run` records which outputs this run is going to (re)write and when it started,
  marks ``results/run_status.json`` as ``running`` and removes the previous HTML report (it is
  rebuilt after a successful run);
* :func:`finish_run` marks the run ``complete`` (deterministic content: two clean runs give the
  same bytes);
* :func:`fail_run` removes every planned output that still predates the run (the jobs that never
  ran because an earlier one failed would otherwise leave the previous run's tables, figures and
  audit in place, looking current beside this run's new files), then writes an ``incomplete``
  status naming the jobs that did not finish and the files removed.

What remains after a failure is therefore consistent with the current config and data: outputs
this run rewrote, and outputs it did not need to touch.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable
from pathlib import Path

STATUS = Path("results") / "run_status.json"
REPORT = Path("results") / "report.html"
#: Where the plan of the current run is kept between the hooks (outside results/).
PLAN = Path(".snakemake") / "retrocohort" / "run_plan.json"


def _write(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def start_run(planned: Iterable[tuple[str, str]]) -> None:
    """Record the run's plan (``(rule, output path)`` pairs) and mark results as in progress."""
    plan = sorted({(rule, str(path)) for rule, path in planned})
    _write(PLAN, {"started_ns": time.time_ns(), "planned": plan})
    _write(
        STATUS,
        {
            "status": "running",
            "message": "A run is in progress, or stopped without finishing: outputs may mix "
            "this run and an earlier one until it completes.",
        },
    )
    REPORT.unlink(missing_ok=True)


def finish_run() -> None:
    """Mark the results complete (all outputs current)."""
    _write(STATUS, {"status": "complete", "message": "All outputs come from the current config and data."})
    PLAN.unlink(missing_ok=True)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def fail_run(log: str | None = None) -> dict:
    """Remove the planned outputs that predate the run; write and return the ``incomplete`` status."""
    try:
        plan = json.loads(PLAN.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        plan = {"started_ns": None, "planned": []}
    started = plan["started_ns"]
    removed, unfinished = [], set()
    for rule, name in plan["planned"]:
        path = Path(name)
        if not path.exists():
            unfinished.add(rule)
        elif started is not None and path.stat().st_mtime_ns < started:
            _remove(path)
            removed.append(name)
            unfinished.add(rule)
    status = {
        "status": "incomplete",
        "message": "The last run failed. Outputs of the jobs that did not finish were removed rather "
        "than left from an earlier run; fix the cause and run again.",
        "jobs_not_finished": sorted(unfinished),
        "stale_outputs_removed": sorted(removed),
        "log": log,
    }
    _write(STATUS, status)
    PLAN.unlink(missing_ok=True)
    return status


def read_status(results: str | Path = "results") -> dict | None:
    """The last run's status (None before any run)."""
    try:
        return json.loads((Path(results) / "run_status.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
