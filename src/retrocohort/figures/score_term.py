"""The study's own word for the HScore, for the figure and its report caption. Without
matplotlib: the Snakefile reads the caption's term when it is parsed."""

from __future__ import annotations

import re
from collections.abc import Mapping

from retrocohort.render.rst import rst_escape

#: The score's name in Fardet et al. (2014), used only when the study labels it nowhere.
METHOD_NAME = "HScore"
_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")


def score_term(config: Mapping) -> str:
    """The study's own word for the score, so that the figure says what the tables say: the
    label of the score variable the selection uses (``selection.score``, or ``hscore`` when
    it is ``recomputed``) in ``variables.<name>.label``, else in a Table 1 row of that
    variable, without a trailing qualifier in parentheses ("H score (as reported)" ->
    "H score"); ``METHOD_NAME`` when neither labels it."""
    score = config.get("selection", {}).get("score")  # filled from the schema in a study
    name = score if score and score != "recomputed" else "hscore"
    labels = [config.get("variables", {}).get(name, {}).get("label")]
    rows = config.get("tables", {}).get("table1", {}).get("rows", [])
    labels += [row.get("label") for row in rows if isinstance(row, Mapping) and row.get("variable") == name]
    label = next((text for text in labels if text), None)
    return _QUALIFIER.sub("", label) or METHOD_NAME if label else METHOD_NAME


def caption_term(config: Mapping) -> str:
    """:func:`score_term` made inert reStructuredText (:func:`retrocohort.render.rst.rst_escape`),
    for the figure's report caption (``workflow/report/figure_hscore.rst``, rule param
    ``score_term``): the caption names the score as the figure does."""
    return rst_escape(score_term(config))
