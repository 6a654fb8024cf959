"""Deterministic, atomic writers for the pipeline's machine-readable outputs."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
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
    neutralised against spreadsheet formula injection (render.csv_safe.safe_csv_frame).

    Floats are printed as the shortest text that reads back to the same double (``38.4``,
    ``100``, ``1e-7``; missing = empty cell), turned into text by Arrow in one vectorised
    pass (a per-cell ``float_format`` costs ~1 min for a 10^6 x 33 frame).
    """
    from .render.csv_safe import safe_csv_frame

    out = safe_csv_frame(frame)
    for position, dtype in enumerate(out.dtypes):
        if pd.api.types.is_float_dtype(dtype):
            out.isetitem(position, float_text(out.iloc[:, position]))
    write_text(path, out.to_csv(index=False, lineterminator="\n"))


def float_text(values: pd.Series) -> pd.Series:
    """Floats -> shortest round-trip text (Arrow's cast); missing stays missing."""
    import pyarrow as pa

    arrow = pa.array(values.to_numpy(dtype="float64", na_value=np.nan), from_pandas=True)
    return pd.Series(pd.array(arrow.cast(pa.string()), dtype="string[pyarrow]"), index=values.index)


def write_parquet(frame: pd.DataFrame, path: str | Path) -> None:
    """Parquet (pyarrow, zstd), written atomically; byte-stable for identical frames."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    frame.to_parquet(tmp, index=False, engine="pyarrow", compression="zstd")
    os.replace(tmp, path)


def concat_parquet(paths: list[str | Path], path: str | Path) -> int:
    """Row-wise concatenation of Parquet files with one schema (pyarrow, zstd), written atomically;
    returns the row count. No pandas round trip: the same table :func:`write_parquet` would
    write from the concatenated frames (written with ``index=False``), at a fraction of the
    time and memory for 10^7 rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.concat_tables([pq.read_table(p) for p in paths])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, path)
    return table.num_rows


def write_json(obj: Any, path: str | Path) -> None:
    """Sorted keys, 2-space indent, trailing newline, atomic."""
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n")


def read_parquet(path: str | Path, columns: list[str] | None = None,
                 categorical: list[str] | None = None) -> pd.DataFrame:
    """Read a canonical table (optionally only some columns).

    ``categorical``: string columns read as pandas categoricals straight from Parquet's
    dictionary encoding (categories in order of first appearance): for the 10^7-row
    measurements table ~3x faster and ~3x smaller than building a string per cell.
    """
    if not categorical:
        return pd.read_parquet(path, columns=columns)
    import pyarrow.parquet as pq

    return pq.read_table(path, columns=columns, read_dictionary=categorical).to_pandas()
