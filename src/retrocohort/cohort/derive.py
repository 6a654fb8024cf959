"""Derived patient-level variables declared in the config (``derived:``), vectorised.

Operations: ``any_of`` / ``all_of`` (Kleene logic: unknown stays unknown unless decided),
``count_of`` (number of true flags; missing when all are missing), ``not``, comparisons with
values (``equals``, ``in``, ``less_than``, ``greater_than``, ``at_least``, ``at_most``,
``between``: see :func:`compare`) and of two columns (``equals_column``, see
:func:`equals_column`), composite endpoints (``earliest_of``, its ``event_of`` and ``cause_of``: which event came
first) and landmark outcomes
(``event_before``, see :mod:`retrocohort.cohort.composite`), treatment-line summaries for an
agent: ``treatment_line_of`` (first line containing it),
``first_line`` (that line is 1), ``monotherapy`` (the agent is alone in that line), and
``first_of`` (a category from yes/no flags, see :func:`first_of`), ``points`` (a
points-based clinical score declared as bands, see :func:`points_score`), and endpoints of the
long events table (``time_to_event``, ``event_count``, ``first_event_day``: see
:mod:`retrocohort.cohort.event_endpoints`).
"""

from __future__ import annotations

import pandas as pd

from retrocohort.cohort.composite import cause_of, earliest_of, event_before
from retrocohort.cohort.derive_arithmetic import (
    QuantileDefinition,
    division_note,
    evaluate_expression,
    quantile_groups,
    quantile_note,
)
from retrocohort.cohort.event_endpoints import event_endpoint
from retrocohort.config.derived_spec import (
    COMPARISON_OPS,
    EVENT_OPS,
    FLAG_OPS,
    derived_operation,
    earliest_of_pairs,
    first_of_rules,
)
from retrocohort.config.values import printed
from retrocohort.errors import ConfigError, Problem
from retrocohort.ingest.events import empty_events


def _agent_lines(treatments: pd.DataFrame, agent: str) -> tuple[pd.Series, pd.Series]:
    """Per patient: the first line containing ``agent`` and the number of agents in it."""
    hit = treatments[treatments["agent"] == agent]
    first = hit.groupby("patient_id", sort=True)["line"].min()
    size = treatments.groupby(["patient_id", "line"], sort=True).size()
    alone = size.reindex(list(zip(first.index, first.values))).to_numpy() == 1
    return first, pd.Series(alone, index=first.index)


def first_of(flags: pd.DataFrame, rules: list[tuple[list[str], str]]) -> pd.Series:
    """Category of each row: the value of the FIRST rule whose flags are true (any of them).

    Precedence is the rule order, so a row matching several rules (e.g. Still's disease with an
    infection) takes the first one's value. Missing (``pd.NA``) when no rule is true and
    either all flags are known (the row is in none of the categories) or an unknown flag could
    still make a rule true (Kleene logic: never guess a category).
    """
    out = pd.Series(pd.NA, index=flags.index, dtype="string")
    open_rows = pd.Series(True, index=flags.index)  # no rule decided yet
    for names, value in rules:
        block = flags[names].astype("boolean")
        hit = block.fillna(False).any(axis=1)
        unknown = ~hit & block.isna().any(axis=1)
        out[open_rows & hit] = value
        open_rows &= ~hit & ~unknown
    return out


def _printed(values: pd.Series) -> pd.Series:
    """Each value as the config writes it (:func:`retrocohort.config.values.printed`: ``True``,
    whole numbers without ``.0``); missing stays missing."""
    out = pd.Series(pd.NA, index=values.index, dtype="string")
    known = values.notna()
    out[known] = [printed(v.item() if hasattr(v, "item") else v) for v in values[known]]
    return out


def compare(values: pd.Series, op: str, arg: dict) -> pd.Series:
    """A yes/no variable from one variable and the config's values.

    ``equals`` / ``in``: the value, as printed (``True``, ``1``, a category), is the given value
    / one of the given ``values``. ``less_than`` (<), ``greater_than`` (>), ``at_least`` (>=),
    ``at_most`` (<=) ``value``; ``between``: ``low`` <= value <= ``high`` (both inclusive).

    A missing value gives a missing result (R's ``==``, ``<``, ``>=``; for ``in`` also missing,
    unlike R's ``%in%``, which returns FALSE for NA: an unknown value is not known to be
    outside the list).

    Parameters
    ----------
    values : pandas.Series
        The variable, one value per patient.
    op : str
        ``equals``, ``in``, ``less_than``, ``greater_than``, ``at_least``, ``at_most`` or
        ``between``.
    arg : dict
        The operation's config entry (``value``; ``values``; ``low`` and ``high``).

    Returns
    -------
    pandas.Series
        ``boolean``, ``pd.NA`` where the variable is missing.

    References
    ----------
    R Core Team. *R Language Definition*, "Comparison" (``?Comparison``: NA operands give NA).
    """
    if op in ("equals", "in"):
        text = _printed(values)
        wanted = [printed(v) for v in (arg["values"] if op == "in" else [arg["value"]])]
        return text.isin(wanted).astype("boolean").mask(text.isna())
    number = values.astype("Float64")
    if op == "between":
        return ((number >= arg["low"]) & (number <= arg["high"])).astype("boolean")
    value = arg["value"]
    result = {
        "less_than": number < value,
        "greater_than": number > value,
        "at_least": number >= value,
        "at_most": number <= value,
    }[op]
    return result.astype("boolean")


def equals_column(a: pd.Series, b: pd.Series) -> pd.Series:
    """True where two columns of the same row are equal (R's ``a == b``): numbers compared as
    numbers (2 equals 2.0), other values as printed text; missing when either is missing.

    Parameters
    ----------
    a, b : pandas.Series
        The two variables, aligned on the same patients.

    Returns
    -------
    pandas.Series
        ``boolean``, ``pd.NA`` where ``a`` or ``b`` is missing.
    """
    if (
        pd.api.types.is_numeric_dtype(a)
        and pd.api.types.is_numeric_dtype(b)
        and not (pd.api.types.is_bool_dtype(a) or pd.api.types.is_bool_dtype(b))
    ):
        result = (a.astype("Float64") == b.astype("Float64")).astype("boolean")
    else:
        result = (_printed(a) == _printed(b)).astype("boolean")
    return result.mask(a.isna() | b.isna())


def _band_hits(values: pd.Series, band: dict) -> pd.Series:
    """Rows whose value falls in ``band``: ``equals`` (compared as printed text, so True, 1 and
    "yes" match their own spelling), ``min`` inclusive, ``max`` exclusive."""
    hit = pd.Series(True, index=values.index)
    if "equals" in band:
        hit &= (
            values.map(lambda v: str(v).lower() if v is not None and not pd.isna(v) else None)
            == str(band["equals"]).lower()
        )
    if "min" in band or "max" in band:
        number = pd.to_numeric(values, errors="coerce")
        if "min" in band:
            hit &= number >= band["min"]
        if "max" in band:
            hit &= number < band["max"]
    return hit.fillna(False).astype(bool)


def points_score(frame: pd.DataFrame, items: list[dict], missing_items: str = "missing") -> pd.Series:
    """A points-based clinical score: per row, the sum over ``items`` of the points of the first
    band (in declared order) the item's value falls in; 0 when it falls in none.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per patient, holding every item's variable.
    items : list of dict
        ``{variable, bands: [{min?, max?, equals?, points}]}`` (``min`` inclusive, ``max``
        exclusive, ``equals`` compared as case-insensitive text).
    missing_items : {"missing", "zero"}
        A row with an unknown item: score missing (default: never a partial score passed off as a
        total) or that item scores 0 (as some score definitions instruct).

    Returns
    -------
    pandas.Series
        Float64 scores (``pd.NA`` where missing).
    """
    total = pd.Series(0.0, index=frame.index)
    unknown = pd.Series(False, index=frame.index)
    for item in items:
        values = frame[item["variable"]]
        points = pd.Series(0.0, index=frame.index)
        decided = pd.Series(False, index=frame.index)
        for band in item["bands"]:
            hit = _band_hits(values, band) & ~decided
            points[hit] = float(band["points"])
            decided |= hit
        unknown |= values.isna()
        total += points.where(values.notna(), 0.0)
    score = total.astype("Float64")
    if missing_items == "missing":
        score[unknown] = pd.NA
    return score


def _cause_of(frame: pd.DataFrame, arg: dict, components: list[dict]) -> pd.Series:
    """The ``cause_of`` status of an ``earliest_of`` time: its components in their written order
    (the precedence of tied events), each labelled with the level ``causes`` gives its event."""
    level_of = {event: str(level) for level, event in arg["causes"].items()}
    pairs = earliest_of_pairs(components)
    times = frame[[t for t, _ in pairs]].set_axis(range(len(pairs)), axis=1)
    flags = frame[[e for _, e in pairs]].set_axis(range(len(pairs)), axis=1)
    return cause_of(times, flags, [level_of[e] for _, e in pairs], str(arg["censored"]))


def derive_variables(
    patients: pd.DataFrame,
    treatments: pd.DataFrame,
    derived: dict,
    events: pd.DataFrame | None = None,
    *,
    quantile: QuantileDefinition | None = None,
    notes: list[str] | None = None,
) -> pd.DataFrame:
    """Return ``patients`` with one new column per derived variable (in config order).

    ``events`` (the canonical events table) feeds the operations of
    :mod:`retrocohort.cohort.event_endpoints` (``time_to_event`` and its ``event_of``,
    ``event_count``, ``first_event_day``). ``quantile`` (the study's sample-quantile definition,
    ``statistics.quantile_type``) cuts ``quantile_groups``; ``notes`` receives the validation
    report's sentences of :mod:`retrocohort.cohort.derive_arithmetic` (rows divided by zero, cut
    points).
    """
    out = patients.copy()
    events = empty_events() if events is None else events
    has_lines = pd.Series(out["patient_id"].isin(treatments["patient_id"]).to_numpy(), index=out.index)
    for name, spec in derived.items():
        op = derived_operation(spec)
        arg = spec[op]
        if op in FLAG_OPS:
            flags = out[arg].astype("boolean")
            if op == "any_of":
                col = flags.any(axis=1, skipna=True).astype("boolean")
                col[~flags.fillna(False).any(axis=1) & flags.isna().any(axis=1)] = pd.NA
            elif op == "all_of":
                col = flags.all(axis=1, skipna=True).astype("boolean")
                col[flags.fillna(True).all(axis=1) & flags.isna().any(axis=1)] = pd.NA
            else:
                col = flags.fillna(False).sum(axis=1).astype("Float64")
                col[flags.isna().all(axis=1)] = pd.NA
        elif op in ("equals", "in", *COMPARISON_OPS):
            col = compare(out[arg["variable"]], op, arg)
        elif op == "equals_column":
            col = equals_column(out[arg[0]], out[arg[1]])
        elif op == "not":
            col = ~out[arg].astype("boolean")
        elif op == "event_before":
            col = event_before(out[arg["time"]], out[arg["event"]], arg["limit"])
        elif op in EVENT_OPS:
            col = event_endpoint(op, arg, out, events)[0]
        elif op == "event_of" and "time_to_event" in derived[arg]:
            col = event_endpoint("time_to_event", derived[arg]["time_to_event"], out, events)[1]
        elif op in ("earliest_of", "event_of"):
            pairs = earliest_of_pairs(arg if op == "earliest_of" else derived[arg]["earliest_of"])
            time, event = earliest_of(out[[t for t, _ in pairs]], out[[e for _, e in pairs]])
            col = time if op == "earliest_of" else event
        elif op == "cause_of":
            col = _cause_of(out, arg, derived[arg["time"]]["earliest_of"])
        elif op == "first_of":
            rules = first_of_rules(arg)
            col = first_of(out[list(dict.fromkeys(v for names, _ in rules for v in names))], rules)
        elif op == "points":
            col = points_score(out, arg, spec.get("missing_items", "missing"))
        elif op == "expression":
            col, zero = evaluate_expression(arg, out)
            if zero and notes is not None:
                notes.append(division_note(name, arg, zero))
        elif op == "quantile_groups":
            if quantile is None:
                raise ConfigError(
                    "quantile_groups needs the study's quantile definition",
                    [Problem("no quantile definition passed", column=f"derived/{name}", value=op)],
                )
            col, cuts = quantile_groups(out[arg["variable"]], int(arg["groups"]), quantile.function)
            if notes is not None:
                notes.append(quantile_note(name, arg["variable"], col, cuts, quantile.name))
        elif op in ("treatment_line_of", "first_line", "monotherapy"):
            first, alone = _agent_lines(treatments, arg["agent"])
            line = out["patient_id"].map(first).astype("Float64")
            if op == "treatment_line_of":
                col = line
            elif op == "first_line":
                col = (line == 1).astype("boolean").fillna(False)
            else:
                col = out["patient_id"].map(alone).astype("boolean").fillna(False)
            col = col.where(has_lines, pd.NA)
        else:  # pragma: no cover - the schema admits only the operations above
            raise ConfigError(
                "Unknown derived operation",
                [Problem("unknown operation", column=f"derived/{name}", value=op)],
            )
        out[name] = col
    return out
