"""The accepted columns of a clinician's HScore sheet and how its headers are matched to them.

:data:`ACCEPTED_COLUMNS` (names, other spellings, kind, HScore input) drives reading
(:mod:`retrocohort.hscore.sheet`), ``retrocohort hscore --help`` and docs/cli.md; cell spellings
of a missing value (:data:`MISSING_VALUES`), of yes/no (:data:`FLAG_VALUES`) and of an
organomegaly column (:data:`ORGANOMEGALY_VALUES`); :func:`match_headers` reads the header row.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from retrocohort.errors import Problem
from retrocohort.hscore.items import INPUTS, REPORTED

Kind = Literal["id", "flag", "number", "organomegaly", "points"]

#: Cell spellings that mean "not available".
MISSING_VALUES: list[str] = ["", "NA", "N/A", "na", "n/a", "ND", "nd", "missing", "unknown"]

_YES = ("yes", "y", "true", "1")
_NO = ("no", "n", "false", "0")
#: Yes/no spellings (any letter case) -> 1.0 / 0.0.
FLAG_VALUES: Mapping[str, float] = {
    v: float(s in _YES) for s in (*_YES, *_NO) for v in {s, s.upper(), s.capitalize()}
}

#: One organomegaly column: value (any letter case) -> (hepatomegaly, splenomegaly).
#: "yes" means at least one organ, so splenomegaly stays unknown and the item is bounded
#: between 23 and 38 points; "1" means exactly one organ (which one does not change the score).
ORGANOMEGALY_VALUES: Mapping[str, tuple[float, float]] = {
    v: pair
    for s, pair in {
        "none": (0.0, 0.0),
        "no": (0.0, 0.0),
        "0": (0.0, 0.0),
        "hepatomegaly": (1.0, 0.0),
        "splenomegaly": (0.0, 1.0),
        "1": (1.0, 0.0),
        "both": (1.0, 1.0),
        "hepatosplenomegaly": (1.0, 1.0),
        "2": (1.0, 1.0),
        "yes": (1.0, np.nan),
    }.items()
    for v in {s, s.upper(), s.capitalize()}
}


@dataclass(frozen=True)
class AcceptedColumn:
    """One accepted column of the sheet: its name, other spellings, kind and HScore input."""

    name: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    variable: str | None = None  # canonical HScore input (None for id and organomegaly)
    description: str = ""

    @property
    def unit(self) -> str | None:
        """Canonical unit of a laboratory column (what its values are converted to)."""
        return INPUTS[self.variable].unit if self.kind == "number" and self.variable else None


#: Accepted columns, in the order of the HScore items (drives reading, --help and docs/cli.md).
ACCEPTED_COLUMNS: tuple[AcceptedColumn, ...] = (
    AcceptedColumn(
        "patient_id",
        "id",
        ("patient", "id", "patient id"),
        description="patient identifier (required, unique)",
    ),
    AcceptedColumn(
        "immunosuppression",
        "flag",
        ("immunodepression",),
        "immunodepression",
        "known immunosuppression (HIV or long-term immunosuppressive therapy)",
    ),
    AcceptedColumn(
        "temperature",
        "number",
        ("temperature_max", "tmax", "max temperature"),
        "temperature_max",
        "maximal temperature",
    ),
    AcceptedColumn("hepatomegaly", "flag", (), "hepatomegaly", "hepatomegaly"),
    AcceptedColumn("splenomegaly", "flag", (), "splenomegaly", "splenomegaly"),
    AcceptedColumn(
        "organomegaly",
        "organomegaly",
        (),
        None,
        "instead of hepatomegaly + splenomegaly: none / hepatomegaly / splenomegaly "
        "/ both (or 0 / 1 / 2 organs; yes = at least one)",
    ),
    AcceptedColumn("hemoglobin", "number", ("haemoglobin", "hb", "hgb"), "hemoglobin", "haemoglobin"),
    AcceptedColumn(
        "leukocytes",
        "number",
        ("leucocytes", "wbc", "white blood cells"),
        "leukocytes",
        "leukocytes (white blood cells)",
    ),
    AcceptedColumn("platelets", "number", ("plt",), "platelets", "platelets"),
    AcceptedColumn("ferritin", "number", (), "ferritin", "ferritin"),
    AcceptedColumn("triglycerides", "number", ("tg",), "triglycerides", "triglycerides"),
    AcceptedColumn("fibrinogen", "number", (), "fibrinogen", "fibrinogen"),
    AcceptedColumn(
        "ast", "number", ("asat", "sgot", "aspartate aminotransferase"), "ast", "aspartate aminotransferase"
    ),
    AcceptedColumn(
        "hemophagocytosis",
        "flag",
        ("haemophagocytosis", "hemophagocytosis_marrow"),
        "hemophagocytosis_marrow",
        "haemophagocytosis features on bone-marrow aspirate",
    ),
    AcceptedColumn(
        "hscore_reported",
        "points",
        ("reported_hscore", "hscore"),
        REPORTED,
        "optional: the score as reported, compared with the recomputed one",
    ),
)

#: Accepted column name -> the canonical HScore inputs it provides.
FEEDS: Mapping[str, tuple[str, ...]] = {
    col.name: (
        (col.variable,) if col.variable else () if col.kind == "id" else ("hepatomegaly", "splenomegaly")
    )
    for col in ACCEPTED_COLUMNS
}

_HEADER_UNIT = re.compile(r"^(?P<name>.*?)\s*\[(?P<unit>[^\]]*)\]\s*$")


def normalise_header(text: str) -> str:
    """Lower case, runs of spaces/hyphens/underscores -> one underscore."""
    return re.sub(r"[\s_\-]+", "_", text.strip().lower()).strip("_")


_BY_SPELLING: Mapping[str, AcceptedColumn] = {
    normalise_header(s): col for col in ACCEPTED_COLUMNS for s in (col.name, *col.aliases)
}


@dataclass(frozen=True)
class SheetHeader:
    """How one header of the sheet was understood."""

    text: str
    column: AcceptedColumn | None  # None: not an accepted column (ignored)
    is_unit_column: bool = False  # a '<column>_unit' column
    unit: str | None = None  # unit written in the header, 'ferritin [ng/mL]'


def _parse_header(text: str) -> SheetHeader:
    m = _HEADER_UNIT.match(text)
    name, unit = (m["name"], m["unit"].strip()) if m else (text, None)
    key = normalise_header(name)
    if key.endswith("_unit") and key[:-5] in _BY_SPELLING:
        return SheetHeader(text, _BY_SPELLING[key[:-5]], True, unit)
    return SheetHeader(text, _BY_SPELLING.get(key), False, unit)


def match_headers(
    frame: pd.DataFrame, file: str
) -> tuple[dict[str, SheetHeader], dict[str, str], list[str], list[Problem]]:
    """(accepted name -> value header, accepted name -> unit-column header, ignored, problems)."""
    values: dict[str, SheetHeader] = {}
    unit_columns: dict[str, str] = {}
    ignored: list[str] = []
    problems: list[Problem] = []
    for header in map(_parse_header, map(str, frame.columns)):
        if header.column is None:
            ignored.append(header.text)
            continue
        name = header.column.name
        first = (
            unit_columns.get(name)
            if header.is_unit_column
            else (values[name].text if name in values else None)
        )
        if first is not None:
            problems.append(
                Problem(
                    f"column given twice (also as {first!r})",
                    file=file,
                    row=1,
                    column=header.text,
                    expected="each HScore input once",
                )
            )
        elif header.is_unit_column:
            unit_columns[name] = header.text
        else:
            values[name] = header
    if "organomegaly" in values and {"hepatomegaly", "splenomegaly"} & set(values):
        problems.append(
            Problem(
                "both an organomegaly column and hepatomegaly/splenomegaly",
                file=file,
                row=1,
                column=values["organomegaly"].text,
                expected="either 'organomegaly' or 'hepatomegaly' and 'splenomegaly'",
            )
        )
    problems += [
        Problem(
            f"unit column without its value column {name!r}",
            file=file,
            row=1,
            column=header,
            expected=f"a {name!r} column",
        )
        for name, header in unit_columns.items()
        if name not in values
    ]
    return values, unit_columns, ignored, problems
