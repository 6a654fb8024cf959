"""``retrocohort report``: where the HTML report is, or how to build it."""

from __future__ import annotations

import argparse
import time

from retrocohort.cli.run import REPORT
from retrocohort.errors import Problem, RetrocohortError

DESCRIPTION = """\
Print where the study's HTML report is (results/report.html in the project directory) with its
size and date. When it does not exist yet, or the last run did not complete, or the results are
stale (the config no longer loads), say so and how to get a current report, and exit 1."""


def add_parser(
    subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "report",
        parents=parents,
        help="show where the report is",
        description=DESCRIPTION,
        epilog='example: xdg-open "$(retrocohort report --path-only)"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--path-only", action="store_true", help="print only the absolute path (for scripts)")
    return p


def run(args: argparse.Namespace) -> int:
    from retrocohort.pipeline.run_status import read_status

    status = read_status(args.directory / "results")
    if status is not None and status["status"] != "complete":
        stale = status["status"] == "stale"
        raise RetrocohortError(
            "The results are not current" if stale else "The last run did not complete",
            [
                Problem(
                    f"{status['reason']}. {status['message']}" if stale else status["message"],
                    file=str(args.directory / "results" / "run_status.json"),
                    value=", ".join(status.get("jobs_not_finished", [])) or None,
                    expected="fix the cause shown by the run, then `retrocohort run` again",
                )
            ],
        )
    path = args.directory / REPORT
    if not path.is_file():
        raise RetrocohortError(
            f"No report yet at {path}",
            [
                Problem(
                    "the report is built at the end of a run",
                    file=str(path),
                    expected="`retrocohort run` (pipeline + report), or after a run "
                    f"`snakemake --report {REPORT}` in {args.directory}",
                )
            ],
        )
    if args.path_only:
        print(path)
        return 0
    stat = path.stat()
    built = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(stat.st_mtime))
    print(
        f"report: {path}\n"
        f"size: {stat.st_size / 1024:.0f} KiB, built {built}\n"
        f"open: {path.as_uri()} (self-contained, works offline)"
    )
    return 0
