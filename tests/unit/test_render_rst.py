"""reStructuredText escaping of config text for the Snakemake report captions."""

from __future__ import annotations

import pytest
from docutils.core import publish_parts
from hypothesis import given
from hypothesis import strategies as st

from retrocohort.render.rst import rst_escape, rst_escape_tree

ATTACKS = [
    "`x <javascript:alert(1)>`_",
    ".. raw:: html\n\n   <img src=x onerror=alert(1)>",
    "Label\n\n.. raw:: html\n\n   <img src=x onerror=alert(1)>",
    "see javascript:alert(1) and http://example.org",
    ":raw-html:`<b>bold</b>`",
    "|sub| and [1]_ and *emph* and **strong** and ``code`` and _`target`",
    "- item\n- item",
    "Title\n=====",
    "text::\n\n    literal",
    "{{ snakemake.config }} {% if x %}",
]


def _html(source: str) -> str:
    """The HTML body docutils makes of ``source`` (as Snakemake does for a caption)."""
    return publish_parts(source, writer="html", settings_overrides={"report_level": 5, "halt_level": 5})[
        "body"
    ]


def _text(html: str) -> str:
    import html as html_module
    import re

    return html_module.unescape(re.sub(r"<[^>]+>", "", html)).strip()


@pytest.mark.parametrize("label", ATTACKS)
def test_markup_in_a_label_prints_literally(label):
    html = _html(rst_escape(label))
    assert "<a " not in html and "<img" not in html and "<b>" not in html
    assert "<em>" not in html and "<strong>" not in html and "<ul" not in html and "<pre" not in html
    assert "<h1" not in html and "<tt" not in html and "<code" not in html
    assert html.count("<p>") == 1  # one paragraph: no block structure from the label
    assert _text(html) == " ".join(label.split())


def test_unescaped_attacks_do_inject_markup():
    """The attacks above are real: without escaping docutils makes links and raw HTML."""
    assert '<a class="reference external" href="javascript:alert(1)">' in _html(ATTACKS[0])
    assert "<img src=x onerror=alert(1)>" in _html(ATTACKS[1])


def test_plain_text_and_unicode_are_kept():
    assert rst_escape("Ferritin µg/L ≥ 1000 IL-1β") == "Ferritin µg\\/L ≥ 1000 IL\\-1β"
    assert rst_escape("a\tb\r\nc") == "a b c"
    with pytest.raises(TypeError, match="expects a string"):
        rst_escape(3)  # type: ignore[arg-type]


def test_escape_tree_escapes_string_values_only():
    tree = {"study": {"id": "x_y", "n": 3, "flags": [True, None, "*a*"]}, "t": ("`b`",)}
    assert rst_escape_tree(tree) == {
        "study": {"id": "x\\_y", "n": 3, "flags": [True, None, "\\*a\\*"]},
        "t": ("\\`b\\`",),
    }


@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1))
def test_any_ascii_label_round_trips_as_text(label):
    html = _html(rst_escape(label))
    expected = " ".join(label.split())
    if expected:
        assert _text(html) == expected
        assert "<a " not in html


def test_only_free_text_is_escaped_so_templates_still_compare_settings():
    from retrocohort.render.rst import rst_escape_text

    config = {
        "statistics": {"rounding": "half_up", "multiplicity": "fdr_bh"},
        "tables": {"table1": {"title": "Table 1 `x <javascript:alert(1)>`_", "footnotes": ["a*b*"]}},
        "groups": [{"id": "g_1", "groups": {"a": ".. raw:: html"}}],
    }
    out = rst_escape_text(config)
    assert out["statistics"] == {"rounding": "half_up", "multiplicity": "fdr_bh"}
    assert out["tables"]["table1"]["title"] == rst_escape("Table 1 `x <javascript:alert(1)>`_")
    assert out["tables"]["table1"]["footnotes"] == [rst_escape("a*b*")]
    assert out["groups"][0]["groups"]["a"] == rst_escape(".. raw:: html")
    assert out["groups"][0]["id"] == rst_escape("g_1")
