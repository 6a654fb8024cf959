"""Journal-style Word tables (python-docx), byte-identical across runs.

Layout per table: a bold title paragraph, the table with three horizontal rules
(heavy top rule, thin rule under the header, heavy bottom rule; no vertical or
inner rules), a bold repeating header row, label indentation as paragraph left
indent, then footnotes as 8 pt paragraphs. Tables are separated by page breaks.
The page is A4 portrait (or landscape) with 2.5 cm margins.

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
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row

from retrocohort.render.model import Table

FIXED_DATETIME = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
ZIP_DATE_TIME = (2000, 1, 1, 0, 0, 0)
AUTHOR = "retrocohort"
HEAVY_RULE_EIGHTHS = 12  # 1.5 pt, in eighths of a point (w:sz)
THIN_RULE_EIGHTHS = 6  # 0.75 pt
BODY_PT = 9
FOOTNOTE_PT = 8
INDENT_CM = 0.4
_ALIGN = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER}
_A4_CM = (21.0, 29.7)
# Schema successors, so inserted elements keep the CT_TblPr / CT_TcPr child order.
_TBLBORDERS_SUCCESSORS = ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                          "w:tblDescription", "w:tblPrChange")
_TCBORDERS_SUCCESSORS = ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
                         "w:hideMark", "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")
_MARGIN_CM = 2.5


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


def _set_table_borders(table: DocxTable) -> None:
    """Heavy top and bottom rules on the table; all vertical and inner rules nil."""
    sizes = {"top": HEAVY_RULE_EIGHTHS, "left": None, "bottom": HEAVY_RULE_EIGHTHS,
             "right": None, "insideH": None, "insideV": None}
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    tbl_pr.insert_element_before(_borders("w:tblBorders", sizes), *_TBLBORDERS_SUCCESSORS)


def _set_header_cell_rule(cell: _Cell) -> None:
    """Header cell edges: heavy top (so a header repeated on a new page is ruled),
    thin bottom rule under the header, left/right explicitly nil."""
    tc_pr = cell._tc.get_or_add_tcPr()
    sizes = {"top": HEAVY_RULE_EIGHTHS, "left": None, "bottom": THIN_RULE_EIGHTHS, "right": None}
    tc_pr.insert_element_before(_borders("w:tcBorders", sizes), *_TCBORDERS_SUCCESSORS)


def _mark_header_row(row: _Row) -> None:
    """Repeat the header row at the top of each page the table spans."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _fill_cell(cell: _Cell, text: str, *, bold: bool, align: str, indent: int, size_pt: int) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = _ALIGN[align]
    fmt = paragraph.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.left_indent = Cm(INDENT_CM * indent)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        run.font.size = Pt(size_pt)


def _add_paragraph(doc: DocumentObject, text: str, *, bold: bool, size_pt: int, keep_with_next: bool) -> None:
    paragraph = doc.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after, fmt.keep_with_next = Pt(0), Pt(3), keep_with_next
    run = paragraph.add_run(text)
    run.bold = bold
    run.font.size = Pt(size_pt)


def _add_table(doc: DocumentObject, table: Table) -> None:
    _add_paragraph(doc, table.title, bold=True, size_pt=BODY_PT + 1, keep_with_next=True)
    grid = doc.add_table(rows=1 + len(table.rows), cols=table.width)
    _set_table_borders(grid)
    header = grid.rows[0]
    _mark_header_row(header)
    for cell, name, align in zip(header.cells, table.columns, table.alignments):
        _fill_cell(cell, name, bold=True, align=align, indent=0, size_pt=BODY_PT)
        _set_header_cell_rule(cell)
    for row, docx_row in zip(table.rows, grid.rows[1:]):
        for i, (cell, text, align) in enumerate(zip(docx_row.cells, row.padded(table.width), table.alignments)):
            _fill_cell(cell, text, bold=row.is_bold(i), align=align,
                       indent=row.indent if i == 0 else 0, size_pt=BODY_PT)
    for note in table.footnotes:
        _add_paragraph(doc, note, bold=False, size_pt=FOOTNOTE_PT, keep_with_next=False)


def _set_page(doc: DocumentObject, landscape: bool) -> None:
    section = doc.sections[0]
    short, long = Cm(_A4_CM[0]), Cm(_A4_CM[1])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(_MARGIN_CM))


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


def to_docx_bytes(tables: list[Table], *, landscape: bool = False) -> bytes:
    """Render ``tables`` (in order, page break between them) into deterministic DOCX bytes."""
    if not tables:
        raise ValueError("to_docx_bytes needs at least one table")
    doc = Document()
    _set_page(doc, landscape)
    for index, table in enumerate(tables):
        if index:
            doc.add_page_break()
        _add_table(doc, table)
    _fix_metadata(doc, tables[0].title if len(tables) == 1 else "")
    buffer = io.BytesIO()
    doc.save(buffer)
    return normalise_zip(buffer.getvalue())


def write_docx(tables: list[Table], path: str | Path, *, landscape: bool = False) -> Path:
    """Write :func:`to_docx_bytes` output to ``path`` (parents created); return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(to_docx_bytes(tables, landscape=landscape))
    return target
