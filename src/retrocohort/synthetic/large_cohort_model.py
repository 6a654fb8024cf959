"""Parameters of the generative model of :mod:`retrocohort.synthetic.large_cohort` (SYNTHETIC data).

The measurement variables and their class-conditional distributions (:data:`LABS`), the
patient-level findings (:data:`FINDINGS`), the per-site unit and coding variants
(:data:`SITE_VARIANTS`) and the raw measurement names (:data:`RAW_NAMES`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DAYS = (0, 7)
P_HLH = 0.45
P_NO_FOLLOWUP = 0.12


@dataclass(frozen=True)
class Lab:
    """A measurement variable: canonical unit, range, and its class-conditional distribution.

    ``log``: log-normal (``centre`` is the median) else normal; ``hlh``/``other``: (centre,
    spread) for each latent class; ``clip``: plausible bounds; ``ref``: value it recovers
    towards by Day 7; ``missing``: base missing rate per cell.
    """

    name: str
    label: str
    unit: str
    range: tuple[float, float]
    worst: str
    log: bool
    hlh: tuple[float, float]
    other: tuple[float, float]
    clip: tuple[float, float]
    ref: float
    decimals: int
    missing: float
    molar_mass: str | None = None


LABS: tuple[Lab, ...] = (
    Lab(
        "temperature_max",
        "Maximal temperature",
        "°C",
        (30, 45),
        "max",
        False,
        (39.3, 0.7),
        (38.0, 0.7),
        (35.0, 42.5),
        37.0,
        1,
        0.02,
    ),
    Lab(
        "leukocytes",
        "White blood cells",
        "G/L",
        (0, 500),
        "min",
        True,
        (3.5, 0.6),
        (8.0, 0.5),
        (0.1, 200.0),
        7.0,
        2,
        0.03,
    ),
    Lab(
        "hemoglobin",
        "Haemoglobin",
        "g/dL",
        (1, 25),
        "min",
        False,
        (8.8, 1.6),
        (11.5, 1.6),
        (3.0, 18.0),
        12.5,
        1,
        0.03,
    ),
    Lab(
        "platelets",
        "Platelets",
        "G/L",
        (0, 2000),
        "min",
        True,
        (70.0, 0.6),
        (220.0, 0.5),
        (2.0, 1200.0),
        250.0,
        0,
        0.03,
    ),
    Lab(
        "ferritin",
        "Ferritin",
        "µg/L",
        (0, 1_000_000),
        "max",
        True,
        (8000.0, 1.0),
        (900.0, 1.0),
        (5.0, 400_000.0),
        300.0,
        0,
        0.06,
    ),
    Lab(
        "triglycerides",
        "Triglycerides",
        "mmol/L",
        (0, 100),
        "max",
        True,
        (3.0, 0.45),
        (1.5, 0.45),
        (0.2, 40.0),
        1.3,
        2,
        0.15,
        "885.7 g/mol",
    ),
    Lab(
        "fibrinogen",
        "Fibrinogen",
        "g/L",
        (0, 20),
        "min",
        False,
        (2.0, 0.9),
        (4.0, 0.9),
        (0.3, 12.0),
        3.0,
        2,
        0.10,
    ),
    Lab(
        "ast",
        "Aspartate aminotransferase",
        "U/L",
        (0, 100_000),
        "max",
        True,
        (120.0, 0.8),
        (35.0, 0.6),
        (5.0, 20_000.0),
        30.0,
        0,
        0.05,
    ),
)

#: Patient-level yes/no findings: (name, label, P(yes | HLH-like), P(yes | other), missing rate).
FINDINGS: tuple[tuple[str, str, float, float, float], ...] = (
    ("immunodepression", "Known underlying immunosuppression", 0.35, 0.20, 0.03),
    ("hepatomegaly", "Hepatomegaly", 0.45, 0.20, 0.05),
    ("splenomegaly", "Splenomegaly", 0.50, 0.20, 0.05),
    ("hemophagocytosis_marrow", "Hemophagocytosis on marrow aspirate", 0.60, 0.15, 0.30),
    ("icu_admission", "ICU admission", 0.40, 0.15, 0.02),
    ("deceased", "Died", 0.25, 0.10, 0.01),
)

#: Per-site variants, cycled over sites: raw lab units (canonical when absent), raw codes.
SITE_VARIANTS: tuple[dict[str, Any], ...] = (
    {"units": {}, "yes_no": ("1", "0"), "sex": ("M", "F")},
    {
        "units": {"triglycerides": ("mg/dL", 0), "fibrinogen": ("mg/dL", 0)},
        "yes_no": ("yes", "no"),
        "sex": ("male", "female"),
    },
    {
        "units": {"hemoglobin": ("g/L", 0), "leukocytes": ("10^9/L", 2), "platelets": ("10^9/L", 0)},
        "yes_no": ("Y", "N"),
        "sex": ("M", "F"),
    },
    {
        "units": {"temperature_max": ("°F", 1), "ferritin": ("ng/mL", 0)},
        "yes_no": ("1", "0"),
        "sex": ("H", "F"),
    },
    {
        "units": {"leukocytes": ("/mm3", -1), "platelets": ("/mm3", -3), "ast": ("IU/L", 0)},
        "yes_no": ("oui", "non"),
        "sex": ("M", "F"),
    },
)

#: Raw measurement names (site-independent, as in a shared data-warehouse export).
RAW_NAMES = {
    "temperature_max": "TEMP",
    "leukocytes": "WBC",
    "hemoglobin": "HGB",
    "platelets": "PLT",
    "ferritin": "FERR",
    "triglycerides": "TG",
    "fibrinogen": "FIB",
    "ast": "AST",
}
