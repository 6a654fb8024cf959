"""The study configuration: loaded once, checked once, defaults filled once from the schema.

A study *is* its config file. :func:`load_study` reads it with the project's loader
(:func:`retrocohort.config.check.read_yaml`), checks it against the JSON Schema and the
cross-references (:func:`~retrocohort.config.check.schema_problems`,
:func:`~retrocohort.config.references.semantic_problems`, in one pass:
:func:`~retrocohort.config.check.config_problems`), fills every schema ``default`` (the only
place defaults live), writes each variable's ``level_labels`` where levels print
(:func:`~retrocohort.config.level_labels.with_level_labels`) and returns a frozen :class:`Study`.

:func:`workflow_study` is what the Snakefile calls: it picks the one study file of a Snakemake
run (``config/config.yaml`` of the working directory, or exactly one ``--configfile``) and
refuses a run that would mix studies (two ``--configfile`` or ``--config`` overrides), so a
second study can never be merged into the flagship's config.

Each rule then receives only its slice of the study (:mod:`retrocohort.config.slices`) as
``params:``, so Snakemake reruns exactly the jobs whose settings changed.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrocohort.config.check import config_problems, config_schema, read_yaml
from retrocohort.config.level_labels import with_level_labels
from retrocohort.config.slices import config_slice
from retrocohort.errors import ConfigError, Problem

#: Where a study directory keeps its config (relative to the working directory).
DEFAULT_CONFIG = Path("config") / "config.yaml"


def fill_defaults(config: dict, schema: dict) -> dict:
    """A deep copy of ``config`` with every ``default`` of ``schema`` filled in.

    Defaults are set wherever validation descends (object properties, array items,
    ``additionalProperties`` of maps), as JSON Schema validators extended with a
    default-setting ``properties`` keyword do (the recipe of the jsonschema FAQ, also used by
    ``snakemake.utils.validate(set_default=True)``).
    """
    from jsonschema import Draft202012Validator, validators

    base_properties = Draft202012Validator.VALIDATORS["properties"]

    def set_defaults(validator: Any, properties: dict, instance: Any, schema: dict) -> Any:
        if isinstance(instance, dict):
            for key, sub in properties.items():
                if isinstance(sub, dict) and "default" in sub and key not in instance:
                    instance[key] = copy.deepcopy(sub["default"])
        yield from base_properties(validator, properties, instance, schema)

    filling = validators.extend(Draft202012Validator, {"properties": set_defaults})
    filled = copy.deepcopy(config)
    for _ in filling(schema).iter_errors(filled):
        pass  # the config was checked before; errors here are impossible
    return filled


@dataclass(frozen=True)
class Study:
    """One study's checked configuration, defaults filled from the schema.

    Attributes
    ----------
    path : Path
        The config file it was read from.
    data : Mapping
        The configuration (treat as read-only; every rule gets a slice of it, see
        :meth:`slice`).
    """

    path: Path
    data: Mapping[str, Any] = field(repr=False)

    @property
    def id(self) -> str:
        return self.data["study"]["id"]

    @property
    def sites(self) -> list[str]:
        return sorted(self.data["sites"])

    def slice(self, *paths: str) -> dict[str, Any]:
        """The part of the config a rule reads (``"statistics/quantile_type"``, ``"variables"``),
        for its ``params:``: see :func:`retrocohort.config.slices.config_slice`."""
        return config_slice(self.data, paths)

    def get(self, path: str, default: Any = None) -> Any:
        """The value at a ``/``-separated key path, or ``default`` when a key is absent."""
        node: Any = self.data
        for key in path.split("/"):
            if not isinstance(node, Mapping) or key not in node:
                return default
            node = node[key]
        return node


def load_study(path: str | Path, base_dir: str | Path | None = None) -> Study:
    """Read, check and complete a study config; one :class:`ConfigError` lists every problem.

    Parameters
    ----------
    path : str or Path
        The study's config file.
    base_dir : str or Path, optional
        Directory the config's relative paths (raw files, published numbers) resolve against;
        the working directory by default (as Snakemake runs).
    """
    path = Path(path)
    raw = read_yaml(path)
    if not isinstance(raw, dict):
        raise ConfigError(
            f"Invalid study configuration {path}",
            [
                Problem(
                    "the file does not hold a mapping of keys",
                    file=str(path),
                    expected="a YAML mapping with the keys documented in config/README.md",
                )
            ],
        )
    schema = config_schema()
    problems = config_problems(raw, schema, str(path), base_dir)
    if problems:
        raise ConfigError(f"Invalid study configuration {path}", problems)
    return Study(path=path, data=with_level_labels(fill_defaults(raw, schema)))


def study_file(configfiles: Sequence[str | Path], overrides: Mapping[str, Any]) -> Path:
    """The one config file of a Snakemake run; mixing two studies is an error.

    Parameters
    ----------
    configfiles : sequence of path
        The ``--configfile`` arguments (none: ``config/config.yaml`` of the working directory).
    overrides : mapping
        The ``--config KEY=VALUE`` arguments: refused, since they would change the study without
        changing its file (and merge into whichever study is loaded).
    """
    if overrides:
        raise ConfigError(
            "Refusing `--config` overrides",
            [
                Problem(
                    "the study is its config file; command-line overrides would change results without "
                    "changing the file and could merge two studies",
                    column="--config",
                    value=", ".join(sorted(overrides)),
                    expected="edit the study's config file, or copy it and pass the copy with --configfile",
                )
            ],
        )
    if len(configfiles) > 1:
        raise ConfigError(
            "Refusing to merge study configs",
            [
                Problem(
                    "more than one --configfile: Snakemake would merge them into one mixed study",
                    column="--configfile",
                    value=", ".join(map(str, configfiles)),
                    expected="exactly one study config per run (retrocohort run STUDY_DIR, or "
                    "snakemake --directory STUDY_DIR)",
                )
            ],
        )
    return Path(configfiles[0]) if configfiles else DEFAULT_CONFIG


def workflow_study(configfiles: Sequence[str | Path], overrides: Mapping[str, Any]) -> Study:
    """The study of a Snakemake run (see :func:`study_file`), loaded and checked."""
    return load_study(study_file(configfiles, overrides))
