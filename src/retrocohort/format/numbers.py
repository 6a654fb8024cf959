"""Journal-style number formatting with exact, documented rounding.

Every function rounds the *printed* decimal value of its input, not its binary
float value: a float ``x`` is read as ``Decimal(repr(x))`` (so ``2.675`` is the
decimal 2.675, a tie, rather than the binary 2.67499999...). Integers and
``Decimal`` values are used as they are. Missing values (``None``, NaN,
``pandas.NA``) format as the ``nan`` marker; infinities raise ``ValueError``.

Rounding rules:

* ``"half_up"``   -- ties round away from zero (0.125 -> 0.13, 2.5 -> 3, -2.5 -> -3);
* ``"half_even"`` -- ties round to the even digit (0.125 -> 0.12, 2.5 -> 2, 3.5 -> 4).

A value that rounds to zero never prints a minus sign (-0.04 -> "0.0").
"""

from __future__ import annotations

import numbers
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, localcontext
from functools import partial
from typing import Literal

import numpy as np

RoundingRule = Literal["half_up", "half_even"]

EN_DASH = "\u2013"
EM_DASH = "\u2014"

_RULES: dict[str, str] = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
_RULE_NAMES: dict[str, str] = {
    "half_up": "half up (ties away from zero)",
    "half_even": "half to even (banker's rounding)",
}
_PRECISION = 400  # enough significant digits for any float (max ~309 integer digits)


def _rounding(rule: str) -> str:
    try:
        return _RULES[rule]
    except KeyError:
        raise ValueError(f"unknown rounding rule {rule!r}; expected one of {sorted(_RULES)}") from None


def _check_decimals(decimals: object, name: str = "decimals") -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {decimals!r}")
    return int(decimals)


def is_missing(x: object) -> bool:
    """True for ``None``, float/Decimal NaN and ``pandas.NA``/``NaT``; False otherwise."""
    if x is None:
        return True
    if isinstance(x, Decimal):
        return x.is_nan()
    if isinstance(x, numbers.Integral):
        return False
    if isinstance(x, (numbers.Real, np.floating)):
        return bool(np.isnan(float(x)))
    return type(x).__name__ in {"NAType", "NaTType"}


def to_decimal(x: object) -> Decimal:
    """Exact decimal of the value as printed: floats via their shortest repr.

    ``numpy`` floats use their own dtype's shortest repr (``float32(0.1)`` -> 0.1).
    Raises ``ValueError`` for missing, infinite, boolean or non-numeric input.
    """
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"expected a number, got boolean {x!r}")
    if is_missing(x):
        raise ValueError(f"cannot convert missing value {x!r} to a number")
    if isinstance(x, Decimal):
        value = x
    elif isinstance(x, numbers.Integral):
        value = Decimal(int(x))
    elif isinstance(x, (float, np.floating)):
        value = Decimal(str(x))  # str == shortest round-trip repr for float and numpy floats
    else:
        raise ValueError(f"expected a number, got {type(x).__name__} {x!r}")
    if value.is_infinite():
        raise ValueError(f"cannot format infinite value {x!r}")
    return value


def round_decimal(x: object, decimals: int, rule: RoundingRule = "half_up") -> Decimal:
    """Round the printed decimal value of ``x`` to ``decimals`` places with ``rule``.

    Returns a ``Decimal`` with exactly ``decimals`` fractional digits; a result of
    zero is returned without sign. Raises ``ValueError`` for missing/infinite input,
    negative ``decimals`` or an unknown rule.
    """
    places = _check_decimals(decimals)
    mode = _rounding(rule)
    value = to_decimal(x)
    with localcontext() as ctx:
        ctx.prec = _PRECISION + places
        rounded = value.quantize(Decimal(1).scaleb(-places), rounding=mode)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def format_number(
    x: object,
    decimals: int = 1,
    *,
    thousands_sep: str = ",",
    thousands_min: float = 10000,
    rule: RoundingRule = "half_up",
    nan: str = EM_DASH,
) -> str:
    """Round ``x`` with :func:`round_decimal` and print it with fixed decimals.

    Digits are grouped with ``thousands_sep`` only when the rounded absolute value
    is >= ``thousands_min`` (default 10000: 13835 -> "13,835.0" but 6072.5 -> "6072.5");
    ``thousands_sep=""`` never groups. Missing values print as ``nan``.
    """
    if is_missing(x):
        return nan
    rounded = round_decimal(x, decimals, rule)
    if thousands_sep and rounded.copy_abs() >= to_decimal(thousands_min):
        return format(rounded, ",f").replace(",", thousands_sep)
    return format(rounded, "f")


def _percent(count: int, denominator: int, pct_decimals: int | Literal["auto"], rule: RoundingRule) -> str:
    """The percentage 100 * count / denominator rounded to ``pct_decimals``; a non-zero count
    never prints as 0 and a count below its denominator never as 100: they print as the
    bound they passed, "<1" / ">99" (at 1 decimal "<0.1" / ">99.9"), as journals print such
    shares, instead of a number the count contradicts. The column keeps its decimals (adding
    decimals to one cell would make it look more precise than its neighbours)."""
    with localcontext() as ctx:
        ctx.prec = 50
        pct = Decimal(count) * 100 / Decimal(denominator)
    if pct_decimals == "auto":
        pct_decimals = 1 if round_decimal(pct, 1, rule) < 10 else 0
    rounded = round_decimal(pct, pct_decimals, rule)
    step = Decimal(1).scaleb(-pct_decimals)
    if count > 0 and rounded.is_zero():
        return "<" + format_number(step, pct_decimals, thousands_sep="")
    if count < denominator and rounded >= 100:
        return ">" + format_number(100 - step, pct_decimals, thousands_sep="")
    return format_number(pct, pct_decimals, thousands_sep="", rule=rule)


def format_percent(
    count: int,
    denominator: int,
    pct_decimals: int | Literal["auto"] = 0,
    *,
    pct_sign: bool = True,
    rule: RoundingRule = "half_up",
) -> str:
    """The share 100 * count / denominator alone ("62%"), with the bounds of
    :func:`format_count_pct`: a non-zero count that rounds to 0 prints "<1%" ("<0.1%" at 1
    decimal), a count below its denominator that rounds to 100 prints ">99%". For running text
    that gives the count elsewhere; raises ``ValueError`` unless 0 <= count <= denominator > 0.
    """
    k = _check_count("count", count)
    d = _check_count("denominator", denominator)
    if not 0 <= k <= d or d == 0:
        raise ValueError(
            f"need 0 <= count <= denominator and denominator > 0, got count={k}, denominator={d}"
        )
    if pct_decimals != "auto":
        _check_decimals(pct_decimals, "pct_decimals (or 'auto')")
    return _percent(k, d, pct_decimals, rule) + ("%" if pct_sign else "")


def _check_count(name: str, value: object) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    return int(value)


def format_count_pct(
    count: int,
    denominator: int,
    cohort_n: int,
    *,
    pct_decimals: int | Literal["auto"] = 0,
    pct_sign: bool = True,
    rule: RoundingRule = "half_up",
) -> str:
    """Format ``count (pct%)`` with pct = 100 * count / denominator.

    Prints ``"13 (62%)"`` when ``denominator == cohort_n`` and ``"5/20 (25%)"`` when
    the variable is known for fewer patients than the cohort. ``pct_decimals="auto"``
    uses 1 decimal when the percentage rounded to 1 decimal is below 10 and 0
    decimals otherwise (1/21 -> "1 (4.8%)", 13/21 -> "13 (62%)", 199/2000 ->
    "199/2000 (10%)"). A non-zero count whose percentage rounds to 0 prints "<1%" (1 of
    418: "1 (<1%)"; "<0.1%" at 1 decimal) and a count below its denominator that rounds to
    100 prints ">99%" (417 of 418), never "0%" or "100%" beside them. ``pct_sign=False``
    omits the "%". Raises ``ValueError``
    unless 0 <= count <= denominator <= cohort_n and denominator > 0.
    """
    k = _check_count("count", count)
    d = _check_count("denominator", denominator)
    n = _check_count("cohort_n", cohort_n)
    if not 0 <= k <= d <= n or d == 0:
        raise ValueError(
            f"need 0 <= count <= denominator <= cohort_n and denominator > 0, "
            f"got count={k}, denominator={d}, cohort_n={n}"
        )
    if pct_decimals != "auto":
        _check_decimals(pct_decimals, "pct_decimals (or 'auto')")
    pct = _percent(k, d, pct_decimals, rule) + ("%" if pct_sign else "")
    head = str(k) if d == n else f"{k}/{d}"
    return f"{head} ({pct})"


def format_range(
    low: object,
    high: object,
    decimals: int = 1,
    *,
    sep: str = EN_DASH,
    thousands_sep: str = ",",
    thousands_min: float = 10000,
    rule: RoundingRule = "half_up",
    nan: str = EM_DASH,
) -> str:
    """Format ``low–high`` (en dash by default), e.g. a reference range "4.0–10.0".

    Returns ``nan`` if either bound is missing; raises ``ValueError`` if low > high.
    """
    if is_missing(low) or is_missing(high):
        return nan
    if to_decimal(low) > to_decimal(high):
        raise ValueError(f"range lower bound {low!r} is greater than upper bound {high!r}")
    fmt = partial(
        format_number, decimals=decimals, thousands_sep=thousands_sep, thousands_min=thousands_min, rule=rule
    )
    return f"{fmt(low)}{sep}{fmt(high)}"


def format_median_iqr(
    median: object,
    q1: object,
    q3: object,
    decimals: int = 1,
    *,
    style: Literal["brackets", "parentheses"] = "brackets",
    sep: str = EN_DASH,
    thousands_sep: str = ",",
    thousands_min: float = 10000,
    rule: RoundingRule = "half_up",
    nan: str = EM_DASH,
) -> str:
    """Format ``median [Q1–Q3]`` (``style="brackets"``) or ``median (Q1–Q3)``.

    Example: ``format_median_iqr(45, 33, 58)`` -> ``"45.0 [33.0–58.0]"``. Returns
    ``nan`` if any of the three is missing; raises ``ValueError`` unless q1 <= median <= q3.
    """
    if any(is_missing(v) for v in (median, q1, q3)):
        return nan
    if not to_decimal(q1) <= to_decimal(median) <= to_decimal(q3):
        raise ValueError(f"need q1 <= median <= q3, got q1={q1!r}, median={median!r}, q3={q3!r}")
    brackets = {"brackets": "[]", "parentheses": "()"}
    if style not in brackets:
        raise ValueError(f"unknown style {style!r}; expected one of {sorted(brackets)}")
    left, right = brackets[style]
    iqr = format_range(
        q1, q3, decimals, sep=sep, thousands_sep=thousands_sep, thousands_min=thousands_min, rule=rule
    )
    median_text = format_number(
        median, decimals, thousands_sep=thousands_sep, thousands_min=thousands_min, rule=rule
    )
    return f"{median_text} {left}{iqr}{right}"


def format_mean_sd(
    mean: object,
    sd: object,
    decimals: int = 1,
    *,
    thousands_sep: str = ",",
    thousands_min: float = 10000,
    rule: RoundingRule = "half_up",
    nan: str = EM_DASH,
) -> str:
    """Format ``mean (SD)``, e.g. ``format_mean_sd(4.24, 1.06)`` -> ``"4.2 (1.1)"``.

    Returns ``nan`` if either is missing; raises ``ValueError`` if sd < 0.
    """
    if is_missing(mean) or is_missing(sd):
        return nan
    if to_decimal(sd) < 0:
        raise ValueError(f"standard deviation must be >= 0, got {sd!r}")
    fmt = partial(
        format_number, decimals=decimals, thousands_sep=thousands_sep, thousands_min=thousands_min, rule=rule
    )
    return f"{fmt(mean)} ({fmt(sd)})"


def format_p(
    p: object,
    *,
    decimals: int = 3,
    threshold: float = 0.001,
    rule: RoundingRule = "half_up",
    nan: str = EM_DASH,
) -> str:
    """Journal p-value: ``"<0.001"`` when p < threshold, else p with ``decimals`` places.

    The comparison uses the unrounded p (0.0009999 -> "<0.001", 0.001 -> "0.001",
    1.0 -> "1.000"). Missing p prints ``nan``. Raises ``ValueError`` if p is outside
    [0, 1] (clip numerical noise first) or if threshold is not in [10**-decimals, 1].
    """
    places = _check_decimals(decimals)
    limit = to_decimal(threshold)
    if not Decimal(1).scaleb(-places) <= limit <= 1:
        raise ValueError(f"threshold {threshold!r} must lie in [10**-{places}, 1] for decimals={places}")
    if is_missing(p):
        return nan
    value = to_decimal(p)
    if not 0 <= value <= 1:
        raise ValueError(f"p-value must lie in [0, 1], got {p!r}")
    if value < limit:
        return f"<{format(limit, 'f')}"
    return format_number(value, places, thousands_sep="", rule=rule)


def rounding_rule_sentence(rule: RoundingRule) -> str:
    """Footnote sentence naming ``rule`` with examples computed by :func:`round_decimal`.

    ``"half_up"`` -> "Numbers are rounded half up (ties away from zero): 0.05 → 0.1,
    0.125 → 0.13, 2.5 → 3."
    """
    _rounding(rule)
    examples = ", ".join(
        f"{x} \u2192 {round_decimal(x, d, rule)}"
        for x, d in ((Decimal("0.05"), 1), (Decimal("0.125"), 2), (Decimal("2.5"), 0))
    )
    return f"Numbers are rounded {_RULE_NAMES[rule]}: {examples}."
