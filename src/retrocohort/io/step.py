"""Glue for thin Snakemake scripts: log to ``snakemake.log[0]``, turn errors into one paragraph.

A script is ``run_step(snakemake, step_function)``; the step receives plain Python values
(``input``, ``output``, ``params`` as dicts of named entries, plus ``config``), so it is
testable without Snakemake. The job's wildcards (e.g. ``site``) arrive in ``params``: rules
declare no ``params:``, because Snakemake imports pandas to compare the params of every
finished job on each start (~0.4 s of a no-op run).
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Any, Callable

from retrocohort.errors import RetrocohortError


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


def run_step(smk: Any, step: Callable[..., None]) -> None:
    """Run ``step(input=..., output=..., params=..., config=...)`` with logging to the rule's log."""
    log_path = smk.log[0]
    logging.basicConfig(filename=log_path, filemode="w", level=logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s", force=True)
    log = logging.getLogger(f"retrocohort.{smk.rule}")
    kwargs = dict(input=_named(smk.input), output=_named(smk.output), params={**_named(smk.wildcards), **_named(smk.params)},
                  config=smk.config)
    try:
        profile_dir = os.environ.get("RETROCOHORT_PROFILE")
        if profile_dir:
            job = "-".join([smk.rule, *map(str, getattr(smk, "wildcards", []))])
            _profiled(step, kwargs, os.path.join(profile_dir, f"{job}.prof"))
        else:
            step(**kwargs)
    except RetrocohortError as exc:
        log.error("%s", exc)
        print(f"\nretrocohort: rule {smk.rule} stopped.\n{exc}\n", file=sys.stderr)
        sys.exit(1)
    except Exception:
        log.error("unexpected failure\n%s", traceback.format_exc())
        print(f"\nretrocohort: rule {smk.rule} failed unexpectedly; see {log_path}", file=sys.stderr)
        sys.exit(1)
    log.info("done")
