"""The words of the generated Results skeleton (:mod:`retrocohort.manuscript.skeleton`): the
placeholder writer, joining and capitalising, how a table is named, its p threshold and its
population's lead sentence, shared by the paragraph builders of every table kind.

References
----------
Lang TA, Altman DG. Basic statistical reporting for articles published in biomedical
journals: the "Statistical Analyses and Methods in the Published Literature" or the SAMPL
guidelines. Int J Nurs Stud 2015;52:5-9.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from retrocohort.config.level_labels import level_order
from retrocohort.manuscript.namespace import Namespace
from retrocohort.manuscript.sources_declared import table_key
from retrocohort.tables.declared_tables import population_phrase

#: The conventional two-sided 5% level: the rows of a table without ``bold_p_below`` that the
#: text names with their numbers (the others are named together).
NOTABLE_P = 0.05

Records = Sequence[Mapping[str, Any]]


def placeholder(space: Namespace, key: str, decimals: int | None = None) -> str | None:
    """``{{ key }}`` (``{{ key:decimals }}``) when ``space`` has ``key``, else None."""
    if key not in space:
        return None
    return f"{{{{ {key}{'' if decimals is None else f':{decimals}'} }}}}"


def join_words(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def lower_first(text: str) -> str:
    """``text`` with a lower-case first letter unless it starts an acronym ("CRP" stays)."""
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


def declared_groups(names: Sequence[str], spec: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    """The group names (as the records print them) of a table grouped ``by`` a variable, in the
    declared order: the order of the table's ``group_labels`` (filled from the variable's
    ``level_labels`` when the study is loaded), else of the variable's values
    (:func:`retrocohort.config.level_labels.level_order`); a name the declaration does not
    list follows, in its order in ``names``. The tables print their columns in that order, and
    the statistics files keep theirs sorted, so the text follows the declaration, not the file."""
    labels = spec.get("group_labels") or {}
    by = spec.get("by")
    order = [str(v) for v in labels.values()] if labels else (level_order(config, by) if by else [])
    rank = {name: i for i, name in enumerate(order)}
    return sorted(names, key=lambda name: rank.get(name, len(rank)))


def upper_first(text: str) -> str:
    """``text`` starting a sentence."""
    return text[:1].upper() + text[1:]


def table_reference(table_id: str, spec: Mapping[str, Any]) -> str:
    """How the text names a table: "Table 4" when its title starts so, else its title without
    placeholders ("the table “Group comparisons”"), else its id."""
    title = str(spec.get("title", ""))
    numbered = re.match(r"\s*(Table\s+[A-Za-z0-9]+)\b", title)
    if numbered:
        return numbered.group(1)
    plain = re.sub(r"\s*\{\w*\}\s*", " ", title).strip().rstrip(".")
    return f"the table “{plain}”" if plain else f"table {table_id}"


def threshold(spec: Mapping[str, Any]) -> float:
    """The p-value below which a row is named with its numbers: the table's ``bold_p_below``,
    else :data:`NOTABLE_P`."""
    value = spec.get("bold_p_below")
    return NOTABLE_P if value is None else float(value)


def p_and_test(space: Namespace, prefix: str, test: object) -> str:
    """ "p = 0.020, Mann-Whitney U": ``<prefix>.p`` and the test's name as its record gives it
    (a name, not a number: printed as it is)."""
    p = placeholder(space, f"{prefix}.p")
    return f"p {p}" + (f", {test}" if isinstance(test, str) and test else "")


def others_sentence(names: Sequence[str], limit: float, some_named: bool, what: str) -> str:
    """The rows not named with their numbers: "The other characteristics had p ≥ 0.05 (A and B)."."""
    if not names:
        return ""
    lead = f"The other {what}" if some_named else f"All {what}"
    return f" {lead} had p ≥ {limit:g} ({join_words(names)})."


def population_words(spec: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """A table's ``where:`` in words after "patients", as its footnote states it ("with placebo
    and female sex", "free of diabetes"; "" without one): :func:`population_phrase`."""
    return population_phrase(spec, config)


def table_lead(
    space: Namespace,
    table_id: str,
    spec: Mapping[str, Any],
    config: Mapping[str, Any],
    verb: str,
    reason: str = "",
) -> str:
    """The sentence opening a table's paragraph, its population stated, and the patients its
    analysis left out (:func:`left_out_words`, ``reason`` their footnote's words).

    Parameters
    ----------
    space
        The namespace: the n is ``tables.<table_id>.n``, left out when it has none (a classic
        table, e.g. ``table3``, whose sentence is then unchanged).
    table_id, spec
        The table's key under ``tables:`` and its entry (``title``, ``where``).
    config
        The study config (the variables' labels, for a condition without ``label``).
    verb
        What the table does ("compares Baseline with 1 year").

    Returns
    -------
    str
        "Among the {{ tables.t.n }} patients with placebo, Table 7 compares Baseline with 1
        year." with ``where:`` (its words as the table's footnote states them), else
        "Table 7 compares Baseline with 1 year ({{ tables.t.n }} patients).".
    """
    reference = table_reference(table_id, spec)
    n = placeholder(space, table_key(table_id, "n"))
    population = population_words(spec, config)
    left_out = left_out_words(space, table_id, reason)
    if population:
        tail = f" ({left_out})" if left_out else ""
        return f"Among the {f'{n} ' if n else ''}patients {population}, {reference} {verb}{tail}."
    size = f"{n} patients" + (f"; {left_out}" if left_out else "") if n else ""
    return f"{upper_first(reference)} {verb}{f' ({size})' if size else ''}."


def left_out_words(space: Namespace, table_id: str, reason: str = "") -> str:
    """ "17518 analysed, 31 excluded: group unknown": a table's patients left out of its
    analysis (``tables.<id>.analysed`` and ``tables.<id>.excluded``), "" when none is (or the
    table records no such count). ``reason``: what their footnote says of them, in words."""
    key = table_key(table_id, "excluded")
    if key not in space or not space[key].value:
        return ""
    analysed = placeholder(space, table_key(table_id, "analysed"))
    why = f": {reason}" if reason else ""
    head = f"{analysed} analysed, " if analysed else ""
    return f"{head}{placeholder(space, table_key(table_id, 'excluded'))} excluded{why}"


def excluded_reason(records: Records) -> str:
    """Why a table's analysis left patients out, as its records' ``excluded_reason`` says in
    parentheses ("31 patients excluded (Group unknown)" -> "group unknown"); "" without one."""
    for rec in records:
        match = re.search(r"\(([^()]+)\)\W*$", str(rec.get("excluded_reason") or ""))
        if match:
            return lower_first(match.group(1))
    return ""
