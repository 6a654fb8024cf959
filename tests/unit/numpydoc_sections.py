"""The numpydoc check shared by the docstring tests of :mod:`retrocohort.stats`
(tests/unit/test_stats_docstrings.py) and :mod:`retrocohort.analysis`
(tests/unit/test_analysis_docstrings.py): which functions of a package are public, and which
sections of a scipy-style docstring each lacks."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("Parameters", "Returns", "References", "Examples")


def imported_from(package: str) -> set[tuple[str, str]]:
    """(module, name) of every ``from <package>[.x] import name`` in the package's source tree
    and the workflow's scripts (a module cannot import from itself, so each is a use outside
    the defining module)."""
    files = [*(ROOT / "src").rglob("*.py"), *(ROOT / "workflow").rglob("*.py")]
    found: set[tuple[str, str]] = set()
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(package):
                found.update((node.module, alias.name) for alias in node.names)
    return found


def sections(doc: str) -> dict[str, str]:
    """numpydoc sections of a (cleaned) docstring: header -> body text."""
    parts = re.split(r"^(\w[\w ]*)\n-{3,}\n", doc, flags=re.M)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def missing_sections(func: object) -> list[str]:
    """The numpydoc sections ``func``'s docstring lacks or leaves empty (Parameters only when it
    takes arguments), and ``Examples`` again when it holds no ``>>>`` doctest."""
    doc = inspect.getdoc(func) or ""
    found = sections(doc)
    takes_arguments = bool(inspect.signature(func).parameters)  # type: ignore[arg-type]
    needed = [s for s in SECTIONS if s != "Parameters" or takes_arguments]
    missing = [s for s in needed if not found.get(s)]
    if "Examples" not in missing and ">>>" not in found["Examples"]:
        missing.append("Examples (no >>> doctest)")
    if not doc.strip() or not doc.splitlines()[0].strip():
        missing.append("one-line summary")
    return missing
