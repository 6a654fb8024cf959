"""Rounding-aware comparison of computed values with printed ones.

Decision: a computed value *matches* a printed one when some rounding rule maps it there.
Three rules are modelled, always on the exact decimal value (floats are read through their
shortest repr, so 2.675 is 2.675 and not 2.67499999...):

- ``half_up``: round half away from zero (Excel ROUND, ``decimal.ROUND_HALF_UP``);
- ``half_even``: round half to even (Python ``round``, numpy, IEEE default);
- ``truncate``: drop the extra digits (toward zero), a spreadsheet-format error, not rounding;
- ``half_down``: round half toward zero; not a default rule anywhere in the audit, offered for
  comparison with tools that accept it (scrutiny's "up_or_down" = half-up or half-down).

``matches_printed`` accepts the two genuine rounding rules by default; truncation is opt-in,
and callers that allow it report it separately (audit status "warning", see ``consistency``).
``matching_rules`` says which rules matched. This module also holds the small vocabulary for
printed p-values ("<0.001", "0.021") and candidate p-values, shared by the attainability checks.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from functools import cache, lru_cache
from typing import Any, Literal

Rule = Literal["half_up", "half_even", "half_down", "truncate"]
STANDARD_RULES: tuple[Rule, ...] = ("half_up", "half_even")
ALL_RULES: tuple[Rule, ...] = ("half_up", "half_even", "truncate")
Number = int | float | Fraction | Decimal
Bound = Fraction | float  # float only for +-inf


def exact(x: Number) -> Fraction:
    """Exact rational value of ``x``; a float is read via its shortest repr (0.1 -> 1/10)."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, Decimal):
        return Fraction(x)
    if hasattr(x, "__index__"):  # int, numpy integers
        return Fraction(x.__index__())
    return _exact_float(float(x))


@lru_cache(maxsize=1 << 16)  # the audit rounds the same candidate values many times
def _exact_float(f: float) -> Fraction:
    if not math.isfinite(f):
        raise ValueError(f"not a finite number: {f!r}")
    return Fraction(repr(f))


@cache
def _scale(decimals: int) -> Fraction:
    return Fraction(10) ** decimals


def round_to(x: Number, decimals: int, rule: Rule) -> Fraction:
    """``x`` rounded to ``decimals`` places under ``rule`` (exact rational arithmetic)."""
    return _round_exact(exact(x), decimals, rule)


@lru_cache(maxsize=1 << 16)  # keyed on the exact value: the audit repeats the same roundings
def _round_exact(value: Fraction, decimals: int, rule: Rule) -> Fraction:
    s = value * _scale(decimals)
    if rule == "half_even":
        k = round(s)  # Fraction.__round__ rounds half to even, exactly
    elif rule == "half_up":
        k = math.floor(abs(s) + Fraction(1, 2)) * (1 if s >= 0 else -1)
    elif rule == "half_down":  # half toward zero: the "down" of scrutiny's "up_or_down"
        k = math.ceil(abs(s) - Fraction(1, 2)) * (1 if s >= 0 else -1)
    elif rule == "truncate":
        k = math.trunc(s)
    else:
        raise ValueError(f"unknown rounding rule {rule!r}")
    return Fraction(k) / _scale(decimals)


def matching_rules(
    value: Number, printed: Number, decimals: int, rules: Iterable[Rule] = ALL_RULES
) -> tuple[Rule, ...]:
    """The rules under which ``value`` rounded to ``decimals`` places equals ``printed``."""
    target = exact(printed)
    return tuple(r for r in rules if round_to(value, decimals, r) == target)


def matches_printed(
    value: Number, printed: Number, decimals: int, rules: Iterable[Rule] = STANDARD_RULES
) -> bool:
    """True if ``value`` prints as ``printed`` at ``decimals`` places under one of ``rules``.

    Default rules: half-up and half-even (they differ only at exact halves, e.g. 12.5 -> 13 or
    12). Pass ``ALL_RULES`` to also accept truncation, and ``matching_rules`` to see which.
    """
    return bool(matching_rules(value, printed, decimals, rules))


@dataclass(frozen=True)
class Interval:
    """A real interval; ``lo``/``hi`` are exact except for infinite ends (float +-inf)."""

    lo: Bound
    hi: Bound
    lo_closed: bool = True
    hi_closed: bool = False

    def contains(self, x: Number) -> bool:
        """Membership of ``x`` (floats read exactly via repr)."""
        v = exact(x)
        above = v > self.lo or (self.lo_closed and v == self.lo)
        below = v < self.hi or (self.hi_closed and v == self.hi)
        return above and below

    @property
    def empty(self) -> bool:
        """True when no real number lies in the interval."""
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_closed and self.hi_closed))

    def intersect(self, other: Interval) -> Interval | None:
        """Intersection, or None when empty."""
        lo, lo_c = max((self.lo, not self.lo_closed), (other.lo, not other.lo_closed))
        hi, hi_c = min((self.hi, self.hi_closed), (other.hi, other.hi_closed))
        out = Interval(lo, hi, not lo_c, hi_c)
        return None if out.empty else out

    def has_multiple_of(self, step: Fraction) -> bool:
        """True if some integer multiple of ``step`` (> 0) lies in the interval."""
        if not (math.isfinite(self.lo) and math.isfinite(self.hi)):
            return not self.empty
        k = math.ceil(self.lo / step)
        return self.contains(k * step) or self.contains((k + 1) * step)

    def __str__(self) -> str:
        def fmt(b: Bound) -> str:
            return str(b) if isinstance(b, float) else f"{float(b):g}"

        return (
            f"{'[' if self.lo_closed else '('}{fmt(self.lo)}, {fmt(self.hi)}{']' if self.hi_closed else ')'}"
        )


def interval_for_printed(printed: Number, decimals: int, rule: Rule = "half_up") -> Interval:
    """Set of true values that print as ``printed`` with ``decimals`` places under ``rule``.

    Half-up (away from zero) gives the half-open [p - h, p + h) for p > 0, h = 0.5 * 10**-d;
    half-even is closed when the last printed digit is even and open when odd; truncation gives
    [p, p + 10**-d) for p > 0. Mirrored for p < 0; symmetric and open around 0.
    """
    p = exact(printed)
    k = p * _scale(decimals)
    if k.denominator != 1:
        raise ValueError(f"{printed!r} has more than {decimals} decimals")
    unit = 1 / _scale(decimals)
    h = unit / 2
    if rule == "half_even":
        even = int(k) % 2 == 0
        return Interval(p - h, p + h, even, even)
    if rule == "half_up":
        toward_zero, away = h, h
    elif rule == "half_down":
        if p > 0:
            return Interval(p - h, p + h, False, True)
        if p < 0:
            return Interval(p - h, p + h, True, False)
        return Interval(-h, h, True, True)
    elif rule == "truncate":
        toward_zero, away = Fraction(0), unit
    else:
        raise ValueError(f"unknown rounding rule {rule!r}")
    if p > 0:
        return Interval(p - toward_zero, p + away, True, False)
    if p < 0:
        return Interval(p - away, p + toward_zero, False, True)
    return Interval(-away, away, False, False)


# --- printed p-values and candidate p-values -------------------------------------------------

_PRINTED = re.compile(r"^\s*(?:p\s*)?(<=|>=|<|>|≤|≥|=)?\s*(\d[\d,]*(?:\.(\d+))?)\s*%?\s*$", re.I)


@dataclass(frozen=True)
class Printed:
    """A printed number: its exact value, decimals shown, and relation ("=", "<", ">")."""

    value: Fraction
    decimals: int
    relation: str = "="


def parse_printed(text: str) -> Printed:
    """Parse "0.021", "<0.001", "p = 0.011", "13,835.0" or "62%" into a :class:`Printed`."""
    m = _PRINTED.match(text)
    if not m:
        raise ValueError(f"cannot read a single printed number from {text!r}")
    rel = {"≤": "<", "<=": "<", "≥": ">", ">=": ">", None: "="}.get(m.group(1), m.group(1))
    return Printed(Fraction(m.group(2).replace(",", "")), len(m.group(3) or ""), rel)


def printed_match_rules(
    value: Number, printed: str | Printed, rules: Iterable[Rule] = ALL_RULES
) -> tuple[str, ...]:
    """Rules under which ``value`` prints as ``printed``; ("bound",) when a "<"/">" bound holds."""
    pr = parse_printed(printed) if isinstance(printed, str) else printed
    if pr.relation == "<":
        return ("bound",) if exact(value) < pr.value else ()
    if pr.relation == ">":
        return ("bound",) if exact(value) > pr.value else ()
    return matching_rules(value, pr.value, pr.decimals, rules)


@dataclass(frozen=True)
class CandidateP:
    """A p-value some test/method could have printed, with the parameters that produce it."""

    test: str
    method: str
    p: float
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PMatch:
    """A candidate p-value that prints as the published one, and the rules that make it so."""

    candidate: CandidateP
    rules: tuple[str, ...]


def match_printed_p(
    candidates: Sequence[CandidateP], printed: str, rules: Iterable[Rule] = ALL_RULES
) -> list[PMatch]:
    """Candidates whose p-value prints as ``printed`` (e.g. "0.021", "<0.001")."""
    pr = parse_printed(printed)
    rules = tuple(rules)
    out = []
    for c in candidates:
        matched = printed_match_rules(c.p, pr, rules)
        if matched:
            out.append(PMatch(c, matched))
    return out
