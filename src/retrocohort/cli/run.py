"""``retrocohort run``: the Snakemake workflow, then its HTML report."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from retrocohort.errors import Problem, RetrocohortError
from retrocohort.pipeline.workflow_files import workflow_snakefile

REPORT = Path("results/report.html")

#: Snakemake flags after which no report is built (nothing was run, or it is itself a report).
NO_REPORT_FLAGS = frozenset(
    {
        "-n",
        "--dry-run",
        "--dryrun",
        "--lint",
        "--list-rules",
        "--list",
        "-l",
        "--summary",
        "-S",
        "--detailed-summary",
        "-D",
        "--dag",
        "--rulegraph",
        "--filegraph",
        "--report",
        "--unlock",
        "--cleanup-metadata",
        "--cleanup-shadow",
        "--delete-all-output",
        "--delete-temp-output",
        "--list-target-rules",
        "--lt",
        "--help",
        "-h",
        "--version",
        "-v",
        "--touch",
        "-t",
        "--archive",
        "--containerize",
        "--generate-unit-tests",
    }
)
_CORES_FLAGS = ("--cores", "-c", "--jobs", "-j")
#: Passed to the workflow command unless given or meaningless: jobs interrupted in an earlier run
#: (Ctrl-C, a kill) are rerun instead of Snakemake stopping at "incomplete files".
RERUN_INCOMPLETE = "--rerun-incomplete"
_NO_RERUN_INCOMPLETE = frozenset(
    {RERUN_INCOMPLETE, "--ri", "--lint", "--unlock", "--help", "-h", "--version", "-v"}
    | {"--cleanup-metadata", "--cm", "--report", "--touch", "-t"}
)

DESCRIPTION = """\
Run the Snakemake workflow of the study in the project directory (-C, default: here), then
build results/report.html with `snakemake --report` (skip with --no-report; also skipped after
a dry run, --lint, --dag and similar flags). Snakemake's own progress output is shown as is.
Arguments that `run` does not know, and everything after `--`, are passed to Snakemake
unchanged (to both calls). The workflow command gets --rerun-incomplete, so the jobs of an
interrupted run (Ctrl-C, a kill) are rerun. A config that does not load stops here and marks
earlier results stale (results/run_status.json; the old report is removed). The exit code is
Snakemake's."""

EPILOG = """\
examples:
  retrocohort run                                 # whole pipeline + report, all cores
  retrocohort run --cores 2 -- --dry-run          # show what would run
  retrocohort run --configfile other.yaml --no-report
  retrocohort run .test --cores 2                 # the second (synthetic) study, results in .test/results
  retrocohort run -- --forceall --rerun-triggers mtime

The Snakefile is the project directory's own, or else the one of the workflow checkout that
this retrocohort package belongs to, or else the workflow installed with the package
(<prefix>/share/retrocohort): a study directory needs only config/ and data/."""


def add_parser(
    subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "run",
        parents=parents,
        help="run the pipeline and build the report",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "study",
        nargs="?",
        type=Path,
        metavar="STUDY_DIR",
        help="the study directory (config/config.yaml, data/); the same as -C STUDY_DIR",
    )
    p.add_argument(
        "--configfile",
        type=Path,
        metavar="F",
        help="study config (default: the Snakefile's config/config.yaml)",
    )
    p.add_argument(
        "--cores", metavar="N", help="cores Snakemake may use (default: all, unless a profile sets them)"
    )
    p.add_argument("--profile", type=Path, metavar="DIR", help="Snakemake profile directory")
    p.add_argument("--no-report", action="store_true", help="do not build results/report.html")
    return p


def snakemake_executable() -> Path:
    """The ``snakemake`` installed next to this Python interpreter."""
    candidate = Path(sys.executable).with_name("snakemake")
    if candidate.is_file():
        return candidate
    found = shutil.which("snakemake")
    if found:
        return Path(found)
    raise RetrocohortError(
        "Snakemake not found",
        [
            Problem(
                "no 'snakemake' executable next to the Python interpreter or on PATH",
                file=str(candidate),
                expected="pip install -e . (or `make setup`) in this environment",
            )
        ],
    )


def snakefile_args(project: Path) -> list[str]:
    """``--snakefile`` when the project directory has no Snakefile of its own."""
    if (project / "Snakefile").is_file():
        return []
    snakefile = workflow_snakefile()
    if snakefile is not None:
        return ["--snakefile", str(snakefile)]
    raise RetrocohortError(
        f"No Snakefile in {project}",
        [
            Problem(
                "the project directory has no Snakefile, this retrocohort package is not part of a "
                "workflow checkout, and no workflow is installed under <prefix>/share/retrocohort",
                file=str(project),
                expected="reinstall the package (`pip install .` installs its workflow), or pass -C DIR "
                "pointing at a checkout",
            )
        ],
    )


def build_commands(args: argparse.Namespace) -> tuple[list[str], list[str] | None]:
    """The workflow command and the report command (None when no report is built)."""
    project: Path = args.directory
    base = [str(snakemake_executable()), *snakefile_args(project)]
    if args.configfile:
        base += ["--configfile", str(args.configfile.resolve())]
    if args.profile:
        base += ["--profile", str(args.profile.resolve())]
    if args.cores:
        base += ["--cores", str(args.cores)]
    elif not args.profile and not any(a.split("=")[0] in _CORES_FLAGS for a in args.extra):
        base += ["--cores", "all"]
    flags = {a.split("=")[0] for a in args.extra}
    recover = [] if flags & _NO_RERUN_INCOMPLETE else [RERUN_INCOMPLETE]
    skip = args.no_report or bool(flags & NO_REPORT_FLAGS)
    return [*base, *recover, *args.extra], None if skip else [*base, *args.extra, "--report", str(REPORT)]


def subprocess_env() -> dict[str, str]:
    """Environment in which Snakemake's scripts import this same retrocohort package."""
    import retrocohort

    src = str(Path(retrocohort.__file__).resolve().parents[1])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    return env


def check_study(args: argparse.Namespace) -> None:
    """Load the study config with the project's strict loader before Snakemake reads it: a
    duplicate key, a YAML tag or alias bomb, or a ``__use_yte__`` template is refused here,
    before Snakemake's own loader could evaluate anything; schema and cross-references too."""
    from retrocohort.config.study import DEFAULT_CONFIG, load_study
    from retrocohort.pipeline.run_status import RunStatusUnwritable, config_failed, load_failure_reason

    path = args.configfile.resolve() if args.configfile else args.directory / DEFAULT_CONFIG
    try:
        load_study(path, base_dir=args.directory)
    except RetrocohortError as exc:
        try:
            config_failed(load_failure_reason(exc), args.directory)
        except RunStatusUnwritable as unwritable:
            print(unwritable, file=sys.stderr)
        raise


def run(args: argparse.Namespace) -> int:
    if getattr(args, "study", None) is not None:
        args.directory = args.study.resolve()
    if not any(a.split("=")[0] in ("--lint", "--unlock", "--help", "-h", "--version") for a in args.extra):
        check_study(args)
    workflow, report = build_commands(args)
    env = subprocess_env()
    print("retrocohort: " + " ".join(workflow), file=sys.stderr, flush=True)
    code = subprocess.run(workflow, cwd=args.directory, env=env).returncode
    if code != 0 or report is None:
        return code
    print("retrocohort: building the report: " + " ".join(report), file=sys.stderr, flush=True)
    code = subprocess.run(report, cwd=args.directory, env=env).returncode
    if code == 0:
        print(f"report: {args.directory / REPORT}", file=sys.stderr)
    return code
