"""Tests for the table model and its Markdown, LaTeX, HTML, DOCX and safe-CSV renderers."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import docx
import numpy as np
import pandas as pd
import pytest
from docx.shared import Cm
from hypothesis import given
from hypothesis import strategies as st

from retrocohort.render import (
    Row,
    Table,
    neutralise_formula,
    safe_text_frame,
    standalone_document,
    to_docx_bytes,
    to_html,
    to_latex,
    to_markdown,
    write_docx,
)
from retrocohort.render import docx as docx_module
from retrocohort.render import latex as latex_module

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def make_table(label: str = "tab:baseline") -> Table:
    """Three sections (Underlying condition, Biology, Outcome) with awkward characters."""
    return Table(
        title="Table 1. Baseline characteristics (n = 21) & 100%",
        columns=["Characteristic", "Day 0 (n = 21)", "Reference range"],
        rows=[
            Row(["Underlying condition"], section=True),
            Row(["Diabetes | obesity", "13 (62%)", "\u2014"], indent=1),
            Row(["Cancer_history #1", "1 (4.8%)", "\u2014"], indent=1),
            Row(["Biology"], section=True),
            Row(["CRP, mg/L", "45.0 [33.0\u201358.0]", "<5"], indent=1),
            Row(["Platelets \u226550 \u00b5mol $x {y} ~z ^w \\v", "13,835.0", "150\u2013400"], indent=2),
            Row(["Outcome"], section=True),
            Row(["Death at day 28", "5/20 (25%)", "*"], indent=1, bold=[False, True, False]),
        ],
        footnotes=["Values are n (%) or median [Q1\u2013Q3].", "Second note_with_underscore."],
        label=label,
    )


TABLE = make_table()
N_ROWS = len(TABLE.rows)


# ----------------------------------------------------------------------------- model


def test_row_padding_and_bold_flags():
    assert TABLE.rows[0].padded(3) == ["Underlying condition", "", ""]
    assert TABLE.rows[-1].is_bold(1) and not TABLE.rows[-1].is_bold(0)
    assert not TABLE.rows[0].is_bold(2)
    assert TABLE.alignments == ["left", "center", "center"]


@pytest.mark.parametrize(
    ("rows", "label", "message"),
    [
        ([Row(["a", "b"])], "t1", r"row 1 has 2 cells, expected 3"),
        ([Row(["a", "b"], section=True)], "t1", r"section row 1 has 2 cells, expected 1 or 3"),
        ([], "t1", "has no rows"),
        ([Row(["a", "b", "c"])], "1bad label", "table label"),
    ],
)
def test_table_validation(rows, label, message):
    with pytest.raises(ValueError, match=message):
        Table(title="T", columns=["x", "y", "z"], rows=rows, footnotes=[], label=label)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cells": ["a", 1.5]}, "formatted strings"),
        ({"cells": ["a"], "indent": -1}, "indent"),
        ({"cells": ["a", "b"], "bold": [True]}, "1 flags for 2 cells"),
        ({"cells": []}, "no cells"),
    ],
)
def test_row_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Row(**kwargs)


# -------------------------------------------------------------------------- markdown


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_structure_escaping_and_indent():
    text = to_markdown(TABLE)
    lines = text.splitlines()
    assert lines[0] == r"### Table 1. Baseline characteristics (n = 21) \& 100%"
    table_lines = [line for line in lines if line.startswith("|")]
    assert len(table_lines) == 2 + N_ROWS
    assert all(_unescaped_pipes(line) == TABLE.width + 1 for line in table_lines)
    assert table_lines[1] == "| :--- | :---: | :---: |"
    assert "| Underlying condition |  |  |" in table_lines
    assert "| &emsp;Diabetes \\| obesity | 13 (62%) | \u2014 |" in table_lines
    assert "&emsp;Cancer\\_history #1" in text
    assert "| &emsp;&emsp;Platelets \u226550 \u00b5mol \\$x {y} \\~z ^w \\\\v |" in text
    assert "| **5/20 (25%)** | \\* |" in text
    assert "\\<5" in text
    tail = lines[lines.index(table_lines[-1]) + 1 :]
    assert [line for line in tail if line] == [
        "Values are n (%) or median \\[Q1\u2013Q3\\].",
        "Second note\\_with\\_underscore.",
    ]
    assert text.endswith("\n")


def test_markdown_heading_level_and_newlines():
    table = Table("T", ["a", "b"], [Row(["x\ny", "1"])], [], "t")
    text = to_markdown(table, heading_level=2)
    assert text.startswith("## T\n")
    assert "| x<br>y | 1 |" in text
    with pytest.raises(ValueError, match="heading_level"):
        to_markdown(table, heading_level=7)


# ----------------------------------------------------------------------------- latex


def test_latex_longtable_structure_one_caption_and_repeated_header():
    text = to_latex(TABLE)
    # header and its rules are given twice: first page (\endfirsthead) and following pages (\endhead)
    assert text.count(r"\toprule") == text.count(r"\midrule") == 2 and text.count(r"\bottomrule") == 1
    assert text.index(r"\endfirsthead") < text.index(r"\endhead") < text.index(r"\bottomrule")
    assert text.count(r"\begin{longtable}") == 1
    assert r"\hline" not in text and r"\vline" not in text and "threeparttable" not in text
    # the title's own number becomes \thetable, the caption holds the rest: "Table 1." prints once
    assert text.count(r"\caption") == 1
    assert r"\renewcommand{\thetable}{1}" in text
    assert r"\caption{Baseline characteristics (n = 21) \& 100\%}\label{tab:baseline}\\" in text
    body = text[text.index(r"\endhead") : text.index(r"\bottomrule")]
    row_lines = [line for line in body.splitlines() if line.endswith(r"\\")]
    assert len(row_lines) == N_ROWS
    assert all(
        len(re.findall(r"(?<!\\)&", line)) == TABLE.width - 1
        for line, row in zip(row_lines, TABLE.rows)
        if not row.section
    )
    # a section heading spans the table
    assert row_lines[0] == r"\multicolumn{3}{@{}l}{Underlying condition} \\"
    # a value's inner space is a tie (~): a line never breaks inside "13 (62%)"
    assert row_lines[1].startswith(r"\hspace{1em}Diabetes \textbar{} obesity & 13~(62\%) & --- \\")
    assert row_lines[5].startswith(
        r"\hspace{1em}\hspace{1em}Platelets \ensuremath{\geq}50 "
        r"\textmu{}mol \$x \{y\} \textasciitilde{}z \textasciicircum{}w \textbackslash{}v"
    )
    assert r"45.0~{[}33.0--58.0{]} & \textless{}5" in text
    assert r"\textbf{5/20~(25\%)}" in text
    notes = text[text.index(r"\par\footnotesize") : text.index(r"\endgroup")]
    assert r"Values are n (\%) or median {[}Q1--Q3{]}.\par" in notes
    assert r"Second note\_with\_underscore.\par" in notes
    assert text.index(r"\end{longtable}") < text.index(r"\par\footnotesize")


def test_latex_title_without_number_is_numbered_by_latex():
    text = to_latex(Table("Group comparisons.", ["a", "b"], [Row(["x", "1"])], [], "tab:g"))
    assert r"\renewcommand{\thetable}" not in text
    assert r"\caption{Group comparisons.}\label{tab:g}" in text


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126)))
def test_latex_escape_leaves_no_active_specials(text):
    out = latex_module.escape(text)
    assert re.search(r"(?<!\\)[%&_#$]", out) is None
    assert "~" not in out and "^" not in out
    stripped = out.replace(r"\{", "").replace(r"\}", "")
    assert stripped.count("{") == stripped.count("}")
    depth = 0
    for char in stripped:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0


def test_latex_standalone_document():
    doc = standalone_document([TABLE, make_table("tab:second")])
    assert doc.startswith(r"\documentclass")
    for package in (r"\usepackage[utf8]{inputenc}", r"\usepackage[T1]{fontenc}", r"\usepackage{booktabs}"):
        assert package in doc
    assert (
        doc.index(r"\begin{document}") < doc.index(r"\label{tab:baseline}") < doc.index(r"\label{tab:second}")
    )
    assert doc.rstrip().endswith(r"\end{document}")
    assert doc.count(r"\begin{longtable}") == 2 and doc.count(r"\clearpage") == 1
    with pytest.raises(ValueError, match="at least one table"):
        standalone_document([])


def test_latex_standalone_document_takes_a_table_as_its_tex_file():
    # a table declared by kind (rule cohort_table) joins tables.tex as its .tex file's text
    second = make_table("tab:second")
    assert standalone_document([TABLE, to_latex(second)]) == standalone_document([TABLE, second])


# ------------------------------------------------------------------------------ html


def test_html_structure_rules_and_escaping():
    text = to_html(TABLE)
    root = ET.fromstring(text)  # well-formed fragment with a single <table> root
    assert root.tag == "table" and root.get("id") == "tab:baseline"
    assert root.find("caption").text == "Table 1. Baseline characteristics (n = 21) & 100%"
    assert [_as_typed(th.text) for th in root.iter("th")] == TABLE.columns
    body_rows = root.find("tbody").findall("tr")
    assert len(body_rows) == N_ROWS
    assert [_as_typed("".join(td.itertext())) for td in body_rows[5]] == TABLE.rows[5].cells
    assert [td.text for td in root.find("tfoot").iter("td")] == TABLE.footnotes
    assert "&amp; 100%" in text and "&lt;5" in text
    assert "border-left" not in text and "border-right" not in text
    assert text.count("border-top") == 1
    assert all("border-bottom:1px solid" in th.get("style") for th in root.iter("th"))
    assert all("border-bottom:2px solid" in td.get("style") for td in body_rows[-1])
    assert not any("border-bottom" in td.get("style") for tr in body_rows[:-1] for td in tr)
    assert "padding-left:calc(8px + 2em)" in body_rows[5][0].get("style")
    assert "padding-left" not in body_rows[0][0].get("style")
    assert _as_typed(body_rows[-1][1].find("strong").text) == "5/20 (25%)"


def _as_typed(text: str) -> str:
    """A cell as typed: the no-break spaces and word joiners that keep a value whole removed."""
    return text.replace("\u00a0", " ").replace("\u2060", "")


def test_html_cells_keep_each_value_whole_on_a_narrow_screen():
    """A phone wrapped "45.0 [33.0– / 58.0]" in the report's Table 1 (failed before: plain
    spaces and a breakable en dash in the HTML cells); the footnotes still wrap between words,
    never inside a comparison ("n = 3", :func:`retrocohort.render.layout.keep_relations`)."""
    table = Table("T", ["Group (n = 21)"], [Row(["45.0 [33.0–58.0]"])], ["A note (n = 3) wraps."], "t")
    root = ET.fromstring(to_html(table))
    assert root.find("thead/tr/th").text == "Group (n\u00a0=\u00a021)"
    assert root.find("tbody/tr/td").text == "45.0\u00a0[33.0–\u206058.0]"
    assert root.find("tfoot/tr/td").text == "A note (n\u00a0=\u00a03) wraps."


# ------------------------------------------------------------------------------ docx


def _borders(element, container: str) -> dict[str, str]:
    found = element.find(f".//{W}{container}")
    return {} if found is None else {child.tag.removeprefix(W): child.get(f"{W}val") for child in found}


def test_docx_is_byte_identical_across_calls(monkeypatch):
    first = to_docx_bytes([TABLE], preset="ama")
    monkeypatch.setattr(time, "time", lambda: 1_700_000_000.0)  # zipfile stamps entries with time.time()
    second = to_docx_bytes([TABLE], preset="ama")
    assert first == second
    archive = zipfile.ZipFile(io.BytesIO(first))
    names = archive.namelist()
    assert names[0] == "[Content_Types].xml" and names[1:] == sorted(names[1:])
    assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
    assert not any("thumbnail" in name for name in names)


def test_docx_reads_back_with_expected_text_and_layout():
    document = docx.Document(io.BytesIO(to_docx_bytes([TABLE, make_table("tab:second")], preset="ama")))
    assert len(document.tables) == 2
    assert document.core_properties.created == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert document.core_properties.modified == dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    assert document.paragraphs[0].text == TABLE.title and document.paragraphs[0].runs[0].bold
    texts = [p.text for p in document.paragraphs]
    assert texts.count(TABLE.footnotes[0]) == 2
    table = document.tables[0]
    # the text as typed, with the spaces inside a value ("(n = 21)") no-break (never split)
    assert [c.text.replace("\u00a0", " ") for c in table.rows[0].cells] == TABLE.columns
    assert all(run.bold for cell in table.rows[0].cells for run in cell.paragraphs[0].runs)
    for docx_row, row in zip(table.rows[1:], TABLE.rows):
        # a section heading is one cell spanning the table (python-docx lists it once per grid column)
        expected = [row.cells[0]] * TABLE.width if row.section else row.padded(TABLE.width)
        assert [c.text.replace("\u00a0", " ").replace("\u2060", "") for c in docx_row.cells] == expected
        assert (docx_row._tr.find(f"{W}tc/{W}tcPr/{W}gridSpan") is not None) == row.section
        indent = docx_row.cells[0].paragraphs[0].paragraph_format.left_indent
        assert abs((indent or 0) - Cm(docx_module.INDENT_CM * row.indent)) < Cm(0.01)  # twip rounding
    assert table.rows[-1].cells[1].paragraphs[0].runs[0].bold
    assert not table.rows[-1].cells[0].paragraphs[0].runs[0].bold
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None


def test_docx_has_three_horizontal_rules_and_no_vertical_ones():
    document = docx.Document(io.BytesIO(to_docx_bytes([TABLE], preset="ama")))
    xml = document.tables[0]._tbl
    assert _borders(xml, "tblBorders") == {
        "top": "single",
        "left": "nil",
        "bottom": "single",
        "right": "nil",
        "insideH": "nil",
        "insideV": "nil",
    }
    header_cells, body_cells = document.tables[0].rows[0].cells, document.tables[0].rows[1].cells
    assert all(_borders(c._tc, "tcBorders")["bottom"] == "single" for c in header_cells)
    assert all(_borders(c._tc, "tcBorders") == {} for c in body_cells)
    body = ET.fromstring(
        zipfile.ZipFile(io.BytesIO(to_docx_bytes([TABLE], preset="ama"))).read("word/document.xml")
    )
    vertical = [
        el.get(f"{W}val")
        for el in body.iter()
        if el.tag.removeprefix(W) in {"left", "right", "start", "end", "insideV"}
        and el.get(f"{W}val") is not None
    ]
    assert vertical and set(vertical) == {"nil"}


def test_write_docx_creates_parents_and_matches_bytes(tmp_path):
    path = write_docx([TABLE], tmp_path / "out" / "tables.docx", preset="ama")
    assert path.read_bytes() == to_docx_bytes([TABLE], preset="ama")
    with pytest.raises(ValueError, match="at least one table"):
        to_docx_bytes([], preset="ama")


def test_docx_landscape_swaps_page_size():
    portrait = docx.Document(io.BytesIO(to_docx_bytes([TABLE], preset="ama"))).sections[0]
    landscape = docx.Document(io.BytesIO(to_docx_bytes([TABLE], landscape=True, preset="ama"))).sections[0]
    assert portrait.page_height > portrait.page_width
    assert (landscape.page_width, landscape.page_height) == (portrait.page_height, portrait.page_width)


def test_docx_converts_to_pdf_with_libreoffice(tmp_path, libreoffice):
    source = write_docx([TABLE, make_table("tab:second")], tmp_path / "tables.docx", preset="ama")
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            libreoffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = Path(tmp_path / "tables.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1000
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) == 2  # page break between tables


# -------------------------------------------------------------------------- csv_safe


@pytest.mark.parametrize("value", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("x")', "-"])
def test_neutralise_formula_prefixes_triggers(value):
    assert neutralise_formula(value) == "'" + value


@pytest.mark.parametrize("value", ["-1.5", "+3", "-2e-3", "-.5", "hello", "", "13 (62%)", "a=b", "'=x"])
def test_neutralise_formula_leaves_numbers_and_plain_text(value):
    assert neutralise_formula(value) == value


def test_neutralise_formula_rejects_non_strings():
    with pytest.raises(TypeError, match="expects str"):
        neutralise_formula(-1)  # type: ignore[arg-type]


def test_safe_text_frame_only_touches_text_columns():
    df = pd.DataFrame(
        {
            "text": pd.Series(["=cmd", "ok", None], dtype="str"),
            "obj": pd.Series(["@x", 5, np.nan], dtype=object),
            "num": [-1, 2, 3],
            "cat": pd.Categorical(["=a", "b", "b"]),
        }
    )
    out = safe_text_frame(df)
    assert out["text"].tolist()[:2] == ["'=cmd", "ok"] and pd.isna(out["text"].iloc[2])
    assert out["obj"].tolist()[:2] == ["'@x", 5] and pd.isna(out["obj"].iloc[2])
    assert out["num"].tolist() == [-1, 2, 3]
    assert out["cat"].tolist() == ["=a", "b", "b"]
    assert out.dtypes.equals(df.dtypes)
    assert df["text"].iloc[0] == "=cmd"  # input not mutated


def test_a_code_span_in_a_note_is_code_in_html_and_monospaced_in_word_without_backticks():
    """The synthetic note's command printed its Markdown backticks literally in HTML and Word."""
    note = "Generated by `retrocohort simulate --recipe r.yaml` (seed 1)."
    table = Table(title="T", columns=["a", "b"], rows=[Row(["x", "1"])], footnotes=[note], label="tab:c")
    html = to_html(table)
    assert "<code>retrocohort simulate --recipe r.yaml</code>" in html and "`" not in html
    document = docx.Document(io.BytesIO(to_docx_bytes([table], preset="ama")))
    runs = [r for p in document.paragraphs for r in p.runs if "simulate" in r.text]
    assert [r.text for r in runs] == ["retrocohort simulate --recipe r.yaml"]
    assert runs[0].font.name == "Courier New"
    assert "`" not in "".join(p.text for p in document.paragraphs)
