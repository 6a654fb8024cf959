"""Deterministic, atomic writers for the pipeline's machine-readable outputs."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd


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


def write_csv(frame: pd.DataFrame, path: str | Path) -> None:
    """CSV at full precision, LF endings, atomic; text cells, category labels and headers
    neutralised against spreadsheet formula injection (render.csv_safe.safe_csv_frame)."""
    from .render.csv_safe import safe_csv_frame

    write_text(path, safe_csv_frame(frame).to_csv(index=False, lineterminator="\n", float_format="%.17g"))


def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """Parquet (pyarrow, zstd), written atomically; byte-stable for identical frames."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
    os.replace(tmp, path)


def write_json(obj: Any, path: str | Path) -> None:
    """Sorted keys, 2-space indent, trailing newline, atomic."""
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n")


def read_parquet(path: str | Path, columns: list[str] | None = None) -> pd.DataFrame:
    """Read a canonical table (optionally only some columns)."""
    return pd.read_parquet(path, columns=columns)
