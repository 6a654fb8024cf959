"""``retrocohort audit draft``: pasted paper text -> a draft published-numbers YAML.

:func:`draft_study` cuts the text into located blocks (:mod:`draft_text`), finds the numbers of
each (:mod:`draft_numbers`) and writes one entry per number group, with ``where`` in the
published-numbers vocabulary, the printed text, values and decimals, and a ``note`` giving the
line and column in the source and every guess to confirm (statistic, variable, test, design).
The draft loads with :func:`retrocohort.audit.published.load_study` (same schema as a hand-
written file). :func:`draft_coverage` measures how many entries of a reference file the draft
holds: same ``where`` and the same values (as a multiset of numbers).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from retrocohort.audit.draft.cells import (
    P_COLUMN,
    PCT_COLUMN,
    Cell,
    decimal_comma_style,
    find_cells,
    form_hint,
    group_header,
    label_end,
    number_style,
    parse_cells,
    strip_form,
)
from retrocohort.audit.draft.cells import number_value as cell_number
from retrocohort.audit.draft.draft_numbers import DraftNumber, find_numbers, footnote_results
from retrocohort.audit.draft.draft_text import TABLE_LABEL, Block, split_blocks, table_number
from retrocohort.audit.draft.output import (
    draft_yaml as draft_yaml,
)  # re-exported: the CLI and tests import it here
from retrocohort.audit.draft.output import loadable, plain_printed
from retrocohort.audit.draft.row_labels import (
    continued_label,
    row_label,
    spanned_group,
    transposed_n,
)
from retrocohort.audit.draft.table_totals import (
    ShareRow,
    column_forms,
    column_shares,
    footnote_denominator,
    total_row_denominators,
)
from retrocohort.audit.draft.tables import defined, footnote_markers, join_ci_columns
from retrocohort.audit.published import PublishedStudy

_STOP = {
    "a",
    "an",
    "the",
    "of",
    "in",
    "with",
    "and",
    "or",
    "was",
    "were",
    "to",
    "for",
    "by",
    "at",
    "on",
    "as",
    "had",
    "have",
    "has",
    "patients",
    "patient",
    "cases",
    "all",
    "these",
    "only",
    "who",
}
_ROW_N = re.compile(r"\(\s*n\s*=\s*(\d+)\s*\)")
_LABEL_STOP = _STOP - {"patients", "patient", "cases", "all", "only"} | {
    "median",
    "mean",
    "iqr",
    "sd",
    "range",
}
_GROUP_NS = re.compile(r"\b[nN]\s*[=:]\s*(\d[\d,]*)")


def label_slug(text: str, *, stop: bool = True, limit: int = 5) -> str:
    """The variable name of a row label (or a group name of a column header): its words in
    snake_case, statistic words ("n (%)", "median (IQR)") and filler words dropped, numbers
    glued to words kept and moved after the words ("28-d survival" -> "survival_28_d").

    >>> label_slug("28-d ventilator-free days, median (IQR)"), label_slug("Male sex, n (%)")
    ('ventilator_free_days_28_d', 'male_sex')
    >>> label_slug("Non-survivors", stop=False), label_slug("Ferritin (µg/L) (20.0–300.0) *")
    ('non_survivors', 'ferritin_ug_l')
    >>> label_slug("No, loss"), label_slug("Deaths, No. (%)"), label_slug("Deaths, no (%)")
    ('no_loss', 'deaths', 'deaths')
    >>> label_slug("N classification > 1"), label_slug("Male, n/N (%)"), label_slug("Deaths, n")
    ('n_classification_1', 'male', 'deaths')
    """
    text = re.sub(r"\([^()]*\d[^()]*\)\s*[*†‡]*", " ", text)  # "(n = 18)", "(4.0–10.0) *"
    # "No." and "No (%)" abbreviate "number"; "No, loss" answers the row's question: a word
    # "n (%)", "n/N", "n = 18", a trailing ", n" name the count; "N classification" is a name
    text = re.sub(r"\b[Nn][Oo]\.|\b[Nn][Oo]\s*(?=\(\s*%)|\b[nN]\s*(?=[(=:/]|$)", " ", text)
    lowered = text.lower().replace("µ", "u").replace("μ", "u")
    words = [w.replace("-", "_") for w in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", lowered)]
    words = [w for w in words if not stop or w not in _LABEL_STOP][:limit]
    lead = [w for w in words if w[0].isdigit()]
    while words and words[0][0].isdigit():
        words.pop(0)
    name = "_".join(words + [w for w in lead if w not in words])
    return name if name and name[0].isalpha() else "value" + (f"_{name}" if name else "")


def _as_number(cell: Cell, raw: str, column: int, extra: dict[str, Any]) -> DraftNumber:
    """A parsed cell as a draft number, its printed text readable by the loader
    (:func:`plain_printed`), with its unit and category (see :class:`Cell`) in ``extra``."""
    printed, note = plain_printed(raw, cell.values, cell.decimals)
    if note:
        extra = {**extra, "note": "; ".join(x for x in (extra.get("note"), note) if x)}
    if cell.unit:
        extra = {**extra, "unit": cell.unit}
    if cell.category:
        extra = {**extra, "group": "_".join(x for x in (extra.get("group"), cell.category) if x)}
    guesses = ["statistic"] if cell.guessed else []
    return DraftNumber(
        cell.statistic, cell.values, cell.decimals, printed, column, cell.relation, extra, guesses
    )


def _header_ns(header: str, cells: list[Cell]) -> list[int | None]:
    """The n's of a header printed on one line ("Survivors (n = 45) Others (n = 12) p"), given
    to the non-p cells in order when there are as many of each (None otherwise)."""
    ns = [int(cell_number(m.group(1))[0]) for m in _GROUP_NS.finditer(header)]
    values = [c for c in cells if c.statistic != "p_value"]
    if len(ns) != len(values):
        return [None] * len(cells)
    it = iter(ns)
    return [None if c.statistic == "p_value" else next(it) for c in cells]


_STATED_SUMMARY = re.compile(
    r"\b(?:continuous|quantitative|numerical)\s+(?:variables|data|values)\b[^.]{0,60}?\b(medians?|means?)\b",
    re.I,
)


def stated_summary(text: str) -> str | None:
    """The summary a paper states for its continuous variables ("continuous variables as medians
    with interquartile ranges", "quantitative data are presented as mean ± SD"): "median",
    "mean" or None.

    >>> stated_summary("Categorical variables are numbers, and continuous variables as medians [IQR].")
    'median'
    """
    m = _STATED_SUMMARY.search(text)
    return m.group(1).lower().rstrip("s") if m else None


def not_a_count(cell: Cell, n: int | None, central: str | None) -> Cell:
    """A bare number guessed as a count or value that cannot be a count (it has decimals, or it
    exceeds its row's n) is the paper's stated summary of continuous variables (``central``,
    :func:`stated_summary`), still marked as a guess; any other cell is returned unchanged.

    >>> not_a_count(Cell("count", "n", {"count": 116.0}, {"count": 0}, guessed=True), 15, "median").values
    {'median': 116.0}
    >>> not_a_count(Cell("count", "n", {"count": 3.0}, {"count": 0}, guessed=True), 15, "median").statistic
    'count'
    """
    if (
        central is None
        or not cell.guessed
        or cell.statistic not in ("count", "value")
        or len(cell.values) != 1
    ):
        return cell
    [(key, value)] = cell.values.items()
    if cell.decimals[key] == 0 and (n is None or value <= n):
        return cell
    return Cell(central, central, {central: value}, {central: cell.decimals[key]}, guessed=True)


def _split_row_numbers(
    block: Block, central: str | None = None, markers: dict[str, str] | None = None
) -> list[tuple[DraftNumber, str]]:
    """A row split into cells: the first is the label; each other cell takes its column's
    header (group and n) or, without column headers, the n's of a one-line header in order.
    A label or header marked with a footnote marker takes the footnote's definition as its
    first hint (:func:`~retrocohort.audit.draft.tables.defined`: "Age (year)*" under "* Median
    (range)" is a median with its range). In a transposed table (a column of patients,
    :func:`~retrocohort.audit.draft.row_labels.transposed_n`) the row's n is that cell's count, given to the row's summary cells
    (medians, means, percentages, the counts of a named pair) but not to its other bare counts,
    which need not count patients ("MRI sessions")."""
    markers = markers or {}
    label = row_label(block.cells)
    row_n = _ROW_N.search(label)
    transposed = transposed_n(block.cells, block.headers) if block.headers else None
    found = []
    for j, text, joined in join_ci_columns(block.cells, block.headers):
        column = block.columns[j]
        head = block.headers[j] if j < len(block.headers) else ""
        p_column = bool(P_COLUMN.search(head)) or (
            not block.headers and j == len(block.cells) - 1 > 1 and bool(P_COLUMN.search(block.header))
        )
        pct_column = bool(PCT_COLUMN.match(head))
        hints = [defined(label, markers), defined(head, markers), block.header]
        for cell, piece, offset in parse_cells(text, hints, p_column=p_column, pct_column=pct_column):
            found.append((cell, piece, column + offset, head, j, joined))
    positional = _header_ns(block.header, [c for c, *_ in found]) if not block.headers else []
    out = []
    for k, (cell, text, column, head, j, joined) in enumerate(found):
        name, n = group_header(head)
        n = n if block.headers else positional[k]
        if row_n:
            n = int(row_n.group(1))
        elif transposed and n is None and j != transposed[0]:
            n = None if cell.statistic == "count" and not cell.category else transposed[1]
        cell = not_a_count(cell, n, central)
        extra: dict[str, Any] = {"note": joined} if joined else {}
        if cell.statistic != "p_value":
            name = strip_form(name)  # "Uninfected | n = 29 | n (%)": the group is "Uninfected"
            if name and form_hint([name]):
                name = spanned_group(name, [group_header(h)[0] for h in block.headers])
            if name and not P_COLUMN.search(head) and not form_hint([name]):
                extra["group"] = label_slug(name, stop=False)
            if n is not None:
                extra["n"] = n
        out.append((_as_number(cell, text, column, extra), label))
    return out


def _spaced_row_numbers(block: Block, central: str | None = None) -> list[tuple[DraftNumber, str]]:
    """A single-spaced row: the label up to its first value, then the value cells, with the
    n's of the header in order (:func:`_header_ns`)."""
    if re.match(r"\s*\d+\s+\S", block.text):
        return []  # a row of one patient ("1 38 M Tuberculosis ..."): not a summary statistic
    end = label_end(block.text)
    label = block.text[:end]
    found = find_cells(block.text[end:], [label, block.header], p_last=bool(P_COLUMN.search(block.header)))
    ns = _header_ns(block.header, [c for *_, c in found])
    row_n = _ROW_N.search(label)
    out = []
    for (start, stop, cell), n in zip(found, ns, strict=True):
        cell = not_a_count(cell, int(row_n.group(1)) if row_n else n, central)
        extra: dict[str, Any] = {}
        if cell.statistic != "p_value" and (row_n or n is not None):
            extra["n"] = int(row_n.group(1)) if row_n else n
        out.append((_as_number(cell, block.text[end + start : end + stop], end + start, extra), label))
    return out


def slug(text: str, limit: int = 4) -> str:
    """A snake_case name from the first informative words of ``text`` ("value" if none)."""
    tokens = re.findall(r"[a-z0-9]+", text.lower())  # "15th" is one token, not "th"
    words = [w for w in tokens if w not in _STOP and w[0].isalpha()]
    name = "_".join(words[:limit])
    return name if name else "value"


def _where_slug(where: str) -> str:
    return (
        where.replace("results text, paragraph ", "results_p")
        .replace(", paragraph ", "_p")
        .replace(" ", "_")
        .lower()
    )


def _variable(block: Block, number: DraftNumber) -> str:
    """The variable of a prose or caption number: the words after it, else those before it; a
    number printed as "n = 50" or "(N=129)" with no other word is "n".

    >>> _variable(Block("Table 1", "caption", "Basic data (n = 50).", 1), DraftNumber("count", {"count": 50}, {}, "50", 16))
    'n'
    >>> _variable(Block("Table 1", "caption", "Basic data (n = 50).", 1), DraftNumber("count", {"count": 50}, {}, "n = 50", 12))
    'n'
    >>> block = Block("Table 4", "footnote", "hazards for tumor grade (p = 0.082, a test)", 1)
    >>> _variable(block, DraftNumber("p_value", {"p": 0.082}, {}, "p = 0.082", 25))
    'hazards_tumor_grade'
    """
    after = re.split(r"[.,;:()\[\]]", block.text[number.column + len(number.printed) :], maxsplit=1)[0]
    before = re.split(r"[.,;:()\[\]]", block.text[: number.column])[-1]
    name = slug(after, 3)
    if name == "value":
        words = slug(before, 99).split("_")
        name = "_".join(words[-3:]) if words != ["value"] else "value"
    if name == "value" and (
        re.search(r"\b[nN]\s*[=:]\s*$", before) or re.match(r"[nN]\s*[=:]", number.printed)
    ):
        name = "n"
    elif name == "value":  # "hazards for tumor grade (p = 0.082, ...)": the words before the bracket
        head = re.split(r"[.,;:()\[\]]", block.text[: number.column].rstrip(" ([").rstrip())[-1]
        words = slug(head, 99).split("_")
        name = "_".join(words[-3:]) if words != ["value"] else "value"
    return name


def _entry(block: Block, number: DraftNumber, variable: str) -> dict[str, Any]:
    e: dict[str, Any] = {
        "where": block.where,
        "printed": number.printed,
        "statistic": number.statistic,
        "values": {
            k: int(v) if float(v).is_integer() and number.decimals[k] == 0 else v
            for k, v in number.values.items()
        },
        "decimals": dict(number.decimals),
        "variable": variable,
    }
    guesses = ["variable", *number.guesses]
    if number.relation != "=":
        e["relation"] = number.relation
    if number.statistic == "p_value":
        e["test"] = "not stated"
        paired = (
            block.kind == "row"
            and len(re.findall(r"\bDay\b|\bD\d|\bbefore\b|\bafter\b", block.header, re.I)) >= 2
        )
        e["design"] = "paired" if paired else "unpaired"
    if number.statistic == "test_result":
        e["test_family"] = number.extra["test_family"]
    if block.kind == "row" and "n" in number.extra:
        key = "denominator" if number.statistic == "count_pct" else "n"
        e[key] = number.extra["n"]
        guesses.append(f"{key} (from the table)")
    if "group" in number.extra:
        e["group"] = number.extra["group"]
    if "unit" in number.extra:
        e["unit"] = number.extra["unit"]
    note = f"source line {block.line}, column {block.column + number.column + 1}"
    if "note" in number.extra:
        note += f"; {number.extra['note']}"
    e["note"] = note + "; to confirm: " + ", ".join(guesses)
    return e


def _drafted(text: str) -> list[tuple[Block, dict[str, Any]]]:
    """Every number group of ``text`` as (its block, its draft entry), ids unique, in text order;
    count-and-percentage cells of a table without a denominator take the one its footnote
    states (:func:`~retrocohort.audit.draft.table_totals.footnote_denominator`)."""
    with number_style(decimal_comma=decimal_comma_style(text)):
        return _drafted_in_style(text)


def _plain_prose(number: DraftNumber) -> DraftNumber:
    """A prose number with its printed text readable by the loader (:func:`plain_printed`)."""
    printed, note = plain_printed(number.printed, number.values, number.decimals)
    if note:
        number.printed, number.extra = printed, {**number.extra, "note": note}
    return number


def _row_variable(label: str, where: str, worded: dict[str, str]) -> str:
    """The variable of a table row: its label's slug (:func:`label_slug`); a category label with
    no word of its own ("<5", "≥5 and <10", "1") is read under the last label of its table that
    has one (the section row "TST (mm)", or "T classification*" printing its own trend HR), which
    ``worded`` keeps per table and this updates.

    A band of that label ("<1 year", ">60 mL", "30–60 mL": a label starting with a comparison
    sign or a numeric range) is read under it too, and leaves it in place for the next band.

    >>> worded = {"Table 1": "TST (mm)"}
    >>> _row_variable("≥5 and <10", "Table 1", worded), _row_variable("Male", "Table 1", worded)
    ('tst_mm_5_10', 'male')
    >>> worded = {"Table 1": "Age"}
    >>> _row_variable("<1 year", "Table 1", worded), _row_variable("1–5 years", "Table 1", worded)
    ('age_1_year', 'age_1_5_years')
    """
    name = label_slug(label)
    if where in worded and _BAND.match(label):
        return label_slug(f"{worded[where]} {label}")
    if not name.startswith("value"):
        worded[where] = label
    elif where in worded:
        name = label_slug(f"{worded[where]} {label}")
    return name


#: A row label naming a band of its section's variable: a comparison sign, or a numeric range
#: ("<1 year", "≥ 65", "30–60 mL", "1 to 5 years"); "28-d survival" is a label of its own.
_BAND = re.compile(r"^\s*(?:[<>≤≥⩽⩾]|\d+(?:[.,·]\d+)?\s*(?:[-–—]|to\b)\s*\d)")


def _drafted_in_style(text: str) -> list[tuple[Block, dict[str, Any]]]:
    out, used = [], Counter()
    central = stated_summary(text)
    blocks = split_blocks(text)
    lines = text.splitlines()
    last_row: dict[str, int] = {}
    for b in blocks:
        if b.kind == "row":
            last_row[b.where] = max(last_row.get(b.where, 0), b.line)
    markers = {where: footnote_markers(lines, line) for where, line in last_row.items()}
    worded: dict[str, str] = {}  # per table, the last row label with a word of its own
    leads: dict[str, str] = {}  # per table, the group label of the last two-column row label
    for block in blocks:
        if block.kind == "row" and block.cells:
            block = continued_label(block, leads)
        if block.kind == "section":
            worded[block.where] = row_label(block.cells) if block.cells else block.text
            continue
        if block.kind == "row" and block.cells:
            found = _split_row_numbers(block, central, markers.get(block.where))
            numbers = [(number, _row_variable(label, block.where, worded)) for number, label in found]
        elif block.kind == "row":
            found = _spaced_row_numbers(block, central)
            numbers = [(number, _row_variable(label, block.where, worded)) for number, label in found]
        elif block.kind == "footnote":
            numbers = [(_plain_prose(n), _variable(block, n)) for n in footnote_results(block.text)]
        else:
            numbers = [(_plain_prose(n), _variable(block, n)) for n in find_numbers(block.text)]
        for number, variable in numbers:
            if "group" in number.extra:
                variable_id = f"{variable}_{number.extra['group']}"
            else:
                variable_id = variable
            base = f"{_where_slug(block.where)}_{variable_id}"
            used[base] += 1
            eid = base if used[base] == 1 else f"{base}_{used[base]}"
            out.append((block, {"id": eid, **_entry(block, number, variable)}))
    entries = total_row_denominators(column_forms([e for _, e in out]))
    out = [(b, e) for (b, _), e in zip(out, entries, strict=True)]
    return _footnote_denominators(text, blocks, out)


def _footnote_denominators(
    text: str, blocks: Sequence[Block], drafted: list[tuple[Block, dict[str, Any]]]
) -> list[tuple[Block, dict[str, Any]]]:
    lines = text.splitlines()
    last_row: dict[str, int] = {}
    for b in blocks:
        if b.kind == "row":
            last_row[b.where] = max(last_row.get(b.where, 0), b.line)
    stated = {where: footnote_denominator(lines, line) for where, line in last_row.items()}
    out = []
    for block, e in drafted:
        note = stated.get(block.where) if block.kind == "row" else None
        if note and e["statistic"] == "count_pct" and "denominator" not in e and "n" not in e:
            e = {**e, "denominator": note.n}
            e["note"] = (
                e["note"].replace(
                    "; to confirm: ",
                    f"; denominator from the table's footnote "
                    f"'{note.sentence}' (source line {note.line}); to confirm: ",
                    1,
                )
                + ", denominator (from the footnote)"
            )
        out.append((block, e))
    return out


def draft_entries(text: str) -> list[dict[str, Any]]:
    """Every number group of ``text`` as a draft entry (ids unique, in text order)."""
    return [e for _, e in _drafted(text)]


def draft_shares(drafted: Sequence[tuple[Block, dict[str, Any]]]) -> list[dict[str, Any]]:
    """The ``shares`` of every table of a draft whose counts and percentages stand in separate
    columns (:func:`~retrocohort.audit.draft.table_totals.column_shares`)."""
    rows: dict[str, dict[int, ShareRow]] = {}
    for block, e in drafted:
        if block.kind != "row":
            continue
        table = rows.setdefault(block.where, {})
        row = table.get(block.line, ShareRow(block.line, row_label(block.cells) if block.cells else "", ()))
        table[block.line] = ShareRow(row.line, row.label, (*row.entries, e))
    return [s for where, table in rows.items() for s in column_shares(list(table.values()), where)]


def draft_warnings(text: str, entries: Sequence[dict[str, Any]]) -> list[str]:
    """One sentence per table of ``text`` from which no number was drafted (a table of one
    patient per row, or rows the reader could not split), naming its label line."""
    drafted = {e["where"] for e in entries}
    first: dict[str, int] = {}
    for b in split_blocks(text):
        if b.where.startswith("Table"):
            first.setdefault(b.where, b.line)
    labels = {
        f"Table {table_number(m.group(1))}": i
        for i, line in enumerate(text.splitlines(), start=1)
        if (m := TABLE_LABEL.match(line))
    }
    return [
        f"{where} (source line {labels.get(where, first.get(where))}): no number drafted from its rows "
        "(one patient per row, or rows not read); add its numbers by hand if they are results"
        for where in sorted(set(labels) | set(first))
        if where not in drafted
    ]


def draft_study(text: str, source_name: str) -> dict[str, Any]:
    """The draft published-numbers document of ``text`` (see module docstring); tables from
    which nothing was drafted are named in the source note (:func:`draft_warnings`), and so is
    every entry left out because the loader refuses it (:func:`loadable`)."""
    drafted = _drafted(text)
    entries = [e for _, e in drafted]
    shares = draft_shares(drafted)
    note = (
        "Generated by `retrocohort audit draft`; every entry's note says where it was found and what "
        "to confirm."
    )
    warnings = draft_warnings(text, entries)
    if warnings:
        note += " WARNING: " + " ".join(f"{w}." for w in warnings)
    doc: dict[str, Any] = {
        "source": {"citation": f"DRAFT from {source_name}: replace with the paper's citation", "note": note},
        "numbers": entries,
    }
    if shares:
        doc["shares"] = shares
    doc, dropped = loadable(doc)
    if dropped:
        doc["source"]["note"] += (" " if warnings else " WARNING: ") + " ".join(f"{d}." for d in dropped)
    return doc


def _same_values(a: dict[str, float], b: dict[str, Any]) -> bool:
    return sorted(round(float(x), 9) for x in a.values()) == sorted(round(float(x), 9) for x in b.values())


def draft_coverage(entries: Sequence[dict[str, Any]], study: PublishedStudy) -> tuple[int, int, list[str]]:
    """(entries of ``study`` the draft holds, entries of ``study``, ids it misses); held means a
    draft entry with the same ``where`` and the same values (see module docstring)."""
    by_where: dict[str, list[dict[str, Any]]] = {}
    for e in entries:
        by_where.setdefault(e["where"], []).append(e)
    missed = [
        n.id
        for n in study.numbers
        if not any(_same_values(dict(n.values), d["values"]) for d in by_where.get(n.where, []))
    ]
    return len(study.numbers) - len(missed), len(study.numbers), missed
