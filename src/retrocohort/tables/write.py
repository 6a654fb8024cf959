"""Write one formatted table in every registered output format
(:data:`retrocohort.render.formats.TABLE_FORMATS`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from retrocohort.format.words import with_subjects_noun
from retrocohort.io.tabular import atomic_write_bytes, write_text
from retrocohort.render.formats import TABLE_FORMATS, output_paths
from retrocohort.render.model import Footnote, Marked, Table
from retrocohort.render.presets import house_style_headers


def _noun_text(text: str, noun: Mapping[str, str]) -> str:
    """One text in the study's noun, a marked cell or footnote keeping its mark."""
    if isinstance(text, Marked):
        return Marked(with_subjects_noun(text.text, noun), text.mark)
    if isinstance(text, Footnote):
        return Footnote(text.mark, with_subjects_noun(text.text, noun))
    return with_subjects_noun(text, noun)


def in_subjects_noun(table: Table, noun: Mapping[str, str] | None) -> Table:
    """``table`` with "patient(s)" in its title, headers, label column (row labels, section
    rows) and footnotes in the study's noun (``study.subjects_noun``, see
    :func:`retrocohort.format.words.with_subjects_noun`); value cells are data and kept.

    Examples
    --------
    >>> from retrocohort.render.model import Row
    >>> t = Table("Table 1. The {n} patients", ["Characteristic", "Patients (n = 3)"],
    ...           [Row(["No patient excluded", "3"])], ["Percentages of the patients."], "t1")
    >>> u = in_subjects_noun(t, {"singular": "participant", "plural": "participants"})
    >>> u.title, u.columns[1], u.rows[0].cells, u.footnotes
    ('Table 1. The {n} participants', 'Participants (n = 3)', ['No participant excluded', '3'], ['Percentages of the participants.'])
    """
    if not noun:
        return table
    rows = [replace(r, cells=[_noun_text(r.cells[0], noun), *r.cells[1:]]) for r in table.rows]
    return replace(
        table,
        title=_noun_text(table.title, noun),
        columns=[_noun_text(c, noun) for c in table.columns],
        rows=rows,
        footnotes=[_noun_text(f, noun) for f in table.footnotes],
    )


def as_written(table: Table, preset: str, subjects: Mapping[str, str] | None = None) -> Table:
    """``table`` in the study's words, as every format writes it: its subjects' noun
    (:func:`in_subjects_noun`) and the journal's p-value header
    (:func:`~retrocohort.render.presets.house_style_headers`)."""
    return house_style_headers(in_subjects_noun(table, subjects), preset)


def write_table_formats(
    table: Table,
    paths: Mapping[str, str | Path],
    *,
    preset: str,
    prefix: str = "",
    subjects: Mapping[str, str] | None = None,
) -> None:
    """``table`` in every format of :data:`~retrocohort.render.formats.TABLE_FORMATS`.

    Parameters
    ----------
    table : Table
        The formatted table.
    paths : Mapping
        The file of each format keyed ``prefix + name`` (``"md"``, ``"tex"``, ...; a rule's
        ``output`` with the keys of ``table_outputs`` in ``workflow/rules/common.smk``).
    preset : str
        The journal style of the Word table (config ``tables.preset``, see
        :mod:`retrocohort.render.presets`) and of the p-value header in every format; its orientation
        (portrait or landscape) follows from the content (:func:`render.layout.plan_table`).
    prefix : str
        Prefix of the keys of ``paths`` (``"table1_"`` when one rule writes several tables).
    subjects : mapping, optional
        The study's ``study.subjects_noun`` (``{singular, plural}``): "patient(s)" in the
        table's wording is written in it (:func:`in_subjects_noun`).

    Raises
    ------
    ValueError
        If ``paths`` lacks the file of a registered format (checked before anything is written).
    """
    files = output_paths(paths, prefix)
    table = as_written(table, preset, subjects)
    for fmt in TABLE_FORMATS:
        content = fmt.render(table, preset=preset)
        if fmt.binary:
            atomic_write_bytes(files[fmt.name], content)
        else:
            write_text(files[fmt.name], content)
