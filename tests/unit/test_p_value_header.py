"""The p-value column header follows the journal preset (``tables.preset``): each shipped preset
states its own house style ("P value" for AMA, "p-Value" for MDPI), in every format written (a
user trial: "p-Value" was printed whatever the journal)."""

from pathlib import Path

import pytest

from retrocohort.render.formats import TABLE_FORMATS
from retrocohort.render.model import Marked, Row, Table
from retrocohort.render.presets import P_VALUE_WORD, PRESETS, house_style_headers
from retrocohort.tables.write import write_table_formats


def _table() -> Table:
    return Table(
        title="Table 2. Outcomes",
        columns=["Characteristic", "Placebo (n = 10)", Marked("p-Value", "a"), "Adjusted p-Value"],
        rows=[Row(["Age", "61 [55-70]", "0.21", "0.30"])],
        footnotes=["a Mann-Whitney U test."],
        label="tab2",
    )


def test_every_shipped_preset_states_its_header():
    assert {name: p.p_value_header for name, p in PRESETS.items()} == {"ama": "P value", "mdpi": "p-Value"}


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_headers_take_the_presets_word_and_keep_marks(preset):
    word = PRESETS[preset].p_value_header
    columns = house_style_headers(_table(), preset).columns
    assert columns[2] == Marked(word, "a") and columns[2].mark == "a"
    assert columns[3] == f"Adjusted {word}"


@pytest.mark.parametrize("fmt", [f for f in TABLE_FORMATS if not f.binary], ids=lambda f: f.name)
def test_written_files_of_an_ama_table_say_p_value_not_the_builders_word(tmp_path: Path, fmt):
    paths = {f.name: tmp_path / f"t.{f.name}" for f in TABLE_FORMATS}
    write_table_formats(_table(), paths, preset="ama")
    text = paths[fmt.name].read_text(encoding="utf-8").replace("\\-", "-")  # Typst escapes "-"
    assert "P value" in text and P_VALUE_WORD not in text
    write_table_formats(_table(), paths, preset="mdpi")
    assert P_VALUE_WORD in paths[fmt.name].read_text(encoding="utf-8").replace("\\-", "-")
