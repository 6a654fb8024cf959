"""What ``treatment_comparisons:`` and the ``balance`` tables declare, checked when the config is
loaded (no pandas): the variables exist; the treatment has two values and ``treated`` is one of
them; no covariate is the treatment or the outcome of an analysis run on the comparison's sample;
the settings fit the method (a caliper or other matching setting only with ``method: matching``,
weights only with ``method: weighting``, stabilised weights only for the ATE); a balance table
names a declared comparison. Each problem names its config key path."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from retrocohort.config.unknown import unknown_variable_problems
from retrocohort.config.values import printed, value_domain
from retrocohort.errors import Problem

#: Keys of a table entry (or of its analyses) that name its outcome.
OUTCOME_KEYS = ("outcome", "event", "time", "status")


def comparisons(config: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(key path, name, entry) of every well-formed entry of ``treatment_comparisons:``."""
    for name, spec in (config.get("treatment_comparisons") or {}).items():
        if isinstance(spec, Mapping):
            yield f"treatment_comparisons/{name}", name, spec


def _outcomes_on_sample(config: Mapping[str, Any], name: str) -> Iterator[tuple[str, str]]:
    """(key path, variable) of the outcomes of the tables analysed on the sample ``name``
    (``sample: <name>``)."""
    for tid, spec in (config.get("tables") or {}).items():
        if not isinstance(spec, Mapping) or spec.get("sample") != name:
            continue
        entries = [(f"tables/{tid}", spec)]
        entries += [
            (f"tables/{tid}/analyses/{i}", a)
            for i, a in enumerate(spec.get("analyses") or [])
            if isinstance(a, Mapping)
        ]
        for where, entry in entries:
            for key in OUTCOME_KEYS:
                if isinstance(entry.get(key), str):
                    yield f"{where}/{key}", entry[key]


def _method_problems(where: str, spec: Mapping[str, Any], file: str) -> list[Problem]:
    method = spec.get("method")
    problems = []
    other = {"matching": "weighting", "weighting": "matching"}.get(method)
    if other and other in spec:
        wrong = spec[other] or {}
        key = "caliper" if "caliper" in wrong else next(iter(wrong), "")
        what = {"caliper": "a caliper"}.get(key, f"{other} settings")
        problems.append(
            Problem(
                f"{what} without {other}: this comparison's method is {method}",
                file=file,
                column=f"{where}/{other}" + (f"/{key}" if key else ""),
                value=wrong.get(key, wrong) if key else wrong,
                expected=f"method: {other}, or no `{other}:` key",
            )
        )
    weighting = spec.get("weighting") or {}
    if method == "weighting" and weighting.get("stabilised") and weighting.get("estimand") == "ATT":
        problems.append(
            Problem(
                "stabilised weights are defined for the ATE only (ATT weights are 1 for the treated)",
                file=file,
                column=f"{where}/weighting/stabilised",
                value=True,
                expected="estimand: ATE, or stabilised: false",
            )
        )
    return problems


def _variable_problems(
    where: str, name: str, spec: Mapping[str, Any], config: Mapping[str, Any], file: str
) -> list[Problem]:
    problems = []
    treatment = spec.get("treatment")
    roles = [(f"{where}/covariates/{i}", v) for i, v in enumerate(spec.get("covariates") or [])]
    roles += [
        (f"{where}/matching/exact/{i}", v)
        for i, v in enumerate((spec.get("matching") or {}).get("exact") or [])
    ]
    problems += [
        Problem(
            "the treatment cannot also be a covariate",
            file=file,
            column=path,
            value=v,
            expected="a baseline variable other than the treatment",
        )
        for path, v in roles
        if v == treatment
    ]
    places: dict[str, list[str]] = {}  # outcome -> where it is analysed on the sample
    for place, outcome in _outcomes_on_sample(config, name):
        places.setdefault(outcome, []).append(place)
    problems += [
        Problem(
            f"an outcome analysed on this comparison's sample ({', '.join(places[v])}) cannot be a covariate",
            file=file,
            column=path,
            value=v,
            expected="a baseline variable, measured before treatment",
        )
        for path, v in roles
        if v in places
    ]
    domain = value_domain(config, treatment) if isinstance(treatment, str) else None
    if domain is not None and len(domain) != 2:
        problems.append(
            Problem(
                "the treatment must have two values (treated, untreated)",
                file=file,
                column=f"{where}/treatment",
                value=treatment,
                expected=f"a yes/no variable or a categorical one with two levels, not {list(domain)}",
            )
        )
    elif domain is not None and printed(spec.get("treated")) not in domain:
        problems.append(
            Problem(
                f"not a value of the treatment {treatment!r}",
                file=file,
                column=f"{where}/treated",
                value=spec.get("treated"),
                expected=f"one of {list(domain)}",
            )
        )
    return problems


def _spline_problems(
    where: str, spec: Mapping[str, Any], config: Mapping[str, Any], file: str
) -> list[Problem]:
    """``splines:`` naming a variable that is not a covariate of the score, or not a number (a
    category or yes/no has no curve to fit)."""
    problems = []
    covariates = list(spec.get("covariates") or [])
    for name in spec.get("splines") or {}:
        kind = ((config.get("variables") or {}).get(name) or {}).get("kind")
        if name not in covariates:
            problems.append(
                Problem(
                    "a spline of a variable that is not a covariate of the score",
                    file=file,
                    column=f"{where}/splines/{name}",
                    value=name,
                    expected=f"one of the covariates {covariates}",
                )
            )
        elif kind not in (None, "continuous", "count"):
            problems.append(
                Problem(
                    f"a spline of a {kind} variable",
                    file=file,
                    column=f"{where}/splines/{name}",
                    value=name,
                    expected="a number (kind: continuous or count); a category enters as indicators",
                )
            )
    return problems


def treatment_comparison_problems(config: Mapping[str, Any], known: set[str], file: str) -> list[Problem]:
    """Every problem of ``treatment_comparisons:`` and of the ``balance`` tables, each located
    by its key path."""
    references = []
    problems: list[Problem] = []
    for where, name, spec in comparisons(config):
        if isinstance(spec.get("treatment"), str):
            references.append((f"{where}/treatment", spec["treatment"]))
        references += [(f"{where}/covariates/{i}", v) for i, v in enumerate(spec.get("covariates") or [])]
        references += [
            (f"{where}/matching/exact/{i}", v)
            for i, v in enumerate((spec.get("matching") or {}).get("exact") or [])
        ]
        problems += _method_problems(where, spec, file)
        problems += _variable_problems(where, name, spec, config, file)
        problems += _spline_problems(where, spec, config, file)
    problems = unknown_variable_problems(references, known, file) + problems
    declared = set(config.get("treatment_comparisons") or {})
    for tid, spec in (config.get("tables") or {}).items():
        if (
            isinstance(spec, Mapping)
            and spec.get("kind") == "balance"
            and spec.get("comparison") not in declared
        ):
            problems.append(
                Problem(
                    "unknown treatment comparison",
                    file=file,
                    column=f"tables/{tid}/comparison",
                    value=spec.get("comparison"),
                    expected=f"a key of `treatment_comparisons:` ({', '.join(sorted(declared)) or 'none declared'})",
                )
            )
    return problems
