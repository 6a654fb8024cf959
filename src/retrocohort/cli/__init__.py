"""The ``retrocohort`` command line: init, run, validate, hscore, simulate, report, audit.

Each subcommand is one module with ``add_parser(subparsers, parents)`` and ``run(args) -> int``.
Only :mod:`argparse` and the standard library are imported here, so ``retrocohort --help``
stays fast; pandas, scipy and Snakemake are imported inside the subcommand that needs them.

Errors: a :class:`retrocohort.errors.RetrocohortError` prints its message (with the located
problems) as one paragraph on stderr and exits 1; any other exception prints one
"internal error" paragraph and exits 2; ``--debug`` re-raises both with the traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from retrocohort import __version__
from retrocohort.cli import audit, hscore, init, report, run, simulate, validate
from retrocohort.cli.output import one_paragraph
from retrocohort.errors import RetrocohortError

SUBCOMMANDS = (init, run, validate, hscore, simulate, report, audit)

EXIT_OK, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2


def _global_options(parser: argparse.ArgumentParser, default: object) -> None:
    """--debug and --directory, accepted before or after the subcommand name."""
    parser.add_argument(
        "--debug", action="store_true", default=default, help="show the full traceback of any error"
    )
    parser.add_argument(
        "-C",
        "--directory",
        type=Path,
        metavar="DIR",
        default=default,
        help="project directory: where config/, data/ and results/ are (default: the current directory)",
    )


class CommandParser(argparse.ArgumentParser):
    """An ArgumentParser whose epilog may be computed only when help is shown
    (``epilog_factory``), so that building the parser never imports pandas."""

    def __init__(self, *args, epilog_factory=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.epilog_factory = epilog_factory

    def format_help(self) -> str:
        if self.epilog_factory is not None:
            self.epilog, self.epilog_factory = self.epilog_factory(), None
        return super().format_help()


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (cheap: no heavy imports)."""
    parser = argparse.ArgumentParser(
        prog="retrocohort",
        description="Reproducible analysis of a retrospective clinical cohort study: run the "
        "Snakemake pipeline, check raw files, score HScores, make synthetic data.",
        epilog="Paths you type are relative to the current directory; defaults such as "
        "config/config.yaml and results/report.html are relative to the project "
        "directory (-C). 'retrocohort COMMAND --help' describes each command.",
    )
    parser.add_argument("--version", action="version", version=f"retrocohort {__version__}")
    _global_options(parser, None)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, argparse.SUPPRESS)
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=CommandParser
    )
    for module in SUBCOMMANDS:
        module.add_parser(subparsers, [common]).set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``retrocohort`` console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    after: list[str] = []
    if "--" in argv:  # everything after `--` goes to Snakemake untouched
        cut = argv.index("--")
        argv, after = argv[:cut], argv[cut + 1 :]
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if (unknown or after) and args.command != "run":
        parser.error(
            f"unrecognized arguments: {' '.join(unknown + after)} "
            "(only 'run' passes extra arguments on, to Snakemake)"
        )
    args.extra = unknown + after
    args.directory = (args.directory or Path(".")).resolve()
    try:
        return int(args.handler(args))
    except RetrocohortError as exc:
        if args.debug:
            raise
        print("error: " + one_paragraph(str(exc)), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence of the CLI
        if args.debug:
            raise
        message = " ".join(str(exc).split())
        print(
            f"internal error: {type(exc).__name__}: {message}; rerun with --debug for the traceback",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
