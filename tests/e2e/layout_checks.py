"""Checks of a study's documents as an author gets them (shared by the e2e tests of every shipped
study): Word files converted to PDF by LibreOffice in one call, LaTeX compiled by pdfLaTeX, and
the PDF text (poppler's ``pdftotext -layout``) searched for every value of the tables whole.

A *value* is what :func:`retrocohort.render.layout.unbreakable_units` keeps in one piece (a
number with its interval or percentage, "(n = 312)") plus every other run of text with a digit;
it is found whole when it appears on one line of the PDF text (runs of spaces collapsed).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from retrocohort.render import Row, Table, write_docx
from retrocohort.render.layout import unbreakable_units
from retrocohort.render.model import Marked

MAX_OVERFULL_PT = 1.0
_SUP = re.compile(r"<sup>.*?</sup>")


def convert_to_pdf(libreoffice: str, files: list[Path], outdir: Path) -> dict[Path, Path]:
    """Every ``.docx`` of ``files`` converted by one LibreOffice call into ``outdir`` (file names
    must be distinct); returns source -> PDF."""
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            libreoffice,
            f"-env:UserInstallation={(outdir / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return {f: outdir / f"{f.stem}.pdf" for f in files}


def pdf_lines(pdftotext: str, pdf: Path) -> list[str]:
    """The PDF's text lines (``-layout``), no-break spaces as spaces and runs of spaces collapsed."""
    text = subprocess.run(
        [pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = text.replace("\u00a0", " ").replace("\u2060", "")  # no-break space, word joiner
    return [re.sub(r"\s+", " ", line).strip() for line in text.splitlines()]


def page_sizes(pdfinfo: str, pdf: Path) -> set[tuple[float, float]]:
    """The (short, long) side in points of every page of ``pdf``, rounded to 1 pt."""
    info = subprocess.run(
        [pdfinfo, "-f", "1", "-l", "9999", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([0-9.]+) x ([0-9.]+) pts", info)
    return {tuple(sorted((round(float(w)), round(float(h))))) for w, h in sizes}


def markdown_cells(markdown: str) -> list[str]:
    """Header and body cells of the Markdown tables of ``markdown`` (marks, indents and escapes
    removed)."""
    cells = []
    for line in markdown.splitlines():
        if not line.startswith("|") or ":---" in line:
            continue
        for cell in line.strip().strip("|").split(" | "):
            cell = _SUP.sub("", cell).replace("&emsp;", "").replace("\\", "").replace("**", "")
            cells.append(cell.strip())
    return cells


def values(cells: list[str]) -> set[str]:
    """The values of ``cells`` that must print whole (units with a digit, and units of several
    words such as a label's "n (%)"), spaces as printed."""
    return {
        unit.replace("\u00a0", " ")
        for cell in cells
        for unit in unbreakable_units(cell)
        if re.search(r"\d", unit) or "\u00a0" in unit
    }


def broken_values(expected: set[str], lines: list[str]) -> list[str]:
    """The values of ``expected`` that no line of the PDF text contains whole."""
    return sorted(v for v in expected if not any(v in line for line in lines))


def overfull_pt(log: str) -> list[float]:
    """The widths by which pdfLaTeX's overfull boxes overflow, from its log."""
    return [float(x) for x in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log)]


def compile_latex(pdflatex: str, source: str, workdir: Path, name: str) -> tuple[Path, str]:
    """Compile ``source`` with pdfLaTeX in ``workdir``; return the PDF and the log (asserting
    success, with the end of the log as the message)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / f"{name}.tex").write_text(source, encoding="utf-8")
    proc = subprocess.run(
        [pdflatex, "-halt-on-error", "-interaction=nonstopmode", f"{name}.tex"],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    log = (workdir / f"{name}.log").read_text(encoding="latin-1")
    assert proc.returncode == 0, log[-3000:]
    return workdir / f"{name}.pdf", log


def study_documents(results: Path, prefix: str, workdir: Path) -> dict[str, Path]:
    """The study's Word documents (tables, Results, methods) copied to ``workdir`` as
    ``{prefix}_{stem}.docx`` (distinct names for one LibreOffice call over several studies)."""
    workdir.mkdir(parents=True, exist_ok=True)
    docs = {}
    for docx in sorted([*results.glob("tables/*.docx"), *results.glob("manuscript/*.docx")]):
        target = workdir / f"{prefix}_{docx.stem}.docx"
        target.write_bytes(docx.read_bytes())
        docs[docx.stem] = target
    return docs


def word_check(
    results: Path, prefix: str, workdir: Path, libreoffice: str, poppler: dict[str, str]
) -> tuple[dict[str, list[str]], set[tuple[float, float]]]:
    """Convert every Word document of a study (one LibreOffice call); return, per table, its
    values not printed whole on one line (empty lists when all are), and the set of page sizes
    of all the documents (one element when tables, Results and methods share a paper)."""
    docs = study_documents(results, prefix, workdir)
    pdfs = convert_to_pdf(libreoffice, list(docs.values()), workdir / "pdf")
    broken, sizes = {}, set()
    for stem, docx in docs.items():
        sizes |= page_sizes(poppler["pdfinfo"], pdfs[docx])
        markdown = results / "tables" / f"{stem}.md"
        if markdown.exists():
            expected = values(markdown_cells(markdown.read_text(encoding="utf-8")))
            broken[stem] = broken_values(expected, pdf_lines(poppler["pdftotext"], pdfs[docx]))
    return broken, sizes


def latex_check(
    results: Path, preamble: str, workdir: Path, pdflatex: str, pdftotext: str
) -> tuple[list[float], dict[str, list[str]]]:
    """Compile every LaTeX table fragment of a study, one per document (so a value is looked
    for in its own table); return the overfull boxes wider than ``MAX_OVERFULL_PT`` and, per
    table, its values not printed whole on one line."""
    overfull, broken = [], {}
    for fragment in sorted((results / "tables").glob("*.tex")):
        if fragment.stem == "tables":  # the standalone document of the classic tables
            continue
        body = fragment.read_text(encoding="utf-8")
        source = f"{preamble}\\begin{{document}}\n{body}\\end{{document}}\n"
        pdf, log = compile_latex(pdflatex, source, workdir, fragment.stem)
        overfull += [pt for pt in overfull_pt(log) if pt > MAX_OVERFULL_PT]
        markdown = fragment.with_suffix(".md")
        expected = values(markdown_cells(markdown.read_text(encoding="utf-8")))
        broken[fragment.stem] = broken_values(expected, pdf_lines(pdftotext, pdf))
    return overfull, broken


# --- both presets: a study's tables re-rendered from their Markdown --------------------------

_SUP_MARK = re.compile(r"<sup>(.*?)</sup>$")
_UNESCAPE = re.compile(r"\\(.)")
_PIPE = re.compile(r"(?<!\\)\|")


def _parse_cell(raw: str) -> tuple[str, int, bool]:
    """(cell as a render.Table cell, indent level, bold) of one Markdown cell."""
    text = raw.strip()
    indent = 0
    while text.startswith("&emsp;"):
        text, indent = text[len("&emsp;") :], indent + 1
    bold = text.startswith("**") and text.endswith("**") and len(text) > 4
    text = text[2:-2] if bold else text
    mark = _SUP_MARK.search(text)
    body = _UNESCAPE.sub(r"\1", _SUP_MARK.sub("", text)).replace("<br>", "\n")
    return (Marked(body, mark.group(1)) if mark else body), indent, bold


def table_from_markdown(markdown: str, label: str) -> Table:
    """The :class:`~retrocohort.render.model.Table` a table's Markdown file was written from
    (:func:`retrocohort.render.markdown.to_markdown`): title, header, rows with their indent,
    bold cells and marks, and footnotes; a section heading becomes a row of its label."""
    lines = markdown.splitlines()
    title = _UNESCAPE.sub(r"\1", lines[0].lstrip("#").strip())
    table_lines = [line for line in lines if line.startswith("|")]
    split = [[c for c in _PIPE.split(line.strip()[1:-1])] for line in table_lines if ":---" not in line]
    columns = [str(_parse_cell(c)[0]) for c in split[0]]
    rows = []
    for cells in split[1:]:
        parsed = [_parse_cell(c) for c in cells]
        rows.append(Row([p[0] for p in parsed], indent=parsed[0][1], bold=[p[2] for p in parsed]))
    after = markdown.split(table_lines[-1], 1)[1]
    notes = [_UNESCAPE.sub(r"\1", n.strip()) for n in after.split("\n\n") if n.strip()]
    return Table(title, columns, rows, notes, label)


def preset_word_check(
    results: Path, prefix: str, workdir: Path, libreoffice: str, pdftotext: str, presets: list[str]
) -> dict[str, list[str]]:
    """Every table of a study (its Markdown) written as Word with each of ``presets`` and
    converted by one LibreOffice call; per ``<table>_<preset>``, its values not printed whole."""
    workdir.mkdir(parents=True, exist_ok=True)
    expected, files = {}, []
    for markdown in sorted((results / "tables").glob("*.md")):
        text = markdown.read_text(encoding="utf-8")
        table = table_from_markdown(text, "tab:check")
        for preset in presets:
            name = f"{prefix}_{markdown.stem}_{preset}"
            files.append(write_docx([table], workdir / f"{name}.docx", preset=preset))
            expected[name] = values(markdown_cells(text))
    pdfs = convert_to_pdf(libreoffice, files, workdir / "pdf")
    return {docx.stem: broken_values(expected[docx.stem], pdf_lines(pdftotext, pdfs[docx])) for docx in files}


# --- figures: every word inside the page, no two words on top of each other -------------------

_WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>')
#: Two words collide when they share more than this share of the smaller one's box.
MAX_WORD_OVERLAP = 0.2


def page_text_problems(pdftotext: str, pdf: Path) -> list[str]:
    """Text of a one-page PDF (a figure, a table) that a reader cannot read: a word whose box (poppler's
    ``pdftotext -bbox``) reaches outside the page (a clipped label) or that covers another word
    by more than ``MAX_WORD_OVERLAP`` of the smaller box (colliding labels, at-risk counts)."""
    out = subprocess.run(
        [pdftotext, "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', out)
    width, height = float(page.group(1)), float(page.group(2))
    words = [(*map(float, m[:4]), m[4]) for m in _WORD.findall(out)]
    problems = [
        f"{pdf.name}: {w[4]!r} reaches outside the page"
        for w in words
        if w[0] < -0.5 or w[1] < -0.5 or w[2] > width + 0.5 or w[3] > height + 0.5
    ]
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            dx, dy = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
            smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
            if dx > 0 and dy > 0 and smaller > 0 and dx * dy > MAX_WORD_OVERLAP * smaller:
                problems.append(f"{pdf.name}: {a[4]!r} and {b[4]!r} overlap")
    return problems
