"""The HScore diagnostic cut-off: one rule, one operator table.

Fardet et al. (Arthritis Rheumatol 2014;66:2613-20) give 169 as the best cut-off of the HScore
for reactive haemophagocytic syndrome (sensitivity 93 %, specificity 86 %); studies print it
as "HScore > 169" or ">= 169". The rule is the study's ``hscore.cutoff`` and ``hscore.operator``
(:func:`study_cutoff`), and every use reads it from here:

* scoring (``cutoff_status`` of :func:`retrocohort.hscore.score.score_hscore`),
* cohort selection: a criterion with ``operator: hscore_cutoff`` (no ``value``) is the study's
  rule applied to the criterion's column (:func:`resolve_cutoff_criteria`), so the cut-off is
  not restated in the selection criteria,
* the HScore distribution figure (:func:`retrocohort.figures.hscore.hscore_distribution`),
* the ``retrocohort hscore`` command.

The comparisons themselves are the selection's table
(:data:`retrocohort.cohort.selection.COMPARISONS`), so "``>``" means one thing everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, cast

from retrocohort.errors import ConfigError, Problem

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import ArrayLike

CutoffOperator = Literal[">", ">="]

#: Accepted cut-off operators and how figures print them.
CUTOFF_OPERATORS: Mapping[str, str] = {">": ">", ">=": "≥"}

#: Fardet et al. 2014's cut-off, used when the study states none.
FARDET_CUTOFF: float = 169

#: Operator used when the study states none ("HScore > 169").
DEFAULT_OPERATOR: CutoffOperator = ">"

#: Selection-criterion operator meaning "meets the study's HScore cut-off".
CUTOFF_CRITERION = "hscore_cutoff"


def check_operator(operator: Any, where: str = "hscore.operator") -> CutoffOperator:
    """``operator`` if it is a cut-off operator, else a :class:`ConfigError` naming ``where``."""
    if operator not in CUTOFF_OPERATORS:
        raise ConfigError(
            "Invalid HScore cut-off rule",
            [
                Problem(
                    f"{where}: unsupported operator",
                    value=operator,
                    expected=" or ".join(repr(o) for o in CUTOFF_OPERATORS),
                )
            ],
        )
    return cast(CutoffOperator, operator)


def meets_cutoff(scores: ArrayLike, cutoff: float, operator: str) -> np.ndarray:
    """Boolean array: each score ``operator cutoff`` (missing scores never meet it).

    Parameters
    ----------
    scores
        HScores (NaN = missing).
    cutoff
        The cut-off, e.g. 169 (Fardet et al. 2014).
    operator
        ``">"`` or ``">="`` (:data:`CUTOFF_OPERATORS`); anything else is a :class:`ConfigError`.
    """
    import numpy as np  # here, not at the top: the CLI builds its parser from this module's

    from retrocohort.cohort.selection import COMPARISONS  # table without importing numpy/pandas

    values = np.asarray(scores, dtype="float64")
    return np.asarray(COMPARISONS[check_operator(operator)](values, cutoff), dtype=bool)


def cutoff_rule(cutoff: float, operator: str, column: str = "hscore") -> str:
    """The rule as text, e.g. ``"hscore > 169"`` (the ``cutoff_rule`` of scored tables)."""
    return f"{column} {check_operator(operator)} {cutoff:g}"


def cutoff_label(cutoff: float, operator: str) -> str:
    """The rule as figures print it, e.g. ``"> 169"`` or ``"≥ 169"``."""
    return f"{CUTOFF_OPERATORS[check_operator(operator)]} {cutoff:g}"


def study_cutoff(
    hscore_settings: Mapping[str, Any] | None = None,
    *,
    cutoff: float | None = None,
    operator: str | None = None,
) -> tuple[float, CutoffOperator]:
    """(cut-off, operator): given explicitly, else the study's ``hscore.cutoff`` /
    ``hscore.operator``, else :data:`FARDET_CUTOFF` and :data:`DEFAULT_OPERATOR`."""
    settings = hscore_settings or {}
    value = cutoff if cutoff is not None else settings.get("cutoff", FARDET_CUTOFF)
    rule = operator if operator is not None else settings.get("operator", DEFAULT_OPERATOR)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(
            "Invalid HScore cut-off rule",
            [Problem("hscore.cutoff: not a number", value=value, expected="a number, e.g. 169")],
        )
    return float(value), check_operator(rule)


def resolve_cutoff_criteria(
    criteria: Sequence[Mapping[str, Any]], cutoff: float, operator: str
) -> list[dict[str, Any]]:
    """Selection criteria with every ``operator: hscore_cutoff`` criterion made the study's rule.

    Such a criterion names the score column and takes no ``value``; it becomes
    ``{operator: <operator>, value: <cutoff>}`` (label, when absent, ``"HScore > 169"``), ready
    for :func:`retrocohort.cohort.selection.apply_selection`. Other criteria are unchanged.
    """
    check_operator(operator)
    out = []
    for index, criterion in enumerate(criteria):
        if not isinstance(criterion, Mapping) or criterion.get("operator") != CUTOFF_CRITERION:
            out.append(criterion)  # type: ignore[arg-type]  # apply_selection reports malformed ones
            continue
        if criterion.get("value") is not None:
            raise ConfigError(
                "Invalid selection criteria",
                [
                    Problem(
                        f"criterion {criterion.get('id', f'#{index + 1}')!r}, field 'value': operator "
                        f"{CUTOFF_CRITERION!r} takes its value from hscore.cutoff",
                        value=criterion["value"],
                        expected="no value",
                    )
                ],
            )
        out.append(
            {
                **criterion,
                "operator": operator,
                "value": cutoff,
                "label": criterion.get("label", f"HScore {operator} {cutoff:g}"),
            }
        )
    return out
