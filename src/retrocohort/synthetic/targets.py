"""Targets of a synthetic recipe: what a published summary asks for, and whether it was met.

A target is named in the recipe either by the id of a published number
(``config/published/<study>.yaml``, so every number lives in one place) or inline
(:func:`resolve_target`). Each target key gets a :class:`TargetCheck` that recomputes it from
the generated tables with the pipeline's own functions; :func:`calibration_entry` turns one
check into one entry of the calibration record (met or not, and why not).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from retrocohort.audit.checks.rounding import Rule, matches_printed, printed_match_rules
from retrocohort.audit.published import PublishedNumber
from retrocohort.errors import ConfigError, Problem
from retrocohort.synthetic.reconstruct import Outcome, Summary

#: Printed order statistics a summary target may state, in order.
SUMMARY_KEYS = ("min", "q1", "median", "q3", "max")


@dataclass(frozen=True)
class Target:
    """A published (or recipe-stated) number the synthetic data should reproduce."""

    ref: str
    where: str
    printed: str
    values: dict[str, Any]
    decimals: dict[str, int]
    n: int | None = None
    relation: str = "="
    note: str = ""


@dataclass
class TargetCheck:
    """One target key, the solver's outcome and how to recompute it from the tables."""

    target: Target
    key: str
    label: str
    outcome: Outcome
    achieved: Callable[[pd.DataFrame, pd.DataFrame], float]
    kind: str = "value"  # value | count | p


def resolve_target(
    spec: Any,
    published: dict[str, PublishedNumber],
    what: str,
    *,
    default_decimals: int = 0,
    n: int | None = None,
    note: str = "",
) -> Target:
    """A target from a published id or an inline mapping ({n, median, q1, ..., where})."""
    if isinstance(spec, str):
        if spec not in published:
            raise ConfigError(
                f"Synthetic recipe: unknown published entry for {what}",
                [Problem("no such id in the published numbers", column=what, value=spec)],
            )
        e = published[spec]
        return Target(
            spec,
            e.where,
            e.printed,
            dict(e.values),
            dict(e.decimals),
            n if n is not None else (e.n or e.denominator),
            e.relation,
            note,
        )
    if isinstance(spec, (int, float)):
        return Target("recipe", "recipe", str(spec), {"count": spec}, {"count": 0}, n, note=note)
    if not isinstance(spec, dict):
        raise ConfigError(
            "Synthetic recipe: malformed target",
            [Problem("expected a published id or a mapping", column=what, value=spec)],
        )
    values = {k: v for k, v in spec.items() if k in (*SUMMARY_KEYS, "count", "p")}
    decimals = {
        k: spec.get("decimals", {}).get(k, default_decimals)
        if isinstance(spec.get("decimals"), dict)
        else spec.get("decimals", default_decimals)
        for k in values
    }
    printed = spec.get("printed") or ", ".join(f"{k} {v}" for k, v in values.items())
    return Target(
        "recipe",
        spec.get("where", "recipe"),
        printed,
        values,
        decimals,
        spec.get("n", n),
        spec.get("relation", "="),
        note or spec.get("note", ""),
    )


def target_summary(t: Target) -> Summary:
    """The printed order statistics of a summary target (its n must be known)."""
    keys = [k for k in SUMMARY_KEYS if k in t.values]
    if t.n is None:
        raise ConfigError(
            "Synthetic recipe: a summary needs n",
            [Problem("n not printed; state it in the recipe (`n:`)", value=t.ref)],
        )
    return Summary(int(t.n), {k: t.values[k] for k in keys}, {k: t.decimals[k] for k in keys})


def recipe_grid(spec: dict, what: str) -> tuple[int, tuple[float, float]]:
    """(decimals, bounds) of a recipe item; values must survive the CSV's 10 significant digits."""
    dec, lo, hi = int(spec["decimals"]), float(spec["bounds"][0]), float(spec["bounds"][1])
    if max(abs(lo), abs(hi)) * 10**dec >= 1e10 or not lo < hi:
        raise ConfigError(
            f"Synthetic recipe: bad grid for {what}",
            [
                Problem(
                    "bounds must be increasing and have at most 10 significant digits at the stated decimals",
                    column=what,
                    value=[dec, [lo, hi]],
                )
            ],
        )
    return dec, (lo, hi)


def printed_p(t: Target) -> str:
    """The target's p-value as printed ("0.021", "<0.001")."""
    rel = "" if t.relation == "=" else t.relation
    return f"{rel}{t.values['p']:.{t.decimals['p']}f}"


def calibration_entry(check: TargetCheck, base: pd.DataFrame, meas: pd.DataFrame, rule: Rule) -> dict:
    """One calibration-record entry: the target recomputed from the written tables with the
    pipeline's functions, compared with what was printed under the rounding ``rule``.

    A target the search reported as met that does not recompute as printed is a bug in the
    reconstruction and raises ``ValueError``.
    """
    c, t = check, check.target
    achieved = c.achieved(base, meas)
    requested = t.n if c.key == "n" else t.values[c.key]
    if c.kind == "p":
        printed = printed_p(t)
        met = bool(printed_match_rules(achieved, printed, (rule,)))
    elif c.kind == "count":
        printed, met = str(int(requested)), achieved == requested
    else:
        printed = f"{requested:.{t.decimals[c.key]}f}"
        met = matches_printed(achieved, requested, t.decimals[c.key], (rule,))
    if met and c.outcome.status == "met":
        status, reason = "met", ""
    elif c.outcome.status != "met":
        status, reason = (
            ("met", f"met although the search said: {c.outcome.reason}")
            if met
            else (c.outcome.status, c.outcome.reason)
        )
    else:
        raise ValueError(
            f"synthetic target {c.label} ({t.ref}) reported met by the search but "
            f"recomputes as {achieved!r} vs printed {printed}: a reconstruction bug"
        )
    return {
        "target": c.label,
        "published_id": t.ref,
        "key": c.key,
        "where": t.where,
        "printed": t.printed,
        "requested": printed,
        **({"note": t.note} if t.note else {}),
        "achieved": plain_number(achieved),
        "met": met,
        "status": status,
        "reason": reason,
    }


def plain_number(x: float) -> float | int | None:
    """``x`` as JSON prints it best: None for NaN, an int when integral, else a float."""
    if isinstance(x, float) and math.isnan(x):
        return None
    return int(x) if float(x).is_integer() else float(x)
