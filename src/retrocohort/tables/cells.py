"""Pieces shared by every formatted manuscript table: digit-grouping style, the synthetic-data
dagger and its footnote, and p-values lettered by the test that produced them.

Rows resting on synthetic data are marked with a superscript dagger and a footnote says so;
p-values carry the superscript letter of the test that produced them. Digit grouping is decided
once per row (:meth:`NumberStyle.row`), so a row never mixes "10,044.0" with "2014.0".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from retrocohort.format.numbers import format_range, is_missing
from retrocohort.format.pvalues import p_value_format, printed_p
from retrocohort.render.model import Footnote, Marked
from retrocohort.render.number_style import NumberStyle
from retrocohort.render.pvalue_marks import method_letter
from retrocohort.stats.registry import by_recorded_name, stated_test

DAGGER = "†"
#: Header and footnote of the reference-range column (classic Table 1, a descriptive table with
#: ``reference_range: true``).
REFERENCE_HEADER = "Reference values"
REFERENCE_FOOTNOTE = "Reference values: the laboratory's normal range, in their own column."


def synthetic_footnote(config: dict) -> Footnote:
    """The dagger footnote of rows resting on synthetic data (config ``study.synthetic_note``)."""
    return Footnote(DAGGER, config["study"].get("synthetic_note", "Synthetic data."))


def synthetic_label(text: str, synthetic: bool) -> str:
    """A row label, marked with the superscript dagger when the row rests on synthetic data."""
    return Marked(text, DAGGER) if synthetic else text


#: ``tables.<id>`` key -> :class:`NumberStyle` field (digit grouping).
_GROUPING_KEYS = {"thousands_separator": "thousands_sep", "thousands_min": "thousands_min"}


def number_style(config: dict, table: str) -> NumberStyle:
    """The table's :class:`NumberStyle`: ``statistics.rounding`` and the digit grouping of
    ``tables.<table>``, as the loaded study gives them (schema defaults filled).

    Parameters
    ----------
    config : dict
        The loaded study (``statistics`` and ``tables`` sections, defaults filled).
    table : str
        The table's key under ``tables:``. A table that declares no digit grouping (a listing,
        which prints no grouped numbers) or that the study lacks (the manuscript text of a study
        without a classic Table 1) takes :class:`NumberStyle`'s grouping.

    Returns
    -------
    NumberStyle
        Rounding rule, separator and the threshold from which a row is grouped.
    """
    spec = config["tables"].get(table) or {}
    grouping = {field: spec[key] for key, field in _GROUPING_KEYS.items() if key in spec}
    return NumberStyle(rule=config["statistics"]["rounding"], **grouping)


def _p_cell(p: object, config: dict) -> str:
    return printed_p(p, p_value_format(config.get("statistics", {})))  # type: ignore[arg-type]


def reference_cell(row: dict, grouping: dict) -> str:
    """The reference-range cell of a table row: ``row['reference']`` ([low, high]) as "low–high"
    at ``row['reference_decimals']``, with the row's digit grouping; blank without a range.

    Parameters
    ----------
    row : dict
        The row's loaded spec (``reference`` optional, ``reference_decimals`` filled).
    grouping : dict
        Keyword arguments of :func:`retrocohort.format.numbers.format_range` (the row's one
        digit-grouping decision, :meth:`NumberStyle.row`).

    Returns
    -------
    str
        "4.0–10.0", or "" for a row without a reference range.

    Examples
    --------
    >>> reference_cell({"reference": [4, 10], "reference_decimals": 1}, {})
    '4.0–10.0'
    """
    if "reference" not in row:
        return ""
    return format_range(*row["reference"], row["reference_decimals"], **grouping)


def with_declared_reference(row: Mapping[str, Any], variables: Mapping[str, Any]) -> dict:
    """A table row with its variable's declared reference range (``variables.<v>.reference``)
    unless the row gives its own ``reference`` (or has no variable: a section).

    Examples
    --------
    >>> with_declared_reference({"variable": "crp"}, {"crp": {"reference": [0, 8]}})
    {'variable': 'crp', 'reference': [0, 8]}
    """
    reference = (variables.get(row.get("variable")) or {}).get("reference")
    return {**row} if "reference" in row or reference is None else {**row, "reference": reference}


def named_test(rec: Mapping) -> str:
    """The words a table footnote names a p-value's test with: the registry's title of the test
    the result records (``rec["test"]``, :func:`retrocohort.stats.registry.by_recorded_name`,
    as a sentence, e.g. "Mann-Whitney U test."); the result's own ``method`` text when its test is not registered
    or its p-value was not computed (the text then says why: "not computed: fewer than 2 pairs").

    The full method text (formulas, exactness, sidedness) stays in the stats files' ``method``
    column and in the methods' supplementary note; a footnote names the test.

    Parameters
    ----------
    rec : Mapping
        One result record of a stats file, with ``method`` and (usually) ``test``.

    Returns
    -------
    str
        The test's title with a full stop, or ``rec["method"]``.

    References
    ----------
    Each test's reference is its registry entry's (``TestEntry.reference``).

    Examples
    --------
    >>> named_test({"test": "Fisher exact", "method": "Fisher exact test (...)", "p_value": 0.04})
    "Fisher's exact test."
    """
    test = rec.get("test")
    if not isinstance(test, str) or not test or is_missing(rec.get("p_value")):
        return str(rec["method"])
    try:
        by_recorded_name(test)
    except KeyError:
        return str(rec["method"])
    return f"{stated_test(rec, title=True)}."


def marked_p(p: object, rec: Mapping, config: dict, markers: dict[str, str]) -> Marked:
    """The printed p-value ``p`` with the superscript letter of the test of result ``rec``
    (lettered by :func:`named_test`: one footnote per test named in words)."""
    return Marked(_p_cell(p, config), method_letter(markers, named_test(rec)))
