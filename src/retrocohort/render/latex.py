"""LaTeX ``table`` + booktabs ``tabular`` (no vertical rules, no threeparttable).

Escaping choice: the ten LaTeX specials ``\\ { } % & _ # $ ~ ^`` and ``< > | [ ]``
are escaped, and the non-ASCII symbols that appear in clinical tables are mapped to
macros that work in pdfLaTeX with the :func:`standalone_document` preamble
(``[utf8]{inputenc}``, ``[T1]{fontenc}``, ``textcomp``, ``booktabs``): en/em dash
-> ``--``/``---``, ``µ`` -> ``\\textmu{}``, ``≥ ≤ ± × →`` -> math symbols, ``°`` ->
``\\textdegree{}``, no-break/em spaces -> ``~``/``\\quad{}``. Every other character
(e.g. accented letters) is kept as UTF-8, which those packages handle.
"""

from __future__ import annotations

from retrocohort.render.model import Row, Table

_ESCAPES: dict[str, str] = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "#": r"\#",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
    "[": "{[}",  # braces stop a cell's leading "[" being read as the optional argument of \\
    "]": "{]}",
    "\u2013": "--",  # en dash
    "\u2014": "---",  # em dash
    "\u2212": r"$-$",  # minus sign
    "\u00b5": r"\textmu{}",  # micro sign
    "\u03bc": r"\textmu{}",  # Greek mu
    "\u2265": r"$\geq$",
    "\u2264": r"$\leq$",
    "\u00b1": r"$\pm$",
    "\u00d7": r"$\times$",
    "\u2192": r"$\rightarrow$",
    "\u00b0": r"\textdegree{}",
    "\u00a0": "~",
    "\u2003": r"\quad{}",
    "\n": " ",
}
_TABLE = str.maketrans(_ESCAPES)
INDENT = r"\hspace{1em}"
_ALIGN_CODE = {"left": "l", "center": "c"}

PREAMBLE = r"""\documentclass[10pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{textcomp}
\usepackage{lmodern}
\usepackage{booktabs}
\usepackage[margin=2cm]{geometry}
"""


def escape(text: str) -> str:
    """Escape LaTeX specials and map clinical symbols as described in the module doc."""
    return text.translate(_TABLE)


def _cell(text: str, bold: bool) -> str:
    body = escape(text)
    return rf"\textbf{{{body}}}" if bold and body else body


def _row_line(row: Row, width: int) -> str:
    cells = [_cell(text, row.is_bold(i)) for i, text in enumerate(row.padded(width))]
    cells[0] = INDENT * row.indent + cells[0]
    return " & ".join(cells) + r" \\"


def to_latex(table: Table) -> str:
    """Render ``table`` as a ``table`` float with ``\\caption``, ``\\label`` and a booktabs tabular.

    Rules: exactly one ``\\toprule``, ``\\midrule`` (under the header) and ``\\bottomrule``.
    Indentation is ``\\hspace{1em}`` per level; footnotes follow the tabular in a
    ``\\par\\footnotesize`` block, one ``\\par`` each. Ends with a newline.
    """
    spec = "".join(_ALIGN_CODE[a] for a in table.alignments)
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{escape(table.title)}}}",
        rf"\label{{{table.label}}}",
        rf"\begin{{tabular}}{{{spec}}}",
        r"\toprule",
        " & ".join(escape(c) for c in table.columns) + r" \\",
        r"\midrule",
        *(_row_line(row, table.width) for row in table.rows),
        r"\bottomrule",
        r"\end{tabular}",
    ]
    if table.footnotes:
        lines.append(r"\par\footnotesize")
        lines += [escape(note) + r"\par" for note in table.footnotes]
    lines.append(r"\end{table}")
    return "\n".join(lines) + "\n"


def standalone_document(tables: list[Table]) -> str:
    """A compilable pdfLaTeX article (see ``PREAMBLE``) containing ``tables`` in order."""
    if not tables:
        raise ValueError("standalone_document needs at least one table")
    body = "\n".join(to_latex(t) for t in tables)
    return f"{PREAMBLE}\\begin{{document}}\n\n{body}\n\\end{{document}}\n"
