"""Journal-style Word tables (python-docx), byte-identical across runs.

Layout per table (typography from a journal preset, :mod:`retrocohort.render.presets`): a title
paragraph kept with the table, the table with three horizontal rules (top rule, rule under the
header, bottom rule; no vertical or inner rules), a bold header row repeated on every page, body
rows that never split across pages, the last row and the footnotes kept together (never a note
alone on a page), label indentation as paragraph left indent, footnote and test
letters as superscripts, section headings spanning the table, then the footnotes. Column widths
come from the content and each table sits in its own section on the preset's paper, portrait or landscape, chosen by
:func:`retrocohort.render.layout.plan_table` (2.5 cm margins).

Determinism: core properties get fixed values (dates 2000-01-01T00:00:00Z), the
template's thumbnail is dropped, and the zip is rewritten with sorted entries,
a fixed timestamp and fixed attributes, so equal input gives equal bytes (for a
given python-docx and zlib version).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.section import Section
from docx.shared import Cm, Pt, Twips
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph

from retrocohort.render.layout import TablePlan, keep_relations, keep_whole, plan_table
from retrocohort.render.model import Table, code_parts, split_mark, split_title
from retrocohort.render.presets import Preset, get_preset

FIXED_DATETIME = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
ZIP_DATE_TIME = (2000, 1, 1, 0, 0, 0)
AUTHOR = "retrocohort"
INDENT_CM = 0.4
TWIPS_PER_CM = 1440 / 2.54
#: The monospaced font of a code span in a note (a command a reader may copy).
CODE_FONT = "Courier New"
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER}
# Schema successors, so inserted elements keep the CT_TblPr / CT_TcPr child order.
_TBLBORDERS_SUCCESSORS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)
_TCBORDERS_SUCCESSORS = (
    "w:shd",
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
)


def _border(tag: str, size: int | None) -> BaseOxmlElement:
    """``<w:{tag}>``: a single black rule of ``size`` eighths of a point, or ``nil`` if None."""
    element = OxmlElement(f"w:{tag}")
    if size is None:
        element.set(qn("w:val"), "nil")
    else:
        for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "0"), ("w:color", "000000")):
            element.set(qn(key), value)
    return element


def _borders(container_tag: str, sizes: dict[str, int | None]) -> BaseOxmlElement:
    container = OxmlElement(container_tag)
    for tag, size in sizes.items():
        container.append(_border(tag, size))
    return container


def _set_table_borders(table: DocxTable, preset: Preset) -> None:
    """The preset's top and bottom rules on the table; all vertical and inner rules nil."""
    sizes = {
        "top": preset.top_rule_eighths,
        "left": None,
        "bottom": preset.bottom_rule_eighths,
        "right": None,
        "insideH": None,
        "insideV": None,
    }
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    tbl_pr.insert_element_before(_borders("w:tblBorders", sizes), *_TBLBORDERS_SUCCESSORS)


def _set_cell_margins(table: DocxTable, preset: Preset) -> None:
    """The preset's left and right cell margins (``w:tblCellMar``, :attr:`Preset.cell_margin_cm`)
    on every cell of the table, so the column widths of
    :func:`~retrocohort.render.layout.plan_table` hold the text they were planned for; nothing
    when the preset keeps the word processor's default."""
    if preset.cell_margin_cm is None:
        return
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(round(preset.cell_margin_cm * TWIPS_PER_CM)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.insert_element_before(
        margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange"
    )


def _set_header_cell_rule(cell: _Cell, preset: Preset) -> None:
    """Header cell edges: top rule (so a header repeated on a new page is ruled),
    the thinner rule under the header, left/right explicitly nil."""
    tc_pr = cell._tc.get_or_add_tcPr()
    sizes = {
        "top": preset.top_rule_eighths,
        "left": None,
        "bottom": preset.header_rule_eighths,
        "right": None,
    }
    tc_pr.insert_element_before(_borders("w:tcBorders", sizes), *_TCBORDERS_SUCCESSORS)


def _mark_header_row(row: _Row) -> None:
    """Repeat the header row at the top of each page the table spans."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _keep_row_together(row: _Row) -> None:
    """``w:cantSplit``: a body row is never split across two pages (the table itself may be)."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert(0, OxmlElement("w:cantSplit"))


def _add_text(
    paragraph: Paragraph, text: str, *, bold: bool, size_pt: float, cell: bool = False, note: bool = False
) -> None:
    """Runs for ``text``: its body, then its mark as a superscript (a :class:`Marked` cell), or the
    mark first (a :class:`Footnote`). In a table ``cell``, the spaces inside a value ("49.8
    [42.2–56.7]", "(n = 312)") are no-break spaces (:func:`~retrocohort.render.layout.protect`)
    and an en dash inside a word ("42.2–56.7", "[Q1–Q3]") is followed by a word joiner (U+2060),
    since Word and LibreOffice may break a line after an en dash. A Markdown code span (a command
    between backticks in a note) is a run in a monospaced font, without its backticks. In a
    ``note``, a comparison such as "p < 0.05" is never broken (:func:`~retrocohort.render.layout.keep_relations`)."""
    body, mark, mark_first = split_mark(text)
    if cell:
        body = keep_whole(body)
    elif note:
        body = keep_relations(body)
    pieces = [(piece, False, code) for piece, code in code_parts(body)]
    parts = (
        [(mark, True, False), (" ", False, False), *pieces] if mark_first else [*pieces, (mark, True, False)]
    )
    for part, superscript, code in parts:
        if not part:
            continue
        run = paragraph.add_run(part)
        run.bold = bold
        run.font.size = Pt(size_pt)
        run.font.superscript = superscript or None
        if code:
            run.font.name = CODE_FONT


def _fill_cell(cell: _Cell, text: str, *, bold: bool, align: str, indent: int, size_pt: float) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = _ALIGN[align]
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.left_indent = Cm(INDENT_CM * indent)
    _add_text(paragraph, text, bold=bold, size_pt=size_pt, cell=True)


def _add_title(doc: DocumentObject, title: str, preset: Preset) -> None:
    """The caption above the table, in the preset's caption style (all bold, or "Table N." bold)."""
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(0), Pt(3), True
    label, rest = split_title(title)
    whole = preset.caption_style == "bold" or not label
    parts = [(title, True)] if whole else [(label, True), (" " + rest, False)]
    for text, bold in parts:
        if text.strip():
            run = paragraph.add_run(text)
            run.bold = bold
            run.font.size = Pt(preset.title_pt)


def _keep_with_notes(row: _Row) -> None:
    """Every paragraph of the table's last row kept with the next paragraph (``w:keepNext``), so
    the first footnote never starts a page on its own: Word and LibreOffice move the last row
    (under the repeated header) to the next page with the notes instead."""
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True


def _add_footnote(doc: DocumentObject, note: str, preset: Preset, keep_with_next: bool = False) -> None:
    """A footnote paragraph under the table; ``keep_with_next`` for every note but the last, so
    the notes stay together on one page (a lone last note on a page of its own read as a
    missing footnote in pbc's Table 1)."""
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(3)
    fmt.keep_with_next = keep_with_next or None
    _add_text(paragraph, note, bold=False, size_pt=preset.footnote_pt, note=True)


def _set_widths(grid: DocxTable, widths_pt: list[float]) -> None:
    """Fixed layout with the planned column widths (grid columns, every cell, table width)."""
    grid.autofit = False
    twips = [Twips(round(w * 20)) for w in widths_pt]
    for column, width in zip(grid.columns, twips):
        column.width = width
    for row in grid.rows:
        for cell, width in zip(row.cells, twips):
            cell.width = width
    tbl_w = grid._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(int(t.twips) for t in twips)))


def _add_table(doc: DocumentObject, table: Table, preset: Preset, plan: TablePlan) -> None:
    _add_title(doc, table.title, preset)
    grid = doc.add_table(rows=1 + len(table.rows), cols=table.width)
    _set_table_borders(grid, preset)
    _set_cell_margins(grid, preset)
    _set_widths(grid, plan.widths_pt)
    header = grid.rows[0]
    _mark_header_row(header)
    for cell, name, align in zip(header.cells, table.columns, table.alignments):
        _fill_cell(cell, name, bold=True, align=align, indent=0, size_pt=plan.body_pt)
        _set_header_cell_rule(cell, preset)
    for row, docx_row in zip(table.rows, grid.rows[1:]):
        _keep_row_together(docx_row)
        if row.section and table.width > 1:
            heading = docx_row.cells[0].merge(docx_row.cells[-1])  # spans the table (w:gridSpan)
            heading.width = Twips(sum(round(w * 20) for w in plan.widths_pt))
            _fill_cell(
                heading,
                row.cells[0],
                bold=row.is_bold(0),
                align="left",
                indent=row.indent,
                size_pt=plan.body_pt,
            )
            continue
        cells = zip(docx_row.cells, row.padded(table.width), table.alignments)
        for i, (cell, text, align) in enumerate(cells):
            _fill_cell(
                cell,
                text,
                bold=row.is_bold(i),
                align=align,
                indent=row.indent if i == 0 else 0,
                size_pt=plan.body_pt,
            )
    if table.footnotes:
        _keep_with_notes(grid.rows[-1])
    for index, note in enumerate(table.footnotes, start=1):
        _add_footnote(doc, note, preset, keep_with_next=index < len(table.footnotes))


def set_page(section: Section, landscape: bool, preset: Preset) -> None:
    """The preset's paper (:attr:`Preset.page_cm`) and margins on ``section``, portrait or
    landscape: every document of a preset (tables, Results, methods) is on the same paper."""
    margin_cm = preset.margin_cm
    short, long = Cm(preset.page_cm[0]), Cm(preset.page_cm[1])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(margin_cm))


def _set_fonts(doc: DocumentObject, preset: Preset) -> None:
    """The preset's font for every script (ASCII, high ANSI, complex, East Asian) in Normal."""
    style = doc.styles["Normal"]
    style.font.name = preset.font
    style.font.size = Pt(preset.body_pt)
    r_fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        r_fonts.set(qn(attribute), preset.font)


def _fix_metadata(doc: DocumentObject, title: str) -> None:
    props = doc.core_properties
    props.created = props.modified = props.last_printed = FIXED_DATETIME
    props.author = props.last_modified_by = AUTHOR
    props.comments = ""
    props.title = title
    props.revision = 1
    package_rels = doc.part.package.rels
    for r_id in [r_id for r_id, rel in package_rels.items() if rel.reltype == RT.THUMBNAIL]:
        del package_rels[r_id]


def normalise_zip(data: bytes) -> bytes:
    """Rewrite an OOXML zip with ``[Content_Types].xml`` first, other entries sorted,
    timestamps ``ZIP_DATE_TIME``, deflate level 6 and zeroed attributes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda name: (name != "[Content_Types].xml", name))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(name))
    return buffer.getvalue()


def to_docx_bytes(tables: list[Table], *, preset: str | Preset, landscape: bool | None = None) -> bytes:
    """Render ``tables`` (in order, each in its own section starting on a new page) into
    deterministic DOCX bytes.

    Parameters
    ----------
    tables
        The tables, in order.
    landscape
        ``None`` (default): each table's orientation is chosen from its content by
        :func:`retrocohort.render.layout.plan_table` (wide tables in landscape sections);
        ``True``/``False`` force landscape/portrait for all of them.
    preset
        A journal style name of :data:`retrocohort.render.presets.PRESETS` ("ama", "mdpi") or a
        :class:`~retrocohort.render.presets.Preset`: the study's ``tables.preset`` (its default
        lives in the config schema only, so none is restated here).
    """
    if not tables:
        raise ValueError("to_docx_bytes needs at least one table")
    style = get_preset(preset)
    doc = Document()
    _set_fonts(doc, style)
    for index, table in enumerate(tables):
        plan = plan_table(table, style, landscape)
        section = doc.add_section(WD_SECTION.NEW_PAGE) if index else doc.sections[0]
        set_page(section, plan.landscape, style)
        _add_table(doc, plan.table, style, plan)  # its header possibly abbreviated
    _fix_metadata(doc, tables[0].title if len(tables) == 1 else "")
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def write_docx(
    tables: list[Table],
    path: str | Path,
    *,
    preset: str | Preset,
    landscape: bool | None = None,
) -> Path:
    """Write :func:`to_docx_bytes` output to ``path`` (parents created); return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(to_docx_bytes(tables, landscape=landscape, preset=preset))
    return target
