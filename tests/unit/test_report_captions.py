"""The Snakemake report's caption templates rendered as Snakemake renders them (Jinja2, then
docutils to HTML) with a shipped study's config, made caption-safe as workflow/rules/common.smk
makes it (:func:`retrocohort.render.rst.rst_escape_text`)."""

from __future__ import annotations

import html
import re
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from docutils.core import publish_parts

from retrocohort.config.study import load_study
from retrocohort.figures.score_term import caption_term, score_term
from retrocohort.render.rst import rst_escape_text

ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "workflow" / "report"


def render_caption(name: str, study_dir: Path, **params) -> str:
    """The visible text of caption ``name`` for the study in ``study_dir`` (tags removed)."""
    study = load_study(study_dir / "config" / "config.yaml", base_dir=study_dir)
    snakemake = SimpleNamespace(config=rst_escape_text(study.data), params=SimpleNamespace(**params))
    source = jinja2.Environment().from_string((REPORT / name).read_text(encoding="utf-8"))
    body = publish_parts(
        source.render(snakemake=snakemake),
        writer="html",
        settings_overrides={"report_level": 5, "halt_level": 5},
    )["body"]
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def test_the_hscore_caption_names_the_score_as_the_figure_and_tables_do():
    """Flagship: the figure's axis and the tables say "H score" (the label of its reported
    score); the caption said "HScore" (failed before: the caption's text was fixed)."""
    study = load_study(ROOT / "config" / "config.yaml", base_dir=ROOT)
    term = score_term(study.data)
    assert term == "H score"
    text = render_caption("figure_hscore.rst", ROOT, score_term=caption_term(study.data))
    assert "H score of the analysed cohort." in text
    assert "HScore" not in text


@pytest.mark.parametrize("label", ["H*score* `x <javascript:alert(1)>`_", ".. raw:: html"])
def test_the_caption_term_is_inert_rst(label):
    """The term comes from a study's label: it reaches the caption escaped, as every label does."""
    config = {"selection": {"score": "s"}, "variables": {"s": {"label": label}}}
    source = jinja2.Environment().from_string("**{{ snakemake.params.score_term }} of the cohort.**")
    rst = source.render(snakemake=SimpleNamespace(params=SimpleNamespace(score_term=caption_term(config))))
    body = publish_parts(rst, writer="html", settings_overrides={"report_level": 5})["body"]
    assert "<a " not in body and "<em>" not in body
    assert html.unescape(re.sub(r"<[^>]+>", "", body)).strip() == f"{label} of the cohort."


def _html(source: str) -> str:
    return publish_parts(source, writer="html", settings_overrides={"report_level": 5, "halt_level": 5})[
        "body"
    ]


def test_the_synthetic_notes_command_renders_as_code_on_the_landing_page():
    """Flagship: the note's `retrocohort simulate ...` printed with its Markdown backticks
    (failed before: "\\`retrocohort simulate \\-\\-recipe ...\\`" escaped as text); now an inline
    literal, the command's characters as typed (``--`` not an en dash), the rest plain text."""
    study = load_study(ROOT / "config" / "config.yaml", base_dir=ROOT)
    note = study.data["study"]["synthetic_note"]
    command = re.search(r"`([^`]+)`", note).group(1)
    body = _html(rst_escape_text(study.data)["study"]["synthetic_note"])
    assert "`" not in html.unescape(re.sub(r"<[^>]+>", "", body))
    literal = re.search(r'<tt class="docutils literal">(.*?)</tt>', body).group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", literal)) == command
    assert html.unescape(re.sub(r"<[^>]+>", "", body)).strip() == " ".join(note.replace("`", "").split())


@pytest.mark.parametrize(
    ("note", "text", "code"),
    [
        ("run `a --b` now", "run a --b now", ["a --b"]),
        ("`x`.", "x.", ["x"]),
        ("see`*a*`and", "see*a*and", ["*a*"]),
        ("`x <javascript:alert(1)>`_ here", "x <javascript:alert(1)>_ here", ["x <javascript:alert(1)>"]),
        (".. raw:: html `<b>`", ".. raw:: html <b>", ["<b>"]),
        ("space ` x ` kept", "space ` x ` kept", []),
        ("jinja `{{ x }}` kept", "jinja `{{ x }}` kept", []),
    ],
)
def test_a_note_sets_code_spans_as_literals_and_keeps_everything_else_inert(note, text, code):
    from retrocohort.render.rst import rst_note

    body = _html(rst_note(note))
    assert "<a " not in body and "<b>" not in body and "<em>" not in body and "<div" not in body
    assert body.count("<p>") == 1
    assert html.unescape(re.sub(r"<[^>]+>", "", body)).strip() == text
    literals = re.findall(r'<tt class="docutils literal">(.*?)</tt>', body)
    assert [html.unescape(re.sub(r"<[^>]+>", "", lit)) for lit in literals] == code


def test_labels_keep_their_backticks_as_text():
    """Only notes get code spans: a label with backticks stays escaped text (no <tt>)."""
    out = rst_escape_text({"variables": {"x": {"label": "a `b` c"}}, "study": {"synthetic_note": "`b`"}})
    assert "<tt" not in _html(out["variables"]["x"]["label"])
    assert "<tt" in _html(out["study"]["synthetic_note"])
