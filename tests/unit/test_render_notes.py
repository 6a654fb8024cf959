"""Footnotes keep a comparison such as "p < 0.05" on one line in every typeset format."""

from __future__ import annotations

import io
import re

import docx
import pytest

from retrocohort.render import Footnote, Row, Table
from retrocohort.render.formats import TABLE_FORMATS
from retrocohort.render.layout import keep_relations

NOTE = (
    "Proportional hazards checked per term: p < 0.05 for Serum bilirubin (univariable model, "
    "p = 0.001); the adjusted model as a whole (global p ≥ 0.002, n = 312)."
)
#: A breakable space in each format's source: a plain space or a line break ("~" in LaTeX and
#: U+00A0 elsewhere do not break).
_EXPRESSIONS = {"p < 0.05": ("p", "0.05"), "p = 0.001": ("p", "0.001"), "n = 312": ("n", "312")}


def _table() -> Table:
    return Table(
        "Table 9. Notes.",
        ["Characteristic", "HR"],
        [Row(["Age (years)", "1.04"])],
        [NOTE, Footnote("a", "Wald test, p < 0.05.")],
        "tab:notes",
    )


def _note_text(name: str) -> str:
    fmt = next(f for f in TABLE_FORMATS if f.name == name)
    out = fmt.render(_table(), preset="ama")
    if isinstance(out, bytes):
        return "\n".join(p.text for p in docx.Document(io.BytesIO(out)).paragraphs)
    return out


@pytest.mark.parametrize("name", ["docx", "html", "tex", "typ"])
def test_a_comparison_in_a_footnote_never_breaks(name):
    """Failed before: "p < 0.05" in a Cox table's footnote broke as "p / < 0.05" in Word (colon,
    cgd): the spaces around the operator were ordinary spaces in every format."""
    text = _note_text(name)
    for expression, (left, right) in _EXPRESSIONS.items():
        between = re.search(
            rf"(?<!\w){left}(?!\w)(.{{1,20}}?){re.escape(right)}", text[text.index("checked") :]
        )
        assert between, (expression, text)
        assert " " not in between.group(1) and "\n" not in between.group(1), (expression, between.group(0))
    assert re.search(r"Wald test, p(.{1,20}?)0\.05", text).group(1).count(" ") == 0


def test_keep_relations_joins_only_symbol_operator_number():
    assert keep_relations("p < 0.05 and n = 12") == "p\u00a0<\u00a00.05 and n\u00a0=\u00a012"
    assert keep_relations("Age = old; x.p = 2; Treatment < 3") == "Age = old; x.p = 2; Treatment < 3"
