"""The one helper every rule's script shares: log to the rule's log, one-paragraph errors.

A rule's script (``workflow/scripts/<rule>.py``) *is* the step: it reads ``snakemake.input``,
``snakemake.output`` and ``snakemake.params`` and calls library functions in plain sight,
inside ``main(input, output, params, config)``, and ends with ``run_step(snakemake, main)``.

``config`` is the rule's declared slice of the study config (``params.config``, built by
:func:`retrocohort.config.slices.config_slice` in the rule), wrapped in a
:class:`~retrocohort.config.slices.DeclaredConfig` that refuses undeclared keys, so a step
cannot depend on a setting its rule would not rerun for. The job's wildcards (e.g. ``site``)
arrive in ``params`` too.

Errors: a :class:`~retrocohort.errors.RetrocohortError` is printed as its located paragraph;
a full disk or a read-only results directory as one paragraph naming the cause and the way out;
anything else as "failed unexpectedly" with the traceback in the rule's log.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
import traceback
from collections.abc import Callable
from typing import Any

from retrocohort.config.slices import DeclaredConfig
from retrocohort.errors import RetrocohortError

#: OS errors that are the machine's, not the data's: what to tell the user.
RESOURCE_ERRORS = {
    errno.ENOSPC: "the disk is full (No space left on device): free space, then rerun the same "
    "command (add --rerun-incomplete if Snakemake asks for it)",
    errno.EDQUOT: "the disk quota is exceeded: free space, then rerun the same command",
    errno.EROFS: "the results directory is on a read-only file system: run from a writable copy",
    errno.EACCES: "permission denied: make results/ and logs/ writable by you, then rerun",
}


def resource_cause(exc: OSError) -> str | None:
    """What to tell the user about an OS error that is the machine's (full disk, read-only or
    unwritable results), or None for any other OS error."""
    return RESOURCE_ERRORS.get(exc.errno)


def resource_paragraph(what: str, exc: OSError) -> str | None:
    """One paragraph, ``retrocohort: <what> stopped: <cause>. (<strerror>: <file>).``, for a
    resource error (None for any other OS error): the one wording of the rules' steps and the
    run-status hooks."""
    cause = resource_cause(exc)
    if cause is None:
        return None
    return f"retrocohort: {what} stopped: {cause}. ({exc.strerror}: {exc.filename or ''})."


def optional_input(input: dict[str, Any], key: str) -> str | None:
    """The one file of an optional named input (absent, a path, or a list of zero or one path):
    rules declare optional inputs as ``key=[path] if ... else []``."""
    value = input.get(key)
    if value is None or isinstance(value, str):
        return value or None
    items = list(value)
    return str(items[0]) if items else None


def _named(io: Any) -> dict[str, Any]:
    return {k: v for k, v in io.items()} if hasattr(io, "items") else {}


def _profiled(step: Callable[..., None], kwargs: dict[str, Any], path: str) -> None:
    """Run the step under cProfile and write its statistics to ``path`` (for benchmarks/)."""
    import cProfile

    os.makedirs(os.path.dirname(path), exist_ok=True)
    profiler = cProfile.Profile()
    try:
        profiler.runcall(step, **kwargs)
    finally:
        profiler.dump_stats(path)


def _cpu_split(step: Callable[..., None], kwargs: dict[str, Any], path: str) -> None:
    """Run the step and write ``path`` (JSON), CPU seconds by ``time.process_time``: before the
    step (``startup_cpu``: the interpreter, Snakemake's script preamble, the script's top-level
    imports), and in the step, importing modules (``step_import_cpu``: the outermost
    ``importlib._bootstrap._find_and_load`` calls, i.e. lazy imports) and the rest
    (``step_compute_cpu``); for ``benchmarks/import_cost.py``."""
    import importlib._bootstrap as bootstrap
    import json
    import time

    find_and_load = bootstrap._find_and_load  # type: ignore[attr-defined]
    spent, depth = [0.0], [0]

    def timed(name: str, import_: Any) -> Any:
        if depth[0]:
            return find_and_load(name, import_)
        depth[0] += 1
        start = time.process_time()
        try:
            return find_and_load(name, import_)
        finally:
            spent[0] += time.process_time() - start
            depth[0] -= 1

    startup = time.process_time()
    bootstrap._find_and_load = timed  # type: ignore[attr-defined]
    try:
        step(**kwargs)
    finally:
        bootstrap._find_and_load = find_and_load  # type: ignore[attr-defined]
        total = time.process_time() - startup
        record = {
            "startup_cpu": round(startup, 4),
            "step_import_cpu": round(spent[0], 4),
            "step_compute_cpu": round(total - spent[0], 4),
        }
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(record, fh)


def step_arguments(smk: Any) -> dict[str, Any]:
    """``input``, ``output``, ``params`` (wildcards included) and the declared ``config`` slice."""
    params = {**_named(smk.wildcards), **_named(smk.params)}
    sliced = params.pop("config", None)
    config = DeclaredConfig(sliced, _rule=smk.rule) if sliced is not None else None
    return dict(input=_named(smk.input), output=_named(smk.output), params=params, config=config)


def run_step(smk: Any, step: Callable[..., None]) -> None:
    """Run ``step(input=..., output=..., params=..., config=...)`` logging to the rule's log."""
    log_path = smk.log[0]
    logging.basicConfig(
        filename=log_path,
        filemode="w",
        level=logging.INFO,
        format="%(levelname)s %(name)s: %(message)s",
        force=True,
    )
    log = logging.getLogger(f"retrocohort.{smk.rule}")
    try:
        kwargs = step_arguments(smk)
        profile_dir = os.environ.get("RETROCOHORT_PROFILE")
        cpu_dir = os.environ.get("RETROCOHORT_CPU")
        job = "-".join([smk.rule, *map(str, getattr(smk, "wildcards", []))])
        if profile_dir:
            _profiled(step, kwargs, os.path.join(profile_dir, f"{job}.prof"))
        elif cpu_dir:
            _cpu_split(step, kwargs, os.path.join(cpu_dir, f"{job}.json"))
        else:
            step(**kwargs)
    except RetrocohortError as exc:
        log.error("%s", exc)
        print(f"\nretrocohort: rule {smk.rule} stopped.\n{exc}\n", file=sys.stderr)
        sys.exit(1)
    except OSError as exc:
        paragraph = resource_paragraph(f"rule {smk.rule}", exc)
        log.error("%s\n%s", exc, traceback.format_exc())
        if paragraph is None:
            print(f"\nretrocohort: rule {smk.rule} failed: {exc}; see {log_path}", file=sys.stderr)
        else:
            print(f"\n{paragraph} Nothing it wrote is kept.", file=sys.stderr)
        sys.exit(1)
    except Exception:
        log.error("unexpected failure\n%s", traceback.format_exc())
        print(f"\nretrocohort: rule {smk.rule} failed unexpectedly; see {log_path}", file=sys.stderr)
        sys.exit(1)
    log.info("done")
