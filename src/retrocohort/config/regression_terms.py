"""Load-time checks of the model-term keys of a regression table: ``strata`` (Cox) and
``interactions`` (the multivariable model). Each problem names its key path
(``tables/<id>/strata``, ``tables/<id>/interactions/<i>``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from retrocohort.errors import Problem


def regression_term_variables(where: str, spec: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    """(key path, variable) of the strata variable and of every variable of an interaction, for
    the unknown-variable check."""
    if "strata" in spec:
        yield f"{where}/strata", spec["strata"]
    for i, pair in enumerate(spec.get("interactions") or []):
        for j, name in enumerate(pair):
            yield f"{where}/interactions/{i}/{j}", name


def regression_term_problems(
    tid: str, spec: Mapping[str, Any], config: Mapping[str, Any], file: str
) -> list[Problem]:
    """A strata variable that is also a predictor, the time or the event, or a number; an
    interaction that is not two distinct variables of the multivariable model.

    Parameters
    ----------
    tid : str
        The table's id.
    spec : mapping
        Its config entry.
    config : mapping
        The study config (variables' kinds).
    file : str
        The config file, named in each problem.

    Returns
    -------
    list of Problem
        One per mistake, naming its key.
    """
    if spec.get("kind") != "regression":
        return []
    where = f"tables/{tid}"
    problems = []
    in_models = [*(spec.get("predictors") or []), *(spec.get("multivariable") or [])]
    strata = spec.get("strata")
    if strata is not None:
        kind = ((config.get("variables") or {}).get(strata) or {}).get("kind")
        if strata in in_models or strata in (spec.get("time"), spec.get("event")):
            problems.append(
                Problem(
                    "the strata variable is also in the model (a predictor, the time or the event)",
                    file=file,
                    column=f"{where}/strata",
                    value=strata,
                    expected="a variable that is not a predictor: strata get a baseline hazard each, no hazard ratio",
                )
            )
        elif kind in ("continuous", "count", "text"):
            problems.append(
                Problem(
                    f"a {kind} variable cannot define strata",
                    file=file,
                    column=f"{where}/strata",
                    value=strata,
                    expected="a binary or categorical variable (derive groups from a number first)",
                )
            )
    multi = list(spec.get("multivariable") or [])
    for i, pair in enumerate(spec.get("interactions") or []):
        if len(set(pair)) != 2 or not set(pair) <= set(multi):
            problems.append(
                Problem(
                    "an interaction needs two distinct variables of the multivariable model",
                    file=file,
                    column=f"{where}/interactions/{i}",
                    value=list(pair),
                    expected=f"two of multivariable: {multi}"
                    if multi
                    else "a `multivariable:` model with both variables",
                )
            )
    return problems
