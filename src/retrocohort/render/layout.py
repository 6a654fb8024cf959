"""Column widths from content, page orientation and body size of a table.

The estimate is font-independent and deterministic (no font files are read): each character
has an advance width in em from a small class table, scaled so that an average lower-case
letter is :attr:`Preset.char_width_em`. Two widths per column are measured (in points):

* the **minimum**: the widest *unbreakable unit* of the column, plus cell padding (the preset's
  cell margins, :func:`cell_padding_pt`: narrow in the Word presets, so the label column gets
  the room the value columns do not need). Text is
  broken only at spaces, and a value is one unit: a number with its interval or percentage
  ("49.8 [42.2–56.7]", "16 (88.9%)", "0.52 (0.31 to 0.87)"), a header's "(n = 312)" and a
  label's "n (%)" are never broken (:func:`unbreakable_units`; the renderers print the spaces inside a unit as
  no-break spaces, :func:`protect`), so a column never narrower than its widest unit has no
  break inside a value or a word;
* the **body natural** width: the widest body cell on one line (headers may wrap);
* the **natural** width: the widest cell on one line, header included.

:func:`plan_table` fits the table into the text width of the preset's page
(:attr:`Preset.page_cm`), escalating in this order until no value has to break:

1. **widen**: portrait when the body natural widths fit in ``LANDSCAPE_FACTOR`` x the portrait
   text width and the minimum widths fit in it;
2. **abbreviate the header**: a header word wider than every body value of its column is cut
   before a vowel and ended with a period ("Hospitalisation" -> "Hosp."), each abbreviation
   defined in a footnote (:func:`abbreviate_header`), if that makes the table fit;
3. **landscape** (the full header again, abbreviated only if the landscape page needs it);
4. **a smaller size**: the body size shrinks in 0.5 pt steps down to
   :attr:`Preset.min_body_pt`.

The planned table (:attr:`TablePlan.table`, the header possibly abbreviated) is what the
renderers print. Widths then grow in two tiers (:func:`share_width`): first from
the minimum towards the body natural width (so a short label such as "All patients" stays on
one line before a long header gets room), then towards the natural width; within a tier the
spare space is shared in proportion to each column's excess (the CSS "auto table layout" rule,
W3C CSS 2.1 section 17.5.2.2), so long-text columns get most of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrocohort.render.model import Table, split_mark
from retrocohort.render.presets import A4_CM, Preset

NBSP = "\u00a0"
PT_PER_CM = 72 / 2.54
CELL_PADDING_PT = 13.0  # Word's default left + right cell margins (0.19 cm each, 10.8 pt) + slack
PADDING_SLACK_PT = CELL_PADDING_PT - 2 * 0.19 * PT_PER_CM  # what CELL_PADDING_PT adds to the margins
INDENT_PT = 0.4 * PT_PER_CM  # one label indent level (0.4 cm)
LANDSCAPE_FACTOR = 1.3  # natural width may exceed the portrait text width by this much (wrapping)
BOLD_FACTOR = 1.07  # Arial/Liberation bold vs regular; a preset may set its own (LaTeX: 1.15)
SUPERSCRIPT_FACTOR = 0.65
UNIT_SAFETY = 1.04  # an unbreakable unit gets 4 % more than its estimate (font metrics differ)
_NUM = r"[<>≤≥±~+\-\u2212]?\d[\d.,/\u202f\u2009%]*"
#: Values never broken across lines: a number with its bracketed interval or percentage (the
#: bracket may hold "to"), "a to b", "n = 312", "95% CI" (with or without parentheses) and a
#: label's "n (%)" (colon's "Differentiation of tumour, n / (%)" broke before it).
_UNIT_RE = re.compile(
    rf"{_NUM} [(\[][^ )\]]*(?: to [^ )\]]*)?[)\]]%?"
    rf"|{_NUM} to {_NUM}"
    r"|\(?\bn = \d[\d,.\u202f]*\)?"
    r"|\(?\d+(?:\.\d+)?% CI\)?"
    r"|\bn \(%\)"
)
_NARROW = set("iljtfrI.,;:'!|()[] \u00a0")
_WIDE = set("mwMW@%")
_DIGITS = set("0123456789")


def char_em(char: str, average_em: float) -> float:
    """Advance width of ``char`` in em: narrow (i, l, punctuation) 0.5x, wide (m, w, %) 1.55x,
    capitals 1.25x, digits 1.0x of the average lower-case width ``average_em`` (Arial: digits
    0.556 em, period, space and brackets 0.278 em)."""
    if char in _NARROW:
        return 0.5 * average_em
    if char in _WIDE:
        return 1.55 * average_em
    if char in _DIGITS:
        return average_em
    if char.isupper():
        return 1.25 * average_em
    return average_em


def protect(text: str) -> str:
    """``text`` with the spaces inside each value unit (see the module docstring) replaced by
    no-break spaces, so Word, LibreOffice and LaTeX (``~``) never break a line inside one:
    "Overall (n = 312)" -> "Overall (n\u00a0=\u00a0312)"."""
    return _UNIT_RE.sub(lambda m: m.group(0).replace(" ", NBSP), text)


#: No line break here (Unicode line breaking class WJ, UAX #14).
WORD_JOINER = "\u2060"
_DASH_IN_WORD = re.compile(r"(?<=\S)\u2013(?=\S)")


def keep_whole(text: str) -> str:
    """``text`` as a table cell that no renderer breaks inside a value: the spaces inside a value
    unit are no-break spaces (:func:`protect`) and an en dash inside a word ("42.2–56.7",
    "[Q1–Q3]") is followed by a word joiner, since Word, LibreOffice and Typst may break a line
    after an en dash (line breaking class BA)."""
    return _DASH_IN_WORD.sub("\u2013" + WORD_JOINER, protect(text))


#: A comparison of a one- to three-letter symbol with a number: "p < 0.05", "n = 312",
#: "global p = 0.002", "I² ≥ 50" (the number itself may start with a sign or "<").
_RELATION_RE = re.compile(r"(?<![\w.])([^\W\d_]{1,3}²?) ([<>=≤≥]) (?=[<>≤≥+\-\u2212]?\.?\d)")


def keep_relations(text: str) -> str:
    """``text`` (a footnote or a sentence) with the two spaces of each comparison of a symbol with
    a number ("p < 0.05", "n = 312") replaced by no-break spaces, so no renderer breaks a line
    inside it ("p / < 0.05"); the typographic rule of keeping a mathematical expression on one
    line (Chicago Manual of Style, 17th ed., 6.116 on no-break spaces).

    >>> keep_relations("p < 0.05 for Age (n = 12)") == "p\u00a0<\u00a00.05 for Age (n\u00a0=\u00a012)"
    True
    """
    return _RELATION_RE.sub(lambda m: f"{m.group(1)}{NBSP}{m.group(2)}{NBSP}", text)


def unbreakable_units(text: str) -> list[str]:
    """The pieces of ``text`` a line may not break inside: words, with each value unit whole
    ("49.8 [42.2–56.7]" is one unit, "Age (years)" two words)."""
    return protect(text).split(" ") if text.strip() else [""]


def text_width_pt(
    text: str, size_pt: float, average_em: float, *, bold: bool = False, bold_factor: float = BOLD_FACTOR
) -> float:
    """Estimated printed width of ``text`` on one line, in points (bold: ``bold_factor`` wider)."""
    width = sum(char_em(c, average_em) for c in text) * size_pt
    return width * (bold_factor if bold else 1.0)


def _unit_width(unit: str, size_pt: float, average_em: float, **kw) -> float:
    """Width of one unbreakable unit: a value unit (no-break spaces) gets ``UNIT_SAFETY``."""
    width = text_width_pt(unit.replace(NBSP, " "), size_pt, average_em, **kw)
    return width * UNIT_SAFETY if NBSP in unit else width


def _cell_widths(
    cell: str, size_pt: float, average_em: float, bold: bool, bold_factor: float = BOLD_FACTOR
) -> tuple[float, float]:
    """(widest unbreakable unit, whole cell) widths of a cell, its superscript mark included."""
    body, mark, _ = split_mark(cell)
    mark_pt = text_width_pt(mark, size_pt, average_em) * SUPERSCRIPT_FACTOR
    units = [u for u in unbreakable_units(body) if u] or [""]
    kw = {"bold": bold, "bold_factor": bold_factor}
    longest = max(_unit_width(u, size_pt, average_em, **kw) for u in units)
    if mark:
        longest = max(longest, _unit_width(units[-1], size_pt, average_em, **kw) + mark_pt)
    whole = text_width_pt(" ".join(body.split()), size_pt, average_em, **kw) + mark_pt
    return longest, max(whole, longest)


def cell_padding_pt(preset: Preset) -> float:
    """Horizontal room a cell takes besides its text (points): the preset's left and right cell
    margins (:attr:`Preset.cell_margin_cm`) plus the slack of the estimate; ``CELL_PADDING_PT``
    (Word's default margins) when the preset sets none."""
    if preset.cell_margin_cm is None:
        return CELL_PADDING_PT
    return 2 * preset.cell_margin_cm * PT_PER_CM + PADDING_SLACK_PT


def column_extents(
    table: Table,
    size_pt: float,
    average_em: float,
    *,
    header_natural: bool = True,
    bold_factor: float = BOLD_FACTOR,
    padding_pt: float = CELL_PADDING_PT,
) -> tuple[list[float], list[float]]:
    """Minimum and natural width (points, ``padding_pt`` included) of each column of ``table``.

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
    pad = padding_pt
    return [m + pad for m in minimum], [max(n, m) + pad for n, m in zip(natural, minimum)]


def _grow(start: list[float], target: list[float], spare: float) -> list[float]:
    """``start`` plus ``spare`` shared in proportion to each column's ``target - start``."""
    excess = [max(t - w, 0.0) for w, t in zip(start, target)]
    total = sum(excess)
    if total <= 0:
        return list(start)
    return [w + spare * e / total for w, e in zip(start, excess)]


def share_width(
    minimum: list[float],
    natural: list[float],
    available: float,
    body: list[float] | None = None,
) -> list[float]:
    """Column widths within ``available`` (points).

    Natural widths when they fit. Otherwise two tiers: each column gets its minimum, then grows
    towards its ``body`` natural width (header excluded; ``None``: the natural width), then
    towards its natural width; within a tier the spare space goes to the columns in proportion
    to their excess (CSS 2.1, section 17.5.2.2, auto table layout). When the minimums alone
    overflow, the minimums are returned (the caller shrinks the font).
    """
    if sum(natural) <= available:
        return list(natural)
    spare = available - sum(minimum)
    if spare <= 0:
        return list(minimum)
    body = [max(b, m) for b, m in zip(body or natural, minimum)]
    if sum(body) > available:
        return _grow(minimum, body, spare)
    return _grow(body, natural, available - sum(body))


_VOWELS = set("aeiouyAEIOUY")
_ABBREVIABLE = re.compile(r"[^\W\d_]{6,}")
#: The footnote defining the header abbreviations of a table, listed as "Hosp., hospitalisation".
ABBREVIATION_NOTE = "Abbreviations in the header: {}."


def abbreviation(word: str, target_pt: float, size_pt: float, preset: Preset) -> str | None:
    """``word`` cut before a vowel and ended with a period, the longest such prefix (three
    letters at least) whose bold width fits ``target_pt`` (else the shortest one), or ``None``
    when no cut makes it narrower (the convention of abbreviating before a vowel, as
    "Hosp." and "Immunosupp.", ISO 4 section 5 on word truncation)."""
    cuts = [k for k in range(3, len(word) - 1) if word[k] in _VOWELS and word[k - 1] not in _VOWELS]
    if not cuts:
        return None
    kw = {"bold": True, "bold_factor": preset.bold_factor}

    def width(k: int) -> float:
        return text_width_pt(word[:k] + ".", size_pt, preset.char_width_em, **kw)

    fitting = [k for k in cuts if width(k) <= target_pt]
    k = max(fitting) if fitting else min(cuts)
    return word[:k] + "." if width(k) < text_width_pt(word, size_pt, preset.char_width_em, **kw) else None


def abbreviate_header(table: Table, size_pt: float, preset: Preset) -> Table:
    """``table`` with each header word of a value column (not the label column nor a text
    column) wider than every body unit of its column (so the header alone sets the column's
    minimum width) abbreviated by :func:`abbreviation` to that body
    width, and a footnote (``ABBREVIATION_NOTE``) defining the abbreviations; ``table`` itself
    when no word is abbreviated. An abbreviation two different words would share is not used."""
    body_table = Table(table.title, [""] * table.width, table.rows, [], table.label)
    padding = cell_padding_pt(preset)
    body_min, _ = column_extents(
        body_table, size_pt, preset.char_width_em, bold_factor=preset.bold_factor, padding_pt=padding
    )
    used: dict[str, str] = {}
    columns = [table.columns[0]]
    for j, name in enumerate(table.columns[1:], start=1):
        body, mark, _ = split_mark(name)
        if table.alignments[j] == "left":  # a text column: its body wraps, its header may too
            columns.append(name)
            continue
        target = body_min[j] - padding

        def shorten(match: re.Match, target: float = target) -> str:
            word = match.group(0)
            kw = {"bold": True, "bold_factor": preset.bold_factor}
            if text_width_pt(word, size_pt, preset.char_width_em, **kw) <= target:
                return word
            short = abbreviation(word, target, size_pt, preset)
            if short is None or used.get(short, word) != word:
                return word
            used[short] = word
            return short

        new = _ABBREVIABLE.sub(shorten, body)
        columns.append(name if new == body else (type(name)(new, mark) if mark else new))
    if not used:
        return table
    note = ABBREVIATION_NOTE.format("; ".join(f"{short}, {word}" for short, word in used.items()))
    return Table(table.title, columns, table.rows, [*table.footnotes, note], table.label)


@dataclass(frozen=True)
class TablePlan:
    """Where and how a table is laid out: orientation, body size, column widths (points) and
    the table to print (its header possibly abbreviated, :func:`abbreviate_header`)."""

    landscape: bool
    body_pt: float
    widths_pt: list[float]
    text_width_pt: float
    one_line: bool = False  # the natural widths fit: every cell sits on one line
    table: Table | None = None

    @property
    def fits(self) -> bool:
        """Whether the columns fit within the text width (else a word may have to break)."""
        return sum(self.widths_pt) <= self.text_width_pt + 0.5


def text_width(landscape: bool, margin_cm: float, page_cm: tuple[float, float] = A4_CM) -> float:
    """Text width in points of a ``page_cm`` (short, long side; default A4) page with equal
    side margins."""
    return (page_cm[1 if landscape else 0] - 2 * margin_cm) * PT_PER_CM


def plan_table(table: Table, preset: Preset, landscape: bool | None = None) -> TablePlan:
    """Orientation (``landscape=None``: chosen as in the module doc; ``True``/``False`` forced),
    header abbreviation, body size and widths, escalating widen -> abbreviate the header ->
    landscape -> smaller size (module docstring)."""
    portrait_width = text_width(False, preset.margin_cm, preset.page_cm)

    def extents(candidate: Table, size: float) -> tuple[list[float], list[float], list[float]]:
        kw = {"bold_factor": preset.bold_factor, "padding_pt": cell_padding_pt(preset)}
        minimum, natural = column_extents(candidate, size, preset.char_width_em, **kw)
        _, body = column_extents(candidate, size, preset.char_width_em, header_natural=False, **kw)
        return minimum, natural, body

    def fits(candidate: Table, wide: bool) -> bool:
        """Whether ``candidate`` needs no further step on that page (a forced orientation, or
        landscape: every column at its minimum fits; chosen portrait: also the body natural
        widths fit in ``LANDSCAPE_FACTOR`` x the text width)."""
        minimum, _, body = extents(candidate, preset.body_pt)
        if wide or forced:
            return sum(minimum) <= text_width(wide, preset.margin_cm, preset.page_cm)
        return sum(body) <= LANDSCAPE_FACTOR * portrait_width and sum(minimum) <= portrait_width

    forced = landscape is not None

    abbreviated = abbreviate_header(table, preset.body_pt, preset)
    orientations = [False, True] if landscape is None else [landscape]
    choice = next(
        (
            (wide, candidate)
            for wide in orientations
            for candidate in (table, abbreviated)
            if fits(candidate, wide)
        ),
        (orientations[-1], abbreviated),
    )
    landscape, table = choice
    available = text_width(landscape, preset.margin_cm, preset.page_cm)
    size = preset.body_pt
    minimum, natural, body = extents(table, size)
    while sum(minimum) > available and size - 0.5 >= preset.min_body_pt:
        size -= 0.5
        minimum, natural, body = extents(table, size)
    return TablePlan(
        landscape=landscape,
        body_pt=size,
        widths_pt=share_width(minimum, natural, available, body),
        text_width_pt=available,
        one_line=sum(natural) <= available,
        table=table,
    )
