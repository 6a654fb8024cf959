"""``retrocohort init``: a first, commented config drafted from the raw exports themselves."""

from __future__ import annotations

import argparse
import filecmp
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from retrocohort.errors import InputError, Problem

if TYPE_CHECKING:
    from retrocohort.config.draft.rules import IngestRules

CONFIG = Path("config/config.yaml")
RAW = Path("data/raw")

DESCRIPTION = """\
Read the raw exports (CSV or XLSX: one row per patient, long measurement files with patient,
day, variable, value and unit columns, long event files) and write STUDY_DIR/config/config.yaml:
a commented DRAFT with the sources and their layout, every variable with its kind, unit (from
headers such as "ferritin_ng_ml" or "Ferritin (ng/mL)", or from a unit column), observed
categories and code maps, a plausible range (observed, widened), and a Table 1 of every
patient-level variable. Every guess is marked `# CONFIRM:` for you to check; what the tool
cannot guess (groups, time points, models) is left as commented TODO blocks with examples.
The draft runs as written: `retrocohort run STUDY_DIR`.

Files outside STUDY_DIR are copied (unchanged) into STUDY_DIR/data/raw/. An existing config is
never overwritten. Paths are relative to the current directory."""

EPILOG = """\
examples:
  retrocohort init my_study my_study/data/raw/patients.csv my_study/data/raw/labs_long.csv
  retrocohort init my_study exports/*.csv        # copies the exports into my_study/data/raw/
  cd my_study && retrocohort init . data/raw/*.xlsx"""


def add_parser(
    subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "init",
        parents=parents,
        help="draft a study config from the raw files",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "study_dir", type=Path, metavar="STUDY_DIR", help="the study directory (created if absent)"
    )
    p.add_argument(
        "files", nargs="+", type=Path, metavar="FILE", help="raw export(s): .csv, .tsv, .txt or .xlsx"
    )
    p.add_argument(
        "--id-column",
        metavar="NAME",
        help="the patient id's column in the exports that have it (default: guessed by name, a "
        "unique one preferred: 'id' rather than a repeating 'case.id')",
    )
    return p


def ingest_rules() -> IngestRules:
    """The ingest stage's unit and identifier rules, for :mod:`retrocohort.config.draft`."""
    from retrocohort.config.draft.rules import IngestRules
    from retrocohort.ingest import privacy, units

    return IngestRules(
        spellings=tuple(units.UNIT_SPELLINGS),
        known_unit=lambda spelling, extra: units.is_known_unit(spelling, extra),
        convert=lambda values, source, target, extra: units.convert(values, source, target, spellings=extra),
        identifier_by_name=privacy.identifier_kind_by_name,
        identifier_by_values=privacy.identifier_kind_by_values,
        embedded_identifiers=lambda frame, file: len(
            privacy.embedded_identifier_problems(frame, file, skip=())
        ),
    )


def placements(files: list[Path], study: Path) -> list[tuple[Path, Path]]:
    """(file, where the study keeps it): in place inside ``study``, else ``study/data/raw/<name>``;
    two different files for one place are refused."""
    plan, problems = [], []
    for file in files:
        resolved = file.resolve()
        inside = study in resolved.parents
        target = resolved if inside else study / RAW / file.name
        if (
            not inside
            and target.exists()
            and not (resolved.is_file() and filecmp.cmp(resolved, target, shallow=False))
        ):
            problems.append(
                Problem(
                    f"{target} exists and differs from this file",
                    file=str(file),
                    expected="a file name not yet used in STUDY_DIR/data/raw/, or the file placed there",
                )
            )
        if target in {t for _, t in plan}:
            problems.append(
                Problem(
                    f"two files would be copied to {target}",
                    file=str(file),
                    expected="exports with distinct file names",
                )
            )
        plan.append((resolved, target))
    if problems:
        raise InputError("Cannot place the exports in the study directory", problems)
    return plan


def run(args: argparse.Namespace) -> int:
    from retrocohort.config.draft.study import draft_config, refuse_existing, write_draft

    study: Path = args.study_dir.resolve()
    config = study / CONFIG
    refuse_existing(config)
    plan = placements(list(args.files), study)
    draft = draft_config(
        [source for source, _ in plan],
        study,
        ingest_rules(),
        places=[target.relative_to(study).as_posix() for _, target in plan],
        id_column=args.id_column,
    )
    for source, target in plan:
        if source != target and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            print(f"copied {source} -> {target}")
    write_draft(study, draft, config)
    shown = args.study_dir.as_posix()
    print(
        f"wrote {(args.study_dir / CONFIG).as_posix()}: a DRAFT of {draft.variables} variables from "
        f"{len(plan)} file(s); {draft.confirm} guesses marked `# CONFIRM`, {draft.todo} TODO marks (decisions left to you).\n"
        "next:\n"
        "  1. read the draft: confirm or edit each `# CONFIRM` line; decide the TODO blocks\n"
        f"  2. retrocohort validate -C {shown} "
        + " ".join(target.relative_to(study).as_posix() for _, target in plan)
        + f"\n  3. retrocohort run {shown}"
    )
    return 0
