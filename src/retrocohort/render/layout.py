"""Column widths from content, page orientation and body size of a table.

The estimate is font-independent and deterministic (no font files are read): each character
has an advance width in em from a small class table, scaled so that an average lower-case
letter is :attr:`Preset.char_width_em`. Two widths per column are measured (in points):

* the **minimum**: the widest single word of the column (text is broken only at spaces, so a
  column never narrower than its longest word has no mid-word break), plus cell padding;
* the **natural** width: the widest cell on one line.

:func:`plan_table` fits the table into the text width of an A4 page: portrait when the natural
widths of the body cells (headers may wrap) fit in ``LANDSCAPE_FACTOR`` x the portrait text width
and the minimum widths fit in it, else landscape; if even the
minimum widths overflow the landscape text width, the body size shrinks in 0.5 pt steps down to
:attr:`Preset.min_body_pt`. Space beyond the minimum widths is shared in proportion to each
column's excess of natural over minimum width (the CSS "auto table layout" rule, W3C CSS 2.1
section 17.5.2.2), so long-text columns get most of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrocohort.render.model import Table, split_mark
from retrocohort.render.presets import Preset

A4_CM = (21.0, 29.7)
PT_PER_CM = 72 / 2.54
CELL_PADDING_PT = 13.0  # Word's default left + right cell margins (0.19 cm each, 10.8 pt) + slack
INDENT_PT = 0.4 * PT_PER_CM  # one label indent level (0.4 cm)
LANDSCAPE_FACTOR = 1.3  # natural width may exceed the portrait text width by this much (wrapping)
BOLD_FACTOR = 1.07  # Arial/Liberation bold vs regular; a preset may set its own (LaTeX: 1.15)
SUPERSCRIPT_FACTOR = 0.65
_NARROW = set("iljtfrI.,;:'!|()[] ")
_WIDE = set("mwMW@%")
_DIGITS = set("0123456789")


def char_em(char: str, average_em: float) -> float:
    """Advance width of ``char`` in em: narrow (i, l, punctuation) 0.55x, wide (m, w, %) 1.55x,
    capitals 1.25x, digits 1.05x of the average lower-case width ``average_em``."""
    if char in _NARROW:
        return 0.55 * average_em
    if char in _WIDE:
        return 1.55 * average_em
    if char in _DIGITS:
        return 1.05 * average_em
    if char.isupper():
        return 1.25 * average_em
    return average_em


def text_width_pt(
    text: str, size_pt: float, average_em: float, *, bold: bool = False, bold_factor: float = BOLD_FACTOR
) -> float:
    """Estimated printed width of ``text`` on one line, in points (bold: ``bold_factor`` wider)."""
    width = sum(char_em(c, average_em) for c in text) * size_pt
    return width * (bold_factor if bold else 1.0)


def _cell_widths(
    cell: str, size_pt: float, average_em: float, bold: bool, bold_factor: float = BOLD_FACTOR
) -> tuple[float, float]:
    """(longest word, whole cell) widths of a cell, its superscript mark included."""
    body, mark, _ = split_mark(cell)
    mark_pt = text_width_pt(mark, size_pt, average_em) * SUPERSCRIPT_FACTOR
    words = body.split() or [""]
    kw = {"bold": bold, "bold_factor": bold_factor}
    longest = max(text_width_pt(w, size_pt, average_em, **kw) for w in words)
    if mark:
        longest = max(longest, text_width_pt(words[-1], size_pt, average_em, **kw) + mark_pt)
    return longest, text_width_pt(body, size_pt, average_em, **kw) + mark_pt


def column_extents(
    table: Table,
    size_pt: float,
    average_em: float,
    *,
    header_natural: bool = True,
    bold_factor: float = BOLD_FACTOR,
) -> tuple[list[float], list[float]]:
    """Minimum and natural width (points, padding included) of each column of ``table``.

    Header cells are bold; with ``header_natural=False`` a header's full length does not count
    towards the natural width (headers may wrap). Section rows (a heading spanning the table)
    count towards the minimum of column 0 but not its natural width.
    """
    minimum = [0.0] * table.width
    natural = [0.0] * table.width
    for j, name in enumerate(table.columns):
        minimum[j], whole = _cell_widths(name, size_pt, average_em, True, bold_factor)
        natural[j] = whole if header_natural else 0.0
    for row in table.rows:
        for j, cell in enumerate(row.padded(table.width)):
            indent = INDENT_PT * row.indent if j == 0 else 0.0
            word, whole = _cell_widths(cell, size_pt, average_em, row.is_bold(j), bold_factor)
            minimum[j] = max(minimum[j], word + indent)
            if not row.section:
                natural[j] = max(natural[j], whole + indent)
    pad = CELL_PADDING_PT
    return [m + pad for m in minimum], [max(n, m) + pad for n, m in zip(natural, minimum)]


def share_width(minimum: list[float], natural: list[float], available: float) -> list[float]:
    """Column widths: natural widths when they fit in ``available``; else each column's minimum
    plus a share of the remaining width proportional to its natural-minus-minimum excess.
    When the minimums alone overflow, the minimums are returned (the caller shrinks the font)."""
    if sum(natural) <= available:
        return list(natural)
    spare = available - sum(minimum)
    if spare <= 0:
        return list(minimum)
    excess = [n - m for n, m in zip(natural, minimum)]
    total = sum(excess)
    return [m + spare * e / total for m, e in zip(minimum, excess)]


@dataclass(frozen=True)
class TablePlan:
    """Where and how a table is laid out: orientation, body size and column widths (points)."""

    landscape: bool
    body_pt: float
    widths_pt: list[float]
    text_width_pt: float

    @property
    def fits(self) -> bool:
        """Whether the columns fit within the text width (else a word may have to break)."""
        return sum(self.widths_pt) <= self.text_width_pt + 0.5


def text_width(landscape: bool, margin_cm: float) -> float:
    """Text width in points of an A4 page with equal side margins."""
    return (A4_CM[1 if landscape else 0] - 2 * margin_cm) * PT_PER_CM


def plan_table(table: Table, preset: Preset, landscape: bool | None = None) -> TablePlan:
    """Orientation (``landscape=None``: chosen as in the module doc), body size and widths."""
    portrait_width = text_width(False, preset.margin_cm)
    bf = preset.bold_factor
    minimum, natural = column_extents(table, preset.body_pt, preset.char_width_em, bold_factor=bf)
    if landscape is None:
        _, body = column_extents(
            table, preset.body_pt, preset.char_width_em, header_natural=False, bold_factor=bf
        )
        landscape = sum(body) > LANDSCAPE_FACTOR * portrait_width or sum(minimum) > portrait_width
    available = text_width(landscape, preset.margin_cm)
    size = preset.body_pt
    while sum(minimum) > available and size - 0.5 >= preset.min_body_pt:
        size -= 0.5
        minimum, natural = column_extents(table, size, preset.char_width_em, bold_factor=bf)
    return TablePlan(
        landscape=landscape,
        body_pt=size,
        widths_pt=share_width(minimum, natural, available),
        text_width_pt=available,
    )
