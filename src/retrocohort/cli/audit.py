"""``retrocohort audit``: check a paper's printed numbers, with or without the study's data."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from retrocohort.cli.output import one_paragraph
from retrocohort.errors import RetrocohortError

EXIT_CONSISTENT, EXIT_INCONSISTENT, EXIT_INPUT = 0, 1, 2

DESCRIPTION = """\
Audit the printed numbers of one or more papers, each transcribed as a published-numbers YAML
file (schema: src/retrocohort/config/schemas/published.schema.yaml; examples in config/published/).

Without --data it needs no patient data and no pipeline run (seconds): numbers no data can
produce (percentages over 100, counts over their denominator, p outside [0, 1], statistics of
n = 0, negative SDs, reversed ranges, SDs beyond what the range allows), percentages against their
counts, quartile order, agreements and sums, attainable p-values, every standard 2x2 test on
printed counts and the test the paper states, GRIM/GRIMMER/DEBIT/SPRITE on means and SDs,
statcheck on printed test statistics, HScore totals against their items. With --data STUDY_DIR it also sets each number beside its value regenerated from
the validated per-patient data of a finished `retrocohort run` in STUDY_DIR (its config and
results/), labelled real or synthetic.

A directory argument stands for every *.yaml file in it. Per paper, OUT/<paper>/ receives
audit.md, audit.html (referee summary first), audit.json and audit.csv; OUT/summary.csv has one
row per paper (paper, file, data, checks, ok, warnings, inconsistent, serious)."""

EPILOG = """\
draft mode: `retrocohort audit draft MANUSCRIPT [--out FILE] [--against PAPER.yaml]` turns a
manuscript (.docx, .pdf with a text layer, JATS .xml, or pasted .txt/.md) into a draft
published-numbers YAML (default FILE: MANUSCRIPT's name with .draft.yaml, in the current
directory); every entry's note gives its line and column in the text and the guesses to
confirm (for .docx/.pdf/.xml, the text read is written beside FILE as .draft.txt). --against prints how many entries of a hand-written file
the draft holds (same place, same values).

exit status:
  0  no serious finding (warnings only, or nothing at all)
  1  at least one paper has a serious finding: printed numbers that are inconsistent with each
     other, an unattainable p-value, or a number the real per-patient data do not reproduce
  2  usage or input error (unreadable or invalid YAML, missing path, no finished run in --data)

examples:
  retrocohort audit config/published/baverez2022.yaml
  retrocohort audit config/published/ --out audit-reports
  retrocohort audit config/published/baverez2022.yaml --data . --out results/audit-cli"""


def add_parser(
    subparsers: argparse._SubParsersAction, parents: list[argparse.ArgumentParser]
) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "audit",
        parents=parents,
        help="audit a paper's printed numbers",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "papers", nargs="+", metavar="PAPER", help="published-numbers YAML file(s), or directories of them"
    )
    p.add_argument(
        "--data",
        type=Path,
        metavar="STUDY_DIR",
        help="project directory of a finished run (config/config.yaml and results/)",
    )
    p.add_argument(
        "--configfile",
        type=Path,
        metavar="FILE",
        help="study config of --data (default: STUDY_DIR/config/config.yaml)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="output directory (default: ./audit); in draft mode, the YAML file to write",
    )
    p.add_argument(
        "--against",
        type=Path,
        metavar="PAPER",
        help="draft mode: a hand-written published-numbers file to measure the draft against",
    )
    return p


def _draft(args: argparse.Namespace) -> int:
    from retrocohort.audit.checks.finding import plural
    from retrocohort.audit.draft.draft import draft_coverage, draft_study, draft_yaml
    from retrocohort.audit.published import load_study
    from retrocohort.errors import InputError, Problem

    if len(args.papers) != 2:
        raise InputError(
            "audit draft takes exactly one manuscript file",
            [
                Problem(
                    f"got {len(args.papers) - 1} file(s)",
                    expected="retrocohort audit draft MANUSCRIPT (.docx, .pdf, .xml, .txt, .md)",
                )
            ],
        )
    source = Path(args.papers[1])
    from retrocohort.audit.draft.readers import manuscript_text

    expected = "a .docx, .pdf, JATS .xml or UTF-8 text/Markdown manuscript"
    try:
        text = manuscript_text(source)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(
            f"cannot read {source}", [Problem(str(exc), file=str(source), expected=expected)]
        ) from exc
    doc = draft_study(text, source.name)
    out = args.out or Path(f"{source.stem}.draft.yaml")
    from retrocohort.io.atomic import write_text

    write_text(out, draft_yaml(doc))
    if source.suffix.lower() in {".docx", ".pdf", ".xml", ".nxml"}:  # the notes' lines refer to it
        write_text(out.with_suffix(".txt"), text)
    load_study(out)  # the draft must load like a hand-written file
    print(f"{plural(len(doc['numbers']), 'number group')} from {source} -> {out} (check every entry's note)")
    if "WARNING:" in doc["source"].get("note", ""):  # a table nothing was drafted from, named
        print(doc["source"]["note"].split("WARNING: ", 1)[1], file=sys.stderr)
    if args.against is not None:
        held, total, missed = draft_coverage(doc["numbers"], load_study(args.against))
        print(
            f"holds {held} of the {total} entries of {args.against} ({100 * held / total:.1f}%)"
            + (f"; missing: {', '.join(missed)}" if missed else "")
        )
    return EXIT_CONSISTENT


def _audit(args: argparse.Namespace) -> int:
    from retrocohort.audit.checks.finding import plural
    from retrocohort.audit.report.batch import audit_papers, paper_files

    if args.papers[0] == "draft" and not Path("draft").exists():
        return _draft(args)
    args.out = args.out or Path("audit")
    from retrocohort.audit.regen.study_inputs import AuditOptions, audit_options, load_run_data

    papers = paper_files(args.papers)
    data, options = None, AuditOptions()
    if args.data is not None:
        from retrocohort.cli.study import load_cli_study

        project = args.data.resolve()
        config = load_cli_study(args.configfile, project).data  # as `retrocohort run` loads it
        options = audit_options(config, project)
        data = load_run_data(project, config)
    summary = audit_papers(papers, args.out, data=data, data_dir=args.data, options=options)
    for row in summary.to_dict("records"):
        print(
            f"{row['paper']}: {plural(row['checks'], 'check')}, {row['ok']} ok, {plural(row['warnings'], 'warning')}, "
            f"{row['inconsistent']} inconsistent; {plural(row['serious'], 'serious finding')} "
            f"-> {args.out / row['paper'] / 'audit.html'}"
        )
    print(f"summary: {args.out / 'summary.csv'}")
    return EXIT_INCONSISTENT if int(summary["serious"].sum()) else EXIT_CONSISTENT


def run(args: argparse.Namespace) -> int:
    """Run the audit; input errors exit 2 here (not 1, which means "inconsistency found")."""
    try:
        return _audit(args)
    except RetrocohortError as exc:
        if args.debug:
            raise
        print("error: " + one_paragraph(str(exc)), file=sys.stderr)
        return EXIT_INPUT
