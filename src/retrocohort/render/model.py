"""Output-format-independent model of a formatted journal table.

Cells are already-formatted strings (see :mod:`retrocohort.format.numbers`); renderers
only escape and lay them out. Column 0 is the label column: it is left-aligned and
carries row indentation; the other columns are centred unless they hold running text
(:attr:`Table.alignments`).

Marks (footnote letters, test letters, the synthetic dagger) are strings too, so every
consumer that reads a cell as text keeps working: a :class:`Marked` cell *is* the string
``"0.011 a"`` and also knows its parts (``text="0.011"``, ``mark="a"``); a :class:`Footnote`
*is* ``"a Wilcoxon signed-rank test ..."`` with ``mark="a"``. Renderers print the mark as a
superscript (Word run property, ``\\textsuperscript``, ``<sup>``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Self

Alignment = Literal["left", "center"]

_LABEL_RE = re.compile(r"[A-Za-z][A-Za-z0-9:._-]*")
_WORD_RE = re.compile(r"[^\W\d_]{2,}")
TEXT_WORDS = 3
_TITLE_NUMBER_RE = re.compile(r"(Table\s+[A-Za-z]?\d+[A-Za-z]?)[.:]?(?:\s+|$)(.*)", re.DOTALL)


class Marked(str):
    """A cell text followed by a superscript mark: ``Marked("0.011", "a") == "0.011 a"``."""

    text: str
    mark: str

    def __new__(cls, text: str, mark: str) -> Self:
        if not mark:
            raise ValueError(f"Marked cell {text!r} needs a non-empty mark")
        obj = super().__new__(cls, f"{text} {mark}" if text else mark)
        obj.text, obj.mark = text, mark
        return obj

    def __reduce__(self) -> tuple:
        return (Marked, (self.text, self.mark))


class Footnote(str):
    """A footnote led by its mark: ``Footnote("a", "Wilcoxon test.") == "a Wilcoxon test."``."""

    text: str
    mark: str

    def __new__(cls, mark: str, text: str) -> Self:
        if not mark:
            raise ValueError(f"Footnote {text!r} needs a non-empty mark")
        obj = super().__new__(cls, f"{mark} {text}")
        obj.text, obj.mark = text, mark
        return obj

    def __reduce__(self) -> tuple:
        return (Footnote, (self.mark, self.text))


def split_mark(text: str) -> tuple[str, str, bool]:
    """``(body, mark, mark_first)`` of a cell or footnote: the mark of a :class:`Marked` cell
    follows its body, that of a :class:`Footnote` leads it; a plain string has no mark."""
    if isinstance(text, Marked):
        return text.text, text.mark, False
    if isinstance(text, Footnote):
        return text.text, text.mark, True
    return str(text), "", False


def with_mark(text: str, escape: Callable[[str], str], superscript: Callable[[str], str]) -> str:
    """``text`` escaped for an output format with its mark as that format's superscript: after
    the body of a :class:`Marked` cell, before (and a space before the body) of a :class:`Footnote`."""
    body, mark, mark_first = split_mark(text)
    if not mark:
        return escape(body)
    sup = superscript(escape(mark))
    return f"{sup} {escape(body)}" if mark_first else f"{escape(body)}{sup}"


def split_title(title: str) -> tuple[str, str]:
    """``("Table 2.", "Patients' characteristics.")`` for ``"Table 2. Patients' characteristics."``;
    ``("", title)`` when the title does not start with its own "Table N" number."""
    match = _TITLE_NUMBER_RE.fullmatch(title.strip())
    if not match:
        return "", title
    return match.group(1) + ".", match.group(2).strip()


@dataclass(frozen=True)
class Row:
    """One body row.

    ``indent`` is the nesting level of the label (0 = flush left). A ``section`` row
    is a heading such as "Underlying condition" whose text sits in the label column
    only; it may be given as a single cell. ``bold`` optionally flags each cell.
    """

    cells: list[str]
    indent: int = 0
    section: bool = False
    bold: list[bool] | None = None

    def __post_init__(self) -> None:
        if not self.cells:
            raise ValueError("row has no cells")
        bad = [repr(c) for c in self.cells if not isinstance(c, str)]
        if bad:
            raise ValueError(f"row cells must be formatted strings, got {', '.join(bad)} in {self.cells!r}")
        if isinstance(self.indent, bool) or not isinstance(self.indent, int) or self.indent < 0:
            raise ValueError(f"row indent must be a non-negative integer, got {self.indent!r}")
        if self.bold is not None and len(self.bold) != len(self.cells):
            raise ValueError(
                f"row bold has {len(self.bold)} flags for {len(self.cells)} cells: {self.cells!r}"
            )

    def padded(self, width: int) -> list[str]:
        """Cells extended with empty strings to ``width`` (for one-cell section rows)."""
        return self.cells + [""] * (width - len(self.cells))

    def is_bold(self, index: int) -> bool:
        """Whether cell ``index`` is bold; padding cells and rows without ``bold`` are not."""
        return self.bold is not None and index < len(self.bold) and self.bold[index]


@dataclass(frozen=True)
class Table:
    """A titled table: header ``columns``, body ``rows`` and ``footnotes`` below it.

    ``label`` is a cross-reference key (``[A-Za-z][A-Za-z0-9:._-]*``, e.g. "tab:baseline")
    used as the LaTeX ``\\label`` and the HTML ``id``.
    """

    title: str
    columns: list[str]
    rows: list[Row]
    footnotes: list[str]
    label: str

    def __post_init__(self) -> None:
        if not self.columns:
            raise ValueError(f"table {self.label!r} has no columns")
        if not self.rows:
            raise ValueError(f"table {self.label!r} has no rows")
        if not isinstance(self.label, str) or not _LABEL_RE.fullmatch(self.label):
            raise ValueError(f"table label {self.label!r} must match {_LABEL_RE.pattern}")
        width = len(self.columns)
        for number, row in enumerate(self.rows, start=1):
            if len(row.cells) != width and not (row.section and len(row.cells) == 1):
                kind = "section row" if row.section else "row"
                expected = f"1 or {width}" if row.section else str(width)
                raise ValueError(
                    f"table {self.label!r}: {kind} {number} has {len(row.cells)} cells, "
                    f"expected {expected} (columns: {self.columns!r}); cells: {row.cells!r}"
                )

    @property
    def width(self) -> int:
        """Number of columns."""
        return len(self.columns)

    @property
    def alignments(self) -> list[Alignment]:
        """Column alignments: the label column and text columns left, all others (numbers,
        short codes) centred. A text column has a body cell of at least ``TEXT_WORDS`` words
        of two or more letters ("Recurrence of IRIS ..."), which reads badly centred."""
        return ["left"] + ["left" if self._is_text_column(j) else "center" for j in range(1, self.width)]

    def _is_text_column(self, index: int) -> bool:
        return any(
            len(_WORD_RE.findall(row.cells[index])) >= TEXT_WORDS
            for row in self.rows
            if index < len(row.cells)
        )
