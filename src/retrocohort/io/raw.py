"""Read raw tabular files (CSV, XLSX, Parquet) as text, with errors that say what to fix.

Raw files are read with every cell as a string so that nothing is guessed (no silent
float parsing of "13,835", no dates from "1/2"); typing happens in :mod:`retrocohort.ingest.sources`
where each column's expected kind is known. Raw files are only ever opened for reading.
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from pathlib import Path

import pandas as pd

from retrocohort.errors import InputError, Problem
from retrocohort.io.xlsx import read_xlsx_cells

#: Default size guard: a raw file above this many bytes is refused before it is parsed (raw
#: text expands ~5-10x in memory as pandas strings). Override with ``input_limits.max_bytes``.
DEFAULT_MAX_BYTES = 2 * 1024**3

#: The patient id column a source with ``id_from_row: true`` is given (an export with one row
#: per patient and no id column, e.g. an R data frame written without row names).
ROW_ID_COLUMN = "(data row)"


def with_row_ids(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :data:`ROW_ID_COLUMN` first: each data row's number as text, "1" for the
    first row under the header (the file itself is not changed).

    >>> with_row_ids(pd.DataFrame({"age": ["61", "61"]})).to_dict("list")
    {'(data row)': ['1', '2'], 'age': ['61', '61']}
    """
    if ROW_ID_COLUMN in frame.columns:
        raise ValueError(f"the file already has a column {ROW_ID_COLUMN!r}")
    ids = pd.Series([str(i) for i in range(1, len(frame) + 1)], index=frame.index, dtype=object)
    return pd.concat([ids.rename(ROW_ID_COLUMN), frame], axis=1)


def require_columns(
    frame: pd.DataFrame,
    needed: list[str],
    file: str,
    *,
    title: str = "Missing columns",
    reason: str = "column not found",
) -> None:
    """Raise one :class:`InputError` naming every column of ``needed`` absent from ``frame``."""
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise InputError(
            f"{title} in {file}",
            [
                Problem(
                    reason,
                    file=file,
                    column=c,
                    expected="one of the file's columns: " + ", ".join(map(str, frame.columns)),
                )
                for c in missing
            ],
        )


def _fail(path: Path, message: str, expected: str | None = None) -> InputError:
    return InputError(f"Cannot read {path}", [Problem(message, file=str(path), expected=expected)])


def file_format(path: Path, declared: str | None = None) -> str:
    """The declared format, else the one implied by the extension (csv, tsv, xlsx, parquet)."""
    if declared:
        return declared
    suffix = path.suffix.lower()
    formats = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".parquet": "parquet"}
    if suffix not in formats:
        raise _fail(
            path,
            f"unsupported file extension {suffix!r}",
            "one of .csv, .tsv, .txt, .xlsx, .parquet (or set `format:`)",
        )
    return formats[suffix]


def read_raw_table(
    path: str | Path,
    *,
    fmt: str | None = None,
    encoding: str = "utf-8",
    separator: str = ",",
    sheet: str | int | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    decimal: str = ".",
    hidden_rows: str = "refuse",
) -> pd.DataFrame:
    """Read one raw file; every column as text (Parquet keeps its own types).

    XLSX files are read cell by cell (:func:`retrocohort.io.xlsx.read_xlsx_cells`: sheet choice,
    formulas, merged ranges, hidden rows, error values, percent formats, dates); ``sheet``
    None means "the only non-empty sheet", ``decimal`` is the mark used to write numeric cells.

    UTF-8 files may start with a byte-order mark. Raises :class:`InputError` naming the file
    for: missing file, a directory or other non-regular file (FIFO, device), no read
    permission, a file above ``max_bytes``, undecodable bytes, a truncated or corrupt XLSX,
    an empty file, a header without rows, duplicated or blank column names, and a CSV that
    evidently uses another separator than the declared one.
    """
    path = Path(path)
    if not path.exists():
        raise _fail(path, "file does not exist")
    if path.is_dir():
        raise _fail(path, "is a directory, not a file", "a regular file")
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise _fail(path, "is not a regular file (FIFO, socket or device)", "a regular file")
    if not os.access(path, os.R_OK):
        raise _fail(path, "no permission to read the file", "a file readable by this user")
    size = path.stat().st_size
    if size == 0:
        raise _fail(path, "file is empty", "a header row and at least one data row")
    if size > max_bytes:
        raise _fail(
            path,
            f"file is {size} bytes, above the input size limit of {max_bytes} bytes",
            "a smaller file (split it per site), or raise `input_limits.max_bytes` "
            "if the machine has the memory",
        )
    kind = file_format(path, fmt)
    try:
        if kind == "csv":
            frame = _read_csv(path, encoding, separator)
        elif kind == "xlsx":
            frame = read_xlsx_cells(path, sheet=sheet, decimal=decimal, hidden_rows=hidden_rows)
        else:
            frame = pd.read_parquet(path)
    except InputError:
        raise
    except PermissionError:
        raise _fail(path, "no permission to read the file", "a file readable by this user") from None
    except (zipfile.BadZipFile, EOFError) as exc:
        raise _fail(
            path,
            f"truncated or corrupt {kind} file ({exc})",
            "a complete .xlsx workbook (re-export it from the spreadsheet)",
        ) from None
    except UnicodeDecodeError as exc:
        raise _fail(
            path,
            f"bytes at offset {exc.start} are not valid {encoding}",
            f"a {encoding} text file (or set `encoding:` for this source)",
        ) from None
    except Exception as exc:  # parser errors from pandas / openpyxl / pyarrow
        detail = " ".join(str(exc).split())
        raise _fail(
            path,
            f"not a readable {kind} file ({type(exc).__name__}: {detail})",
            f"a well-formed {kind} file with the same number of fields on every row",
        ) from None
    _check_columns(path, frame)
    if kind == "csv" and frame.shape[1] == 1:
        header = str(frame.columns[0])
        other = next((sep for sep in (";", "\t", ",", "|") if sep != separator and sep in header), None)
        if other:
            raise _fail(
                path,
                f"one column {header!r}: the file seems separated by {other!r}, not {separator!r}",
                f"`separator: {other!r}` for this source",
            )
    if frame.empty:
        raise _fail(path, "has a header but no data rows", "at least one data row")
    return frame


def _read_csv(path: Path, encoding: str, separator: str) -> pd.DataFrame:
    enc = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    with open(path, "rb") as fh:
        head = fh.read(4)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) and not enc.lower().startswith("utf-16"):
        raise _fail(
            path,
            "file is UTF-16 encoded (byte-order mark FF FE / FE FF)",
            "UTF-8 text (or set `encoding: utf-16` for this source)",
        )
    if head.startswith(b"\xef\xbb\xbf") and enc != "utf-8-sig":
        raise _fail(
            path,
            f"file starts with a UTF-8 byte-order mark but `encoding: {encoding}` is declared",
            "`encoding: utf-8` for this source (a UTF-8 BOM is accepted)",
        )
    return pd.read_csv(path, sep=separator, dtype=str, keep_default_na=False, na_filter=False, encoding=enc)


def _check_columns(path: Path, frame: pd.DataFrame) -> None:
    """Reject blank and duplicated column names (pandas renames a duplicate 'x' to 'x.1'), and names
    equal up to case and surrounding spaces ('age' and 'Age '), which a mapping could confuse."""
    names = [str(c) for c in frame.columns]
    problems = []
    for i, name in enumerate(names):
        dup = re.fullmatch(r"(.+)\.(\d+)", name)
        if dup and dup.group(1) in names:
            problems.append(
                Problem(
                    "duplicated column name",
                    file=str(path),
                    column=dup.group(1),
                    expected="each column name once",
                )
            )
        twin = next(
            (o for o in names[:i] if o != name and o.strip().casefold() == name.strip().casefold()), None
        )
        if twin is not None:
            problems.append(
                Problem(
                    f"column names {twin!r} and {name!r} differ only by case or surrounding spaces",
                    file=str(path),
                    column=name,
                    expected="distinct column names (which one holds the data?)",
                )
            )
        if not name.strip() or name.startswith("Unnamed:"):
            problems.append(
                Problem(
                    f"blank column name at position {i + 1}",
                    file=str(path),
                    expected="a name for every column",
                )
            )
    if problems:
        raise InputError(f"Bad header in {path}", problems)
