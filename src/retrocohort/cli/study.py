"""The one way a subcommand reads a study config: :func:`retrocohort.config.study.load_study`.

``run``, ``hscore``, ``audit --data`` and ``simulate`` load the study the same way (strict YAML,
schema, cross-references, defaults filled from the schema), so a config that ``run`` refuses is
refused with the same error everywhere, and no subcommand depends on a default restated in code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retrocohort.config.study import Study


def study_config_path(configfile: Path | None, directory: Path) -> Path:
    """``--configfile`` (relative to the current directory), else the project's
    ``config/config.yaml`` (relative to ``directory``), as ``retrocohort run`` resolves it."""
    from retrocohort.config.study import DEFAULT_CONFIG

    return configfile.resolve() if configfile is not None else directory / DEFAULT_CONFIG


def load_cli_study(configfile: Path | None, directory: Path, *, required: bool = True) -> Study | None:
    """The study of ``directory`` (or ``--configfile``), loaded as ``retrocohort run`` loads it.

    Parameters
    ----------
    configfile : Path or None
        The ``--configfile`` argument.
    directory : Path
        The project (study) directory: relative paths in the config resolve against it.
    required : bool
        When False and no ``--configfile`` was given, a project without ``config/config.yaml``
        gives None instead of an error.

    Raises
    ------
    ConfigError
        Whatever ``retrocohort run`` refuses: duplicate keys, schema and cross-reference
        problems, each with its key path.
    """
    from retrocohort.config.study import load_study

    path = study_config_path(configfile, directory)
    if not required and configfile is None and not path.is_file():
        return None
    return load_study(path, base_dir=directory)
