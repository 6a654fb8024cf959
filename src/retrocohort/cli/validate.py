"""``retrocohort validate``: check raw files against the study config, without the pipeline."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from retrocohort.errors import InputError, Problem, RetrocohortError, ValidationFailed

DEFAULT_CONFIG = Path("config/config.yaml")

DESCRIPTION = """\
Check raw data files against the study config without running the pipeline: each FILE must be
the path of a source declared under `sites:` in the config. The files are ingested exactly as
the workflow does (typing, code maps, unit conversion: retrocohort.ingest.sources) and the canonical
tables validated (ranges, categories, uniqueness: retrocohort.validate.canonical). The other sources
of the same site are read too, because e.g. measurements are checked against the site's
patients; problems anywhere in the site are reported.

Prints every problem with file, row, column, value and what was expected; a problem repeated in
many rows of one column is one line with the true number of rows and the first rows (values
holding identifiers masked). Exit code 0 when valid, 1 otherwise. Nothing is written."""

EPILOG = """\
examples:
  retrocohort validate data/raw/baverez2022/synthetic_measurements.csv
  retrocohort validate data/raw/baverez2022/*.csv
  retrocohort -C .test validate .test/data/raw/synthetic_labs_site_b.csv"""


def add_parser(
    subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "validate",
        parents=parents,
        help="check raw files against the config",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="raw data file(s)")
    p.add_argument(
        "--configfile",
        type=Path,
        metavar="F",
        help=f"study config (default: {DEFAULT_CONFIG} in the project directory)",
    )
    return p


@dataclass(frozen=True)
class MatchedSource:
    """A given file and the configured source it is."""

    file: Path
    site: str
    index: int
    source: dict


def match_sources(files: list[Path], config: dict, project: Path, config_file: str) -> list[MatchedSource]:
    """Each file -> the configured source(s) with that path; an unknown file is an error. A
    relative path is looked for from the current directory, then from the study directory
    (``retrocohort validate -C my_study data/raw/patients.csv`` as config/README shows it)."""
    matches, problems = [], []
    declared = [
        (site, j, src)
        for site, spec in config.get("sites", {}).items()
        for j, src in enumerate(spec["sources"])
    ]
    for file in files:
        places = {file.resolve()} | (set() if file.is_absolute() else {(project / file).resolve()})
        found = [
            MatchedSource(file if file.exists() else project / file, site, j, src)
            for site, j, src in declared
            if (project / src["path"]).resolve() in places
        ]
        if not found:
            paths = ", ".join(sorted({s["path"] for _, _, s in declared}))
            problems.append(
                Problem(
                    "not a source of this study",
                    file=str(file),
                    expected=f"one of the paths under `sites:` in {config_file} (relative to the "
                    f"study directory {project}; looked for {file} from the current directory and "
                    "from the study directory): " + paths,
                )
            )
        matches += found
    if problems:
        raise RetrocohortError(f"{len(problems)} file(s) not declared in {config_file}", problems)
    return matches


def check_sites(sites: list[str], config: dict, project: Path) -> tuple[list[Problem], dict]:
    """Ingest and validate the given sites; returns (problems, table sizes)."""
    from retrocohort.config.time_points import day_range
    from retrocohort.ingest.sources import ingest_site, merge_sites
    from retrocohort.validate.canonical import validate_tables

    parts, problems = [], []
    for site in sites:
        try:
            parts.append(ingest_site(site, config["sites"][site], config, project))
        except InputError as exc:
            problems += exc.problems or [Problem(exc.summary)]
    if problems:
        return problems, {}
    tables = merge_sites(parts)
    try:
        validate_tables(tables, config["variables"], day_range(config))
    except ValidationFailed as exc:
        problems += exc.problems
    if len(tables.events) and not problems:  # events after the end of follow-up
        from retrocohort.cohort.derive import derive_variables
        from retrocohort.stats.quantiles import quantile_definition

        try:
            derive_variables(
                tables.patients,
                tables.treatments,
                config.get("derived") or {},
                tables.events,
                quantile=quantile_definition(config["statistics"]["quantile_type"]),
            )
        except InputError as exc:
            problems += exc.problems
    sizes = {
        "patients": len(tables.patients),
        "measurements": len(tables.measurements),
        "treatments": len(tables.treatments),
        **({"events": len(tables.events)} if len(tables.events) else {}),
    }
    return problems, sizes


def run(args: argparse.Namespace) -> int:
    from retrocohort.cli.study import load_cli_study

    project: Path = args.directory
    config_path = args.configfile.resolve() if args.configfile else project / DEFAULT_CONFIG
    config = load_cli_study(args.configfile, project).data  # defaults filled, as `run` reads it
    matches = match_sources(args.files, config, project, str(config_path))
    sites = sorted({m.site for m in matches})
    print(f"Validating against {config_path} (study {config.get('study', {}).get('id', '?')}):")
    for m in matches:
        kind = "SYNTHETIC " if m.source.get("synthetic") else ""
        print(f"  {m.file}: site {m.site}, {kind}{m.source['table']} source #{m.index + 1}")
    others = sorted(
        {src["path"] for site in sites for src in config["sites"][site]["sources"]}
        - {m.source["path"] for m in matches}
    )
    if others:
        print("  read for context (same site): " + ", ".join(others))
    problems, sizes = check_sites(sites, config, project)
    if problems:
        from retrocohort.ingest.repeated import aggregate, summary

        problems = aggregate(problems)
        print(f"INVALID: {summary(problems)}")
        for p in problems:
            print(f"  - {p.render()}")
        return 1
    print("VALID: " + ", ".join(f"{k} {v} rows" for k, v in sizes.items()))
    return 0
