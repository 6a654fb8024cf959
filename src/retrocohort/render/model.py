"""Output-format-independent model of a formatted journal table.

Cells are already-formatted strings (see :mod:`retrocohort.format.numbers`); renderers
only escape and lay them out. Column 0 is the label column: it is left-aligned and
carries row indentation; the other columns are centred.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Alignment = Literal["left", "center"]

_LABEL_RE = re.compile(r"[A-Za-z][A-Za-z0-9:._-]*")


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
            raise ValueError(f"row bold has {len(self.bold)} flags for {len(self.cells)} cells: {self.cells!r}")

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
        """Column alignments: label column left, all others centred."""
        return ["left"] + ["center"] * (self.width - 1)
