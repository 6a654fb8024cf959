"""Word tables: content-based column widths, landscape sections, repeated headers, rows kept
whole, superscript marks and journal presets (layout estimate in retrocohort.render.layout)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile

import docx
import pytest
from docx.enum.section import WD_ORIENT

from retrocohort.errors import ConfigError
from retrocohort.render import Footnote, Marked, Row, Table, to_docx_bytes
from retrocohort.render.layout import (
    CELL_PADDING_PT,
    abbreviation,
    cell_padding_pt,
    column_extents,
    plan_table,
    protect,
    share_width,
    text_width,
    text_width_pt,
    unbreakable_units,
)
from retrocohort.render.presets import PRESETS, get_preset

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
AMA = PRESETS["ama"]
LONG_TEXT = (
    "Favourable evolution under anakinra as monotherapy of sHLH due to multiple "
    "intra-abdominal Candida collections, in the setting of an underlying urothelial cancer"
)


def narrow_table() -> Table:
    return Table(
        "Table 3. Paired values.",
        ["Parameter (n)", "Day 0", "Day 7", "p-Value"],
        [
            Row(
                [Marked("CRP (mg/L) (n = 15)", "†"), "116.0", "35.1", Marked("<0.001", "a")],
                bold=[False, False, False, True],
            ),
            Row(["Ferritin (µg/L) (n = 15)", "10,044.0", "2,014.0", Marked("0.011", "a")]),
        ],
        [Footnote("a", "Wilcoxon signed-rank test."), Footnote("†", "Synthetic data.")],
        "tab:table3",
    )


def wide_table(rows: int = 3) -> Table:
    columns = [
        "Patient",
        "Age",
        "Sex",
        "Predisposing and Precipitating Factors",
        "H Score",
        "sHLH Treatment and Line Number",
        "Anakinra Efficacy",
        "Anakinra Duration (Days)",
        "CTC Duration (Days)",
        "Live Status at Last Visit",
        "Outcome (or Cause of Death)",
    ]
    body = [
        Row(
            [
                str(i),
                "58",
                "M",
                "Infection (Knee prothesis) and medication",
                "246",
                "1. IVIG, 2. CTC, 3. ANA",
                "Yes",
                "14",
                "17",
                "Alive",
                LONG_TEXT,
            ]
        )
        for i in range(rows)
    ]
    return Table("Table 2. Patients.", columns, body, ["note"], "tab:table2")


def _document(tables, **kwargs):
    return docx.Document(io.BytesIO(to_docx_bytes(tables, **{"preset": "ama", **kwargs})))


def _grid_pt(table) -> list[float]:
    return [int(col.get(f"{W}w")) / 20 for col in table._tbl.tblGrid.findall(f"{W}gridCol")]


def test_text_width_estimate_orders_characters():
    assert text_width_pt("iii", 9, 0.5) < text_width_pt("aaa", 9, 0.5) < text_width_pt("MMM", 9, 0.5)
    assert text_width_pt("Age", 9, 0.5, bold=True) > text_width_pt("Age", 9, 0.5)
    assert text_width_pt("", 9, 0.5) == 0


def test_minimum_width_is_the_longest_word_and_natural_the_longest_cell():
    table = wide_table()
    minimum, natural = column_extents(table, 9, AMA.char_width_em)
    outcome = table.width - 1
    longest_word = max(text_width_pt(w, 9, AMA.char_width_em) for w in LONG_TEXT.split())
    assert minimum[outcome] == pytest.approx(
        max(longest_word, text_width_pt("Outcome", 9, AMA.char_width_em, bold=True)) + CELL_PADDING_PT
    )
    assert natural[outcome] == pytest.approx(text_width_pt(LONG_TEXT, 9, AMA.char_width_em) + CELL_PADDING_PT)
    assert all(m <= n for m, n in zip(minimum, natural))


def test_share_width_gives_spare_space_to_long_text_columns():
    assert share_width([10, 10], [20, 30], 100) == [20, 30]  # natural widths fit
    widths = share_width([10, 10], [20, 110], 60)  # excess 10 and 100 share the 40 spare points
    assert widths == pytest.approx([10 + 40 * 10 / 110, 10 + 40 * 100 / 110])
    assert sum(widths) == pytest.approx(60)
    assert share_width([50, 50], [60, 60], 80) == [50, 50]  # minimums overflow: caller shrinks the font


def test_plan_puts_wide_tables_in_landscape_and_narrow_ones_in_portrait():
    wide, narrow = plan_table(wide_table(), AMA), plan_table(narrow_table(), AMA)
    assert wide.landscape and not narrow.landscape
    assert wide.fits and narrow.fits
    assert sum(wide.widths_pt) == pytest.approx(text_width(True, AMA.margin_cm, AMA.page_cm))
    minimum, _ = column_extents(
        wide_table(), wide.body_pt, AMA.char_width_em, padding_pt=cell_padding_pt(AMA)
    )
    assert all(w >= m - 1e-9 for w, m in zip(wide.widths_pt, minimum))  # no column below its longest word
    assert plan_table(narrow_table(), AMA, landscape=True).landscape


def test_plan_shrinks_the_font_only_when_words_overflow_a_landscape_page():
    crowded = Table("T", [f"Column{i}" for i in range(14)], [Row(["Hepatosplenomegaly"] * 14)], [], "t")
    plan = plan_table(crowded, AMA)
    assert plan.landscape and plan.body_pt < AMA.body_pt
    assert plan.body_pt >= AMA.min_body_pt


def test_docx_sections_follow_each_tables_orientation():
    document = _document([narrow_table(), wide_table(), narrow_table()])
    assert [s.orientation for s in document.sections] == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
    ]
    assert all(
        (s.page_width > s.page_height) == (s.orientation == WD_ORIENT.LANDSCAPE) for s in document.sections
    )


def test_docx_column_widths_come_from_content_with_a_fixed_layout():
    document = _document([wide_table()])
    table = document.tables[0]
    assert table._tbl.tblPr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
    widths = _grid_pt(table)
    assert widths.index(max(widths)) == 10  # the outcome text gets the most room
    assert widths[1] < widths[3]  # "Age" narrower than the factors text
    assert sum(widths) <= text_width(True, AMA.margin_cm, AMA.page_cm) + 1
    cell_w = [int(c._tc.tcPr.find(f"{W}tcW").get(f"{W}w")) / 20 for c in table.rows[1].cells]
    assert cell_w == pytest.approx(widths, abs=0.05)


def test_docx_header_repeats_and_body_rows_do_not_split():
    table = _document([wide_table(30)]).tables[0]
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    assert all(r._tr.find(f"{W}trPr/{W}cantSplit") is not None for r in table.rows[1:])
    assert all(r._tr.find(f"{W}trPr/{W}tblHeader") is None for r in table.rows[1:])


def test_docx_marks_are_superscript_runs_and_bold_p_is_bold():
    document = _document([narrow_table()])
    first = document.tables[0].rows[1].cells
    label_runs = first[0].paragraphs[0].runs
    assert [(r.text, bool(r.font.superscript)) for r in label_runs] == [
        ("CRP (mg/L) (n\u00a0=\u00a015)", False),  # "(n = 15)" never breaks
        ("†", True),
    ]
    p_runs = first[3].paragraphs[0].runs
    assert [(r.text, bool(r.font.superscript), bool(r.bold)) for r in p_runs] == [
        ("<0.001", False, True),
        ("a", True, True),
    ]
    notes = [p for p in document.paragraphs if p.text.endswith("Wilcoxon signed-rank test.")]
    assert len(notes) == 1 and notes[0].runs[0].text == "a" and notes[0].runs[0].font.superscript
    assert notes[0].text == "a Wilcoxon signed-rank test."


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_presets_set_font_sizes_rules_and_caption_style(name):
    preset = PRESETS[name]
    data = to_docx_bytes([narrow_table()], preset=name)
    styles = zipfile.ZipFile(io.BytesIO(data)).read("word/styles.xml").decode()
    assert f'w:ascii="{preset.font}"' in styles and f'w:eastAsia="{preset.font}"' in styles
    document = docx.Document(io.BytesIO(data))
    caption = document.paragraphs[0]
    assert caption.text == "Table 3. Paired values."
    bold = [(r.text, bool(r.bold)) for r in caption.runs]
    if preset.caption_style == "bold":
        assert bold == [("Table 3. Paired values.", True)]
    else:
        assert bold == [("Table 3.", True), (" Paired values.", False)]
    assert all(r.font.size.pt == preset.title_pt for r in caption.runs)
    table = document.tables[0]
    borders = table._tbl.tblPr.find(f"{W}tblBorders")
    assert borders.find(f"{W}top").get(f"{W}sz") == str(preset.top_rule_eighths)
    assert borders.find(f"{W}bottom").get(f"{W}sz") == str(preset.bottom_rule_eighths)
    header_bottom = table.rows[0].cells[0]._tc.tcPr.find(f"{W}tcBorders/{W}bottom")
    assert header_bottom.get(f"{W}sz") == str(preset.header_rule_eighths)
    body_run = table.rows[1].cells[1].paragraphs[0].runs[0]
    assert body_run.font.size.pt == preset.body_pt
    note_run = next(p for p in document.paragraphs if p.text.startswith("a ")).runs[-1]
    assert note_run.font.size.pt == preset.footnote_pt
    assert data == to_docx_bytes([narrow_table()], preset=name)  # deterministic


def test_presets_differ_and_unknown_preset_is_a_config_error():
    assert PRESETS["ama"].font != PRESETS["mdpi"].font
    assert to_docx_bytes([narrow_table()], preset="ama") != to_docx_bytes([narrow_table()], preset="mdpi")
    assert get_preset(AMA) is AMA
    with pytest.raises(ConfigError) as error:
        to_docx_bytes([narrow_table()], preset="nejm")
    assert "tables.preset" in str(error.value) and "'nejm'" in str(error.value) and "mdpi" in str(error.value)


def test_long_headers_and_section_headings_do_not_force_landscape():
    header = [f"Event-free at {d} days (95% confidence interval)" for d in (1, 3, 7, 14)]
    table = Table(
        "Time to event",
        ["Analysis and group", "n (events)", *header, "p-Value"],
        [
            Row(["Time to fever resolution by first-line anakinra use, all patients"], section=True),
            Row(
                ["First line", "10 (10)", "40% (12–67)", "20% (3–47)", "10% (1–30)", "0% (0–0)", "0.257"],
                indent=1,
            ),
        ],
        [],
        "t",
    )
    plan = plan_table(table, AMA)
    assert not plan.landscape and plan.fits
    minimum, _ = column_extents(table, AMA.body_pt, AMA.char_width_em, padding_pt=cell_padding_pt(AMA))
    assert all(w >= m - 1e-9 for w, m in zip(plan.widths_pt, minimum))
    docx_table = _document([table]).tables[0]
    span = docx_table.rows[1]._tr.find(f"{W}tc/{W}tcPr/{W}gridSpan")
    assert span is not None and span.get(f"{W}val") == str(table.width)


def test_method_letters_in_order_of_first_use_and_bold_rule():
    from retrocohort.render.pvalue_marks import (
        bold_footnote,
        is_bold_p,
        method_footnotes,
        method_letter,
    )

    letters: dict[str, str] = {}
    assert [method_letter(letters, m) for m in ("Wilcoxon", "McNemar", "Wilcoxon")] == ["a", "b", "a"]
    assert method_footnotes(letters) == ["a Wilcoxon", "b McNemar"]
    assert is_bold_p(0.049, 0.05) and not is_bold_p(0.05, 0.05) and not is_bold_p(float("nan"), 0.05)
    assert not is_bold_p(0.001, None)
    assert bold_footnote(0.05, [Row(["x", "0.01"], bold=[False, True])]) == [
        "p-values below 0.05 are in bold."
    ]
    assert bold_footnote(0.05, [Row(["x", "0.51"], bold=[False, False])]) == []
    with pytest.raises(ValueError, match="more than 26 test methods"):
        for i in range(27):
            method_letter(letters, f"method {i}")


def pbc_like_table() -> Table:
    """Four value columns with intervals and "(n = N)" headers, and a long label column (the
    shape of studies/pbc Table 1, whose values broke inside in Word before)."""
    return Table(
        "Table 1. Baseline characteristics of the 312 randomised patients by treatment arm.",
        ["Characteristic", "Overall (n = 312)", "D-penicillamine (n = 158)", "Placebo (n = 154)", "p-Value"],
        [
            Row(
                [
                    "Age (years), median [Q1–Q3]",
                    "49.8 [42.2–56.7]",
                    "51.9 [43.0–58.9]",
                    "48.1 [41.4–55.8]",
                    "0.020",
                ]
            ),
            Row(
                [
                    "Alkaline phosphatase (U/L), median [Q1–Q3]",
                    "1259 [872–1980]",
                    "1215 [841–2028]",
                    "1283 [923–1950]",
                    "0.812",
                ]
            ),
            Row(["Untreated or resolved by diuretics", "29 (9%)", "16 (10%)", "13 (8%)", ""]),
            Row(
                [
                    "AST (U/mL, as documented), median [Q1–Q3]",
                    "114.7 [80.6–151.9]",
                    "111.6 [76.7–151.5]",
                    "117.4 [83.8–151.9]",
                    "0.459",
                ]
            ),
        ],
        [],
        "tab:t1",
    )


@pytest.mark.parametrize(
    ("text", "units"),
    [
        ("49.8 [42.2–56.7]", ["49.8\u00a0[42.2–56.7]"]),
        ("Overall (n = 312)", ["Overall", "(n\u00a0=\u00a0312)"]),
        ("16 (88.9%)", ["16\u00a0(88.9%)"]),
        ("1259/2000 (63%)", ["1259/2000\u00a0(63%)"]),
        ("0.52 (0.31 to 0.87)", ["0.52\u00a0(0.31\u00a0to\u00a00.87)"]),
        ("71% (63–77)", ["71%\u00a0(63–77)"]),
        ("All patients", ["All", "patients"]),
        ("Median time, days (95% CI)", ["Median", "time,", "days", "(95%\u00a0CI)"]),
        ("Age (years), median [Q1–Q3]", ["Age", "(years),", "median", "[Q1–Q3]"]),
        ("Differentiation of tumour, n (%)", ["Differentiation", "of", "tumour,", "n\u00a0(%)"]),
        ("n (%) or median [IQR]", ["n\u00a0(%)", "or", "median", "[IQR]"]),
        ("Mean (%)", ["Mean", "(%)"]),
    ],
)
def test_a_value_is_one_unbreakable_unit_and_words_stay_separate(text, units):
    assert unbreakable_units(text) == units
    assert protect(text).replace("\u00a0", " ") == text


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_no_value_column_is_narrower_than_its_widest_value(name):
    """Failed before: pbc Table 1 (ama) gave "Overall (n = 312)" and the interval columns less
    than their values ("49.8 [42.2– / 56.7]") while "D-penicillamine" got more."""
    preset = PRESETS[name]
    table = pbc_like_table()
    plan = plan_table(table, preset)
    assert plan.fits
    for j in range(1, table.width):
        for row in table.rows:
            value = row.cells[j]
            need = text_width_pt(value, plan.body_pt, preset.char_width_em) + cell_padding_pt(preset)
            assert plan.widths_pt[j] >= need, (j, value, plan.widths_pt)
        need = text_width_pt(f"(n = {312})", plan.body_pt, preset.char_width_em, bold=True)
        need += cell_padding_pt(preset)
        assert plan.widths_pt[j] >= need or j == 4


def test_short_body_labels_stay_on_one_line_before_headers_get_room():
    """Failed before: the flagship survival table wrapped "All / patients" while its long
    headers took the spare width (spare space was shared by the header-included excess)."""
    table = Table(
        "Time to fever resolution after anakinra start (Kaplan–Meier).",
        [
            "Analysis and group",
            "n (events)",
            "Median time to fever resolution, days (95% CI)",
            "Without fever resolution at 1 day (95% CI)",
            "Without fever resolution at 3 days (95% CI)",
            "p-Value",
        ],
        [
            Row([Marked("Time to fever resolution after anakinra start", "†")], section=True),
            Row(["All patients", "20 (19)", "1.5 (1.0–2.0)", "50% (27–69)", "25% (9–45)", ""], indent=1),
            Row([Marked("Time to fever resolution by first-line anakinra use", "†")], section=True),
            Row(["First line", "10 (10)", "1.0 (0.0–2.0)", "40% (12–67)", "20% (3–47)", "0.125"], indent=1),
            Row(["Later line", "10 (9)", "2.0 (1.0–10.0)", "60% (25–83)", "30% (7–58)", ""], indent=1),
        ],
        [],
        "tab:surv",
    )
    for preset in PRESETS.values():
        plan = plan_table(table, preset)
        label = text_width_pt("All patients", plan.body_pt, preset.char_width_em)
        assert plan.widths_pt[0] >= label + 0.4 * 72 / 2.54 + cell_padding_pt(preset), preset.name


def test_share_width_fills_body_widths_before_header_widths():
    # body natural 30 + 30 fits in 80: both reach 30, the 20 left go to the long header
    assert share_width([10, 10], [30, 90], 80, body=[30, 30]) == pytest.approx([30, 50])
    # body natural overflows: share towards the body widths only
    assert share_width([10, 10], [60, 90], 50, body=[40, 30]) == pytest.approx(
        [10 + 30 * 30 / 50, 10 + 30 * 20 / 50]
    )


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_section_is_on_the_presets_paper(name):
    preset = PRESETS[name]
    document = _document([narrow_table(), wide_table()], preset=name)
    for section in document.sections:
        short, long = sorted((section.page_width.cm, section.page_height.cm))
        assert (short, long) == pytest.approx(preset.page_cm, abs=0.01)


def test_an_en_dash_inside_a_word_is_followed_by_a_word_joiner():
    """Failed before: LibreOffice broke "median [Q1– / Q3]" and "49.8 [42.2– / 56.7]" after the
    en dash (a line may break after an en dash unless a word joiner follows it)."""
    table = Table(
        "T", ["Characteristic", "Value"], [Row(["Age, median [Q1–Q3]", "49.8 [42.2–56.7]"])], ["a – b"], "t"
    )
    cells = _document([table]).tables[0].rows[1].cells
    assert cells[0].text == "Age, median [Q1–\u2060Q3]"
    assert cells[1].text == "49.8\u00a0[42.2–\u206056.7]"


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_results_and_methods_documents_are_on_the_presets_paper(name):
    """Failed before: results.docx and methods.docx kept python-docx's US Letter template page
    while every table was A4."""
    from retrocohort.manuscript.docx_text import text_docx_bytes

    document = docx.Document(io.BytesIO(text_docx_bytes("# Results\n\nText.", "Results", name)))
    section = document.sections[0]
    assert (section.page_width.cm, section.page_height.cm) == pytest.approx(PRESETS[name].page_cm, abs=0.01)
    assert section.left_margin.cm == pytest.approx(PRESETS[name].margin_cm, abs=0.01)


# Wide tables: widen -> abbreviate the header -> landscape -> a smaller size (issue 24 item 1).
LONG_GROUPS = [
    "Immunosuppressed",
    "Hospitalisation",
    "Corticosteroids",
    "Transplantation",
    "Haematological",
    "Lymphoproliferative",
    "Autoimmunity",
    "Chemotherapy",
    "Radiotherapy",
    "Immunodeficiency",
]


def many_groups_table(groups: int, value: str = "50 [42–57]") -> Table:
    """A descriptive table by ``groups`` groups with long group names over short values."""
    columns = ["Characteristic"] + [f"{g} (n = 1{i}2)" for i, g in enumerate(LONG_GROUPS[:groups])]
    rows = [Row(["Age, years"] + [value] * groups), Row(["Women"] + ["16 (88.9%)"] * groups)]
    return Table("Table 1. Many groups.", columns, rows, ["Synthetic."], "tab:many")


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_a_table_of_many_groups_abbreviates_its_header_instead_of_breaking_a_value(name):
    """Ten long group names over short values: the minimum widths overflowed the landscape page
    even at the smallest size, so a value had to break (failed before: plan.fits False at 7 pt);
    now the header words wider than their column's values are abbreviated and defined."""
    preset = PRESETS[name]
    plan = plan_table(many_groups_table(10), preset)
    assert plan.fits and plan.landscape
    minimum, _ = column_extents(
        plan.table,
        plan.body_pt,
        preset.char_width_em,
        bold_factor=preset.bold_factor,
        padding_pt=cell_padding_pt(preset),
    )
    assert all(w >= m - 1e-9 for w, m in zip(plan.widths_pt, minimum))  # no value narrower than its column
    short = plan.table.columns[1].split()[0]
    assert short.endswith(".") and "Immunosuppressed".startswith(short[:-1]) and len(short) < 16
    assert plan.table.footnotes[-1].startswith(f"Abbreviations in the header: {short}, Immunosuppressed;")
    assert plan.table.columns[0] == "Characteristic"  # the label column is never abbreviated
    assert plan.table.footnotes[0] == "Synthetic."


def test_escalation_order_widen_abbreviate_landscape_smaller_size():
    """Abbreviating comes before a smaller size: eight groups keep the body size on a landscape
    page (failed before: 7.5 pt with the full header); a table that fits unabbreviated keeps its
    header; a header is abbreviated in portrait only when that avoids landscape."""
    eight = plan_table(many_groups_table(8), AMA)
    assert eight.landscape and eight.body_pt == AMA.body_pt and eight.fits
    five = plan_table(many_groups_table(5), AMA)
    assert not five.landscape and five.table.columns == many_groups_table(5).columns
    six = plan_table(many_groups_table(6), AMA)  # failed before: landscape
    assert not six.landscape and six.table.columns != many_groups_table(6).columns
    wide_values = many_groups_table(6, "49.8 [42.2–56.7]")  # abbreviating cannot keep it portrait
    six = plan_table(wide_values, AMA)
    assert six.landscape and six.table.columns == wide_values.columns


def test_abbreviation_cuts_before_a_vowel_and_docx_prints_the_planned_header():
    assert abbreviation("Hospitalisation", 1.0, 9, AMA) == "Hosp."  # nothing fits: the shortest cut
    assert abbreviation("Hospitalisation", 1000.0, 9, AMA) == "Hospitalisat."
    assert abbreviation("Crypt", 1.0, 9, AMA) is None
    document = _document([many_groups_table(10)])
    header = [c.text for c in document.tables[0].rows[0].cells]
    assert header[1].startswith("Immuno") and "Immunosuppressed" not in header[1]
    assert any(p.text.startswith("Abbreviations in the header") for p in document.paragraphs)


def regression_like_table() -> Table:
    """A Cox table as survival::cgd gives it: eight value columns, labels of two to four words."""
    header = ["Characteristic", "N", "Events", "HR", "95% CI", "p-Value"]
    header += ["Adjusted HR", "Adjusted 95% CI", "Adjusted p-Value"]
    rows = [
        Row(["Treatment arm", "128", "44", "", "", "", "", "", ""]),
        Row(["Placebo", "", "", "Reference", "", "", "Reference", "", ""], indent=1),
        Row(
            ["Interferon gamma", "", "", "0.33", "0.17–0.65", "0.001", "0.32", "0.16–0.62", "<0.001"],
            indent=1,
        ),
        Row(["Pattern of inheritance", "128", "44", "", "", "", "", "", ""]),
        Row(["X-linked", "", "", "Reference", "", "", "Reference", "", ""], indent=1),
        Row(
            ["Autosomal recessive", "", "", "1.16", "0.63–2.14", "0.638", "1.64", "0.74–3.61", "0.222"],
            indent=1,
        ),
        Row(
            [
                "Corticosteroids at entry",
                "128",
                "44",
                "2.24",
                "0.54–9.28",
                "0.266",
                "2.97",
                "0.68–13.01",
                "0.148",
            ]
        ),
    ]
    return Table("Table 3. Cox model.", header, rows, [], "tab:cox")


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_label_column_gets_the_room_value_columns_do_not_need(name):
    """Failed before: survival::cgd's Cox table (ama, portrait) wrapped "Interferon / gamma" and
    "Autosomal / recessive" in a 76 pt label column while each value column kept 13 pt around its
    widest value (Word's default 0.19 cm cell margins). The Word presets set narrow cell margins,
    written into the table and counted by the plan: value columns sit at their widest unbreakable
    unit until the label column has its longest label on one line; on Letter (ama) it has."""
    preset = PRESETS[name]
    table = regression_like_table()
    plan = plan_table(table, preset)
    assert not plan.landscape and plan.fits
    padding = cell_padding_pt(preset)
    minimum, _ = column_extents(
        table, plan.body_pt, preset.char_width_em, bold_factor=preset.bold_factor, padding_pt=padding
    )
    _, body = column_extents(
        table, plan.body_pt, preset.char_width_em, header_natural=False, bold_factor=preset.bold_factor
    )
    body_label = body[0] - CELL_PADDING_PT + padding  # its longest label on one line
    assert plan.widths_pt[0] >= min(body_label, plan.text_width_pt - sum(minimum[1:])) - 1e-6
    for row in table.rows if name == "ama" else []:
        label = text_width_pt(row.cells[0], plan.body_pt, preset.char_width_em)
        assert plan.widths_pt[0] >= label + 0.4 * 72 / 2.54 * row.indent + padding, row.cells[0]
    margins = _document([table], preset=preset).tables[0]._tbl.tblPr.find(f"{W}tblCellMar")
    assert margins is not None, "no cell margins written: Word's 0.19 cm default applies"
    written = [int(margins.find(f"{W}{side}").get(f"{W}w")) / 20 for side in ("left", "right")]
    assert written == pytest.approx([preset.cell_margin_cm * 72 / 2.54] * 2, abs=0.05)
    assert sum(written) < padding  # the estimate counts every point of the written margins


def long_table(rows: int) -> Table:
    """A table of ``rows`` one-line rows and three notes, the last one short."""
    body = [Row([f"Characteristic number {i}", "49.8 [42.2–56.7]", "16 (88.9%)"]) for i in range(rows)]
    notes = ["First note: " + "word " * 60, "Second note: " + "text " * 40, "Last note: Mann-Whitney U test."]
    return Table("Table 1. Long.", ["Characteristic", "Overall (n = 312)", "Group"], body, notes, "tab:long")


def test_the_last_row_and_every_note_but_the_last_keep_with_the_next_paragraph():
    """Failed before: nothing tied the notes to the table (pbc Table 1, ama: the last note alone on
    page 2)."""
    table = long_table(3)
    document = _document([table])
    last_row = document.tables[0].rows[-1]
    assert all(p.paragraph_format.keep_with_next for c in last_row.cells for p in c.paragraphs)
    first_rows = document.tables[0].rows[:-1]
    assert not any(
        p.paragraph_format.keep_with_next for r in first_rows for c in r.cells for p in c.paragraphs
    )
    notes = [p for p in document.paragraphs if p.text.split(":")[0].endswith("note")]
    assert [bool(p.paragraph_format.keep_with_next) for p in notes] == [True, True, False]


@pytest.mark.parametrize("rows", [47, 48])
def test_notes_never_start_a_page_alone_in_libreoffice(tmp_path, libreoffice, rows):
    """Failed before: with 47 (48) rows on Letter the last (the last two) notes went alone to page
    2. Now the last row goes to page 2 with all the notes, under the repeated header."""
    pdftotext = shutil.which("pdftotext") or pytest.skip("pdftotext (poppler-utils) not on PATH")
    source = tmp_path / "long.docx"
    source.write_bytes(to_docx_bytes([long_table(rows)], preset="ama"))
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [libreoffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf"]
        + ["--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        [pdftotext, "-layout", str(tmp_path / "long.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    holding = [page for page in pages if "Last note" in page]
    assert len(holding) == 1 and "First note" in holding[0], pages[-2:]
    assert f"Characteristic number {rows - 1}" in holding[0]
