"""Journal table styles as data: fonts, sizes, rules, caption and footnote style.

A :class:`Preset` is consumed by the Word renderer (:mod:`retrocohort.render.docx`) and the
column-width estimate (:mod:`retrocohort.render.layout`). Two presets ship:

* ``"ama"`` -- generic AMA-like style (AMA Manual of Style, 11th ed., section 4.1 Tables):
  US Letter paper, sans-serif Arial 9 pt body, bold title above the table ("Table 1. Title"), three horizontal
  rules only, footnotes 8 pt below the table with superscript letters.
* ``"mdpi"`` -- the MDPI journal template (J Clin Med and other MDPI journals, Microsoft Word
  template "MDPI_3.1_table_caption", "MDPI_4.1_table_body", "MDPI_4.3_table_footer"): A4 paper, Palatino
  Linotype, caption 9 pt with only "Table 1." in bold, body 9 pt, 1 pt top and bottom rules,
  0.5 pt rule under the header, footer 8 pt.

Fonts are standard Office fonts; LibreOffice substitutes metric-compatible Liberation fonts
(Arial -> Liberation Sans) where installed (Debian ``fonts-liberation2``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from retrocohort.errors import ConfigError, Problem
from retrocohort.render.model import Marked, Table

CaptionStyle = Literal["bold", "label_bold"]
A4_CM = (21.0, 29.7)  # ISO 216
US_LETTER_CM = (21.59, 27.94)  # 8.5 x 11 in, the paper of US journals (AMA/JAMA manuscripts)


@dataclass(frozen=True)
class Preset:
    """Typography of one journal style.

    Sizes are in points, rules in eighths of a point (the OOXML ``w:sz`` unit).
    ``caption_style`` "bold" sets the whole title in bold, "label_bold" only its leading
    "Table N." (see :func:`retrocohort.render.model.split_title`). ``min_body_pt`` is the
    smallest body size a table too wide for a landscape page may shrink to.
    ``char_width_em`` is the average advance width of the font's lower-case letters in em,
    used by the column-width estimate. ``page_cm`` is the paper (short side, long side, cm) of
    every document written in the style: tables, Results and methods alike.
    ``cell_margin_cm`` is the left and the right margin of every table cell, written into the
    Word table (``w:tblCellMar``) and counted by the column-width estimate; ``None`` leaves the
    word processor's default (0.19 cm). Journal tables set the gap between columns narrow so
    the label column gets the width the value columns do not need.
    ``p_value_header`` is how a p-value column is headed ("P value", "p-Value"): the table
    builders write :data:`P_VALUE_WORD` and :func:`house_style_headers` puts this in its place
    in every format written.
    """

    name: str
    font: str
    body_pt: float
    title_pt: float
    footnote_pt: float
    min_body_pt: float
    caption_style: CaptionStyle
    top_rule_eighths: int
    header_rule_eighths: int
    bottom_rule_eighths: int
    char_width_em: float
    page_cm: tuple[float, float]
    p_value_header: str  # the header word of a p-value column, in the journal's house style
    margin_cm: float = 2.5
    bold_factor: float = 1.07  # bold text width / regular (render.layout estimates)
    cell_margin_cm: float | None = None  # left = right cell margin; None: Word's 0.19 cm


PRESETS: dict[str, Preset] = {
    "ama": Preset(
        name="ama",
        font="Arial",
        body_pt=9,
        title_pt=10,
        footnote_pt=8,
        min_body_pt=7,
        caption_style="bold",
        top_rule_eighths=12,
        header_rule_eighths=6,
        bottom_rule_eighths=12,
        char_width_em=0.56,
        page_cm=US_LETTER_CM,
        cell_margin_cm=0.1,
        # AMA Manual of Style, 11th ed., 19.5 "P value": capital P, no hyphen
        p_value_header="P value",
    ),
    "mdpi": Preset(
        name="mdpi",
        font="Palatino Linotype",
        body_pt=9,
        title_pt=9,
        footnote_pt=8,
        min_body_pt=7,
        caption_style="label_bold",
        top_rule_eighths=8,
        header_rule_eighths=4,
        bottom_rule_eighths=8,
        char_width_em=0.56,
        page_cm=A4_CM,
        cell_margin_cm=0.1,
        # the MDPI template's tables (J Clin Med; the flagship, Baverez 2022, prints "p-Value")
        p_value_header="p-Value",
    ),
}
DEFAULT_PRESET = "ama"


def get_preset(name: str | Preset) -> Preset:
    """The preset called ``name`` (a :class:`Preset` is returned as it is).

    Raises
    ------
    ConfigError
        For an unknown name (config key ``tables.preset``), listing the known ones.
    """
    if isinstance(name, Preset):
        return name
    if name not in PRESETS:
        raise ConfigError(
            "unknown table preset",
            [
                Problem(
                    "no such journal table preset",
                    column="tables.preset",
                    value=name,
                    expected=f"one of {sorted(PRESETS)}",
                )
            ],
        )
    return PRESETS[name]


#: The header word the table builders write for a p-value column ("p-Value", "Adjusted p-Value",
#: "p-Value (Wilcoxon ...)"), replaced by the preset's :attr:`Preset.p_value_header` when written.
P_VALUE_WORD = "p-Value"


def house_style_headers(table: Table, preset: str | Preset) -> Table:
    """``table`` with its column headers in the preset's house style: :data:`P_VALUE_WORD`
    replaced by :attr:`Preset.p_value_header` (a header's superscript mark is kept).

    Parameters
    ----------
    table : Table
        A formatted table, as the builders make it.
    preset : str or Preset
        The journal style (config ``tables.preset``).

    Returns
    -------
    Table
        A copy with new headers (the same object when nothing changes).

    References
    ----------
    AMA Manual of Style, 11th ed., 2020, section 19.5 ("P value"); MDPI Word template
    (J Clin Med tables: "p-Value").

    Examples
    --------
    >>> from retrocohort.render.model import Row
    >>> t = Table("Table 1. T", ["Characteristic", "p-Value", "Adjusted p-Value"], [Row(["a", "0.1", "0.2"])], [], "t1")
    >>> house_style_headers(t, "ama").columns
    ['Characteristic', 'P value', 'Adjusted P value']
    """
    word = get_preset(preset).p_value_header
    if word == P_VALUE_WORD or not any(P_VALUE_WORD in c for c in table.columns):
        return table

    def header(column: str) -> str:
        if isinstance(column, Marked):
            return Marked(column.text.replace(P_VALUE_WORD, word), column.mark)
        return column.replace(P_VALUE_WORD, word)

    return replace(table, columns=[header(c) for c in table.columns])
