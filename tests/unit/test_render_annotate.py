"""Rows that disagree with the published value: a superscript mark and one footnote to the audit."""

from __future__ import annotations

import pytest

from retrocohort.render import Marked, Row, Table, to_html, to_markdown
from retrocohort.render.annotate import mark_published_disagreements

TABLE = Table(
    "Table 1. T.",
    ["", "n (%)"],
    [
        Row(["Gender (male)", "12 (57%)"]),
        Row(["Conditions"], section=True),
        Row([Marked("Immunodepression", "†"), "5 (24%)"], indent=1),
        Row(["Age", "45.0"]),
    ],
    ["note"],
    "tab:table1",
)


def test_marked_rows_and_one_footnote_naming_published_values():
    out = mark_published_disagreements(TABLE, {2: "8 (38%)", 0: "13 (62%)"}, "results/audit/audit.md")
    first, third = out.rows[0].cells[0], out.rows[2].cells[0]
    assert isinstance(first, Marked) and (first.text, first.mark) == ("Gender (male)", "‡")
    assert (third.text, third.mark) == ("Immunodepression", "†‡")  # the synthetic dagger is kept
    assert out.rows[2].indent == 1 and out.rows[3] == TABLE.rows[3]
    assert out.rows[0].cells[1:] == ["12 (57%)"]  # values are never changed
    assert out.footnotes[:-1] == TABLE.footnotes
    note = out.footnotes[-1]
    assert note.mark == "‡"
    assert note == (
        "‡ Differs from the published value (published: 13 (62%) for Gender (male); "
        "8 (38%) for Immunodepression); see results/audit/audit.md."
    )
    markdown = to_markdown(out)
    assert "Gender (male)<sup>‡</sup>" in markdown and "\n‡ Differs from" in markdown
    assert "‡</sup> Differs" in to_html(out)


def test_nothing_to_mark_returns_the_table_and_bad_rows_are_errors():
    assert mark_published_disagreements(TABLE, {}, "audit") is TABLE
    with pytest.raises(ValueError, match="row 1 is a section row"):
        mark_published_disagreements(TABLE, {1: "x"}, "audit")
    with pytest.raises(ValueError, match="row 9 is outside the table"):
        mark_published_disagreements(TABLE, {9: "x"}, "audit")
