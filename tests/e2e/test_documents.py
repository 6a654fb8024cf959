"""The flagship's tables as an author gets them: Word documents converted by LibreOffice and
``tables.tex`` compiled by pdfLaTeX, checked on the resulting PDFs (poppler's pdfinfo/pdftotext).

LibreOffice and poppler are required where ``RETROCOHORT_REQUIRE_LIBREOFFICE=1``, pdfLaTeX where
``RETROCOHORT_REQUIRE_PDFLATEX=1`` (CI); elsewhere a missing tool skips with its reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
import yaml

from layout_checks import convert_to_pdf, latex_check, word_check
from retrocohort.render import Row, Table, to_latex, write_docx
from retrocohort.render.latex import PREAMBLE
from retrocohort.render.presets import PRESETS
from retrocohort.tables.build import build_table2

pytestmark = pytest.mark.e2e

TABLE_STEMS = ("table1", "table2", "table3", "groups", "survival")
MAX_TABLE2_PAGES = 3
MAX_OVERFULL_PT = 1.0


def _tool(name: str, variable: str, package: str) -> str:
    exe = shutil.which(name)
    if exe is None:
        message = f"{name} not on PATH (apt-get install -y {package})"
        if os.environ.get(variable) == "1":
            pytest.fail(f"{message}, but {variable}=1")
        pytest.skip(message)
    return exe


@pytest.fixture(scope="module")
def poppler() -> dict[str, str]:
    return {
        name: _tool(name, "RETROCOHORT_REQUIRE_LIBREOFFICE", "poppler-utils")
        for name in ("pdfinfo", "pdftotext")
    }


@pytest.fixture(scope="module")
def pdflatex() -> str:
    return _tool(
        "pdflatex",
        "RETROCOHORT_REQUIRE_PDFLATEX",
        "texlive-latex-base texlive-latex-recommended texlive-latex-extra",
    )


def _to_pdf(libreoffice: str, docx: Path, outdir: Path) -> Path:
    return convert_to_pdf(libreoffice, [docx], outdir)[docx]


def _pages(poppler: dict[str, str], pdf: Path) -> int:
    info = subprocess.run([poppler["pdfinfo"], str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def _pdf_text(poppler: dict[str, str], pdf: Path) -> str:
    """The PDF's text as laid out (``-layout``: a line ending in a hyphen, "anti-" before
    "TNF", is kept as printed; the default mode joins it into "antiTNF")."""
    return subprocess.run(
        [poppler["pdftotext"], "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _tokens(text: str) -> set[str]:
    """Runs of letters and runs of digits: "0.011b" (a p-value and its superscript test letter,
    which PDF text glues together) gives "0", "011", "b"; a word broken over two lines gives two
    pieces, neither of which is the whole word."""
    return set(re.findall(r"\d+|[^\W\d_]+", text))


def _broken_words(table: Table, pdf_text: str) -> list[str]:
    """Words of the table's cells and headers that the PDF text does not contain whole (a word
    split over two lines comes out as two pieces)."""
    expected = _tokens(" ".join([*table.columns, *(c for row in table.rows for c in row.cells)]))
    return sorted(expected - _tokens(pdf_text))


def _flagship_table2(flagship: Path) -> Table:
    config = yaml.safe_load((flagship / "config/config.yaml").read_text())
    # Table 2 is a declared listing: its full listing is its statistics file
    patients = pd.read_csv(flagship / "results/stats/table2.csv", dtype={"patient_id": str})
    return build_table2(patients, config)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_flagship_table2_in_word_fits_three_pages_without_broken_words(
    flagship, libreoffice, poppler, tmp_path, preset
):
    table = _flagship_table2(flagship)
    docx = write_docx([table], tmp_path / f"table2_{preset}.docx", preset=preset)
    pdf = _to_pdf(libreoffice, docx, tmp_path)
    assert _pages(poppler, pdf) <= MAX_TABLE2_PAGES
    text = _pdf_text(poppler, pdf)
    assert _broken_words(table, text) == []
    assert text.count("Patients' characteristics and outcome") == 1  # the title once; the header repeats
    assert text.count("Outcome (or Cause of Death)") == _pages(poppler, pdf)


def test_every_flagship_word_document_converts_without_broken_words(flagship, libreoffice, poppler, tmp_path):
    files = [flagship / f"results/tables/{stem}.docx" for stem in TABLE_STEMS]
    pdfs = convert_to_pdf(libreoffice, files, tmp_path)  # one LibreOffice call
    md_words = {}
    for stem, docx in zip(TABLE_STEMS, files):
        text = _pdf_text(poppler, pdfs[docx])
        markdown = (flagship / f"results/tables/{stem}.md").read_text()
        table_lines = [line for line in markdown.splitlines() if line.startswith("|") and ":---" not in line]
        cells = re.sub(r"<sup>.*?</sup>|&emsp;|\\", " ", " ".join(table_lines))
        md_words[stem] = sorted(_tokens(cells) - _tokens(text))
    assert md_words == {stem: [] for stem in TABLE_STEMS}
    assert _pages(poppler, tmp_path / "table2.pdf") <= MAX_TABLE2_PAGES


def _preset_paper_pt(config_path: Path) -> set[tuple[int, int]]:
    preset = PRESETS[yaml.safe_load(config_path.read_text())["tables"]["preset"]]
    return {tuple(sorted(round(cm * 72 / 2.54) for cm in preset.page_cm))}


def test_flagship_word_documents_print_every_value_whole_on_the_presets_paper(
    flagship, libreoffice, poppler, tmp_path
):
    """Every Word document of the flagship (tables, Results, methods) through LibreOffice: no
    number, interval, "n (%)" or "(n = N)" split across lines (pdftotext -layout), and one paper
    for all of them, the preset's (failed before: results.docx was US Letter, the tables A4)."""
    broken, sizes = word_check(flagship / "results", "flagship", tmp_path, libreoffice, poppler)
    assert {stem: values for stem, values in broken.items() if values} == {}
    assert set(broken) >= set(TABLE_STEMS)
    assert sizes == _preset_paper_pt(flagship / "config/config.yaml")


def test_flagship_latex_tables_print_every_value_whole_without_overfull_boxes(
    flagship, pdflatex, poppler, tmp_path
):
    """Each LaTeX table of the flagship compiled alone: no overfull box over 1 pt and every value
    whole on one line (failed before: Table 3 broke "16 (88.9%)" and "(n = 19)")."""
    overfull, broken = latex_check(flagship / "results", PREAMBLE, tmp_path, pdflatex, poppler["pdftotext"])
    assert overfull == []
    assert {stem: values for stem, values in broken.items() if values} == {}


def _compile(pdflatex: str, source: str, workdir: Path, name: str) -> tuple[Path, str]:
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


def _overfull(log: str) -> list[float]:
    return [float(x) for x in re.findall(r"Overfull \\hbox \(([0-9.]+)pt too wide\)", log)]


def test_flagship_tables_tex_compiles_within_the_page_with_one_caption_each(
    flagship, pdflatex, poppler, tmp_path
):
    source = (flagship / "results/tables/tables.tex").read_text(encoding="utf-8")
    pdf, log = _compile(pdflatex, source, tmp_path, "tables")
    assert [pt for pt in _overfull(log) if pt > MAX_OVERFULL_PT] == []
    assert "Missing character" not in log
    text = _pdf_text(poppler, pdf)
    for number in (1, 2, 3):
        assert len(re.findall(rf"Table {number}\.", text)) == 1, text[:2000]
    assert not re.search(r"Table \d+[.:]\s*Table \d+", text)
    assert source.count(r"\caption{") == 3


@pytest.mark.parametrize("stem", TABLE_STEMS)
def test_each_flagship_latex_fragment_compiles(flagship, pdflatex, tmp_path, stem):
    fragment = (flagship / f"results/tables/{stem}.tex").read_text(encoding="utf-8")
    source = f"{PREAMBLE}\\begin{{document}}\n{fragment}\\end{{document}}\n"
    _, log = _compile(pdflatex, source, tmp_path, stem)
    assert [pt for pt in _overfull(log) if pt > MAX_OVERFULL_PT] == []


def test_clinical_unicode_compiles(pdflatex, tmp_path):
    table = Table(
        "Table 9. Cytokines (µg/L) — ≠ ≈ ≤ ≥ ±.",
        ["Cytokine", "Day 0", "Δ"],
        [
            Row(["IL-1β", "10\u202f044.0", "≥ 2"]),
            Row(["TNF-α", "≈ 3", "± 1"]),
            Row(["IFN-γ (Crohn’s, Sjögren, naïve, Łódź)", "1 ≠ 2", "≤ 0.5 °C"]),
        ],
        ["Spaces: a\u00a0b, c\u202fd, e\u2009f; dashes – —; dagger †."],
        "tab:unicode",
    )
    source = f"{PREAMBLE}\\begin{{document}}\n{to_latex(table)}\\end{{document}}\n"
    _, log = _compile(pdflatex, source, tmp_path, "unicode")
    assert "Missing character" not in log and not [pt for pt in _overfull(log) if pt > MAX_OVERFULL_PT]


def test_broken_word_check_catches_a_word_split_over_two_lines():
    table = Table("T", ["Predisposing factors"], [Row(["0.011"])], [], "t")
    assert _broken_words(table, "Predisposi-\nng factors 0.011b") == ["Predisposing"]
    assert _broken_words(table, "Predisposing\nfactors 0.011b") == []
