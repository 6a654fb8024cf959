"""Units of a draft: read from a header ("ferritin_ng_ml", "Ferritin (ng/mL)") or a unit column.

Only spellings the ingest accepts are written (:attr:`IngestRules.known_unit`); a unit column's
spelling the ingest does not know is declared under ``unit_spellings`` with the pint expression
pint reads it as ("U/mL" -> "enzyme_unit / milliliter"), marked for the user to confirm, or left
as a TODO when pint cannot read it either. A header suffix that fits two accepted spellings
("g_l": G/L, 10^9 cells per litre, or g/L, grams per litre) gives no unit, and says so.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from retrocohort.config.draft.rules import IngestRules

#: Accepted spellings never read from a header suffix: too short or too common as words
#: ("temp_min" is not minutes, "vitamin_c" not degrees Celsius).
_NOT_SUFFIXES = {
    "1",
    "",
    "points",
    "boolean",
    "min",
    "minute",
    "sec",
    "second",
    "hour",
    "day",
    "week",
    "month",
    "year",
    "percent",
}
#: Header words read as a unit spelling besides the accepted spellings themselves.
_SUFFIX_ALIASES = {("pct",): "%", ("percent",): "%"}
_BRACKETED = re.compile(r"^(?P<name>.*?)[\s_]*[\(\[](?P<unit>[^\)\]]+)[\)\]]\s*$")


def tokens(text: str) -> tuple[str, ...]:
    """Lower-case word pieces of a header or a unit spelling ("Ferritin (ng/mL)" ->
    ("ferritin", "ng", "ml"); "10^9/L" -> ("10", "9", "l"))."""
    return tuple(t for t in re.split(r"[^0-9a-zµμ°%]+", text.lower()) if t)


@lru_cache(maxsize=8)
def _suffix_table(spellings: tuple[str, ...]) -> dict[tuple[str, ...], tuple[str, ...]]:
    table: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for spelling in spellings:
        if len(spelling) <= 1 or spelling in _NOT_SUFFIXES or spelling.startswith("/"):
            continue
        table[tokens(spelling)].add(spelling)
    for key, spelling in _SUFFIX_ALIASES.items():
        table[key].add(spelling)
    return {k: tuple(sorted(v)) for k, v in table.items() if k}


@dataclass(frozen=True)
class HeaderUnit:
    """A header split into its name and its unit.

    Attributes
    ----------
    name : str
        The header without its unit ("Ferritin (ng/mL)" -> "Ferritin").
    unit : str or None
        An accepted spelling, or None.
    note : str or None
        Why no unit was taken although the header seems to carry one.
    """

    name: str
    unit: str | None = None
    note: str | None = None


def header_unit(header: str, rules: IngestRules) -> HeaderUnit:
    """The unit a header carries in brackets ("Ferritin (ng/mL)") or as its last words
    ("ferritin_ng_ml", "anakinra_duration_days"), as an accepted spelling."""
    bracketed = _BRACKETED.match(header)
    if bracketed and bracketed.group("name").strip():
        name, written = bracketed.group("name").strip(), bracketed.group("unit").strip()
        if rules.known_unit(written, {}):
            return HeaderUnit(name, written)
        same = sorted({s for s in rules.spellings if s.casefold() == written.casefold() and s})
        if len(same) == 1:
            return HeaderUnit(name, same[0])
        return HeaderUnit(
            name,
            None,
            f"the header's unit {written!r} is not a spelling retrocohort knows"
            + (f" (it may be {' or '.join(same)})" if same else "")
            + ": add `unit:` here and under the source's `columns:` (config/README.md, units)",
        )
    words = tokens(header)
    table = _suffix_table(tuple(rules.spellings))
    for size in (3, 2, 1):
        if len(words) <= size or words[-size:] not in table:
            continue
        found = table[words[-size:]]
        name = "_".join(words[:-size])
        if len(found) == 1:
            return HeaderUnit(name, found[0])
        return HeaderUnit(
            name,
            None,
            f"the header ends in {'_'.join(words[-size:])!r}, which is "
            + " or ".join(repr(s) for s in found)
            + ": add the right `unit:` here and under the source's `columns:`",
        )
    return HeaderUnit(header)


@lru_cache(maxsize=1)
def _registry():
    import pint  # ~0.3 s: only when a unit column holds a spelling the ingest does not know

    return pint.UnitRegistry(autoconvert_offset_to_baseunit=True)


def pint_expression(spelling: str) -> str | None:
    """The pint expression of a unit spelling the ingest does not accept, for ``unit_spellings``.

    The spelling is read by pint after writing powers as pint does ("10^3/mm3" ->
    "10**3/mm**3") and international units as enzyme units ("IU/L" -> "U/L"); None when pint
    cannot read it, or reads a dimensionless number. The result is pint's own full-name form
    ("1000.0 / millimeter ** 3", "enzyme_unit / milliliter"), so the user sees what it means.
    """
    text = re.sub(r"\^", "**", spelling.strip())
    text = re.sub(r"(?<=[A-Za-zµμ])(\d)\b", r"**\1", text)
    text = re.sub(r"\b(IU|UI)\b", "U", text)
    if not text:
        return None
    import pint

    try:
        quantity = _registry().parse_expression(text)
    except (pint.errors.PintError, AttributeError, SyntaxError, TypeError, ValueError, KeyError):
        return None
    if not isinstance(quantity, pint.Quantity) or quantity.dimensionless:
        return None
    units = f"{quantity.units}"
    if quantity.magnitude == 1:
        return units
    if units.startswith("1 / "):
        return f"{quantity.magnitude:g} / {units[4:]}"
    return f"{quantity.magnitude:g} * {units}"
