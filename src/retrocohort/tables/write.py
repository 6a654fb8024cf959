"""Write one formatted table in every registered output format
(:data:`retrocohort.render.formats.TABLE_FORMATS`)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from retrocohort.io.tabular import atomic_write_bytes, write_text
from retrocohort.render.formats import TABLE_FORMATS, output_paths
from retrocohort.render.model import Table
from retrocohort.render.presets import house_style_headers


def write_table_formats(
    table: Table, paths: Mapping[str, str | Path], *, preset: str, prefix: str = ""
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

    Raises
    ------
    ValueError
        If ``paths`` lacks the file of a registered format (checked before anything is written).
    """
    files = output_paths(paths, prefix)
    table = house_style_headers(table, preset)  # "P value" or "p-Value", as the journal writes it
    for fmt in TABLE_FORMATS:
        content = fmt.render(table, preset=preset)
        if fmt.binary:
            atomic_write_bytes(files[fmt.name], content)
        else:
            write_text(files[fmt.name], content)
