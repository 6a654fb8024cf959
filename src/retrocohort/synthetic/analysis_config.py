"""The methods a synthetic recipe calibrates under: its ``analysis`` study config, loaded as
``retrocohort run`` loads it (:func:`retrocohort.config.study.load_study`: strict YAML, schema,
cross-references, defaults filled from the schema).

The recipe may write the very input files that config reads (the flagship's synthetic
measurements): when those are the only problem, the config is otherwise valid and is used (a
first generation needs no earlier output). Without ``analysis`` the schema's defaults apply.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from retrocohort.config.check import config_schema, read_yaml
from retrocohort.config.study import DEFAULT_CONFIG, fill_defaults, load_study
from retrocohort.errors import ConfigError, Problem

MISSING_INPUT = "input file does not exist"


def study_directory(config_path: Path, base_dir: Path) -> Path:
    """The directory a study config's relative paths resolve against: ``D`` for a config at
    ``D/config/config.yaml`` (the layout of a study directory, as ``retrocohort run D``), else
    ``base_dir`` (the recipe's project directory)."""
    parts = config_path.parts
    if len(parts) >= 2 and Path(*parts[-2:]) == DEFAULT_CONFIG:
        return config_path.parent.parent
    return base_dir


def _produced(problem: Problem, study_dir: Path, outputs: set[Path]) -> bool:
    """Whether a problem is only that an input the recipe itself writes does not exist yet."""
    return problem.message == MISSING_INPUT and (study_dir / str(problem.value)).resolve() in outputs


def default_statistics(recipe: dict[str, Any]) -> dict[str, Any]:
    """The schema's ``statistics:`` defaults, with the recipe's own ``quantile_type`` if it has one
    (the methods of a recipe without an ``analysis`` config)."""
    defaults = fill_defaults({}, config_schema())["statistics"]
    return {**defaults, **({"quantile_type": recipe["quantile_type"]} if "quantile_type" in recipe else {})}


def analysis_statistics(recipe: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """The ``statistics:`` section (schema defaults filled) the recipe's data are calibrated under.

    Parameters
    ----------
    recipe : dict
        The recipe; ``analysis`` (optional) is the study config, relative to ``base_dir``;
        ``quantile_type`` (optional, only without ``analysis``) the Hyndman-Fan type.
    base_dir : Path
        The project directory the recipe's paths are relative to.

    Raises
    ------
    ConfigError
        The analysis config is refused as ``retrocohort run`` refuses it.
    """
    if not recipe.get("analysis"):
        defaults = fill_defaults({}, config_schema())["statistics"]
        return {
            **defaults,
            **({"quantile_type": recipe["quantile_type"]} if "quantile_type" in recipe else {}),
        }
    path = base_dir / recipe["analysis"]
    study_dir = study_directory(path, base_dir)
    try:
        return dict(load_study(path, base_dir=study_dir).data["statistics"])
    except ConfigError as exc:
        outputs = {(base_dir / str(p)).resolve() for p in (recipe.get("outputs") or {}).values()}
        if not exc.problems or not all(_produced(p, study_dir, outputs) for p in exc.problems):
            raise
    return dict(fill_defaults(read_yaml(path), config_schema())["statistics"])
