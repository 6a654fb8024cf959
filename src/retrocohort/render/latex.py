"""LaTeX ``longtable`` + booktabs (no vertical rules), compilable with pdfLaTeX.

Each table is a ``longtable`` (it breaks across pages and repeats its header) inside the text
width: column widths come from :func:`retrocohort.render.layout.plan_table` (the same content
estimate as the Word tables) as ragged-right ``p`` columns, so long text wraps at spaces and
never runs off the page; hyphenation is off inside tables (no mid-word breaks). A table too wide
for a portrait page is set in a ``landscape`` environment (``pdflscape``).

Caption: printed once. A title that carries its own number ("Table 2. Patients' ...") sets
``\\thetable`` to that number and captions the rest, so the output reads "Table 2. Patients' ..."
(``caption`` package, ``labelsep=period``) and ``\\ref`` gives "2"; other titles are numbered
by LaTeX. Marks (test letters, the synthetic dagger, footnote letters) are
``\\textsuperscript``. Text is escaped by :func:`retrocohort.render.latex_unicode.escape`.
"""

from __future__ import annotations

import itertools
import re

from retrocohort.render.latex_unicode import PACKAGES
from retrocohort.render.latex_unicode import escape as _escape_text
from retrocohort.render.layout import CELL_PADDING_PT, TablePlan, keep_relations, plan_table, protect
from retrocohort.render.model import CODE_SPAN, Row, Table, split_title, with_mark
from retrocohort.render.presets import A4_CM, P_VALUE_WORD, Preset

INDENT = r"\hspace{1em}"
ONE_LINE_SLACK = 1.1  # room added to one-line columns: the width estimate's margin of error
NO_WRAP_SLACK = 1.05  # room added to the value columns of a table whose labels wrap
MARGIN_CM = 2.0
#: Computer Modern / Latin Modern at \small (9 pt): average lower-case advance 0.56 em (measured
#: with \settowidth on clinical labels: "Aspartate aminotransferase (U/L) (n = 19)" is 176.9 pt).
LATEX_PRESET = Preset(
    name="latex",
    font="Latin Modern Roman",
    body_pt=9,
    title_pt=10,
    footnote_pt=8,
    min_body_pt=7,
    caption_style="label_bold",
    top_rule_eighths=8,
    header_rule_eighths=4,
    bottom_rule_eighths=8,
    char_width_em=0.56,  # measured: lower-case text at \\small is ~8 % wider than 0.52 em
    margin_cm=MARGIN_CM,
    page_cm=A4_CM,  # the preamble's a4paper
    bold_factor=1.15,  # Latin Modern bold extended is ~15 % wider than regular
    p_value_header=P_VALUE_WORD,  # layout only: headers follow tables.preset (house_style_headers)
)
_SIZE_COMMAND = {
    9.0: r"\small",
    8.5: r"\footnotesize",
    8.0: r"\footnotesize",
    7.5: r"\scriptsize",
    7.0: r"\scriptsize",
}
_NUMBER_RE = re.compile(r"Table\s+(\S+?)\.?")

PREAMBLE = (
    "\n".join(
        [
            r"\documentclass[10pt]{article}",
            *PACKAGES,
            r"\usepackage{booktabs}",
            r"\usepackage{array}",
            r"\usepackage{longtable}",
            r"\usepackage{pdflscape}",
            r"\usepackage[labelsep=period,labelfont=bf,singlelinecheck=false]{caption}",
            rf"\usepackage[a4paper,margin={MARGIN_CM:g}cm]{{geometry}}",
        ]
    )
    + "\n"
)


def escape_code(code: str) -> str:
    """A code span for ``\\texttt``: specials escaped, and every character printed as typed
    (a copied command must work): each hyphen is ``-{}`` (so ``--`` never becomes an en
    dash), a backtick ``\\textasciigrave{}``, quotes straight (``\\textquotesingle{}``,
    ``\\textquotedbl{}``; textcomp)."""
    verbatim = {"-": "-{}", "`": r"\textasciigrave{}", "'": r"\textquotesingle{}", '"': r"\textquotedbl{}"}
    return "".join(verbatim.get(char) or _escape_text(char) for char in code)


def escape(text: str) -> str:
    """Escape LaTeX specials and map non-ASCII characters (see
    :mod:`retrocohort.render.latex_unicode`); a Markdown code span (a command between
    backticks in a note) is set verbatim in ``\\texttt`` (:func:`escape_code`)."""
    parts = CODE_SPAN.split(text)
    return "".join(
        rf"\texttt{{{escape_code(part)}}}" if odd else _escape_text(part)
        for odd, part in zip(itertools.cycle((False, True)), parts)
    )


def _marked(text: str) -> str:
    """Escaped text with its mark as ``\\textsuperscript`` (after a cell, before a footnote)."""
    return with_mark(text, escape, lambda mark: rf"\textsuperscript{{{mark}}}")


def _footnote(note: str) -> str:
    """A footnote paragraph; a line may break after a slash (long file paths), never inside a
    comparison such as "p~<~0.05" (ties, :func:`~retrocohort.render.layout.keep_relations`)."""
    text = with_mark(note, lambda t: escape(keep_relations(t)), lambda mark: rf"\textsuperscript{{{mark}}}")
    return text.replace("/", r"/\allowbreak{}") + r"\par"


def _cell(text: str, bold: bool) -> str:
    """A cell: the spaces inside a value are ties (``~``, :func:`~retrocohort.render.layout.protect`)."""
    body = with_mark(text, lambda t: escape(protect(t)), lambda mark: rf"\textsuperscript{{{mark}}}")
    return rf"\textbf{{{body}}}" if bold and body else body


def _row_line(row: Row, width: int) -> str:
    if row.section and width > 1:  # a heading spanning the table
        heading = INDENT * row.indent + _cell(row.cells[0], row.is_bold(0))
        return rf"\multicolumn{{{width}}}{{@{{}}l}}{{{heading}}} \\"
    cells = [_cell(text, row.is_bold(i)) for i, text in enumerate(row.padded(width))]
    cells[0] = INDENT * row.indent + cells[0]
    return " & ".join(cells) + r" \\"


def _column_spec(table: Table, widths_pt: list[float]) -> str:
    """Ragged ``p`` columns (label column flush left, others centred) of the planned widths."""
    specs = []
    for align, width in zip(table.alignments, widths_pt):
        inner = max(width - CELL_PADDING_PT, 12.0)
        just = r"\raggedright" if align == "left" else r"\centering"
        specs.append(rf">{{{just}\arraybackslash}}p{{{inner:.1f}pt}}")
    return "".join(specs)


def _one_line_widths(plan: TablePlan) -> list[float]:
    """The planned widths; when every cell fits on one line (:attr:`TablePlan.one_line`), each
    grows by up to ``ONE_LINE_SLACK`` (within the text width), the estimate's margin of error,
    so that a cell estimated to fit is not wrapped by TeX."""
    if not plan.one_line:
        # the value columns get the estimate's margin too (Latin Modern's "<" is 0.78 em, wider
        # than the estimate's average: "<0.001" with its mark overran its column by 1.8 pt),
        # taken from the label column, whose text wraps
        extra = [w * (NO_WRAP_SLACK - 1.0) for w in plan.widths_pt[1:]]
        if plan.widths_pt[0] - sum(extra) < plan.widths_pt[0] * 0.8:
            return plan.widths_pt
        return [plan.widths_pt[0] - sum(extra)] + [w + e for w, e in zip(plan.widths_pt[1:], extra)]
    factor = min(ONE_LINE_SLACK, plan.text_width_pt / sum(plan.widths_pt))
    return [w * factor for w in plan.widths_pt]


def _caption(table: Table) -> list[str]:
    """``\\thetable`` set from a numbered title, then ``\\caption`` with the rest of it."""
    label, rest = split_title(table.title)
    match = _NUMBER_RE.fullmatch(label) if label else None
    if match is None:
        return [rf"\caption{{{escape(table.title)}}}\label{{{table.label}}}\\"]
    number = escape(match.group(1))
    return [
        rf"\renewcommand{{\thetable}}{{{number}}}",
        rf"\caption{{{escape(rest)}}}\label{{{table.label}}}\\",
    ]


def to_latex(table: Table) -> str:
    """Render ``table`` as a ``longtable`` with one caption, ``\\label``, booktabs rules (the
    header and its rules repeat on each page), then its footnotes in ``\\footnotesize``.

    The table sits in a group (``\\begingroup ... \\endgroup``) that sets the font size chosen
    by the layout plan, switches hyphenation off and, for a numbered title, ``\\thetable``;
    wide tables are wrapped in ``landscape``. Ends with a newline.
    """
    plan = plan_table(table, LATEX_PRESET)
    table = plan.table  # its header possibly abbreviated (render.layout.abbreviate_header)
    widths = _one_line_widths(plan)
    header = " & ".join(_cell(c, False) for c in table.columns) + r" \\"
    head = _caption(table)
    lines = [r"\begin{landscape}"] if plan.landscape else []
    lines += [
        r"\begingroup",
        _SIZE_COMMAND.get(plan.body_pt, r"\small") + r"\hyphenpenalty=10000\exhyphenpenalty=10000",
        *head[:-1],
        rf"\begin{{longtable}}{{@{{}}{_column_spec(table, widths)}@{{}}}}",
        head[-1],
        r"\toprule",
        header,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        header,
        r"\midrule",
        r"\endhead",
        *(_row_line(row, table.width) for row in table.rows),
        r"\bottomrule",
        r"\end{longtable}",
    ]
    if table.footnotes:
        lines.append(r"\par\footnotesize\raggedright")
        lines += [_footnote(note) for note in table.footnotes]
    lines.append(r"\endgroup")
    if plan.landscape:
        lines.append(r"\end{landscape}")
    return "\n".join(lines) + "\n"


def standalone_document(tables: list[Table | str]) -> str:
    """A compilable pdfLaTeX article (see ``PREAMBLE``) containing ``tables`` in order, each
    starting on a new page; a table given as text is its :func:`to_latex` (a ``.tex`` file)."""
    if not tables:
        raise ValueError("standalone_document needs at least one table")
    body = "\n\\clearpage\n".join(t if isinstance(t, str) else to_latex(t) for t in tables)
    return f"{PREAMBLE}\\begin{{document}}\n\n{body}\n\\end{{document}}\n"
