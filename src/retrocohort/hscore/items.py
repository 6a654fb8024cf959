"""HScore for reactive (secondary) haemophagocytic syndrome — Fardet et al., Arthritis
Rheumatol 2014;66:2613-20.

One table, :data:`HSCORE_ITEMS`, defines every item: its input variables, canonical units,
band thresholds, points, and the direction in which a value scores more. Scoring, the
min/max bounds under missing data and the "worst value in a window" rule
(:mod:`retrocohort.hscore.score`) and the generated documentation (:func:`items_frame`) all
read that table; nothing is restated elsewhere.

Rules (canonical units; an edge value scores the band named with it):

==============================  ================================================  ======
item                            bands                                             points
==============================  ================================================  ======
immunosuppression (HIV or       no / yes                                          0 / 18
long-term immunosuppressant)
temperature_max (°C)            < 38.4 / 38.4–39.4 / > 39.4                  0 / 33 / 49
organomegaly                    none / hepato- or splenomegaly / both        0 / 23 / 38
cytopenias (lineages)           0–1 / 2 / 3                                  0 / 24 / 34
  (Hb <= 9.2 g/dL, leukocytes <= 5.0 G/L, platelets <= 110 G/L)
ferritin (µg/L)                 < 2000 / 2000–6000 / > 6000                  0 / 35 / 50
triglycerides (mmol/L)          < 1.5 / 1.5–4 / > 4                          0 / 44 / 64
fibrinogen (g/L)                > 2.5 / <= 2.5                                    0 / 30
AST (U/L)                       < 30 / >= 30                                      0 / 19
haemophagocytosis on marrow     no / yes                                          0 / 35
==============================  ================================================  ======

Maximum total :data:`MAX_TOTAL` = 337. Thresholds are compared with a relative tolerance of
:data:`EDGE_RTOL` (1e-9) so that a value equal to an edge up to floating-point rounding after
unit conversion (e.g. 92 g/L -> 9.200000000000001 g/dL) scores as the edge.
"""

from __future__ import annotations

import operator as _op
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from retrocohort.errors import ConfigError, Problem

Direction = Literal["higher", "lower"]

#: Relative tolerance used when comparing a value with a band edge.
EDGE_RTOL = 1e-9

#: Optional input column holding the score reported in the source (e.g. the case report form).
REPORTED = "hscore_reported"

_COMPARE: Mapping[str, Callable[[np.ndarray, float], np.ndarray]] = {
    ">=": _op.ge,
    ">": _op.gt,
    "<=": _op.le,
    "<": _op.lt,
}


@dataclass(frozen=True)
class HScoreInput:
    """One input variable of an item.

    ``thresholds`` are nested conditions ``(operator, edge)``; the input's level is the number
    of conditions the value satisfies (0..len). An empty tuple marks a yes/no flag (level 0/1).
    ``plausible`` is the built-in clinical plausibility range in ``unit`` (the bounds of a
    measurable, survivable value, not a reference interval: see :data:`BUILT_IN_RANGES`);
    ``usual_units`` are other units this input is commonly reported in, tried to explain a value
    outside ``plausible`` (101.3 in a °C column reads 38.5 °C as °F).
    """

    variable: str
    unit: str
    thresholds: tuple[tuple[str, float], ...] = ()
    plausible: tuple[float, float] | None = None
    usual_units: tuple[str, ...] = ()

    @property
    def is_flag(self) -> bool:
        """True for a yes/no input."""
        return not self.thresholds

    @property
    def max_level(self) -> int:
        """Highest level this input can reach."""
        return max(len(self.thresholds), 1)

    @property
    def worse(self) -> Direction | None:
        """Direction in which the value scores more (None for flags)."""
        if self.is_flag:
            return None
        return "higher" if self.thresholds[0][0] in (">", ">=") else "lower"

    def level(self, values: np.ndarray) -> np.ndarray:
        """Level (int8) of each value; meaningless where ``values`` is NaN."""
        if self.is_flag:
            return (values == 1).astype(np.int8)
        level = np.zeros(values.shape, dtype=np.int8)
        for op, edge in self.thresholds:
            # Shift the edge by the tolerance in the direction that makes the comparison
            # lenient for ">=" / "<=" and strict for ">" / "<".
            tol = EDGE_RTOL * max(abs(edge), 1.0)
            shifted = edge - tol if op in (">=", "<") else edge + tol
            level += _COMPARE[op](values, shifted)
        return level


@dataclass(frozen=True)
class HScoreItem:
    """One HScore item: inputs whose levels add up to an index into ``points``."""

    name: str
    label: str
    inputs: tuple[HScoreInput, ...]
    points: tuple[int, ...]
    bands: tuple[str, ...]

    def __post_init__(self) -> None:
        # points: one per level (0..sum of max levels); bands: one label per distinct points.
        n_levels = sum(i.max_level for i in self.inputs) + 1
        if len(self.points) != n_levels or len(self.bands) != len(set(self.points)):
            raise ValueError(f"item {self.name!r}: points/bands do not match its inputs")
        if any(b < a for a, b in zip(self.points, self.points[1:])):
            raise ValueError(f"item {self.name!r}: points must be non-decreasing in level")
        for inp in self.inputs:
            ops = {op for op, _ in inp.thresholds}
            if len({op[0] for op in ops}) > 1:
                raise ValueError(f"item {self.name!r}: mixed directions for {inp.variable!r}")

    @property
    def columns(self) -> tuple[str, ...]:
        """Canonical input variable names."""
        return tuple(i.variable for i in self.inputs)

    @property
    def max_points(self) -> int:
        """Points of the highest band."""
        return self.points[-1]


def _flag(variable: str) -> HScoreInput:
    return HScoreInput(variable, "1")


#: The item table (Fardet 2014). Order is the order of output columns.
HSCORE_ITEMS: tuple[HScoreItem, ...] = (
    HScoreItem(
        "immunosuppression",
        "Known underlying immunosuppression (HIV or long-term immunosuppressive therapy)",
        (_flag("immunodepression"),),
        (0, 18),
        ("no: 0", "yes: 18"),
    ),
    HScoreItem(
        "temperature",
        "Maximal temperature (°C)",
        (HScoreInput("temperature_max", "°C", ((">=", 38.4), (">", 39.4)), (30.0, 45.0), ("degF",)),),
        (0, 33, 49),
        ("< 38.4: 0", "38.4–39.4: 33", "> 39.4: 49"),
    ),
    HScoreItem(
        "organomegaly",
        "Organomegaly",
        (_flag("hepatomegaly"), _flag("splenomegaly")),
        (0, 23, 38),
        ("none: 0", "hepatomegaly or splenomegaly: 23", "both: 38"),
    ),
    HScoreItem(
        "cytopenias",
        "Number of cytopenias (Hb <= 9.2 g/dL, leukocytes <= 5.0 G/L, platelets <= 110 G/L)",
        (
            HScoreInput("hemoglobin", "g/dL", (("<=", 9.2),), (1.0, 25.0), ("g/L", "mmol/L")),
            HScoreInput("leukocytes", "G/L", (("<=", 5.0),), (0.0, 500.0), ("/mm3",)),
            HScoreInput("platelets", "G/L", (("<=", 110.0),), (0.0, 2000.0), ("/mm3",)),
        ),
        (0, 0, 24, 34),
        ("0–1 lineage: 0", "2 lineages: 24", "3 lineages: 34"),
    ),
    HScoreItem(
        "ferritin",
        "Ferritin (µg/L)",
        (HScoreInput("ferritin", "µg/L", ((">=", 2000.0), (">", 6000.0)), (0.0, 1_000_000.0)),),
        (0, 35, 50),
        ("< 2000: 0", "2000–6000: 35", "> 6000: 50"),
    ),
    HScoreItem(
        "triglycerides",
        "Triglycerides (mmol/L)",
        (HScoreInput("triglycerides", "mmol/L", ((">=", 1.5), (">", 4.0)), (0.0, 100.0), ("mg/dL",)),),
        (0, 44, 64),
        ("< 1.5: 0", "1.5–4: 44", "> 4: 64"),
    ),
    HScoreItem(
        "fibrinogen",
        "Fibrinogen (g/L)",
        (HScoreInput("fibrinogen", "g/L", (("<=", 2.5),), (0.0, 20.0), ("mg/dL",)),),
        (0, 30),
        ("> 2.5: 0", "<= 2.5: 30"),
    ),
    HScoreItem(
        "ast",
        "Aspartate aminotransferase (U/L)",
        (HScoreInput("ast", "U/L", ((">=", 30.0),), (0.0, 100_000.0)),),
        (0, 19),
        ("< 30: 0", ">= 30: 19"),
    ),
    HScoreItem(
        "hemophagocytosis",
        "Haemophagocytosis features on bone-marrow aspirate",
        (_flag("hemophagocytosis_marrow"),),
        (0, 35),
        ("no: 0", "yes: 35"),
    ),
)

#: Highest possible HScore.
MAX_TOTAL: int = sum(item.max_points for item in HSCORE_ITEMS)

N_ITEMS: int = len(HSCORE_ITEMS)

#: Canonical variable -> its input definition.
INPUTS: Mapping[str, HScoreInput] = {i.variable: i for item in HSCORE_ITEMS for i in item.inputs}

#: Lab variable -> direction in which it scores more (drives :func:`worst_in_window`).
#: Built-in clinical plausibility ranges of the measured HScore inputs (canonical units), used by
#: ``retrocohort hscore`` when no study config gives a ``range`` for the variable. They bound what
#: a laboratory can report for a living patient (temperature 30-45 °C, haemoglobin 1-25 g/dL,
#: ferritin up to 10^6 µg/L...), not reference intervals, so a value outside is a wrong unit or
#: a typing error (101.3 "°C" is 38.5 °C written in °F), never an extreme patient.
BUILT_IN_RANGES: Mapping[str, tuple[float, float]] = {
    v: i.plausible for v, i in INPUTS.items() if i.plausible is not None
}
#: Where :data:`BUILT_IN_RANGES` come from, as the CLI says it.
BUILT_IN_RANGES_SOURCE = "built-in clinical plausibility ranges (retrocohort.hscore.items.BUILT_IN_RANGES)"

WORST_DIRECTION: Mapping[str, Direction] = {v: i.worse for v, i in INPUTS.items() if i.worse is not None}


def items_frame() -> pd.DataFrame:
    """The item table as a DataFrame (for documentation and the report appendix)."""
    return pd.DataFrame(
        [
            {
                "item": it.name,
                "label": it.label,
                "variables": ", ".join(it.columns),
                "units": ", ".join(i.unit for i in it.inputs),
                "bands": "; ".join(it.bands),
                "max_points": it.max_points,
                "worse": ", ".join(i.worse or "yes" for i in it.inputs),
            }
            for it in HSCORE_ITEMS
        ]
    )


def resolve_columns(columns: Mapping[str, str] | None = None) -> dict[str, str]:
    """Canonical variable -> DataFrame column, after applying overrides.

    Keys of ``columns`` are canonical variable names (``"temperature_max"``), the item name of
    a single-input item (``"temperature"``), or ``"hscore_reported"``. Unknown or conflicting
    keys raise :class:`ConfigError`.
    """
    resolved = {v: v for v in INPUTS} | {REPORTED: REPORTED}
    alias = {it.name: it.columns[0] for it in HSCORE_ITEMS if len(it.inputs) == 1}
    problems, seen = [], {}
    for key, col in (columns or {}).items():
        variable = key if key in resolved else alias.get(key)
        if variable is None:
            problems.append(
                Problem(
                    "unknown HScore variable in column mapping",
                    value=key,
                    expected="one of " + ", ".join(sorted({*resolved, *alias})),
                )
            )
        elif variable in seen and seen[variable] != col:
            problems.append(Problem(f"variable {variable!r} mapped twice", value=key))
        else:
            seen[variable] = col
            resolved[variable] = col
    if problems:
        raise ConfigError("Invalid HScore column mapping", problems)
    return resolved
