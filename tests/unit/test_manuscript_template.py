"""Manuscript templates: placeholder parsing, substitution, comments."""

import pytest

from retrocohort.errors import ConfigError
from retrocohort.manuscript.docx_text import markdown_blocks
from retrocohort.manuscript.template import parse_placeholders, strip_comments, substitute


def test_placeholders_with_line_column_and_decimals():
    text = "Among {{ cohort.n }} patients\nage {{table1.age.median:0}} years"
    found = parse_placeholders(text, "results.md")
    assert [(p.key, p.decimals, p.line, p.column) for p in found] == [
        ("cohort.n", None, 1, 7),
        ("table1.age.median", 0, 2, 5),
    ]
    assert [p.token for p in found] == ["cohort.n", "table1.age.median:0"]
    assert substitute(text, found, ["21", "45"]) == "Among 21 patients\nage 45 years"


def test_placeholder_inside_a_comment_is_not_resolved():
    text = "a <!-- {{ not.a.key }} and {{ broken -->\n{{ cohort.n }}"
    found = parse_placeholders(text, "t.md")
    assert [(p.key, p.line) for p in found] == [("cohort.n", 2)]


@pytest.mark.parametrize("bad", ["{{ Cohort N }}", "{{ cohort.n", "value }} here", "{{ cohort.n:x }}"])
def test_malformed_placeholder_names_file_and_line(bad):
    with pytest.raises(ConfigError) as err:
        parse_placeholders(f"first line\nsecond {bad}", "config/manuscript/results.md")
    problem = err.value.problems[0]
    assert (problem.file, problem.row) == ("config/manuscript/results.md", 2)
    assert "{{ dotted.key }}" in problem.expected


def test_comments_dropped_for_word_without_leaving_a_gap():
    text = "There were three children. <!-- not regenerated: why -->\nNext\n\n<!-- x -->\n\nPara"
    assert strip_comments(text) == "There were three children.\nNext\n\n\nPara"
    assert markdown_blocks("# Title\n\nline one\nline two <!-- c -->\n\n## Sub\ntext") == [
        (1, "Title"),
        (0, "line one line two"),
        (2, "Sub"),
        (0, "text"),
    ]


def test_not_regenerated_sentences_are_visible_in_word():
    """A template's "<!-- not regenerated: why -->" was dropped from the .docx (failed before:
    no comment, no list); now the sentence before it carries a Word comment with the reason and
    the reasons are listed after the text. The point of "1.5" ends no sentence; output is
    byte-identical across runs."""
    import io

    import docx

    from retrocohort.manuscript.docx_text import NOT_REGENERATED_HEADING, text_docx_bytes

    text = (
        "# Results\n\nFever resolved within 1.5 days (p = 0.011). There were three children. "
        "<!-- not regenerated: no age-group variable -->\nThe CRP fell.\n\nLast. <!-- other comment -->"
    )
    data = text_docx_bytes(text, "Results", "ama")
    assert data == text_docx_bytes(text, "Results", "ama")
    document = docx.Document(io.BytesIO(data))
    assert [c.text for c in document.comments] == ["Not regenerated: no age-group variable"]
    body = document.element.body.xml
    anchored = body.split("commentRangeStart")[1].split("commentRangeEnd")[0]
    assert "There were three children." in anchored and "1.5" not in anchored and "CRP" not in anchored
    texts = [p.text for p in document.paragraphs]
    assert texts[1] == "Fever resolved within 1.5 days (p = 0.011). There were three children. The CRP fell."
    assert texts[texts.index(NOT_REGENERATED_HEADING) + 2] == "1. No age-group variable."
    assert "other comment" not in " ".join(texts)
