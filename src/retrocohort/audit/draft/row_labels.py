"""Labels and headers of split table rows: a row's label (:func:`row_label`), a sub-row under a
merged label cell (:func:`continued_label`), the group a column header names when a statistic
spans several group columns (:func:`spanned_group`), and a transposed table's patients column
(:func:`transposed_n`)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from retrocohort.audit.draft.cells import form_hint, group_header, parse_cell
from retrocohort.audit.draft.draft_text import Block


def row_label(cells: Sequence[str]) -> str:
    """The label of a split row: its leading cells up to the first value, each once (a label
    spanning two columns, merged cells repeated by the .docx/JATS readers, or a group label
    beside its sub-label: "Renal allograft rejection" + "CAMR").

    >>> row_label(["Age (yrs)", "Age (yrs)", "44 ±3"]), row_label(["Rejection", "CAMR", "-", "3"])
    ('Age (yrs)', 'Rejection CAMR')
    """
    lead = []
    for cell in cells:
        if not cell.strip():
            continue  # an empty cell under a label spanning rows
        if not re.search(r"[^\W\d_]", cell) or parse_cell(cell) is not None:
            break
        lead.append(cell)
    return " ".join(dict.fromkeys(c for c in lead or cells[:1] if c))


#: A column of a transposed table holding each row's number of patients ("Subjects", "n",
#: "No. of patients"): its rows are groups of patients, its other columns variables.
_N_COLUMN = re.compile(
    r"^\s*(?:n|no\.?|number|subjects|patients|participants|cases)(?:\s+of\s+\w+)?\s*$", re.I
)


def transposed_n(cells: Sequence[str], headers: Sequence[str]) -> tuple[int, int] | None:
    """(column, n) of a row of a transposed table: the cell under a header naming the patients
    ("Subjects", "n") that reads as a whole count; None when there is no such column.

    >>> transposed_n(["Signa", "12", "55.5 (42–75)"], ["Model", "Subjects", "Age*"])
    (1, 12)
    """
    for j, (cell, head) in enumerate(zip(cells, headers, strict=False)):
        if j and _N_COLUMN.match(clean_header(head)):
            parsed = parse_cell(cell)
            if parsed is not None and parsed.statistic == "count":
                return j, int(parsed.values["count"])
    return None


def clean_header(text: str) -> str:
    """A header without its footnote markers ("Subjects*" -> "Subjects")."""
    return group_header(text)[0]


def spanned_group(name: str, headers: Sequence[str]) -> str:
    """The group of a column whose merged header names a statistic spanning several group
    columns ("N of Participants | Total, Men, Women", "Mean Age (and SD) | Total, Men, Women"):
    the words after those the header shares with its neighbours, when they name no statistic;
    else the shared words when they name none ("Basic model | HR, CI, p-value"); else "".

    >>> heads = ["", "N of Participants Total", "N of Participants Men", "Mean Age (SD) Men"]
    >>> spanned_group("N of Participants Men", heads), spanned_group("Mean Age (SD) Men", heads)
    ('Men', '')
    >>> spanned_group("Basic model HR", ["Basic model HR", "Basic model CI", "Basic model p"])
    'Basic model'
    """
    words = name.split()
    shared = 0
    for other in headers:
        theirs = other.split()
        if other == name or not theirs or theirs[0] != words[0]:
            continue
        k = 0
        while k < min(len(words), len(theirs)) - 1 and words[k] == theirs[k]:
            k += 1
        shared = max(shared, k)
    if not shared:
        return ""
    rest, prefix = " ".join(words[shared:]), " ".join(words[:shared])
    return rest if not form_hint([rest]) else prefix if not form_hint([prefix]) else ""


def _is_label(cell: str) -> bool:
    return bool(cell.strip()) and bool(re.search(r"[^\W\d_]", cell)) and parse_cell(cell) is None


def continued_label(block: Block, leads: dict[str, str]) -> Block:
    """A table row whose label spans two columns ("Sex | Female") sets its table's group label
    in ``leads``; a following row whose first cell is empty and whose second is a label (" |
    Male") is that group's next sub-row, printed under a merged cell: its first cell becomes the
    group label, so "Median Age [years (Range; min-max)] | Female" and " | Male" are both ages.

    >>> leads = {}
    >>> b = continued_label(Block("Table 1", "row", "", 3, cells=("Age, median (range)", "Female", "39")), leads)
    >>> continued_label(Block("Table 1", "row", "", 4, cells=("", "Male", "40")), leads).cells
    ('Age, median (range)', 'Male', '40')
    """
    cells = block.cells
    if len(cells) > 2 and _is_label(cells[0]) and _is_label(cells[1]):
        leads[block.where] = cells[0]
    elif len(cells) > 2 and not cells[0].strip() and _is_label(cells[1]) and block.where in leads:
        return replace(block, cells=(leads[block.where], *cells[1:]))
    elif cells and _is_label(cells[0]):
        leads.pop(block.where, None)
    return block
