"""Atomic, deterministic writers of bytes, text and JSON, without pandas.

Kept apart from :mod:`retrocohort.io.tabular` so that jobs writing only text or JSON
(provenance, the notebook) do not import pandas (~0.5 s per job). :func:`write_json` is the one
JSON writer of the package; its encoding policy (strict JSON, NaN -> null) is
:mod:`retrocohort.io.json`.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from retrocohort.io.json import json_text


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: never a partial file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; outputs are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | Path, text: str) -> None:
    """UTF-8, LF line endings, atomic."""
    atomic_write_bytes(path, text.encode("utf-8"))


def write_json(obj: Any, path: str | Path, *, sort_keys: bool = True) -> None:
    """Strict JSON (:func:`retrocohort.io.json.json_text`: NaN/inf -> null, numpy scalars as
    numbers, unsupported objects refused), 2-space indent, trailing newline, atomic; keys sorted
    unless ``sort_keys=False``."""
    write_text(path, json_text(obj, sort_keys=sort_keys))
