"""Simulate a large SYNTHETIC multi-site cohort: a complete, runnable study directory.

:func:`simulate_cohort` writes ``config/config.yaml`` (valid against
``src/retrocohort/config/schemas/config.schema.yaml``) and, per site, ``data/raw/site_XX_synthetic_patients``
and ``..._synthetic_measurements`` files (CSV or Parquet), so that
``snakemake --cores 2 --directory OUT`` runs the whole workflow on it. Nothing here is evidence:
every file name, the study title and the config say "synthetic".

Generative model (all draws from one ``numpy.random.Generator(PCG64(seed))``, vectorised;
parameters in :mod:`retrocohort.synthetic.large_cohort_model`, imported here):

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

The written study config is :func:`retrocohort.synthetic.large_cohort_config.study_config`.
"""

from __future__ import annotations

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
from retrocohort.synthetic.large_cohort_config import site_label, site_sources, study_config
from retrocohort.synthetic.large_cohort_model import (
    DAYS,
    FINDINGS,
    LABS,
    P_HLH,
    P_NO_FOLLOWUP,
    RAW_NAMES,
    SITE_VARIANTS,
    Lab,
)

FORMATS = ("csv", "parquet")


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
            "label": site_label(k, variant, fmt),
            "sources": site_sources(prefix, fmt, variant),
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
