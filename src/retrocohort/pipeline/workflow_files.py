"""Where the workflow (Snakefile, rules, scripts, report captions, notebook) of this package is.

Two layouts carry it:

* a **checkout** (``pip install -e .`` or ``make setup``): the repository's own ``Snakefile``
  beside ``src/``;
* an **installed package** (``pip install .`` or a wheel): the same files installed as data files
  under ``<prefix>/share/retrocohort`` (``[tool.setuptools.data-files]`` in ``pyproject.toml``),
  where ``<prefix>`` is the scheme's ``data`` path (``sys.prefix`` in a venv, the user base for
  ``pip install --user``).

The checkout wins, so a developer always runs the files being edited.
"""

from __future__ import annotations

import site
import sysconfig
from pathlib import Path

SHARE = Path("share") / "retrocohort"


def checkout_snakefile() -> Path | None:
    """The ``Snakefile`` of the checkout this package is imported from, or None."""
    import retrocohort

    root = Path(retrocohort.__file__).resolve().parents[2]
    candidate = root / "Snakefile"
    return candidate if candidate.is_file() and (root / "workflow" / "rules").is_dir() else None


def installed_snakefile() -> Path | None:
    """The ``Snakefile`` installed with the package under ``<prefix>/share/retrocohort``, or None."""
    prefixes = [sysconfig.get_path("data"), site.getuserbase()]
    for prefix in prefixes:
        candidate = Path(prefix) / SHARE / "Snakefile"
        if candidate.is_file():
            return candidate
    return None


def workflow_snakefile() -> Path | None:
    """The Snakefile this package runs: the checkout's, else the installed one (None if neither)."""
    return checkout_snakefile() or installed_snakefile()
