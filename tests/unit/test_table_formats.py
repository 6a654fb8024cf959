"""The registry of table output formats is the one home of the set of formats: the writer, the
rules' outputs (checked by parsing the workflow) and the docs all follow it."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from retrocohort.render import Row, Table, to_html, to_latex, to_markdown, to_typst
from retrocohort.render.docx import to_docx_bytes
from retrocohort.render.formats import TABLE_FORMATS, TableFormat, check_registry, format_names, output_paths
from retrocohort.tables.write import write_table_formats

ROOT = Path(__file__).resolve().parents[2]
TABLE = Table("Table 1. Demo", ["Characteristic", "n"], [Row(["Age", "21"])], ["A note."], "tab:demo")


def test_registry_names_the_formats_in_order_and_the_report_shows_html():
    assert format_names() == ["md", "tex", "html", "docx", "typ"]
    assert [f.name for f in TABLE_FORMATS if f.in_report] == ["html"]
    assert [f.name for f in TABLE_FORMATS if f.binary] == ["docx"]
    assert {f.name: f.suffix for f in TABLE_FORMATS}["typ"] == ".typ"


def test_each_format_renders_what_its_renderer_does():
    rendered = {f.name: f.render(TABLE, preset="ama") for f in TABLE_FORMATS}
    assert rendered == {
        "md": to_markdown(TABLE),
        "tex": to_latex(TABLE),
        "html": to_html(TABLE),
        "docx": to_docx_bytes([TABLE], preset="ama"),
        "typ": to_typst(TABLE),
    }


def test_write_table_formats_writes_every_registered_format(tmp_path):
    paths = {f"t1_{name}": tmp_path / f"t1.{name}" for name in format_names()}
    write_table_formats(TABLE, paths, preset="ama", prefix="t1_")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"t1.{n}" for n in format_names())
    assert (tmp_path / "t1.typ").read_text(encoding="utf-8") == to_typst(TABLE)
    assert (tmp_path / "t1.docx").read_bytes() == to_docx_bytes([TABLE], preset="ama")


def test_a_missing_format_path_is_a_clear_error_before_anything_is_written(tmp_path):
    paths = {name: tmp_path / f"t.{name}" for name in format_names() if name != "typ"}
    with pytest.raises(
        ValueError, match=r"no output path for table format\(s\) \['typ'\].*md, tex, html, docx, typ"
    ):
        write_table_formats(TABLE, paths, preset="ama")
    assert list(tmp_path.iterdir()) == []


def test_output_paths_reads_the_keys_of_a_snakemake_style_output():
    class Output(list):  # a Snakemake output: a list of paths with named keys
        def __init__(self, named):
            super().__init__(named.values())
            self._named = named

        def keys(self):
            return self._named.keys()

        def __getitem__(self, key):
            return self._named[key] if isinstance(key, str) else list.__getitem__(self, key)

    named = {name: f"results/tables/x.{name}" for name in format_names()}
    assert output_paths(Output(named)) == named


@pytest.mark.parametrize(
    ("formats", "message"),
    [
        (
            (TableFormat("md", "Markdown", "m:f"), TableFormat("md", "Other", "m:g")),
            "registered more than once",
        ),
        ((TableFormat("Typ", "Typst", "m:f"),), "lower-case letters and digits"),
        ((TableFormat("typ", "Typst", "retrocohort.render.typst"),), "is not 'module:function'"),
        ((TableFormat("typ", "Typst", "m:f", options=("font",)),), r"unknown options \['font'\]"),
    ],
)
def test_check_registry_rejects_a_bad_registration(formats, message):
    with pytest.raises(ValueError, match=message):
        check_registry(formats)


def test_a_renderer_gets_only_the_options_it_takes():
    seen = {}
    fmt = replace(TABLE_FORMATS[0], renderer=f"{__name__}:_record")
    globals()["_record"] = lambda table, **kw: seen.update(kw) or "x"
    assert fmt.render(TABLE, preset="ama") == "x" and seen == {}
    assert replace(fmt, options=("preset",)).render(TABLE, preset="ama") == "x" and seen == {"preset": "ama"}


def test_reading_the_registry_imports_neither_pandas_nor_docx():
    code = (
        "import sys; from retrocohort.render.formats import TABLE_FORMATS; "
        "print(sorted(m for m in ('pandas', 'docx') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


# ----------------------------------------------------------------------------- the other homes

#: Lists of table files in the docs: `results/tables/<stem>.{md,tex,...}`.
_DOC_LIST = re.compile(r"tables/[^`\n]*?\.\{([a-z,]+)\}")
#: ... and in prose: "md/tex/html/docx".
_PROSE_LIST = re.compile(r"\bmd(?:/[a-z]+){2,}\b")
DOCS = ["README.md", "config/README.md", "docs", "workflow/report"]


def _doc_files() -> list[Path]:
    files = []
    for name in DOCS:
        path = ROOT / name
        files += sorted(path.rglob("*.md")) + sorted(path.rglob("*.rst")) if path.is_dir() else [path]
    return files


def test_every_list_of_table_formats_in_the_docs_names_every_registered_format():
    lists = [
        (str(path.relative_to(ROOT)), match.group(1))
        for path in _doc_files()
        for match in _DOC_LIST.finditer(path.read_text(encoding="utf-8"))
        if "md" in match.group(1).split(",")  # a table-format list, not e.g. stats/x.{csv,json}
    ]
    lists += [
        (str(path.relative_to(ROOT)), match.group(0).replace("/", ","))
        for path in _doc_files()
        for match in _PROSE_LIST.finditer(path.read_text(encoding="utf-8"))
    ]
    assert len(lists) >= 5, lists
    expected = ",".join(format_names())
    assert [(where, found) for where, found in lists if found != expected] == []


def test_no_rule_or_script_restates_the_set_of_table_formats():
    """The rules take their table outputs from `table_outputs`/`table_files` (common.smk), the
    scripts write them with write_table_formats: no other list of the four formats."""
    restated = re.compile(r"""["']md["'],\s*["']tex["']|\{md,tex""")
    found = [
        str(path.relative_to(ROOT))
        for path in [
            *sorted((ROOT / "workflow").rglob("*.smk")),
            *sorted((ROOT / "workflow/scripts").glob("*.py")),
        ]
        if restated.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
    for rule in ("groups.smk", "survival.smk", "cohort_tables.smk"):
        text = (ROOT / "workflow/rules" / rule).read_text(encoding="utf-8")
        assert not re.search(r"tables/[^\"']*\.(md|tex|docx)\"", text), rule
