"""Explicit unit parsing and conversion for clinical measurements (pint).

Raw files spell units in many ways ("G/L", "10^9/L", "µg/L", "ng/mL", "°F"). We accept only
spellings listed in :data:`UNIT_SPELLINGS` (or a study's own additions, the top-level config key
``unit_spellings``, which applies to every source: patient columns and measurement files) and
never guess: an unknown spelling is an error naming that key. Conversions go through pint;
mass <-> amount-of-substance conversions (mg/dL <-> mmol/L) need an explicit molar mass from the
study config. Time units follow pint's definitions: a year is the Julian year (365.25 days) and a
month is a twelfth of it (30.4375 days).

Each conversion is reduced to ``value * scale + offset`` computed once with pint, then applied
to whole numpy arrays, so converting millions of rows costs one vector multiply.
"""

from __future__ import annotations

import dataclasses
import difflib
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

import numpy as np
import pint

from retrocohort.errors import InputError, Problem

#: Accepted raw spellings -> pint expressions. Case-sensitive on purpose: "mg/dL" is not "Mg/dL".
UNIT_SPELLINGS: Mapping[str, str] = {
    # cell counts
    "G/L": "1e9 / liter",
    "10^9/L": "1e9 / liter",
    "x10^9/L": "1e9 / liter",
    "×10⁹/L": "1e9 / liter",
    "10*9/L": "1e9 / liter",
    "/nL": "1 / nanoliter",
    "/mm3": "1 / millimeter**3",
    "/µL": "1 / microliter",
    "/uL": "1 / microliter",
    # mass concentration
    "g/dL": "gram / deciliter",
    "g/L": "gram / liter",
    "mg/dL": "milligram / deciliter",
    "mg/L": "milligram / liter",
    "µg/L": "microgram / liter",
    "ug/L": "microgram / liter",
    "ng/mL": "nanogram / milliliter",
    "µg/mL": "microgram / milliliter",
    # substance concentration
    "mmol/L": "millimole / liter",
    "µmol/L": "micromole / liter",
    "umol/L": "micromole / liter",
    # enzyme activity
    "U/L": "enzyme_unit / liter",
    "IU/L": "enzyme_unit / liter",
    "UI/L": "enzyme_unit / liter",
    # temperature, ratios
    "°C": "degC",
    "degC": "degC",
    "C": "degC",
    "°F": "degF",
    "degF": "degF",
    "%": "percent",
    "percent": "percent",
    # time (pint: year = 365.25 days, the Julian year; month = year / 12 = 30.4375 days)
    "s": "second",
    "sec": "second",
    "second": "second",
    "seconds": "second",
    "min": "minute",
    "minute": "minute",
    "minutes": "minute",
    "h": "hour",
    "hour": "hour",
    "hours": "hour",
    "days": "day",
    "day": "day",
    "d": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "years": "year",
    "year": "year",
    "y": "year",
    # body measurements, vital signs and other common clinical quantities
    "kg": "kilogram",
    "g": "gram",
    "mg": "milligram",
    "lb": "pound",
    "lbs": "pound",
    "m": "meter",
    "cm": "centimeter",
    "mm": "millimeter",
    "in": "inch",
    "kg/m2": "kilogram / meter**2",
    "kg/m²": "kilogram / meter**2",
    "kg/m^2": "kilogram / meter**2",
    "mmHg": "millimeter_Hg",
    "mm Hg": "millimeter_Hg",
    "kPa": "kilopascal",
    "bpm": "1 / minute",
    "beats/min": "1 / minute",
    "/min": "1 / minute",
    "breaths/min": "1 / minute",
    "L": "liter",
    "mL": "milliliter",
    "mL/min": "milliliter / minute",
    "pg/mL": "picogram / milliliter",
    "ng/L": "nanogram / liter",
    "ng/dL": "nanogram / deciliter",
    "µg/dL": "microgram / deciliter",
    "mmol/mol": "millimole / mole",
    # dimensionless (binary and categorical values, scores)
    "1": "dimensionless",
    "": "dimensionless",
    "points": "dimensionless",
    "boolean": "dimensionless",
}

_UREG = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


def unit_key(spelling: str) -> str:
    """A unit spelling as compared: Unicode NFKC (UAX #15), except super- and subscripts.

    NFKC folds look-alike compatibility characters (MICRO SIGN U+00B5 -> GREEK SMALL LETTER MU
    U+03BC, full-width letters, the ``°C`` ligature U+2103); superscripts are kept as written so
    that ``10⁹/L`` never becomes ``109/L``. Case is kept ("mg/dL" is not "Mg/dL").
    """
    return "".join(
        ch
        if unicodedata.decomposition(ch).startswith(("<super>", "<sub>"))
        else unicodedata.normalize("NFKC", ch)
        for ch in unicodedata.normalize("NFC", spelling)
    )


def _all_spellings(extra: Mapping[str, str] | None) -> dict[str, str]:
    return {**UNIT_SPELLINGS, **(extra or {})}


def _table(extra: Mapping[str, str] | None) -> dict[str, str]:
    return {unit_key(k): v for k, v in _all_spellings(extra).items()}


def spelled_out(text: str) -> str:
    """``'μg/L'`` -> ``"'μg/L' (U+03BC GREEK SMALL LETTER MU)"``: non-ASCII characters by code point."""
    named = [f"U+{ord(c):04X} {unicodedata.name(c, '?')}" for c in dict.fromkeys(text) if ord(c) > 127]
    return f"{text!r}" + (f" ({', '.join(named)})" if named else "")


def pint_reading(spelling: str) -> str | None:
    """What pint would make of an unaccepted spelling (``'fmol/L'`` -> ``'femtomole / liter'``).

    None when pint cannot read it as a unit (a typo, a look-alike character, a bare number).
    Only said in messages: a spelling is never accepted because pint can read it (``'Mg/dL'``
    reads as megagram per decilitre).
    """
    try:
        parsed = _UREG.parse_expression(unit_key(spelling))
    except (pint.errors.PintError, AttributeError, SyntaxError, TypeError, ValueError, KeyError):
        return None
    if not isinstance(parsed, pint.Quantity) or parsed.magnitude != 1:
        return None
    return f"{parsed.units}"


def _same_unit(spelling: str, expression: str) -> bool:
    """True when pint reads ``spelling`` as exactly the unit of ``expression`` (factor 1)."""
    try:
        ratio = _UREG.parse_expression(unit_key(spelling)) / _UREG.parse_expression(expression)
        return bool(abs(ratio.to("dimensionless").magnitude - 1) < 1e-12)
    except (pint.errors.PintError, AttributeError, SyntaxError, TypeError, ValueError, KeyError):
        return False


def unknown_unit_message(spelling: str, spellings: Mapping[str, str] | None = None) -> str:
    """ "unknown unit", plus code points and the closest known spelling when they look alike.

    A look-alike is offered only when it can be the same unit: when pint reads the spelling as
    another unit (``'fmol/L'`` beside the accepted ``'µmol/L'``, a factor 10^9), the message
    says what pint reads instead of pointing at the look-alike.
    """
    table = _all_spellings(spellings)
    known = [k for k in table if k]
    close = difflib.get_close_matches(
        unit_key(spelling).casefold(), [unit_key(k).casefold() for k in known], n=1, cutoff=0.75
    )
    reading = pint_reading(spelling)
    twin = next(k for k in known if unit_key(k).casefold() == close[0]) if close else None
    if twin is not None and reading is not None and not _same_unit(spelling, table[twin]):
        return (
            f"unknown unit {spelled_out(spelling)}; pint reads it as {reading!r}, not the look-alike "
            f"accepted spelling {spelled_out(twin)} ({table[twin]}): if {reading!r} is meant, declare "
            f"it: `unit_spellings: {{{spelling!r}: {reading!r}}}`"
        )
    message = "unknown unit"
    if any(ord(c) > 127 for c in spelling) or twin is not None or reading is not None:
        message += f" {spelled_out(spelling)}"
    if twin is not None:
        message += f"; closest accepted spelling: {spelled_out(twin)}"
    elif reading is not None:
        message += (
            f"; pint reads it as {reading!r}: if that is meant, declare it: "
            f"`unit_spellings: {{{spelling!r}: {reading!r}}}`"
        )
    return message


#: How to make an unknown spelling known: the config key to set (said in every unknown-unit error).
UNIT_SPELLINGS_HINT = (
    "or declare the spelling under the top-level config key `unit_spellings` "
    "(spelling: pint expression, e.g. `unit_spellings: {'mg%': 'milligram / deciliter'}`)"
)


def unknown_unit_expectation(spellings: Mapping[str, str] | None = None) -> str:
    """The accepted spellings, and :data:`UNIT_SPELLINGS_HINT`, as an error's expectation."""
    known = ", ".join(sorted(repr(k) for k in _all_spellings(spellings) if k))
    return f"one of {known}; {UNIT_SPELLINGS_HINT}"


def _expression(spelling: str, extra: Mapping[str, str] | None) -> str:
    table = _table(extra)
    if unit_key(spelling) not in table:
        raise InputError(
            f"Unknown unit {spelling!r}",
            [
                Problem(
                    unknown_unit_message(spelling, extra),
                    value=spelling,
                    expected=unknown_unit_expectation(extra),
                )
            ],
        )
    return table[unit_key(spelling)]


def _bad_expression(spelling: str, expression: str, reason: str) -> InputError:
    return InputError(
        f"Unit {spelling!r} maps to a pint expression pint cannot read",
        [
            Problem(
                f"{reason}",
                column=f"unit_spellings/{spelling}",
                value=expression,
                expected="a pint unit expression such as 'milligram / deciliter', '1e9 / liter' or "
                "'minute' (pint's unit names, products, quotients and powers)",
            )
        ],
    )


@lru_cache(maxsize=1024)
def _unreadable(expression: str) -> str | None:
    """Why pint cannot parse ``expression`` (a study's ``unit_spellings`` value), or None."""
    if _is_offset(expression):
        return None
    try:
        _UREG.parse_expression(expression)
    except (pint.errors.PintError, AttributeError, SyntaxError, TypeError, ValueError) as exc:
        return str(exc) or type(exc).__name__
    return None


@lru_cache(maxsize=1024)
def _linear_map(source: str, target: str, molar_mass: str | None) -> tuple[float, float]:
    """Return (scale, offset) such that ``target_value = source_value * scale + offset``."""

    def quantity(expr: str, v: float) -> pint.Quantity:
        if _is_offset(expr):  # degC/degF cannot be scaled by multiplication
            return _UREG.Quantity(v, expr)
        return v * _UREG.parse_expression(expr)

    def to_target(v: float) -> float:
        q = quantity(source, v)
        if _is_offset(target):
            return float(q.to(target).magnitude)
        t = quantity(target, 1.0)
        if molar_mass is not None and q.dimensionality != t.dimensionality:
            m = _UREG.Quantity(molar_mass)
            q = q / m if (q / m).dimensionality == t.dimensionality else q * m
        return float((q / t).to("dimensionless").magnitude)

    zero = to_target(0.0)
    return to_target(1.0) - zero, zero


def _is_offset(expr: str) -> bool:
    return expr in ("degC", "degF")


def conversion(
    source_unit: str,
    target_unit: str,
    *,
    molar_mass: str | None = None,
    spellings: Mapping[str, str] | None = None,
) -> tuple[float, float]:
    """(scale, offset) converting raw spelling ``source_unit`` to canonical ``target_unit``.

    Both units are looked up in :data:`UNIT_SPELLINGS` (plus ``spellings``); ``molar_mass``
    (e.g. ``"885.7 g/mol"`` for triglycerides) bridges mass and substance concentrations.
    """
    src = _expression(source_unit, spellings)
    dst = _expression(target_unit, spellings)
    for spelling, expression in ((source_unit, src), (target_unit, dst)):
        reason = _unreadable(expression)
        if reason:
            raise _bad_expression(spelling, expression, reason)
    try:
        return _linear_map(src, dst, molar_mass)
    except pint.DimensionalityError:
        hint = (
            ""
            if molar_mass
            else ("; between mass and substance concentrations set `molar_mass` for this variable")
        )
        raise InputError(
            f"Cannot convert unit {source_unit!r} to {target_unit!r}",
            [
                Problem(
                    "incompatible dimensions",
                    value=source_unit,
                    expected=f"a unit convertible to {target_unit!r}{hint}",
                )
            ],
        ) from None


def convert(
    values: np.ndarray,
    source_unit: str,
    target_unit: str,
    *,
    molar_mass: str | None = None,
    spellings: Mapping[str, str] | None = None,
    significant: int | None = None,
) -> np.ndarray:
    """Convert an array of values from ``source_unit`` to ``target_unit`` (NaN preserved).

    With ``significant`` (ingestion passes :data:`SIGNIFICANT_DIGITS`), converted values are
    rounded to that many significant digits (:func:`round_significant`); values already in the
    target unit are returned unchanged either way.
    """
    scale, offset = conversion(source_unit, target_unit, molar_mass=molar_mass, spellings=spellings)
    arr = np.asarray(values, dtype="float64")
    if scale == 1.0 and offset == 0.0:
        return arr.copy()
    out = arr * scale + offset
    return out if significant is None else round_significant(out, significant)


#: Significant digits kept after a unit conversion (a double holds 15-17; raw data have <= 6).
SIGNIFICANT_DIGITS = 12


def round_significant(values: np.ndarray, digits: int = SIGNIFICANT_DIGITS) -> np.ndarray:
    """Round to ``digits`` significant digits, so float noise from a conversion disappears.

    ``0.352 g/dL * 10`` is ``3.5199999999999996``, which no longer ties with ``3.52 g/L`` from
    another site (and changes ranks and rank-test p-values). Each value becomes the double
    nearest to ``m * 10**e`` with ``m`` an integer of ``digits`` digits: the integer ``m`` is
    exact, and dividing or multiplying it by an exact power of ten (10**0..10**22) is one
    correctly rounded IEEE 754 operation (beyond that range, through correctly rounded decimal
    text). NaN, infinities and zeros are kept.
    """
    arr = np.asarray(values, dtype="float64")
    out = arr.copy()
    finite = np.isfinite(arr) & (arr != 0)
    if not finite.any():
        return out
    x = arr[finite]
    shift = (digits - 1 - np.floor(np.log10(np.abs(x)))).astype(np.int64)
    up = (shift >= 0) & (shift <= 22)
    down = (shift < 0) & (shift >= -22)
    scaled = np.empty_like(x)
    scaled[up] = np.round(x[up] * 10.0 ** shift[up]) / 10.0 ** shift[up]
    scaled[down] = np.round(x[down] / 10.0 ** -shift[down]) * 10.0 ** -shift[down]
    rare = ~(up | down)  # |x| < 1e-11 or > 1e33: powers of ten no longer exact; via correctly rounded text
    scaled[rare] = [float(f"{v:.{digits - 1}e}") for v in x[rare]]
    out[finite] = scaled
    return out


def is_known_unit(spelling: str, spellings: Mapping[str, str] | None = None) -> bool:
    """True when ``spelling`` is an accepted unit spelling (compared by :func:`unit_key`)."""
    return unit_key(spelling) in _table(spellings)


def located_unit_problems(exc: InputError, file: str, column: str, variable: str) -> list[Problem]:
    """A unit error of a patient column, located: the file and column, and the config key to fix
    (``columns/<variable>/unit`` of the source, or the spelling under ``unit_spellings``)."""
    keys = (
        f" (set in `columns: {{{variable}: {{unit: ...}}}}` of this source, "
        f"or `variables: {{{variable}: {{unit: ...}}}}`)"
    )
    return [
        dataclasses.replace(p, message=f"{p.message}{keys}", file=file, column=column)
        if p.column is None
        else dataclasses.replace(p, file=file, message=f"{p.message} (unit of column {column!r})")
        for p in exc.problems
    ]
