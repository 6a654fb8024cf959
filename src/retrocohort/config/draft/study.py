"""A whole draft study config from a list of exports (``retrocohort init``).

:func:`draft_config` reads every file (all unreadable files refused together, each named),
drafts its source and variables (:mod:`retrocohort.config.draft.sources`) and writes the YAML
(:mod:`retrocohort.config.draft.emit`): every guess marked ``# CONFIRM:``, what only the
statistician decides (groups, time points, models) in commented ``TODO`` blocks, and a
``kind: descriptive`` Table 1 of every patient-level variable, so that the draft runs as
written. :func:`write_draft` writes it only where no config exists, and only after the strict
loader (:func:`retrocohort.config.study.load_study`) accepts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from retrocohort.config.check import config_schema
from retrocohort.config.draft.columns import guess_values, plausible_range, shown
from retrocohort.config.draft.emit import comment_block, flow, key, scalar, with_comment
from retrocohort.config.draft.layout import RawFile, read_export
from retrocohort.config.draft.rules import IngestRules
from retrocohort.config.draft.sources import DraftSource, Names, draft_events, draft_long, draft_wide
from retrocohort.config.draft.todo import todo_blocks
from retrocohort.errors import ConfigError, InputError, Problem, RetrocohortError

#: Missing-value codes of every draft (the schema's default of ``missing_values``).
BASE_MISSING = ("", "NA")
SUMMARISED = ("binary", "categorical", "continuous", "count")
#: Names that sound like a comparison group, offered first as Table 1's `by:`.
GROUP_WORDS = ("trt", "treat", "arm", "group", "grp", "random", "cohort", "exposure")
LAYOUTS = {
    "wide": "one row per patient",
    "long": "long measurements: patient, day, variable, value",
    "events": "long events: patient, day, event type or status",
}


@dataclass(frozen=True)
class Draft:
    """A drafted config: its text and what it asks of the user."""

    text: str
    variables: int
    confirm: int
    todo: int


def _read_all(files: Sequence[Path], id_column: str | None = None) -> list[RawFile]:
    raws, errors = [], []
    for file in files:
        try:
            raws.append(read_export(file, id_column))
        except InputError as exc:
            errors.append(exc)
    if len(errors) == 1:
        raise errors[0]
    problems = [p for exc in errors for p in exc.problems or [Problem(exc.summary)]]
    if problems:
        raise InputError(f"{len(problems)} problem(s) reading the exports", problems)
    if id_column is not None and not any(id_column in r.frame.columns for r in raws):
        raise InputError(
            f"No export has the id column {id_column!r}",
            [
                Problem(
                    "--id-column names no column of any export",
                    value=id_column,
                    expected="one of " + ", ".join(sorted({str(c) for r in raws for c in r.frame.columns})),
                )
            ],
        )
    return raws


def _missing_codes(raws: list[RawFile]) -> dict[str, int]:
    """Non-numbers found in columns of numbers ("###", "ND"): proposed as missing-value codes."""
    codes: dict[str, int] = {}
    for raw in raws:
        if raw.layout == "wide":
            columns = [c for c in raw.frame.columns if c != raw.roles["id"]]
        elif raw.layout == "long":
            columns = [raw.roles["value"]]
        else:
            columns = [c for c in raw.frame.columns if c not in raw.roles.values()]
        for column in columns:
            guess = guess_values(raw.frame[column], set(BASE_MISSING), raw.options.get("decimal", "."))
            for code, n in guess.missing_codes.items():
                codes[code] = codes.get(code, 0) + n
    return codes


def events_supported() -> bool:
    """True when this retrocohort's schema has the ``events`` source kind."""
    schema = config_schema()
    return "events" in schema["$defs"]["source"]["properties"]["table"].get("enum", [])


def draft_config(
    files: Sequence[Path],
    study_dir: Path,
    rules: IngestRules,
    study_id: str | None = None,
    places: Sequence[str] | None = None,
    id_column: str | None = None,
) -> Draft:
    """The draft config of the exports ``files``.

    Parameters
    ----------
    files : sequence of Path
        The exports, read where they are.
    study_dir : Path
        The study directory (its name is the study id unless ``study_id`` is given).
    rules : IngestRules
        The ingest stage's unit and identifier rules.
    study_id : str, optional
        The study id.
    places : sequence of str, optional
        Each file's path as the config writes it (relative to ``study_dir``); default: the
        file's own path relative to ``study_dir`` (then it must be inside it).
    id_column : str, optional
        The patient id's column in the files that have it (else guessed per file:
        :func:`retrocohort.config.draft.layout.patient_id_column`).

    Raises
    ------
    InputError
        An unreadable file, a layout that cannot be told, or no patient-level data (neither a
        one-row-per-patient file nor an events file with baseline ``columns:``); each problem
        names the file.
    """
    raws = _read_all(files, id_column)
    if all(r.frame.shape[1] < 2 for r in raws):
        raise InputError(
            "Nothing to draft",
            [
                Problem(
                    "the files hold only a patient id column",
                    file=", ".join(str(r.path) for r in raws),
                    expected="the exports with the patients' data (one column per variable, or long files)",
                )
            ],
        )
    codes = _missing_codes(raws)
    missing = set(BASE_MISSING) | set(codes)
    wide = sorted((r for r in raws if r.layout == "wide"), key=lambda r: -r.frame[r.roles["id"]].nunique())
    names, spellings = Names(), {}
    root = study_dir.resolve()
    written = (
        places if places is not None else [Path(f).resolve().relative_to(root).as_posix() for f in files]
    )
    rel = {id(r): place for r, place in zip(raws, written)}
    sources: list[DraftSource] = [draft_wide(r, rel[id(r)], names, missing, rules) for r in wide]
    sources += [
        draft_long(r, rel[id(r)], names, missing, rules, spellings) for r in raws if r.layout == "long"
    ]
    read = frozenset(  # headers a patient file reads already: not drafted again from an events file
        column
        for s in sources
        if s.layout == "wide"
        for column in [*(v.raw for v in s.variables), *s.entry.get("identifiers", {})]
    )
    sources += [
        draft_events(r, rel[id(r)], names, missing, rules, read) for r in raws if r.layout == "events"
    ]
    baseline = [v for s in sources if s.layout != "long" for v in s.variables if v.reason is None]
    if not any(s.layout == "wide" for s in sources) and not baseline:
        raise InputError(
            "No patient-level export",
            [
                Problem(
                    "every file given is long (several rows per patient), and no events file repeats "
                    "baseline columns on each row of a patient",
                    file=", ".join(str(r.path) for r in raws),
                    expected="also the file with one row per patient (ids, age, sex...): every study needs "
                    "one; or an events file whose rows repeat each patient's baseline columns",
                )
            ],
        )
    study = study_id or Names().take(study_dir.resolve().name, "")[0]
    lines = _header(sources, study, codes, missing, spellings)
    lines += _variables(sources)
    lines += _sites(sources, events_supported())
    lines += _table1(sources)
    window = _day_range(sources)
    lines += todo_blocks(
        [v for s in sources for v in s.variables if v.reason is None], window[0] if window else -3
    )
    text = "\n".join(lines) + "\n"
    return Draft(
        text,
        sum(v.reason is None for s in sources for v in s.variables),
        text.count("  # CONFIRM:"),
        text.count("# TODO"),
    )


def _header(
    sources: list[DraftSource], study: str, codes: dict, missing: set[str], spellings: dict
) -> list[str]:
    lines = ["# DRAFT study config written by `retrocohort init` from:"]
    lines += [f"#   {s.path} ({LAYOUTS[s.layout]})" for s in sources]
    lines += [
        "# Every guess is marked `# CONFIRM: ...`: check it against your data dictionary, edit it if",
        "# wrong, then delete the mark. What only you can decide (groups, time points, models) is in",
        "# the commented TODO blocks at the end. Every key is documented in config/README.md.",
        "",
        "study:",
        with_comment(f"  id: {study}", ["from the directory name"]),
        with_comment(
            f"  title: {scalar(study.replace('_', ' ') + ' (draft)')}",
            ["the study's title, printed in the report"],
        ),
        "",
    ]
    missing_line = f"missing_values: {scalar(sorted(missing, key=lambda m: (m not in BASE_MISSING, m)))}"
    lines.append(
        with_comment(
            missing_line,
            [
                "these codes in columns of numbers mean 'no value': "
                + ", ".join(f"{c!r} ({n} cells)" for c, n in codes.items())
            ]
            if codes
            else [],
        )
    )
    window = _day_range(sources)
    if window:
        low, high = min(s.days[0] for s in sources if s.days), max(s.days[1] for s in sources if s.days)
        lines.append(
            with_comment(
                f"day_range: {scalar(window)}", [f"days observed from {shown(low)} to {shown(high)}, widened"]
            )
        )
    if spellings:
        lines.append("unit_spellings:  # CONFIRM: unit spellings of the files read by pint as written here")
        lines += [f"  {key(k)}: {scalar(v)}" for k, v in spellings.items()]
    return [*lines, ""]


def _day_range(sources: list[DraftSource]) -> list[int] | None:
    """The draft's ``day_range``: the days of the long files, widened (None without days)."""
    days = [s.days for s in sources if s.days]
    if not days:
        return None
    return [int(v) for v in plausible_range(min(d[0] for d in days), max(d[1] for d in days))]


def _variables(sources: list[DraftSource]) -> list[str]:
    lines = ["variables:"]
    for source in sources:
        if source.layout == "events" and not source.variables:
            continue
        lines.append(f"  # --- {source.path} ({LAYOUTS[source.layout]})")
        for v in source.variables:
            if v.reason:
                lines.append(
                    f"  # {v.raw!r} is not drafted: {v.reason}  # TODO: declare it by hand if needed"
                )
            else:
                lines.append(with_comment(f"  {v.name}: {flow(v.spec)}", v.notes))
    return [*lines, ""]


def _source_lines(source: DraftSource) -> list[str]:
    entry = source.entry
    lines = [f"- path: {scalar(entry['path'])}"]
    for name, value in entry.items():
        if name in ("path", "variable_names", "identifiers", "event_types"):
            continue
        lines.append(with_comment(f"  {name}: {scalar(value)}", [source.entry_notes.get(name, "")]))
    columns = [f"    {v.name}: {flow(v.column)}" for v in source.variables if v.reason is None]
    if source.layout in ("wide", "events") and columns:
        lines += ["  columns:", *columns]
    for block in ("variable_names", "event_types"):
        if entry.get(block):
            lines.append(with_comment(f"  {block}:", [source.entry_notes.get(block, "")]))
            lines += [f"    {key(raw)}: {name}" for raw, name in entry[block].items()]
    if "identifiers" in entry:
        lines.append(
            with_comment(f"  identifiers: {flow(entry['identifiers'])}", [source.entry_notes["identifiers"]])
        )
    return lines + comment_block([f"TODO: {t}" for t in source.todo], 2)


def _sites(sources: list[DraftSource], events: bool) -> list[str]:
    lines = [
        "sites:",
        "  main:",
        with_comment(
            '    label: "Main site"', ["one site; declare one site per centre if the files mix centres"]
        ),
        "    sources:",
    ]
    for source in sources:
        body = _source_lines(source)
        if source.layout != "events" or events:
            lines += [f"      {line}" for line in body]
            continue
        lines += comment_block(
            [
                f"TODO: {source.path} is a long events file (one row per patient, day and event type).",
                "This retrocohort has no `events` source kind yet (issue 23: `table: events`, with",
                "time-to-event endpoints from it); once it has, declare the file as below. Until then,",
                "give each patient's event and its day as columns of a one-row-per-patient file.",
                *body,
            ],
            6,
        )
    return [*lines, ""]


def _table1(sources: list[DraftSource]) -> list[str]:
    patients = [v for s in sources for v in s.variables if v.reason is None and v.table == "patients"]
    rows = [v for v in patients if v.spec["kind"] in SUMMARISED]
    groups = sorted(
        (
            v.name
            for v in patients
            if v.spec["kind"] == "binary" or len(v.spec.get("categories", [])) in (2, 3, 4)
        ),
        key=lambda name: not any(word in name for word in GROUP_WORDS),
    )
    if not rows:
        return ["tables: {}  # TODO: no variable to summarise in a Table 1 (config/README.md, kinds)", ""]
    lines = [
        "tables:",
        "  table1:",
        "    kind: descriptive",
        '    title: "Table 1. Characteristics of the {n} patients."',
        "    # by: "
        + (groups[0] if groups else "<group>")
        + "   # TODO (group): Table 1 by a group, one column per group with p-values"
        + (f"; candidates: {', '.join(groups[:8])}" if groups else ""),
        "    rows:",
    ]
    lines += [f"      - {{variable: {v.name}}}" for v in rows]
    measured = [
        v.name for s in sources for v in s.variables if v.reason is None and v.table == "measurements"
    ]
    if measured:
        lines.append(
            "      # TODO (time point): these long-file variables need a time point first (see TODO below):"
        )
        lines += [f"      # - {{variable: {name}}}" for name in measured]
    return [*lines, ""]


def refuse_existing(config: Path) -> None:
    """Raise :class:`ConfigError` naming ``config`` when it exists: a config is never overwritten."""
    if config.exists():
        raise ConfigError(
            f"A config already exists: {config}",
            [
                Problem(
                    "retrocohort init never overwrites a config",
                    file=str(config),
                    expected="another STUDY_DIR, or move the existing config away first",
                )
            ],
        )


def write_draft(study_dir: Path, draft: Draft, config: Path) -> Path:
    """Write ``draft`` to ``config`` (inside ``study_dir``) unless a file is there already, and
    only after :func:`~retrocohort.config.study.load_study` accepts it.

    Raises
    ------
    ConfigError
        ``config`` exists (it is never overwritten).
    RetrocohortError
        The draft does not load (a bug of the draft, reported with the loader's problems).
    """
    from retrocohort.config.study import load_study

    refuse_existing(config)
    config.parent.mkdir(parents=True, exist_ok=True)
    draft_file = config.with_name(f".{config.name}.draft")
    draft_file.write_text(draft.text, encoding="utf-8")
    try:
        load_study(draft_file, base_dir=study_dir)
    except RetrocohortError as exc:
        raise RetrocohortError(
            f"The draft config does not load (a bug of retrocohort init; left at {draft_file})",
            exc.problems,
        ) from exc
    try:
        with open(config, "x", encoding="utf-8") as fh:  # "x": never overwrite one written meanwhile
            fh.write(draft.text)
    finally:
        draft_file.unlink(missing_ok=True)
    return config
