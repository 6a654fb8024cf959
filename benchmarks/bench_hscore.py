"""Benchmark: score 10^6 synthetic patients with :func:`retrocohort.hscore.score.score_hscore`.

Run: ``python benchmarks/bench_hscore.py [n_patients] [repeats]``. Prints the machine and the
best wall time of ``repeats`` runs (target: < 1 s for 10^6 patients). About 5 % of each input
is missing so the bounds path is exercised. Also times :func:`worst_in_window` on the long
table of the same labs over days -3..0 (4 days x 8 labs = 32 rows per patient).
"""

from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
import pandas as pd

from retrocohort.hscore.score import WORST_DIRECTION, score_hscore, worst_in_window


def synthetic(n: int, seed: int = 0, missing: float = 0.05) -> pd.DataFrame:
    """``n`` random patients in canonical units, ~``missing`` of each input set to missing."""
    rng = np.random.default_rng(seed)
    labs = {
        "temperature_max": rng.normal(38.8, 1.0, n),
        "hemoglobin": rng.normal(10, 2, n),
        "leukocytes": rng.lognormal(1.5, 0.8, n),
        "platelets": rng.lognormal(4.8, 0.7, n),
        "ferritin": rng.lognormal(8, 1.5, n),
        "triglycerides": rng.lognormal(0.8, 0.5, n),
        "fibrinogen": rng.lognormal(1.0, 0.4, n),
        "ast": rng.lognormal(4, 1, n),
    }
    cols: dict[str, object] = {k: np.where(rng.random(n) < missing, np.nan, v) for k, v in labs.items()}
    for flag in ("immunodepression", "hepatomegaly", "splenomegaly", "hemophagocytosis_marrow"):
        cols[flag] = pd.arrays.BooleanArray(rng.random(n) < 0.4, rng.random(n) < missing)
    return pd.DataFrame(cols, index=pd.RangeIndex(n, name="patient_id"))


def main(n: int = 1_000_000, repeats: int = 3) -> float:
    df = synthetic(n)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        out = score_hscore(df)
        times.append(time.perf_counter() - start)
    best = min(times)
    long = long_measurements(df)
    window = []
    for _ in range(repeats):
        start = time.perf_counter()
        worst_in_window(long, None, (-3, 0))
        window.append(time.perf_counter() - start)
    print(
        f"machine: {platform.platform()} | {platform.processor() or platform.machine()} | "
        f"{os.cpu_count()} CPUs | Python {platform.python_version()}"
    )
    print(
        f"score_hscore: {n:,} patients, best of {repeats}: {best:.3f} s "
        f"({n / best / 1e6:.2f} M patients/s); complete: {out['complete'].mean():.1%}"
    )
    print(f"worst_in_window: {len(long):,} long rows, best of {repeats}: {min(window):.3f} s")
    return best


def long_measurements(df: pd.DataFrame, days: tuple[int, ...] = (-3, -2, -1, 0)) -> pd.DataFrame:
    """Long rows (patient_id, day, variable, value) of the lab columns, one copy per day."""
    labs = list(WORST_DIRECTION)
    ids = pd.array([f"P{i:07d}" for i in range(len(df))], dtype="string")
    frames = [
        pd.DataFrame(
            {"patient_id": ids, "day": day, "variable": lab, "value": df[lab].to_numpy() * (1 + 0.01 * day)}
        )
        for day in days
        for lab in labs
    ]
    out = pd.concat(frames, ignore_index=True)
    out["variable"] = out["variable"].astype("string")
    return out


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
