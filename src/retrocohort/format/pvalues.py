"""How p-values are printed everywhere (tables, figures, report): journal style from the
study's ``statistics`` (:func:`p_value_format`), printed by :func:`printed_p` (a table cell) or
:func:`printed_p_relation` (after "p", in a sentence or a figure annotation)."""

from __future__ import annotations

from retrocohort.format.numbers import format_p


def p_value_format(stats_cfg: dict) -> dict:
    """Printing settings: ``statistics.p_value`` (``decimals``, ``threshold``) and
    ``statistics.rounding`` of a loaded study (:func:`retrocohort.config.study.load_study`
    fills their schema defaults)."""
    return {**stats_cfg["p_value"], "rule": stats_cfg["rounding"]}


def printed_p(p: float, p_format: dict) -> str:
    """``p`` as journals print it ("<0.001", else three decimals), per :func:`p_value_format`;
    a missing p prints as an em dash."""
    return format_p(p, decimals=p_format["decimals"], threshold=p_format["threshold"], rule=p_format["rule"])


def printed_p_relation(p: float, p_format: dict) -> str:
    """The printed p after "p" in running text: ``"= 0.011"``, or ``"<0.001"`` below the
    threshold (:func:`printed_p`, whose ``<`` is already the relation)."""
    text = printed_p(p, p_format)
    return text if text.startswith("<") else f"= {text}"
