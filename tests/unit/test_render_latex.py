"""LaTeX tables: Unicode mapping, longtable layout within the text width, landscape for wide
tables, superscript marks (compilation itself: tests/e2e/test_documents.py)."""

from __future__ import annotations

import re

import pytest

from retrocohort.render import Footnote, Marked, Row, Table, to_latex
from retrocohort.render.latex import LATEX_PRESET, escape
from retrocohort.render.layout import CELL_PADDING_PT, text_width


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("IL-1β", r"IL-1\ensuremath{\upbeta}"),
        ("TNF-α", r"TNF-\ensuremath{\upalpha}"),
        ("IFN-γ", r"IFN-\ensuremath{\upgamma}"),
        ("Δ CRP, Ω", r"\ensuremath{\Updelta} CRP, \ensuremath{\Upomega}"),
        ("Α", "A"),  # Greek capital alpha looks like a Latin A
        ("µg/L μg/L", r"\textmu{}g/L \textmu{}g/L"),
        (
            "a ≠ b ≈ c ≤ d ≥ e ± f",
            (
                r"a \ensuremath{\neq} b \ensuremath{\approx} c \ensuremath{\leq} d "
                r"\ensuremath{\geq} e \ensuremath{\pm} f"
            ),
        ),
        ("10\u202f000 mg", r"10\,000 mg"),
        ("a\u00a0b", "a~b"),
        ("Crohn’s “x”", "Crohn's ``x''"),
        ("éèàçüœŁ", "éèàçüœŁ"),  # Latin-1 and Latin Extended-A: left to inputenc
        ("ﬁbrinogen", "fibrinogen"),  # compatibility form
        ("† ‡ …", r"\textdagger{} \textdaggerdbl{} \ldots{}"),
    ],
)
def test_unicode_is_mapped_to_pdflatex_macros(text, expected):
    assert escape(text) == expected


def test_unmappable_character_is_a_clear_error():
    with pytest.raises(ValueError, match=r"U\+1F600 GRINNING FACE .* in 'ok 😀'"):
        escape("ok 😀")


def _wide() -> Table:
    text = "Favourable evolution under anakinra as monotherapy of sHLH due to multiple collections"
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
    return Table(
        "Table 2. Patients.",
        columns,
        [
            Row(
                [
                    "1",
                    "58",
                    "M",
                    "Infection (Knee prothesis)",
                    "246",
                    "1. IVIG, 2. CTC",
                    "Yes",
                    "14",
                    "17",
                    "Alive",
                    text,
                ]
            )
        ],
        ["note"],
        "tab:table2",
    )


def _column_widths(text: str) -> list[float]:
    return [float(w) for w in re.findall(r"p\{([0-9.]+)pt\}", text)]


def test_wide_table_is_landscape_and_columns_fit_the_text_width():
    text = to_latex(_wide())
    assert text.startswith(r"\begin{landscape}") and text.rstrip().endswith(r"\end{landscape}")
    widths = _column_widths(text)
    assert len(widths) == 11
    # p{} widths plus the inter-column \tabcolsep (outer ones removed by @{}) stay in the text width
    assert sum(widths) + 12 * (len(widths) - 1) <= text_width(True, LATEX_PRESET.margin_cm)
    assert max(widths) == widths[-1]
    assert r"\hyphenpenalty=10000\exhyphenpenalty=10000" in text  # words never break across lines
    spec = text[text.index(r"\begin{longtable}") :].splitlines()[0]
    aligns = re.findall(r"\\(raggedright|centering)", spec)
    assert aligns[0] == aligns[3] == aligns[-1] == "raggedright" and aligns[1] == "centering"


def test_narrow_table_is_portrait_and_text_columns_are_left_aligned():
    table = Table(
        "Table 1. T.",
        ["", "Value", "Comment"],
        [Row(["Age", "45.0 [33.0–58.0] (n = 20)", "measured at the first visit"])],
        [],
        "t1",
    )
    text = to_latex(table)
    assert r"\begin{landscape}" not in text
    spec = text[text.index(r"\begin{longtable}") :].splitlines()[0]
    assert spec.count(r"\raggedright") == 2 and spec.count(r"\centering") == 1
    assert sum(_column_widths(text)) + CELL_PADDING_PT * 3 <= text_width(False, LATEX_PRESET.margin_cm)


def test_marks_are_superscripts_and_bold_cells_bold():
    table = Table(
        "Table 3. T.",
        ["Parameter", "p"],
        [Row([Marked("CRP", "†"), Marked("0.011", "b")], bold=[False, True])],
        [Footnote("b", "Wilcoxon signed-rank test."), "path a/b/c"],
        "t3",
    )
    text = to_latex(table)
    assert r"CRP\textsuperscript{\textdagger{}} & \textbf{0.011\textsuperscript{b}} \\" in text
    assert r"\textsuperscript{b} Wilcoxon signed-rank test.\par" in text
    assert r"path a/\allowbreak{}b/\allowbreak{}c\par" in text  # long paths may break at slashes


def test_a_code_span_is_set_verbatim_in_texttt():
    """Failed before: the synthetic footnote's command printed "‘retrocohort simulate –recipe
    ...‘" (backticks as quotes, ``--`` as an en dash), so a copied command failed."""
    note = "generated by `retrocohort simulate --recipe config/x_1.yaml` (seed 1); it's 5–6"
    text = escape(note)
    assert text == (
        r"generated by \texttt{retrocohort simulate -{}-{}recipe config/x\_1.yaml} (seed 1); it's 5--6"
    )
    assert "`" not in text


@pytest.mark.parametrize(
    ("code", "expected"),
    [("a'b\"c", r"a\textquotesingle{}b\textquotedbl{}c"), ("%_&", r"\%\_\&")],
)
def test_code_quotes_and_specials_print_as_typed(code, expected):
    assert escape(f"`{code}`") == rf"\texttt{{{expected}}}"


def test_a_value_never_breaks_inside_in_latex_and_one_line_tables_get_room():
    """Failed before: flagship Table 3 in LaTeX broke "16 (88.9%)" and "(n = 19)" in columns
    set to the bare width estimate although the page had room."""
    table = Table(
        "Table 3. T.",
        ["Parameter (n)", "Day 0", "Day 7", "p-Value"],
        [
            Row(["Fever (n = 18)", "16 (88.9%)", "3 (16.7%)", "0.002"]),
            Row(["Aspartate aminotransferase (U/L) (n = 19)", "130.0", "48.0", "0.025"]),
        ],
        [],
        "t3",
    )
    text = to_latex(table)
    assert r"16~(88.9\%)" in text and r"(n~=~19)" in text
    widths = _column_widths(text)
    # lower-case text at \small measured 176.9 pt in Latin Modern (\settowidth)
    assert widths[0] >= 176.9
