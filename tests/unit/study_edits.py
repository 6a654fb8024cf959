"""Load a shipped study after editing its config: the problems the loader reports, for unit
tests of the config checks (one helper, shared by the test modules that need it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from retrocohort.config.study import load_study
from retrocohort.errors import ConfigError


def problems_after_edit(
    study_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, edit: Callable[[dict[str, Any]], None]
) -> list:
    """The problems of the study at ``study_dir`` after ``edit`` (empty when it loads).

    ``edit`` changes the parsed ``config/config.yaml`` in place; the edited config is written to
    ``tmp_path/study.yaml`` and loaded with ``study_dir`` as its base directory (data paths stay
    the study's), from inside ``study_dir``.
    """
    monkeypatch.chdir(study_dir)
    cfg = yaml.safe_load((study_dir / "config/config.yaml").read_text(encoding="utf-8"))
    edit(cfg)
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    try:
        load_study(path, base_dir=study_dir)
    except ConfigError as exc:
        return exc.problems
    return []
