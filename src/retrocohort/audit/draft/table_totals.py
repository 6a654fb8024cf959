"""Denominators a table states outside its cells, for the percentage checks of a draft.

Three layouts of real papers print a percentage without its denominator in the cell:

- the denominator is stated once, in a footnote under the table ("Percentages are of all 9,153
  patients"): :func:`footnote_denominator` reads it from the lines that follow the table's rows;
- counts and percentages stand in separate columns ("n" beside "%" or "Percent") and no total is
  printed: :func:`column_shares` pairs each count with the percentage beside it and, where the
  counts of two or more sections of the table (the runs of rows between section rows such as
  "Sex", "Age") add up to the same total, takes that total as the denominator of each of those
  sections — the sections are then categories of the same patients.

- a row "Total" prints each column's count and the cells print "n (%)" with no n:
  :func:`total_row_denominators` gives each column's Total to its cells.

All are guesses the draft marks "to confirm"; none invents a total no line of the table
implies. :func:`column_forms` reads a column's cells in its shared printed form ("77.9% (1)").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from retrocohort.audit.draft.cells import NUM, number_value

_PEOPLE = (
    r"patients|participants|subjects|cases|individuals|people|persons|children|adults|women|men|"
    r"infants|neonates|residents|respondents|admissions|episodes|pregnancies"
)
_DENOMINATOR = re.compile(
    r"\b(?:percentages?|proportions?|%)\s+(?:are|were|is|refer\s+to|relate\s+to)\s+"
    r"(?:calculated\s+|computed\s+|expressed\s+|given\s+)?"
    r"(?:of|on|from|using|among|relative\s+to|out\s+of|based\s+on|as\s+(?:a\s+)?(?:share|proportion)s?\s+of)\s+"
    r"(?:all\s+|the\s+)?(?:total\s+(?:of\s+)?)?(?:n\s*=\s*)?"
    rf"(?P<n>{NUM})\s+(?:{_PEOPLE})\b",
    re.I,
)


@dataclass(frozen=True)
class StatedDenominator:
    """A table's denominator stated in its footnote: ``n``, the sentence as printed and its
    1-based source line."""

    n: int
    sentence: str
    line: int


def footnote_denominator(lines: Sequence[str], after: int) -> StatedDenominator | None:
    """The denominator a table's footnote states for its percentages, or None.

    ``lines`` is the source text split into lines and ``after`` the 1-based line of the table's
    last row; the footnote is what follows it: the rest of the table's paragraph and the first
    paragraph after it (a footnote set as a paragraph of its own), stopping at a new table label.

    >>> text = ["Male 6,280 (69%)", "", "Percentages are of all 9,153 patients. SD, standard deviation."]
    >>> footnote_denominator(text, 1)
    StatedDenominator(n=9153, sentence='Percentages are of all 9,153 patients', line=3)
    >>> footnote_denominator(["Male 20 (69%)", "", "Results", "", "Percentages are of all 29 patients."], 1) is None
    True
    """
    paragraphs_seen = 0
    in_paragraph = True  # the rest of the rows' own paragraph comes first
    for i in range(after, len(lines)):
        line = lines[i]
        if not line.strip():
            if in_paragraph:
                paragraphs_seen += 1
                in_paragraph = False
            continue
        if not in_paragraph:
            in_paragraph = True
            if paragraphs_seen >= 2 or re.match(r"^\s*[#*_ ]*(?:Table|TABLE)\s+\S+", line):
                return None
        if m := _DENOMINATOR.search(line):
            start = line.rfind(". ", 0, m.start())
            sentence = line[start + 2 if start >= 0 else 0 : m.end()].strip()
            return StatedDenominator(int(number_value(m.group("n"))[0]), sentence, i + 1)
    return None


@dataclass(frozen=True)
class ShareRow:
    """One table row of a draft: its 1-based source ``line``, its label, and its entries in
    column order (draft entry dicts with ``statistic``, ``values`` and ``id``)."""

    line: int
    label: str
    entries: tuple[dict[str, Any], ...]


def _pairs(row: ShareRow) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(count entry, percentage entry) of each count followed by a percentage in ``row``."""
    out = []
    for left, right in zip(row.entries, row.entries[1:], strict=False):
        if left["statistic"] == "count" and right["statistic"] == "percentage":
            out.append((left, right))
    return out


def _sections(rows: Sequence[ShareRow]) -> list[list[ShareRow]]:
    """Runs of rows on consecutive lines holding a count and its percentage: a line between two
    rows is a section row, and so is a row with numbers but no count-percentage pair (a section
    row printing its own statistics, "T classification* | | | 1.22/class | 1.02–1.46"): it ends
    the run before it and is in none."""
    out: list[list[ShareRow]] = []
    previous = None
    for row in rows:
        if not _pairs(row):
            previous = None
            continue
        if out and previous is not None and row.line == previous.line + 1:
            out[-1].append(row)
        else:
            out.append([row])
        previous = row
    return out


def column_shares(rows: Sequence[ShareRow], where: str) -> list[dict[str, Any]]:
    """The ``shares`` of one table whose counts and percentages stand in separate columns.

    Each row's counts are paired with the percentage beside them (the k-th pair of a row is its
    k-th column group). For each column group, a section's total is the sum of its counts; a total
    shared by two or more sections is taken as the denominator of each of them (their categories
    partition the same patients, as "Sex" and "Age" of one cohort do), and each section becomes
    one ``shares`` item of the published-numbers file: ``{name, total, parts: [{count, pct}],
    note}``. Sections whose total no other section shares (a list of comorbidities, a section with
    missing values) are left alone.

    >>> def row(line, label, n, pct):
    ...     c = {"id": f"{label}_n", "statistic": "count", "values": {"count": n}}
    ...     p = {"id": f"{label}_pct", "statistic": "percentage", "values": {"pct": pct}}
    ...     return ShareRow(line, label, (c, p))
    >>> rows = [row(2, "male", 14528, 39.5), row(3, "female", 23212, 61.5),
    ...         row(5, "young", 20000, 53.0), row(6, "old", 17740, 47.0)]
    >>> [(s["total"], [p["pct"] for p in s["parts"]]) for s in column_shares(rows, "Table 1")]
    [(37740, ['male_pct.pct', 'female_pct.pct']), (37740, ['young_pct.pct', 'old_pct.pct'])]
    """
    groups = max((len(_pairs(r)) for r in rows), default=0)
    slug = re.sub(r"\W+", "_", where.lower()).strip("_")
    out: list[dict[str, Any]] = []
    for k in range(groups):
        sections = []
        for section in _sections(rows):
            paired = [(r, _pairs(r)[k]) for r in section if len(_pairs(r)) > k]
            if len(paired) >= 2:
                total = int(sum(c["values"]["count"] for _, (c, _p) in paired))
                sections.append((paired, total))
        shared = Counter(total for _, total in sections)
        labels = {total: [p[0][0].label for p, t in sections if t == total] for total in shared}
        for paired, total in sections:
            if shared[total] < 2 or total <= 0:
                continue
            first, last = paired[0][0], paired[-1][0]
            others = ", ".join(f"'{label}'" for label in labels[total])
            name = f"{slug}_{first.entries[0]['id'].removeprefix(slug + '_')}_shares"
            out.append(
                {
                    "name": re.sub(r"_+", "_", name),
                    "total": total,
                    "parts": [{"count": f"{c['id']}.count", "pct": f"{p['id']}.pct"} for _, (c, p) in paired],
                    "note": (
                        f"counts and percentages in separate columns of {where}, rows '{first.label}' to "
                        f"'{last.label}' (source lines {first.line}-{last.line}); no total is printed: "
                        f"{total:,} is the sum of the counts of each of the sections starting {others}; "
                        "to confirm: total"
                    ),
                }
            )
    names = Counter(s["name"] for s in out)
    seen: Counter[str] = Counter()
    for s in out:
        if names[s["name"]] > 1:
            seen[s["name"]] += 1
            s["name"] = f"{s['name']}_{seen[s['name']]}"
    return out


#: The label of a table's total row ("Total", "All", "Overall", "Total n").
_TOTAL_ROW = re.compile(r"^(?:total|all|overall)(?:_n)?$")


def total_row_denominators(entries: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """A table whose "n (%)" cells print no n but whose row "Total" prints a bare count in each
    group column ("Total | 192 | 93"): that count is the denominator of the column's "n (%)"
    cells, marked "to confirm" in their note; every other entry is returned unchanged. A column
    is left alone when one of its counts exceeds the Total, which then totals something else.

    >>> rows = [{"where": "Table 3", "group": "a", "variable": v, "statistic": s, "values": x, "note": ""}
    ...         for v, s, x in [("syncope", "count_pct", {"count": 58, "pct": 30.2}), ("total", "count", {"count": 192})]]
    >>> total_row_denominators(rows)[0]["denominator"]
    192
    """
    totals: dict[tuple[str, str], int] = {}
    for e in entries:
        if (
            e["where"].startswith("Table")
            and e.get("group")
            and e["statistic"] == "count"
            and _TOTAL_ROW.match(e.get("variable", ""))
        ):
            totals[(e["where"], e["group"])] = int(e["values"]["count"])
    for e in entries:
        key = (e["where"], e.get("group"))
        if key in totals and e["statistic"] in ("count", "count_pct") and e["values"]["count"] > totals[key]:
            del totals[key]
    out = []
    for e in entries:
        key = (e["where"], e.get("group"))
        if key in totals and e["statistic"] == "count_pct" and "denominator" not in e and "n" not in e:
            e = {**e, "denominator": totals[key]}
            e["note"] = e["note"] + ", denominator (from the table's Total row)"
        out.append(e)
    return out


_PCT_K = re.compile(r"^\s*\d+(?:[.,·]\d+)?\s*%\s*[(\[]\s*\d+\s*[)\]]\s*$")
_N_K = re.compile(r"^\s*(\d+)\s*[(\[]\s*\d+\s*[)\]]\s*$")


def column_forms(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A column's cells share its printed form: in a column of "77.9% (1)" cells (a percentage
    and its rank), "0 (43)" is the percentage 0 with its rank, not 0 patients of whom 43%.

    >>> e = [{"where": "Table 2", "group": "f", "printed": p, "statistic": s, "values": v, "decimals": d, "note": ""}
    ...      for p, s, v, d in [("77.5% (1)", "percentage", {"pct": 77.5}, {"pct": 1}),
    ...                         ("0 (43)", "count_pct", {"count": 0, "pct": 43}, {"count": 0, "pct": 0})]]
    >>> column_forms(e)[1]["statistic"], column_forms(e)[1]["values"]
    ('percentage', {'pct': 0})
    """
    pct_k = {(e["where"], e.get("group")) for e in entries if _PCT_K.match(e["printed"])}
    out = []
    for e in entries:
        m = _N_K.match(e["printed"])
        if m and e["statistic"] == "count_pct" and (e["where"], e.get("group")) in pct_k:
            e = {k: v for k, v in e.items() if k != "denominator"}
            e.update(
                statistic="percentage",
                values={"pct": int(m.group(1))},
                decimals={"pct": 0},
                note=e["note"] + "; read as 'percentage (rank)' like the rest of its column",
            )
        out.append(e)
    return out
