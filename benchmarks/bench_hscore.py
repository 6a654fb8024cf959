"""Benchmark: score 10^6 synthetic patients with :func:`retrocohort.hscore.score_hscore`.

Run: ``python benchmarks/bench_hscore.py [n_patients] [repeats]``. Prints the machine and the
best wall time of ``repeats`` runs (target: < 1 s for 10^6 patients). About 5 % of each input
is missing so the bounds path is exercised.
"""

from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
import pandas as pd

from retrocohort.hscore import score_hscore


def synthetic(n: int, seed: int = 0, missing: float = 0.05) -> pd.DataFrame:
    """``n`` random patients in canonical units, ~``missing`` of each input set to missing."""
    rng = np.random.default_rng(seed)
    labs = {
        "temperature_max": rng.normal(38.8, 1.0, n), "hemoglobin": rng.normal(10, 2, n),
        "leukocytes": rng.lognormal(1.5, 0.8, n), "platelets": rng.lognormal(4.8, 0.7, n),
        "ferritin": rng.lognormal(8, 1.5, n), "triglycerides": rng.lognormal(0.8, 0.5, n),
        "fibrinogen": rng.lognormal(1.0, 0.4, n), "ast": rng.lognormal(4, 1, n),
    }
    cols: dict[str, object] = {k: np.where(rng.random(n) < missing, np.nan, v)
                               for k, v in labs.items()}
    for flag in ("immunodepression", "hepatomegaly", "splenomegaly",
                 "hemophagocytosis_marrow"):
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
    print(f"machine: {platform.platform()} | {platform.processor() or platform.machine()} | "
          f"{os.cpu_count()} CPUs | Python {platform.python_version()}")
    print(f"score_hscore: {n:,} patients, best of {repeats}: {best:.3f} s "
          f"({n / best / 1e6:.2f} M patients/s); complete: {out['complete'].mean():.1%}")
    return best


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
