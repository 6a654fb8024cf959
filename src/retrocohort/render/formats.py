"""The registry of table output formats: the one place that says in which formats every
formatted table is written.

Each :class:`TableFormat` names its file suffix, its renderer (a function of one
:class:`~retrocohort.render.model.Table`) and whether the Snakemake report shows the file. Every
other home of the set of formats reads :data:`TABLE_FORMATS`: the writer
(:func:`retrocohort.tables.write.write_table_formats`), the rules' output lists
(``table_outputs`` in ``workflow/rules/common.smk``) and the tests that check the docs.

Adding a format is one renderer module (e.g. :mod:`retrocohort.render.typst`) plus one entry
here. Renderers are named by ``"module:function"`` and imported on first use, so reading the
registry (the Snakefile does, while it is parsed) imports neither pandas nor python-docx.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrocohort.render.model import Table

#: The writer's options a renderer may take as keyword arguments.
OPTIONS = ("preset",)


@dataclass(frozen=True)
class TableFormat:
    """One output format of the formatted tables.

    Attributes
    ----------
    name : str
        The file suffix without its dot (``results/tables/<table>.<name>``) and the key of the
        file in a rule's output and in :func:`~retrocohort.tables.write.write_table_formats`.
    title : str
        What the docs call the format ("Markdown", "Word").
    renderer : str
        ``"module:function"``: ``function(table, **options)`` returns the file's text (its bytes
        when ``binary``).
    binary : bool
        The renderer returns bytes (written atomically as they are) rather than text.
    in_report : bool
        The Snakemake report shows this file (``report(...)`` in the rule's output).
    options : tuple of str
        Which of the writer's :data:`OPTIONS` the renderer takes (e.g. the Word ``preset``).
    """

    name: str
    title: str
    renderer: str
    binary: bool = False
    in_report: bool = False
    options: tuple[str, ...] = ()

    @property
    def suffix(self) -> str:
        """The file suffix with its dot (``".md"``)."""
        return f".{self.name}"

    def render(self, table: Table, **options: object) -> str | bytes:
        """``table`` in this format; ``options`` the renderer does not take are ignored."""
        module, _, function = self.renderer.partition(":")
        render: Callable[..., str | bytes] = getattr(import_module(module), function)
        return render(table, **{key: value for key, value in options.items() if key in self.options})


def docx_table_bytes(table: Table, *, preset: str) -> bytes:
    """``table`` alone in a Word document in the journal ``preset`` (the Word renderer takes a
    list of tables: :func:`retrocohort.render.docx.to_docx_bytes`)."""
    from retrocohort.render.docx import to_docx_bytes

    return to_docx_bytes([table], preset=preset)


#: Every format each formatted table is written in, in this order.
TABLE_FORMATS: tuple[TableFormat, ...] = (
    TableFormat("md", "Markdown", "retrocohort.render.markdown:to_markdown"),
    TableFormat("tex", "LaTeX", "retrocohort.render.latex:to_latex"),
    TableFormat("html", "HTML", "retrocohort.render.html:to_html", in_report=True),
    TableFormat(
        "docx", "Word", "retrocohort.render.formats:docx_table_bytes", binary=True, options=("preset",)
    ),
    TableFormat("typ", "Typst", "retrocohort.render.typst:to_typst"),
)


def format_names() -> list[str]:
    """The names (file suffixes) of :data:`TABLE_FORMATS`, in order."""
    return [fmt.name for fmt in TABLE_FORMATS]


def check_registry(formats: tuple[TableFormat, ...] = TABLE_FORMATS) -> None:
    """Raise ValueError unless every format has a distinct lower-case alphanumeric name, a
    ``"module:function"`` renderer and only known options (checked on import)."""
    names = [fmt.name for fmt in formats]
    for fmt in formats:
        if not (fmt.name.isascii() and fmt.name.isalnum() and fmt.name.islower()):
            raise ValueError(f"table format name {fmt.name!r} must be lower-case letters and digits")
        if names.count(fmt.name) > 1:
            raise ValueError(f"table format {fmt.name!r} is registered more than once: {names}")
        module, colon, function = fmt.renderer.partition(":")
        if not (module and colon and function):
            raise ValueError(f"table format {fmt.name!r}: renderer {fmt.renderer!r} is not 'module:function'")
        unknown = sorted(set(fmt.options) - set(OPTIONS))
        if unknown:
            raise ValueError(
                f"table format {fmt.name!r}: unknown options {unknown}, expected some of {OPTIONS}"
            )


def output_paths(paths: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    """The path of each registered format in ``paths`` (keyed ``prefix + name``, as a rule's
    output), keyed by format name.

    Raises
    ------
    ValueError
        If a format has no path, naming the missing keys and the keys there are.
    """
    keys = set(paths.keys())  # a Snakemake output is also a list: `in` would test its paths
    missing = [prefix + name for name in format_names() if prefix + name not in keys]
    if missing:
        raise ValueError(
            f"no output path for table format(s) {missing}: every registered format "
            f"({', '.join(format_names())}) needs one; the paths given are {sorted(keys)}"
        )
    return {name: paths[prefix + name] for name in format_names()}


check_registry()
