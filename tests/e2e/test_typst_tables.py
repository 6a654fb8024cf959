"""The flagship's Typst tables compiled by ``typst compile`` (each ``results/tables/*.typ``
alone): every word of the table's cells, as the Markdown table prints them, is in the PDF, and
the title is printed once.

Typst and pdftotext are required where ``RETROCOHORT_REQUIRE_TYPST=1``; elsewhere a missing
tool skips with its reason (fixture ``typst_text``).
"""

from __future__ import annotations

import re

import pytest

from retrocohort.render.formats import format_names

pytestmark = pytest.mark.e2e

TABLE_STEMS = ("table1", "table2", "table3", "groups", "survival")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]{2,}", text))


def test_every_flagship_table_is_written_in_every_registered_format(flagship):
    tables = flagship / "results/tables"
    for stem in TABLE_STEMS:
        written = {p.suffix for p in tables.glob(f"{stem}.*")}
        assert {f".{name}" for name in format_names()} <= written, (stem, written)


@pytest.mark.parametrize("stem", TABLE_STEMS)
def test_each_flagship_typst_table_compiles_with_every_word_of_its_cells(
    flagship, typst_text, tmp_path, stem
):
    source = (flagship / f"results/tables/{stem}.typ").read_text(encoding="utf-8")
    text = typst_text(source, tmp_path, stem)
    markdown = (flagship / f"results/tables/{stem}.md").read_text(encoding="utf-8")
    heading, *rest = markdown.splitlines()
    cells = " ".join(line for line in rest if line.startswith("|") and ":---" not in line)
    cells = re.sub(r"<sup>.*?</sup>|&emsp;|\\", " ", cells)
    # a word of a cell is in the PDF (its mark may follow it there: "0.026a")
    assert sorted(word for word in _words(cells) if word not in text) == []
    title = " ".join(heading.lstrip("# ").replace("\\", "").split())
    assert " ".join(text.split()).count(title) == 1, (title, text[:500])
