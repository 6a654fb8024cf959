"""Seeded generator of SYNTHETIC patient-level data calibrated to published summaries.

Used where a paper publishes only summaries. The recipe (``config/synthetic/<study>.yaml``)
lists each target and where it is printed. Rules, all deterministic for a given seed:

* binary: exactly ``count`` patients, chosen uniformly at random, are 1;
* continuous with Q1/median/Q3: the order statistics that define the Hyndman–Fan quartiles
  (type 7 by default: positions 1 + p(n − 1); a fractional position ties both neighbours)
  are set to the targets; the other values are drawn uniformly between neighbouring anchors
  (``bounds`` close the tails), rounded to the printed decimals, then shuffled over patients;
* paired labs: ``pairs`` patients get a Day 7 value; they are the contiguous run of sorted
  Day 0 values whose median is closest to ``day0_median``; Day 7 values have ``day7_median``
  as their exact median (same anchor rule with p = 0.5);
* paired binary: the 2x2 table with ``both_positive`` concordant positives is laid out.

Every target not met exactly is listed in the calibration report returned with the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .readers import read_raw_table


@dataclass
class SyntheticData:
    """Generated tables plus a calibration report (target vs achieved, one row each)."""

    baseline: pd.DataFrame
    measurements: pd.DataFrame
    report: list[dict] = field(default_factory=list)


def _anchor_positions(n: int, p: float, hf_type: int) -> list[int]:
    """0-based order-statistic indices that determine the type-6/7 quantile p of n values."""
    h = 1 + p * (n - 1) if hf_type == 7 else p * (n + 1)  # type 6: p(n + 1)
    h = min(max(h, 1.0), float(n))
    lo, hi = int(np.floor(h)) - 1, int(np.ceil(h)) - 1
    return sorted({lo, hi})


def anchored_sample(rng: np.random.Generator, n: int, anchors: dict[float, float],
                    bounds: tuple[float, float], decimals: int, hf_type: int = 7) -> np.ndarray:
    """n sorted values whose quantiles at the given probabilities equal the anchor values.

    ``anchors`` maps probability -> value (e.g. {0.25: q1, 0.5: median, 0.75: q3}).
    Free positions are uniform between the surrounding fixed values.
    """
    fixed: dict[int, float] = {}
    for p, v in sorted(anchors.items()):
        for i in _anchor_positions(n, p, hf_type):
            fixed[i] = float(v)
    knots = sorted(fixed.items())
    out = np.empty(n)
    for i in range(n):
        if i in fixed:
            out[i] = fixed[i]
            continue
        below = [(j, v) for j, v in knots if j < i]
        above = [(j, v) for j, v in knots if j > i]
        lo = below[-1][1] if below else bounds[0]
        hi = above[0][1] if above else bounds[1]
        out[i] = rng.uniform(lo, hi)
    out = np.round(out, decimals)
    # rounding may not break the order, and anchors keep their exact values
    out = np.maximum.accumulate(out)
    for i, v in fixed.items():
        out[i] = v
    return out


def _quartiles(rng: np.random.Generator, n: int, spec: dict, hf_type: int) -> np.ndarray:
    return anchored_sample(rng, n, {0.25: spec["q1"], 0.5: spec["median"], 0.75: spec["q3"]},
                           tuple(spec["bounds"]), spec["decimals"], hf_type)


def _closest_median_window(sorted_values: np.ndarray, k: int, target: float) -> int:
    """Start of the length-k window of sorted values whose median is closest to target."""
    starts = np.arange(len(sorted_values) - k + 1)
    med = np.array([np.median(sorted_values[s:s + k]) for s in starts])
    return int(starts[np.argmin(np.abs(med - target))])


def generate(recipe: dict, patient_ids: list[str]) -> SyntheticData:
    """Generate the synthetic baseline and long measurement tables from a recipe."""
    rng = np.random.default_rng(recipe["seed"])
    n = len(patient_ids)
    ids = np.asarray(patient_ids, dtype=object)
    hf = recipe.get("quantile_type", 7)
    report: list[dict] = []
    base = pd.DataFrame({"patient": ids})

    for spec in recipe.get("binary", []):
        col = np.zeros(n, dtype=int)
        col[rng.choice(n, size=spec["count"], replace=False)] = 1
        base[spec["column"]] = col
    org = recipe.get("organomegaly")
    if org:
        any_ = rng.choice(n, size=org["count"], replace=False)
        kind = rng.integers(0, 3, size=len(any_))  # 0 liver only, 1 spleen only, 2 both
        liver, spleen = np.zeros(n, int), np.zeros(n, int)
        liver[any_[kind != 1]] = 1
        spleen[any_[kind != 0]] = 1
        base[org["columns"][0]], base[org["columns"][1]] = liver, spleen
    for spec in recipe.get("continuous", []):
        values = np.full(n, np.nan)
        who = rng.choice(n, size=spec["n"], replace=False)
        values[who] = rng.permutation(_quartiles(rng, spec["n"], spec, hf))
        base[spec["column"]] = values

    rows: list[tuple[str, int, str, float, str]] = []
    fever_day0: dict[str, int] = {}
    fp = recipe.get("fever_paired")
    if fp:
        a, m1, m2, k = fp["both_positive"], fp["day0_positive"], fp["day7_positive"], fp["pairs"]
        cells = [(1, 1)] * a + [(1, 0)] * (m1 - a) + [(0, 1)] * (m2 - a) + [(0, 0)] * (k - m1 - m2 + a)
        who = rng.choice(n, size=k, replace=False)
        for pid, (d0, d7) in zip(ids[who], cells):
            rows += [(pid, 0, fp["parameter"], float(d0), ""), (pid, 7, fp["parameter"], float(d7), "")]
            fever_day0[pid] = d0
    temp = recipe.get("temperature")
    if temp:
        febrile = np.array([fever_day0.get(pid, 1) for pid in ids]) == 1
        lo = np.where(febrile, temp["febrile"][0], temp["afebrile"][0])
        hi = np.where(febrile, temp["febrile"][1], temp["afebrile"][1])
        tmax = np.round(rng.uniform(lo, hi), temp["decimals"])
        rows += [(pid, 0, temp["parameter"], float(t), temp["unit"]) for pid, t in zip(ids, tmax)]

    for spec in recipe.get("labs", []):
        day0 = _quartiles(rng, n, spec, hf)
        order = rng.permutation(n)
        rows += [(ids[order[i]], 0, spec["parameter"], float(day0[i]), spec["unit"]) for i in range(n)]
        report.append({"target": f"{spec['parameter']} Day 0 quartiles", "where": spec["where"],
                       "requested": f"{spec['q1']} / {spec['median']} / {spec['q3']}",
                       "achieved": "exact (by construction)"})
        if "pairs" not in spec:
            continue
        k = spec["pairs"]
        start = _closest_median_window(day0, k, spec["day0_median"])
        achieved = float(np.median(day0[start:start + k]))
        report.append({"target": f"{spec['parameter']} Day 0 median of {k} pairs",
                       "where": spec["where_paired"], "requested": spec["day0_median"],
                       "achieved": achieved if achieved != spec["day0_median"] else "exact"})
        day7 = rng.permutation(anchored_sample(
            rng, k, {0.5: spec["day7_median"]},
            (spec["bounds"][0], min(spec["bounds"][1], 4 * spec["day7_median"])),
            spec["decimals"], hf))
        rows += [(ids[order[start + j]], 7, spec["parameter"], float(day7[j]), spec["unit"])
                 for j in range(k)]
        report.append({"target": f"{spec['parameter']} Day 7 median", "where": spec["where_paired"],
                       "requested": spec["day7_median"], "achieved": "exact (by construction)"})

    meas = pd.DataFrame(rows, columns=["patient", "day", "parameter", "value", "unit"])
    meas["patient_num"] = pd.to_numeric(meas["patient"], errors="coerce")
    meas = meas.sort_values(["patient_num", "patient", "parameter", "day"], kind="stable") \
        .drop(columns="patient_num").reset_index(drop=True)
    return SyntheticData(base, meas, report)


def simulate_from_recipe(recipe: dict, base_dir: Path = Path(".")) -> SyntheticData:
    """Generate the synthetic tables for the recipe's patients.

    ``patients`` either names a real patient file (``path``, ``id_column``) whose ids are
    reused, or asks for ``count`` wholly synthetic patients with ids ``id_prefix`` + 1..count.
    """
    pat = recipe["patients"]
    if "count" in pat:  # a wholly synthetic cohort: ids PREFIX1..PREFIXn
        return generate(recipe, [f"{pat.get('id_prefix', '')}{i}" for i in range(1, pat["count"] + 1)])
    frame = read_raw_table(base_dir / pat["path"])
    return generate(recipe, frame[pat["id_column"]].astype(str).str.strip().tolist())


def write_synthetic(data: SyntheticData, baseline_path: Path, measurements_path: Path) -> None:
    """Write both CSVs deterministically (fixed float format, LF line endings)."""
    for frame, path in ((data.baseline, baseline_path), (data.measurements, measurements_path)):
        path.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(path, index=False, lineterminator="\n", float_format="%.10g")
