"""The manuscript readers (retrocohort.audit.draft.readers): a .docx, its PDF, a JATS article
and pasted text give the draft reader the same paragraphs and tables."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from retrocohort.audit.draft.document import Document, Table, document_text
from retrocohort.audit.draft.draft import draft_study
from retrocohort.audit.draft.read_docx import attach_labels
from retrocohort.audit.draft.readers import manuscript_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "audit_readers"
TITLE = "Outcomes of severe pneumonia in two intensive care units: a retrospective cohort"
RESULTS = (
    "Of 57 patients admitted, 45 survived to day 28 (78.9%). The median age was 63 years (IQR 54–72) "
    "and 37 patients (64.9%) were men; survivors were younger than non-survivors (p = 0.012, "
    "Mann–Whitney U test)."
)
TABLE = [
    ("Characteristic", "Survivors (n = 45)", "Non-survivors (n = 12)", "p-Value"),
    ("Age, years, median (IQR)", "61 (52–70)", "71.0 (64.5–78.0)", "0.012"),
    ("Male sex, n (%)", "28 (62.2)", "9 (75.0)", "0.51"),
    ("SOFA score, mean ± SD", "6.1 ± 2.4", "9.8 ± 3.0", "<0.001"),
    ("28-d ventilator-free days, median (IQR)", "19 (12–24)", "0 (0–3)", "<0.001"),
]
AFTER = "In this cohort, 12 of 57 patients (21.1%) died by day 28, fewer than the 30% expected."


def _docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    for text in (TITLE, "Results", RESULTS, "Table 1. Baseline characteristics by 28-day survival."):
        d.add_paragraph(text)
    table = d.add_table(rows=0, cols=4)
    table.style = "Table Grid"  # ruled, as journals print tables (pdfplumber finds tables by their rules)
    for row in TABLE:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    for text in ("Data are median (IQR), n (%) or mean ± SD.", "Discussion", AFTER):
        d.add_paragraph(text)
    d.save(str(path))
    return path


def _numbers(doc: dict) -> list[dict]:
    return doc["numbers"]


def test_docx_and_its_pdf_give_the_same_draft(tmp_path, libreoffice):
    source = _docx(tmp_path / "paper.docx")
    subprocess.run(
        [
            libreoffice,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
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
    from_docx = manuscript_text(source)
    from_pdf = manuscript_text(tmp_path / "paper.pdf")
    assert from_pdf == from_docx
    draft = draft_study(from_docx, "paper")
    assert _numbers(draft_study(from_pdf, "paper")) == _numbers(draft)
    table = [e for e in _numbers(draft) if e["where"] == "Table 1"]
    # 4 rows x 3 cells, each a statistic of its column's group with the group's n
    assert len(table) == 12
    age = next(e for e in table if e.get("group") == "non_survivors" and e["statistic"] == "median_iqr")
    assert age["values"] == {"median": 71.0, "q1": 64.5, "q3": 78.0} and age["n"] == 12
    assert {e["variable"] for e in table} >= {"ventilator_free_days_28_d", "male_sex"}
    # the footnote is not a table row; the paragraph after the table is the discussion's
    discussion = [e["printed"] for e in _numbers(draft) if e["where"] == "discussion, paragraph 1"]
    assert "30%" in discussion and any("21.1%" in p for p in discussion)


def test_jats_article_paragraphs_tables_and_footnotes():
    text = manuscript_text(FIXTURES / "paper.xml")
    assert "day 28 (78.9%). The median" in text  # the citation "[12]" dropped with its brackets
    assert "Results: Of 57 patients, 45 (78.9%) survived to day 28." in text  # structured abstract
    # a colspan group header over two columns, merged under each with its n
    assert (
        "Characteristic\t28-day survival\t28-day survival\tp-Value\nCharacteristic\tSurvivors (n = 45)"
        in text
    )
    draft = draft_study(text, "paper.xml")
    table = [e for e in draft["numbers"] if e["where"] == "Table 1"]
    assert len(table) == 9
    sofa = [e for e in table if e["statistic"] == "mean_sd"]
    assert [e["n"] for e in sofa] == [45, 12] and sofa[1]["values"] == {"mean": 9.8, "sd": 3.0}
    after = [e for e in draft["numbers"] if e["where"] == "results text, paragraph 2"]  # after the table
    # "12 of 57 patients (21.1%)": one count of a total with its percentage (session audit25)
    assert [(e["statistic"], e["values"]) for e in after] == [
        ("count_of_total", {"count": 12.0, "total": 57.0, "pct": 21.1})
    ]


def test_label_below_a_table_and_a_table_without_label():
    rows = (("", "All (n = 10)"), ("Age, median (IQR)", "50 (40–60)"))
    doc = attach_labels(["Results", rows, "Table 1. Ages.", "Text.", rows])
    assert [(t.label, t.caption) for t in doc.tables] == [("Table 1", "Ages."), ("Table 2", "")]
    assert doc.tables[0].header == (rows[0],) and doc.tables[0].rows == (rows[1],)


def test_document_text_drops_trailing_empty_cells():
    doc = Document((Table("Table 1", "", (("", "A (n = 3)", ""),), (("x, n (%)", "1 (33.3)", ""),)),))
    assert document_text(doc) == "Table 1.\n\n\tA (n = 3)\n|---|\nx, n (%)\t1 (33.3)\n"


def test_unknown_suffix_and_bad_xml_are_named(tmp_path):
    bad = tmp_path / "paper.rtf"
    bad.write_text("x")
    with pytest.raises(ValueError, match=r"paper\.rtf: no reader for '\.rtf' files; accepted: \.docx, \.pdf"):
        manuscript_text(bad)
    xml = tmp_path / "paper.xml"
    xml.write_text("<article><body>")
    with pytest.raises(ValueError, match=r"paper\.xml: not well-formed XML .*expected a JATS article"):
        manuscript_text(xml)


def test_jats_body_cell_spanning_columns_is_one_value(tmp_path):
    # issue 25 corpus (kim2013): a value cell with colspan="2" was drafted twice
    xml = tmp_path / "a.xml"
    xml.write_text(
        "<article><body><sec><title>Results</title><table-wrap><label>Table 1</label><table>"
        "<thead><tr><th>Variable</th><th colspan='2'>Value (n = 129)</th></tr></thead>"
        "<tbody><tr><td>Age (years)</td><td colspan='2'>73.74 ± 6.99</td></tr></tbody>"
        "</table></table-wrap></sec></body></article>",
        encoding="utf-8",
    )
    text = manuscript_text(xml)
    assert "Variable\tValue (n = 129)\tValue (n = 129)\n|---|\nAge (years)\t73.74 ± 6.99\n" in text
    assert [e["printed"] for e in draft_study(text, "a.xml")["numbers"]] == ["73.74 ± 6.99"]


def test_jats_table_kept_only_in_a_comment_is_read(tmp_path):
    # audit25 out-of-sample (sorensen2005, PLOS Medicine 2005): older PLOS articles publish a
    # table as an image and keep its markup in an XML comment, with HTML entities and
    # colspan="0" ("span the rest") or a malformed colspan; no number was drafted from it
    xml = tmp_path / "a.xml"
    xml.write_text(
        "<article><body><sec><title>Results</title><p>See the table.</p>"
        "<table-wrap><label>Table 1</label><caption><title>Ages by sex</title></caption>"
        '<graphic/><!-- <table><thead><tr><td>Group</td><td colspan="<0"><italic>N</italic> of people'
        '</td><td colspan="0">Mean age (and SD)</td></tr><tr><td></td><td>Men</td><td>Women</td>'
        "<td>Men</td><td>Women</td></tr></thead><tbody><tr><td>Yes, loss</td><td>1,205</td>"
        "<td>193</td><td>41.1 (8.4)</td><td>42.0 (10.4)</td></tr><tr><td>No</td><td>NA</td>"
        "<td>0.99&ndash;2.26</td><td></td><td></td></tr></tbody></table> --></table-wrap>"
        "</sec></body></article>",
        encoding="utf-8",
    )
    text = manuscript_text(xml)
    assert "Group\tN of people\tN of people\tMean age (and SD)\tMean age (and SD)\n" in text
    assert "Yes, loss\t1,205\t193\t41.1 (8.4)\t42.0 (10.4)\nNo\tNA\t0.99–2.26\n" in text
    assert "<table>" not in text and "See the table." in text  # the comment is not prose
