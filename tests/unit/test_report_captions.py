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
from retrocohort.figures.hscore import caption_term, score_term
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
