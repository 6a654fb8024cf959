"""Text that decoded without error but was decoded with the wrong encoding (mojibake).

A UTF-8 file declared Latin-1 decodes without a single error: every byte is a Latin-1
character, so "é" (bytes C3 A9) silently becomes "Ã©". Two signatures are refused, with a hint
showing the text as it reads once repaired:

* **UTF-8 read as Latin-1 / Windows-1252**: a lead character of a 2-byte UTF-8 sequence seen as
  Latin-1 (``Â``, ``Ã``) followed by a continuation byte (0x80-0xBF as Latin-1 or cp1252), or
  ``â€`` (the start of UTF-8 quotes and dashes, U+2018-U+201D, U+2013...);
* **C1 control characters** (U+0080-U+009F): never typed in a clinical export; they appear when
  Windows-1252 bytes (’ “ ” € …) are read as Latin-1.

Reference: Unicode Standard, chapter 23 (C1 controls); W3C "Character encodings: essential
concepts" (https://www.w3.org/International/articles/definitions-characters/).
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from retrocohort.errors import Problem
from retrocohort.ingest.privacy import mask_identifiers

_CONTINUATION = "".join(
    sorted(
        set(bytes(range(0x80, 0xC0)).decode("latin-1"))
        | set(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore"))
    )
)
#: Signatures of mis-decoded text (see the module docstring).
MISDECODED = re.compile("[\u0080-\u009f]|[\u00c2\u00c3][" + re.escape(_CONTINUATION) + "]|\u00e2\u20ac")
#: Report at most this many cells per column (the count is given).
MAX_LISTED = 10


def repaired(text: str) -> tuple[str, str] | None:
    """(encoding to declare, the text as it then reads) when re-decoding the same bytes works.

    UTF-8 read as cp1252 or Latin-1 -> ``utf-8``; cp1252 read as Latin-1 (C1 controls) -> ``cp1252``.
    """
    for wrong, right in (("cp1252", "utf-8"), ("latin-1", "utf-8"), ("latin-1", "cp1252")):
        try:
            fixed = text.encode(wrong).decode(right)
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if fixed != text and not MISDECODED.search(fixed):
            return right, fixed
    return None


def misdecoded_problems(text: pd.Series, *, file: str, column: str) -> list[Problem]:
    """Cells of ``text`` showing a mojibake signature, each with the repaired reading as a hint.

    Scans the distinct values joined into one string first (one regex pass in C), and locates
    rows only when something is found.
    """
    uniques = pd.unique(text.dropna().astype(str))
    if not len(uniques) or not MISDECODED.search("\n".join(uniques)):
        return []
    hit = text.astype("string").str.contains(MISDECODED).fillna(False).to_numpy(dtype=bool)
    rows = np.flatnonzero(hit)
    problems = []
    for pos in rows[:MAX_LISTED]:
        value = str(text.iloc[pos])
        fix = repaired(value)
        found = MISDECODED.search(value)
        shown = found.group(0) if found else ""
        codes = " ".join(f"U+{ord(c):04X}" for c in shown)
        hint = (
            f"`encoding: {fix[0]}` for this source (the cell then reads {mask_identifiers(fix[1])!r})"
            if fix
            else "the file's real encoding under `encoding:` for this source"
        )
        problems.append(
            Problem(
                f"text looks mis-decoded ({shown!r} = {codes}): wrong `encoding:`?",
                file=file,
                row=int(text.index[pos]) + 2,
                column=column,
                value=mask_identifiers(value),
                expected=hint,
            )
        )
    if len(rows) > MAX_LISTED:
        problems.append(
            Problem(f"... and {len(rows) - MAX_LISTED} more mis-decoded cells", file=file, column=column)
        )
    return problems
