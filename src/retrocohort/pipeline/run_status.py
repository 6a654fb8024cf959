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

* :func:`fail_run` also removes the outputs that Snakemake still marks incomplete: those of the
  jobs that were running when the run was interrupted (Ctrl-C, SIGTERM) or failed, listed as
  ``interrupted_outputs_removed``, so the next plain run reruns those jobs instead of stopping
  at Snakemake's "incomplete files" error; :func:`start_run` does the same for the leftovers of
  a run that was killed outright (SIGKILL, a crash: no hook ran) and prints them;
* :func:`config_failed` (called where the study is loaded: the Snakefile, ``retrocohort run``)
  marks earlier results ``stale`` with the reason when the config does not load, and removes
  the HTML report; :func:`config_loaded` puts the earlier status back once the config loads
  again (a run then decides, as always, what is out of date).

What remains after a failure is therefore consistent with the current config and data: outputs
this run rewrote, and outputs it did not need to touch.

Every function here that writes raises :class:`RunStatusUnwritable` (one paragraph naming the
cause, the wording of :func:`retrocohort.pipeline.step.resource_paragraph`) when results/ cannot
be written (read-only, full, not permitted), never a bare ``OSError``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from retrocohort.errors import RetrocohortError
from retrocohort.pipeline.step import resource_paragraph

STATUS = Path("results") / "run_status.json"
REPORT = Path("results") / "report.html"
#: Where the plan of the current run is kept between the hooks (outside results/).
PLAN = Path(".snakemake") / "retrocohort" / "run_plan.json"


class RunStatusUnwritable(RuntimeError):
    """results/ (or .snakemake/) cannot be written: the message is one paragraph for the user."""


def _resource_error(what: str, exc: OSError) -> RunStatusUnwritable | OSError:
    paragraph = resource_paragraph(what, exc)
    return exc if paragraph is None else RunStatusUnwritable(paragraph)


def _write(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _remove_existing(names: Iterable[str], root: Path = Path(".")) -> list[str]:
    """Remove the files (or directories) that exist among ``names``; return those removed."""
    removed = []
    for name in sorted(set(map(str, names))):
        path = root / name
        if path.exists() or path.is_symlink():
            _remove(path)
            removed.append(name)
    return removed


def start_run(planned: Iterable[tuple[str, str]], incomplete: Iterable[str] = ()) -> list[str]:
    """Record the run's plan (``(rule, output path)`` pairs) and mark results as in progress.

    ``incomplete`` are the outputs Snakemake marks incomplete (left by a run killed without a
    chance to clean up); they are removed and returned, and listed in the ``running`` status.
    """
    try:
        interrupted = _remove_existing(incomplete)
        plan = sorted({(rule, str(path)) for rule, path in planned})
        _write(PLAN, {"started_ns": time.time_ns(), "planned": plan})
        status = {
            "status": "running",
            "message": "A run is in progress, or stopped without finishing: outputs may mix "
            "this run and an earlier one until it completes.",
        }
        if interrupted:
            status["interrupted_outputs_removed"] = interrupted
        _write(STATUS, status)
        REPORT.unlink(missing_ok=True)
    except OSError as exc:
        raise _resource_error("the run", exc) from exc
    return interrupted


def orphaned_outputs(files: Iterable[Path], produced: Callable[[str], bool]) -> list[str]:
    """Files of results/ that no rule of the current workflow writes: the outputs of a table,
    figure, site or stage the config no longer declares (left by an earlier run, they would look
    current beside this run's outputs). A file inside a directory output counts as that
    directory's; the status file and the report (written by ``snakemake --report``) are kept.

    Parameters
    ----------
    files : iterable of pathlib.Path
        The files under results/ (relative to the working directory).
    produced : callable
        ``path -> bool``: whether a rule of the workflow can write ``path`` (Snakemake's
        ``Rule.is_producer``, wildcard constraints included).

    Returns
    -------
    list of str
        The orphaned files, sorted.
    """
    kept, root = {STATUS, REPORT}, STATUS.parent
    orphans = []
    for path in files:
        owners = [path, *[p for p in path.parents if root in p.parents]]  # up to results/<dir>
        if path not in kept and not any(produced(str(p)) for p in owners):
            orphans.append(str(path))
    return sorted(orphans)


def remove_orphaned(orphans: Iterable[str]) -> list[str]:
    """Remove the ``orphans`` (:func:`orphaned_outputs`) that exist, and the directories of
    results/ they leave empty; return the files removed."""
    try:
        removed = _remove_existing(orphans)
        for name in removed:
            for parent in Path(name).parents:
                if STATUS.parent not in parent.parents or any(parent.iterdir()):
                    break
                parent.rmdir()
        return removed
    except OSError as exc:
        raise _resource_error("the run", exc) from exc


#: The Results text's record (rule ``manuscript``): its ``stale_wording`` warnings are the run's.
VALUES = Path("results") / "manuscript" / "values.json"


def run_warnings() -> list[str]:
    """What a complete run still asks the user to look at: the lines of a copied Results template
    printing a config text that has changed (``stale_wording`` of ``values.json``, see
    :mod:`retrocohort.manuscript.wording`)."""
    try:
        values = json.loads(VALUES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return (
        [f"stale wording: {w}" for w in values.get("stale_wording", [])] if isinstance(values, dict) else []
    )


def finish_run() -> None:
    """Mark the results complete (all outputs current), with the run's warnings when any."""
    warnings = run_warnings()
    message = "All outputs come from the current config and data."
    if warnings:
        message += f" {len(warnings)} warning(s) to check: see `warnings`."
    try:
        _write(
            STATUS, {"status": "complete", "message": message, **({"warnings": warnings} if warnings else {})}
        )
        PLAN.unlink(missing_ok=True)
    except OSError as exc:
        raise _resource_error("the run", exc) from exc


def fail_run(log: str | None = None, incomplete: Iterable[str] = ()) -> dict:
    """Remove the planned outputs that predate the run and the outputs Snakemake marks
    ``incomplete`` (the jobs interrupted or failed); write and return the ``incomplete`` status."""
    try:
        return _fail_run(log, incomplete)
    except OSError as exc:
        raise _resource_error("the run", exc) from exc


def _fail_run(log: str | None, incomplete: Iterable[str]) -> dict:
    try:
        plan = json.loads(PLAN.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        plan = {"started_ns": None, "planned": []}
    started = plan["started_ns"]
    interrupted = _remove_existing(incomplete)
    rule_of = {name: rule for rule, name in plan["planned"]}
    removed, unfinished = [], {rule_of[name] for name in incomplete if name in rule_of}
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
        "message": "The last run failed or was interrupted. Outputs of the jobs that did not finish "
        "were removed rather than left from an earlier run or half written; fix the cause (if any) "
        "and run again.",
        "jobs_not_finished": sorted(unfinished),
        "stale_outputs_removed": sorted(removed),
        "interrupted_outputs_removed": interrupted,
        "log": log,
    }
    _write(STATUS, status)
    PLAN.unlink(missing_ok=True)
    return status


def load_failure_reason(exc: BaseException, problems: int = 3) -> str:
    """A one-line reason for a config that did not load: the error's summary and its first
    ``problems`` located problems."""
    if isinstance(exc, RetrocohortError):
        shown = [p.render() for p in exc.problems[:problems]]
        more = len(exc.problems) - len(shown)
        return "; ".join([exc.summary, *shown] + ([f"and {more} more"] if more > 0 else []))
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def config_failed(reason: str, root: str | Path = ".") -> dict | None:
    """Mark the earlier results of the project in ``root`` as not current: the config did not
    load. Writes a ``stale`` status (the earlier one kept under ``previous``) and removes the
    HTML report; returns the status, or None when there are no earlier results (no results/)."""
    root = Path(root)
    if not (root / STATUS.parent).is_dir():
        return None
    previous = read_status(root / STATUS.parent)
    if previous is not None and previous.get("status") == "stale":
        previous = previous.get("previous")
    status = {
        "status": "stale",
        "reason": f"the config failed to load: {reason}",
        "message": "The outputs in results/ come from an earlier config: the current one does not "
        "load. Fix it and run again.",
        "previous": previous,
    }
    try:
        _write(root / STATUS, status)
        (root / REPORT).unlink(missing_ok=True)
    except OSError as exc:
        raise _resource_error("the run", exc) from exc
    return status


def config_loaded(root: str | Path = ".") -> None:
    """The config loads: a ``stale`` status written by :func:`config_failed` gives way to the
    earlier status it kept (the run then reruns what the config's edits concern, as always)."""
    root = Path(root)
    status = read_status(root / STATUS.parent)
    if status is None or status.get("status") != "stale":
        return
    try:
        if status.get("previous") is None:
            (root / STATUS).unlink(missing_ok=True)
        else:
            _write(root / STATUS, status["previous"])
    except OSError as exc:
        raise _resource_error("the run", exc) from exc


def read_status(results: str | Path = "results") -> dict | None:
    """The last run's status (None before any run)."""
    try:
        return json.loads((Path(results) / "run_status.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
