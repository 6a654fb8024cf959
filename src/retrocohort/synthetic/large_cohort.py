"""Simulate a large SYNTHETIC multi-site cohort: a complete, runnable study directory.

:func:`simulate_cohort` writes ``config/config.yaml`` (valid against
``src/retrocohort/config/schemas/config.schema.yaml``) and, per site, ``data/raw/site_XX_synthetic_patients``
and ``..._synthetic_measurements`` files (CSV or Parquet), so that
``snakemake --cores 2 --directory OUT`` runs the whole workflow on it. Nothing here is evidence:
every file name, the study title and the config say "synthetic".

Generative model (all draws from one ``numpy.random.Generator(PCG64(seed))``, vectorised):

* each patient belongs to a latent class (HLH-like with probability :data:`P_HLH`, else an
  inflammatory mimic); binary findings and Day 0 laboratory values are drawn from the class's
  distribution (:data:`LABS`: normal or log-normal, clipped to plausible bounds);
* Day 7 values recover towards a reference value: ``ref + (x0 - ref) * r + noise`` (on the log
  scale for log-normal labs), ``r ~ U(0.1, 0.9)``;
* missingness: each lab is missing completely at random at a per-lab, per-site rate, and a
  Day 7 follow-up is missing for :data:`P_NO_FOLLOWUP` of patients (all their Day 7 cells empty);
  patient-level findings have their own rates. Missing lab results are rows with an empty value,
  so the long measurement file has exactly ``n_patients x 8 labs x 2 days`` rows;
* site variants (cycled over sites, :data:`SITE_VARIANTS`): units (triglycerides and fibrinogen
  in mg/dL, Hb in g/L, temperature in °F, counts per mm3 ...) converted from the canonical value
  with :func:`retrocohort.ingest.units.conversion` and rounded to the site's printed decimals, and the
  codes of yes/no and sex columns; each site's units are written in its files' unit column and
  named in the site ``label`` of the config;
* site sizes are unequal (Dirichlet weights, every site at least one patient).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import yaml

from retrocohort.errors import ConfigError, Problem
from retrocohort.ingest.units import conversion

FORMATS = ("csv", "parquet")
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


def site_sizes(n_patients: int, n_sites: int, rng: np.random.Generator) -> np.ndarray:
    """Unequal site sizes summing to ``n_patients``, each at least 1 (Dirichlet(2) weights)."""
    weights = rng.dirichlet(np.full(n_sites, 2.0))
    extra = np.floor(weights * (n_patients - n_sites)).astype(np.int64)
    extra[: (n_patients - n_sites) - extra.sum()] += 1
    return extra + 1


def _draw(rng: np.random.Generator, lab: Lab, hlh: np.ndarray) -> np.ndarray:
    centre = np.where(hlh, lab.hlh[0], lab.other[0])
    spread = np.where(hlh, lab.hlh[1], lab.other[1])
    z = rng.standard_normal(hlh.size)
    x = np.exp(np.log(centre) + spread * z) if lab.log else centre + spread * z
    return np.clip(x, *lab.clip)


def _recover(rng: np.random.Generator, lab: Lab, day0: np.ndarray) -> np.ndarray:
    r = rng.uniform(0.1, 0.9, day0.size)
    noise = rng.standard_normal(day0.size)
    if lab.log:
        x = np.exp(np.log(lab.ref) + (np.log(day0) - np.log(lab.ref)) * r + 0.15 * noise)
    else:
        spread = (lab.hlh[1] + lab.other[1]) / 2
        x = lab.ref + (day0 - lab.ref) * r + 0.3 * spread * noise
    return np.clip(x, *lab.clip)


def _to_raw(values: np.ndarray, lab: Lab, unit: str, decimals: int) -> np.ndarray:
    """Canonical values -> a site's raw unit, rounded to the decimals that site prints."""
    scale, offset = conversion(lab.unit, unit, molar_mass=lab.molar_mass)
    return np.round(values * scale + offset, decimals)


def _ids(site_index: int, n: int) -> pa.Array:
    numbers = pc.cast(pa.array(np.arange(1, n + 1)), pa.string())
    padded = pc.utf8_lpad(numbers, width=7, padding="0")
    return pc.binary_join_element_wise(pa.scalar(f"S{site_index:02d}-"), padded, "")


def _codes(flags: np.ndarray, missing: np.ndarray, codes: tuple[str, str]) -> pa.Array:
    """Boolean array -> dictionary-encoded raw codes, null where missing."""
    index = pa.array(np.where(flags, 0, 1).astype(np.int8), mask=missing)
    return pa.DictionaryArray.from_arrays(index, pa.array(list(codes)))


def _site_tables(
    rng: np.random.Generator, site_index: int, n: int, variant: dict[str, Any]
) -> tuple[pa.Table, pa.Table]:
    """One site's raw patients table and long measurements table (Arrow, raw units/codes)."""
    hlh = rng.random(n) < P_HLH
    site_shift = rng.uniform(0.7, 1.3)  # sites differ in how often they measure
    patients: dict[str, pa.Array] = {"patient": _ids(site_index, n)}
    age = np.clip(np.round(rng.normal(55, 17, n)), 18, 95)
    patients["age"] = pa.array(age, mask=rng.random(n) < 0.005)
    male = rng.random(n) < 0.58
    patients["sex"] = _codes(male, rng.random(n) < 0.002, variant["sex"])
    for name, _, p_hlh, p_other, p_miss in FINDINGS:
        flag = rng.random(n) < np.where(hlh, p_hlh, p_other)
        patients[name] = _codes(flag, rng.random(n) < p_miss * site_shift, variant["yes_no"])

    no_followup = rng.random(n) < P_NO_FOLLOWUP
    n_labs = len(LABS)
    values = np.empty((n, len(DAYS), n_labs), dtype=np.float64)
    units = []
    for j, lab in enumerate(LABS):
        day0 = _draw(rng, lab, hlh)
        day7 = _recover(rng, lab, day0)
        unit, decimals = variant["units"].get(lab.name, (lab.unit, lab.decimals))
        units.append(unit)
        for d, x in enumerate((day0, day7)):
            raw = _to_raw(x, lab, unit, decimals)
            gone = rng.random(n) < lab.missing * site_shift
            if d == 1:
                gone |= no_followup
            raw[gone] = np.nan
            values[:, d, j] = raw
    # long rows ordered patient, day, lab (the order of a typical warehouse export)
    rows = n * len(DAYS) * n_labs
    patient_index = pa.array(np.repeat(np.arange(n, dtype=np.int32), len(DAYS) * n_labs))
    lab_index = np.tile(np.arange(n_labs, dtype=np.int8), n * len(DAYS))
    flat = values.reshape(rows)
    measurements = pa.table(
        {
            "patient": pc.take(patients["patient"], patient_index),
            "day": pa.array(np.tile(np.repeat(np.array(DAYS, dtype=np.int16), n_labs), n)),
            "parameter": _dictionary(lab_index, [RAW_NAMES[lab.name] for lab in LABS]),
            "value": pa.array(flat, mask=np.isnan(flat)),
            "unit": _dictionary(lab_index, units),
        }
    )
    return pa.table(patients), measurements


def _dictionary(index: np.ndarray, labels: list[str]) -> pa.DictionaryArray:
    """``labels[index]`` dictionary-encoded over the distinct labels (a dictionary with
    repeated entries makes the Parquet writer's output bytes vary between runs)."""
    distinct = list(dict.fromkeys(labels))
    remap = np.array([distinct.index(x) for x in labels], dtype=np.int8)
    return pa.DictionaryArray.from_arrays(pa.array(remap[index]), pa.array(distinct))


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary columns decoded to strings (for CSV)."""
    cols = [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns]
    return pa.table(cols, names=table.column_names)


def _write(table: pa.Table, path: Path, fmt: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    if fmt == "csv":
        pacsv.write_csv(_plain(table), tmp, pacsv.WriteOptions(quoting_style="needed"))
    else:
        pq.write_table(table, tmp, compression="zstd")
    tmp.replace(path)


def _site_label(k: int, variant: dict[str, Any], fmt: str) -> str:
    units = ", ".join(f"{RAW_NAMES[v]} in {u}" for v, (u, _) in variant["units"].items())
    return (
        f"Synthetic site {k:02d} ({fmt}; labs {'in canonical units' if not units else units}; "
        f"yes/no coded {'/'.join(variant['yes_no'])}, sex {'/'.join(variant['sex'])})"
    )


def _sources(prefix: str, fmt: str, variant: dict[str, Any]) -> list[dict[str, Any]]:
    yes, no = variant["yes_no"]
    male, female = variant["sex"]
    columns: dict[str, Any] = {
        "age": {"column": "age", "unit": "years"},
        "sex": {"column": "sex", "map": {male: "male", female: "female"}},
    }
    columns |= {name: {"column": name, "map": {yes: True, no: False}} for name, *_ in FINDINGS}
    return [
        {
            "path": f"{prefix}_patients.{fmt}",
            "table": "patients",
            "synthetic": True,
            "id_column": "patient",
            "columns": columns,
        },
        {
            "path": f"{prefix}_measurements.{fmt}",
            "table": "measurements",
            "synthetic": True,
            "layout": "long",
            "id_column": "patient",
            "day_column": "day",
            "variable_column": "parameter",
            "value_column": "value",
            "unit_column": "unit",
            "variable_names": {RAW_NAMES[lab.name]: lab.name for lab in LABS},
        },
    ]


def study_config(n_patients: int, sites: dict[str, Any], seed: int) -> dict[str, Any]:
    """The study config of a simulated cohort (schema: src/retrocohort/config/schemas/config.schema.yaml)."""
    variables: dict[str, Any] = {
        "age": {
            "label": "Age",
            "kind": "continuous",
            "table": "patients",
            "unit": "years",
            "range": [0, 120],
        },
        "sex": {"label": "Sex", "kind": "categorical", "table": "patients", "categories": ["male", "female"]},
    }
    variables |= {
        name: {"label": label, "kind": "binary", "table": "patients"} for name, label, *_ in FINDINGS
    }
    for lab in LABS:
        spec = {
            "label": lab.label,
            "kind": "continuous",
            "table": "measurements",
            "unit": lab.unit,
            "range": list(lab.range),
            "worst": lab.worst,
        }
        if lab.molar_mass:
            spec["molar_mass"] = lab.molar_mass
        variables[lab.name] = spec
    lab_rows = [
        {"variable": lab.name, "label": f"{lab.label} ({lab.unit})", "decimals": lab.decimals} for lab in LABS
    ]
    return {
        "study": {
            "id": "synthetic_scale",
            "title": f"SYNTHETIC multi-site cohort: {n_patients} patients, {len(sites)} sites",
            "citation": "Synthetic benchmark cohort generated by retrocohort.synthetic.large_cohort (no real data)",
            "synthetic_note": (
                f"Synthetic: every value of this study is invented by retrocohort.synthetic.large_cohort."
                f"simulate_cohort (seed {seed}); nothing here is evidence."
            ),
        },
        "variables": variables,
        "derived": {
            "sex_male": {"label": "Male sex", "equals": {"variable": "sex", "value": "male"}},
            "organomegaly": {
                "label": "Hepatomegaly or splenomegaly",
                "any_of": ["hepatomegaly", "splenomegaly"],
            },
        },
        "missing_values": ["", "NA"],
        "sites": sites,
        "baseline_day": 0,
        "paired_days": list(DAYS),
        "hscore": {"window_days": [-3, 0], "cutoff": 169, "operator": ">="},
        "selection": {
            "score": "recomputed",
            "criteria": [
                {
                    "id": "hscore",
                    "label": "Recomputed HScore >= 169",
                    "column": "hscore",
                    "operator": "hscore_cutoff",
                    "missing": "exclude",
                }
            ],
        },
        "statistics": {
            "quantile_type": 7,
            "rounding": "half_up",
            "wilcoxon": {"preset": "R"},
            "mcnemar": {"method": "exact"},
            "multiplicity": "holm",
        },
        "tables": {
            "table1": {
                "title": "Table 1. Baseline characteristics of {n} SYNTHETIC patients.",
                "columns": ["", "n (%) or median [IQR]"],
                "rows": [
                    {"variable": "age", "label": "Age (years)", "decimals": 0},
                    {"variable": "sex_male"},
                    {"section": "Findings"},
                ]
                + [
                    {"variable": name, "indent": 1}
                    for name, *_ in FINDINGS
                    if name not in ("hepatomegaly", "splenomegaly", "deceased")
                ]
                + [{"variable": "organomegaly", "indent": 1}, {"section": "Laboratory values at Day 0"}]
                + [dict(r, indent=1) for r in lab_rows]
                + [{"variable": "hscore", "label": "HScore (recomputed)", "decimals": 0}],
                "footnotes": [
                    "SYNTHETIC data generated by retrocohort.synthetic.large_cohort; not evidence."
                ],
            },
            "table2": {
                "title": "Table 2. SYNTHETIC patients.",
                "max_rows": 50,
                "columns": [
                    {"variable": "patient_id", "header": "Patient"},
                    {"variable": "site", "header": "Site"},
                    {"variable": "age", "header": "Age", "decimals": 0},
                    {"variable": "deceased", "header": "Died", "map": {"True": "Yes", "False": "No"}},
                ],
            },
            "table3": {
                "title": "Table 3. Day 0 vs Day 7 (SYNTHETIC).",
                "parameters": [
                    {
                        "variable": lab.name,
                        "label": f"{lab.label} ({lab.unit})",
                        "log_scale": lab.log,
                        "decimals": lab.decimals,
                    }
                    for lab in LABS
                ],
            },
        },
    }


def simulate_cohort(
    n_patients: int, n_sites: int, out_dir: Path, *, seed: int = 0, formats: tuple[str, ...] = ("parquet",)
) -> Path:
    """Write a runnable SYNTHETIC study (config + per-site raw files) into ``out_dir``.

    Site ``k`` (``site_01`` ...) is written in ``formats[(k - 1) % len(formats)]`` (so
    ``("csv", "parquet")`` alternates), with unit and coding variants ``SITE_VARIANTS[(k - 1) %
    5]``. Deterministic for a given (n_patients, n_sites, seed, formats). Returns the path of
    the written ``config/config.yaml``. Existing raw files of the same names are replaced.
    """
    problems = []
    if n_patients < 1:
        problems.append(Problem("n_patients must be at least 1", value=n_patients))
    if not 1 <= n_sites <= min(max(n_patients, 1), 99):
        problems.append(Problem("n_sites must be between 1 and min(n_patients, 99)", value=n_sites))
    bad = [f for f in formats if f not in FORMATS] or ([] if formats else ["(none)"])
    problems += [Problem("unknown output format", value=f, expected=" or ".join(FORMATS)) for f in bad]
    if problems:
        raise ConfigError("Cannot simulate the cohort", problems)
    out_dir = Path(out_dir)
    raw_dir = out_dir / "data" / "raw"
    raw_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.Generator(np.random.PCG64(seed))
    sizes = site_sizes(n_patients, n_sites, rng)
    sites: dict[str, Any] = {}
    for k, n in enumerate(sizes, start=1):
        variant = SITE_VARIANTS[(k - 1) % len(SITE_VARIANTS)]
        fmt = formats[(k - 1) % len(formats)]
        prefix = f"data/raw/site_{k:02d}_synthetic"
        patients, measurements = _site_tables(rng, k, int(n), variant)
        _write(patients, out_dir / f"{prefix}_patients.{fmt}", fmt)
        _write(measurements, out_dir / f"{prefix}_measurements.{fmt}", fmt)
        sites[f"site_{k:02d}"] = {
            "label": _site_label(k, variant, fmt),
            "sources": _sources(prefix, fmt, variant),
        }
    config = study_config(n_patients, sites, seed)
    path = out_dir / "config" / "config.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    header = (
        "# SYNTHETIC study written by retrocohort.synthetic.large_cohort.simulate_cohort("
        f"n_patients={n_patients}, n_sites={n_sites}, seed={seed}, formats={list(formats)}).\n"
        "# Every value is invented; nothing here is evidence. Run: "
        "snakemake --cores 2 --directory <this directory's parent of config/>\n"
    )
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=100)
    tmp = path.with_name(".config.yaml.tmp")
    tmp.write_text(header + text, encoding="utf-8")
    tmp.replace(path)
    return path
