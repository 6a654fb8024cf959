"""Tests for the Typst table renderer: escaping of Typst markup, the table's structure and, where
a Typst compiler is available, the compiled text equal to the cells as written."""

from __future__ import annotations

import re

import pytest

from retrocohort.render import Footnote, Marked, Row, Table
from retrocohort.render.latex import LATEX_PRESET
from retrocohort.render.layout import plan_table
from retrocohort.render.typst import _string, escape, to_typst

# ----------------------------------------------------------------------------- escaping


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("#1", r"\#1"),
        ("$x$", r"\$x\$"),
        ("*bold*", r"\*bold\*"),
        ("note_with_underscore", r"note\_with\_underscore"),
        ("@ref", r"\@ref"),
        ("<5", r"\<5"),
        ("a > b", r"a \> b"),
        ("`raw`", r"\`raw\`"),
        ("back\\slash", r"back\\slash"),
        ("[Q1–Q3]", r"\[Q1–Q3\]"),
        ("~z", r"\~z"),
        ("mg/L", r"mg\/L"),
        ("a // comment", r"a \/\/ comment"),
        ("a -- b", r"a \-\- b"),
        ("x -? y", r"x \-? y"),
        ('Patients\' "n"', r"Patients\' \"n\""),
        ("a...b", r"a\.\.\.b"),
        ("= heading", r"\= heading"),
        ("== heading", r"\== heading"),
        ("+ item", r"\+ item"),
        ("1. item", r"1\. item"),
        ("12.", r"12\."),
        ("- item", r"\- item"),
        ("/ term: x", r"\/ term: x"),
        ("a\nb", "a#linebreak();b"),
        ("a\r\n= b", r"a#linebreak();\= b"),
        # plain text, numbers and the signs of clinical tables stay as they are
        ("45.0 (33.0–58.0)", "45.0 (33.0–58.0)"),
        ("0.011", "0.011"),
        ("=x", "=x"),
        ("1.5 mg", "1.5 mg"),
        ("13 (62%) & ≥50 µmol, † ‡ {y} ^w", "13 (62%) & ≥50 µmol, † ‡ {y} ^w"),
    ],
)
def test_escape(text, expected):
    assert escape(text) == expected


def test_escape_leaves_no_unescaped_special():
    text = "\\#$*_@<>`[]~/-'\""
    assert escape(text) == "".join("\\" + char for char in text)


# ----------------------------------------------------------------------------- structure


def make_table() -> Table:
    return Table(
        title="Table 3. Changes between day 0 and day 7 (n = 21)",
        columns=["Parameter", "Day 0", "Day 7", "p"],
        rows=[
            Row(["Biology"], section=True),
            Row(
                ["CRP, mg/L", "45.0 [33.0–58.0]", "5 [2–9]", Marked("<0.001", "a")],
                indent=1,
                bold=[False] * 3 + [True],
            ),
            Row(["(a) Ferritin_max #1", "1,200", "800", Marked("0.11", "b")], indent=2),
        ],
        footnotes=[
            Footnote("a", "Wilcoxon signed-rank test."),
            Footnote("b", "Sign test."),
            "p-values below 0.05 are in bold.",
        ],
        label="tab:table3",
    )


def test_typst_structure_header_alignment_rules_and_label():
    source = to_typst(make_table())
    assert source.startswith("#[\n") and source.endswith("]\n")
    assert re.search(r"\n    columns: \((\d+\.\dpt, ){3}\d+\.\dpt,\),\n", source)
    assert "align: (left, center, center, center,)," in source
    assert "stroke: none," in source
    header = re.search(r"table\.header\((.*?)\n    \),", source, re.DOTALL).group(1)
    assert header.split("\n") == [
        "",
        "      table.hline(stroke: 1pt),",
        "      [Parameter], [Day 0], [Day 7], [p],",
        "      table.hline(stroke: 0.5pt),",
    ]
    assert source.count("table.hline(") == 3  # top, under the header, bottom
    assert re.search(r"\) <tab:table3>\n", source)
    assert source.count("#figure(") == 1 and "kind: table," in source


def test_typst_numbered_title_keeps_its_number_and_other_titles_are_numbered_by_typst():
    source = to_typst(make_table())
    assert 'numbering: _ => "3",' in source
    assert (
        "caption: figure.caption(position: top, separator: [. ])[Changes between day 0 and day 7 (n = 21)],"
        in source
    )
    plain = to_typst(Table("Group comparisons", ["a"], [Row(["1"])], [], "tab:g"))
    assert "numbering:" not in plain
    assert "figure.caption(position: top, separator: [. ])[Group comparisons]" in plain


def test_typst_rows_indent_section_bold_marks_and_footnotes():
    source = to_typst(make_table())
    assert "table.cell(colspan: 4)[Biology]," in source
    assert (
        "[#h(1em);CRP, mg\\/L], [45.0\u00a0\\[33.0–\u206058.0\\]], [5\u00a0\\[2–\u20609\\]], "
        "[#strong[\\<0.001#super[a];]]," in source
    )
    # two indent levels; "(a)" after the indent is text, not arguments of #h
    assert "[#h(1em);#h(1em);(a) Ferritin\\_max \\#1], [1,200], [800], [0.11#super[b];]," in source
    notes = source.split("<tab:table3>\n", 1)[1]
    assert notes.splitlines() == [
        "#set text(size: 8pt)",
        "#par[#super[a]; Wilcoxon signed\\-rank test.]",
        "#par[#super[b]; Sign test.]",
        "#par[p\\-values below 0.05 are in bold.]",
        "]",
    ]


def test_typst_page_size_and_widths_follow_the_layout_plan():
    narrow = make_table()
    wide = Table(
        "Table 2. Listing",
        [f"Column {i}" for i in range(9)],
        [Row([f"a long free-text cell number {i} with several words in it" for i in range(9)])],
        [],
        "tab:wide",
    )
    for table, landscape in ((narrow, False), (wide, True)):
        plan = plan_table(table, LATEX_PRESET)
        assert plan.landscape is landscape
        source = to_typst(table)
        assert f'#set page(paper: "a4", margin: 2cm, flipped: {str(landscape).lower()})' in source
        assert f"columns: ({', '.join(f'{w:.1f}pt' for w in plan.widths_pt)},)," in source
        assert f'#set text(font: "New Computer Modern", size: {plan.body_pt:g}pt)' in source


def test_typst_without_footnotes_has_no_footnote_block():
    source = to_typst(Table("T", ["a", "b"], [Row(["x", "1"])], [], "t"))
    assert "#par" not in source and "#set text(size: 8pt)" not in source


def test_typst_supplementary_table_number_is_a_string_literal():
    source = to_typst(Table("Table S2. Sensitivity analysis", ["a"], [Row(["1"])], [], "t"))
    assert 'numbering: _ => "S2",' in source
    assert _string('a"b\\c') == '"a\\"b\\\\c"'  # a Typst string: backslash and quote escaped


# ----------------------------------------------------------------------------- compiled


SPECIALS = [
    "#1 $x$ *b* _i_ @r <l> `c`",
    "\\v [Q1] ~z mg/L a // b",
    "a -- b -? c ... 'q' \"r\"",
    "= h",
    "+ e",
    "1. n",
    "- l",
    "/ t: d",
    "(a) x",
]


def test_typst_compiles_and_prints_every_special_character_as_written(tmp_path, typst_text):
    table = Table(
        "Table 9. Specials #$*_@<>`[]~/-'\"",
        ["Text", "n"],
        [Row([text, str(i)], indent=1) for i, text in enumerate(SPECIALS)],
        [Footnote("a", "Note with <5 and $1.")],
        "tab:specials",
    )
    text = typst_text(to_typst(table) + "\nSee @tab:specials.\n", tmp_path, "specials")
    words = " ".join(text.split())
    for cell in SPECIALS:
        assert " ".join(cell.split()) in words, (cell, words)
    assert "Table 9. Specials #$*_@<>`[]~/-'\"" in words
    assert "a Note with <5 and $1." in words
    assert "See Table 9." in words


def test_a_cell_value_is_never_broken_inside_but_a_caption_is_plain():
    """Typst breaks lines at spaces and after an en dash: inside a value ("49.8 [42.2–56.7]",
    "(n = 312)") the spaces are no-break and a word joiner follows the dash, as in Word."""
    table = Table(
        title="Table 1. Ages (n = 312).",
        columns=["Characteristic", "Overall (n = 312)"],
        rows=[Row(["Age, median [Q1–Q3]", "49.8 [42.2–56.7]"])],
        footnotes=[],
        label="tab:t",
    )
    source = to_typst(table)
    assert "49.8\u00a0\\[42.2–\u206056.7\\]" in source
    assert "(n\u00a0\\=\u00a0312)" in source or "(n\u00a0=\u00a0312)" in source
    assert "Ages (n = 312)" in source  # the caption may wrap anywhere
