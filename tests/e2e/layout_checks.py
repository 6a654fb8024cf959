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

from retrocohort.render.layout import unbreakable_units

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
    """The values of ``cells`` that must print whole (units with a digit), spaces as printed."""
    return {
        unit.replace("\u00a0", " ")
        for cell in cells
        for unit in unbreakable_units(cell)
        if re.search(r"\d", unit)
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
