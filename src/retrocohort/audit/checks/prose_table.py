"""A ratio the text prints against the same ratio printed in a table (no patient data).

A Results sentence often repeats a table's estimate: "(p value 0.017, OR 3.21, and 95% CI
1.13–9.07)" beside a table row "0.01 | OR 3.21 (1.13–9.07)". Two printed ratios with the same
95% CI are taken to be the same comparison (an interval of two printed bounds rarely recurs by
chance); then

- their estimates must agree: "HR 1.86 (1.22–2.87)" in the text and "1.87 (1.22–2.87)" in the
  table cannot both be right (``prose_table_estimate``);
- the p-value printed with each (the text's within the same sentence, the table's in the same
  row) must agree: "p value 0.017" in the text and "0.01" in the table cannot both round the
  same p (``prose_table_p``).

Two printed values agree when some true value prints as both: the hulls ``[v - h, v + h]``,
``h = 0.5 * 10**-d``, of the two printed values overlap (:func:`printed_interval`); a bound ("<
0.05") agrees with any value below it; two hulls that only touch at a rounding tie do not. Every finding is "inconsistent" and names both places
and both printed values, worded as a disagreement between two places of the paper.

References: Nuijten MB et al. (2016), "The prevalence of statistical reporting errors in
psychology (1985-2013)", Behav Res Methods 48:1205-1226 (reported values rechecked against
each other); Brown NJL, Heathers JAJ (2017), "The GRIM test", Soc Psychol Personal Sci 8:363-369
(a printed value stands for the interval its rounding covers).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrocohort.audit.checks.finding import Finding
from retrocohort.audit.published import PublishedNumber, PublishedStudy

_WHERE = re.compile(r"source line (\d+), column (\d+)")
#: The most characters between a ratio and its p-value in one sentence of the text.
_NEAR = 120


def printed_interval(value: float, decimals: int, relation: str = "=") -> tuple[float, float]:
    """The true values a printed number stands for: ``[v - h, v + h]`` with ``h = 0.5 *
    10**-decimals``; below the bound for "<", above it for ">".

    >>> printed_interval(0.017, 3), printed_interval(0.05, 2, "<")
    ((0.0165, 0.0175), (0.0, 0.05))
    """
    if relation == "<":
        return 0.0, value
    if relation == ">":
        return value, float("inf")
    h = 0.5 * 10.0**-decimals
    return round(value - h, decimals + 2), round(value + h, decimals + 2)


def agree(a: tuple[float, int, str], b: tuple[float, int, str]) -> bool:
    """Can one true value print as both ``a`` and ``b`` (value, decimals, relation)?

    >>> agree((0.017, 3, "="), (0.01, 2, "=")), agree((0.017, 3, "="), (0.02, 2, "="))
    (False, True)
    >>> agree((0.017, 3, "="), (0.05, 2, "<")), agree((1.86, 2, "="), (1.87, 2, "="))
    (True, False)

    Hulls that only touch (1.86 and 1.87 share the tie 1.865) do not agree: an estimate or a
    p-value is not exactly a rounding tie.
    """
    lo_a, hi_a = printed_interval(*a)
    lo_b, hi_b = printed_interval(*b)
    return max(lo_a, lo_b) < min(hi_a, hi_b)


def _triple(e: PublishedNumber, key: str) -> tuple[float, int, str]:
    return e.values[key], e.decimals.get(key, 0), e.relation if key == "p" else "="


def is_ratio(e: PublishedNumber) -> bool:
    """Is ``e`` an estimate printed with its confidence interval (a ratio of the draft)?"""
    return e.statistic == "value" and {"value", "ci_low", "ci_high"} <= set(e.values)


def _place(e: PublishedNumber) -> tuple[int, int] | None:
    m = _WHERE.search(e.note or "")
    return (int(m.group(1)), int(m.group(2))) if m else None


def prose_p(ratio: PublishedNumber, numbers: Sequence[PublishedNumber]) -> PublishedNumber | None:
    """The p-value printed nearest the text's ratio on its line (within :data:`_NEAR` characters)
    with no other ratio between them: a p-value belongs to the ratio nearest to it."""
    at = _place(ratio)
    if at is None:
        return None
    line = [(p[1], e) for e in numbers if e.where == ratio.where and (p := _place(e)) and p[0] == at[0]]
    others = [col for col, e in line if is_ratio(e) and e.id != ratio.id]
    near = [
        (abs(col - at[1]), e)
        for col, e in line
        if e.statistic == "p_value"
        and abs(col - at[1]) <= _NEAR
        and not any(min(col, at[1]) < o < max(col, at[1]) for o in others)
    ]
    return min(near, key=lambda x: x[0])[1] if near else None


def table_p(ratio: PublishedNumber, numbers: Sequence[PublishedNumber]) -> PublishedNumber | None:
    """The p-value printed in the table row of the table's ratio (same table, same row label)."""
    at = _place(ratio)
    row = [
        e
        for e in numbers
        if e.statistic == "p_value"
        and e.where == ratio.where
        and e.variable == ratio.variable
        and (at is None or (p := _place(e)) is None or p[0] == at[0])
    ]
    return row[0] if len(row) == 1 else None


def _same_interval(a: PublishedNumber, b: PublishedNumber) -> bool:
    return all(agree(_triple(a, k), _triple(b, k)) for k in ("ci_low", "ci_high"))


def fmt_value(e: PublishedNumber, key: str) -> str:
    """Value ``key`` of ``e`` as printed (its decimals, a p-value's "<" or ">")."""
    rel = "" if key != "p" or e.relation == "=" else e.relation
    return f"{rel}{e.values[key]:.{e.decimals.get(key, 0)}f}"


def check_prose_against_tables(study: PublishedStudy) -> list[Finding]:
    """Findings ``prose_table_estimate`` and ``prose_table_p`` of ``study`` (module docstring):
    each ratio of the text whose 95% CI is the CI of exactly one table ratio."""
    numbers = list(study.numbers)
    tables = [e for e in numbers if e.where.startswith("Table") and is_ratio(e)]
    out: list[Finding] = []
    for e in numbers:
        if e.where.startswith("Table") or not is_ratio(e):
            continue
        same = [t for t in tables if _same_interval(e, t)]
        if len(same) != 1:
            continue  # no table prints this interval, or several do: no single comparison
        [t] = same
        place = f"{e.where} ('{e.printed}') and {t.where} ('{t.printed}')"
        if not agree(_triple(e, "value"), _triple(t, "value")):
            out.append(
                Finding(
                    "prose_table_estimate",
                    e.id,
                    "inconsistent",
                    f"the text and the table print the same 95% CI ({fmt_value(t, 'ci_low')}–{fmt_value(t, 'ci_high')}) "
                    f"with different estimates, {fmt_value(e, 'value')} and {fmt_value(t, 'value')}: {place}; "
                    "one of the two places is misprinted",
                    {"text": e.id, "table": t.id},
                )
            )
            continue
        p_text, p_table = prose_p(e, numbers), table_p(t, numbers)
        if p_text and p_table and not agree(_triple(p_text, "p"), _triple(p_table, "p")):
            out.append(
                Finding(
                    "prose_table_p",
                    p_text.id,
                    "inconsistent",
                    f"the text prints p = {fmt_value(p_text, 'p')} where {t.where} prints p = "
                    f"{fmt_value(p_table, 'p')} beside the same estimate {fmt_value(t, 'value')} "
                    f"({fmt_value(t, 'ci_low')}–{fmt_value(t, 'ci_high')}): no p-value rounds to both, so "
                    "one of the two places is misprinted",
                    {"text": p_text.id, "table": p_table.id, "estimate": t.id},
                )
            )
    return out
