"""Benchmark: per-site validation of a synthetic 10^6-patient x 16-variable long table (16 M rows).

Command: PYTHONPATH=src .venv/bin/python benchmarks/bench_validate.py [N_PATIENTS]
Prints wall time of validate_site (all checks), of the vectorised measurement checks alone,
and of the pandera patients check. A benchmark, not a test: figures depend on the machine.
"""

from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
import pandas as pd

from retrocohort.ingest.sources import CanonicalTables
from retrocohort.validate import canonical as validation
from retrocohort.validate.measurements import measurement_problems

N_VARIABLES = 16


def synthetic_tables(n: int, seed: int = 0) -> tuple[CanonicalTables, dict]:
    rng = np.random.default_rng(seed)
    names = [f"v{j}" for j in range(N_VARIABLES)]
    variables = {
        v: {"kind": "continuous", "table": "measurements", "unit": "g/L", "range": [0, 1000]} for v in names
    }
    variables["age"] = {"kind": "continuous", "table": "patients", "range": [0, 120]}
    ids = pd.array([f"P{i:07d}" for i in range(n)], dtype="string")
    rows = n * N_VARIABLES
    patients = pd.DataFrame(
        {
            "patient_id": ids,
            "site": pd.array(["a"] * n, dtype="string"),
            "age": pd.array(rng.uniform(0, 100, n), dtype="Float64"),
        }
    )
    measurements = pd.DataFrame(
        {
            "patient_id": np.repeat(ids, N_VARIABLES),
            "site": pd.array(["a"] * rows, dtype="string"),
            "day": pd.array(np.zeros(rows, dtype=int), dtype="Int64"),
            "variable": pd.array(np.tile(names, n), dtype="string"),
            "value": rng.uniform(0, 100, rows),
            "unit": pd.array(["g/L"] * rows, dtype="string"),
        }
    )
    treatments = pd.DataFrame(
        {
            "patient_id": pd.Series([], dtype="string"),
            "site": pd.Series([], dtype="string"),
            "line": pd.Series([], dtype="int64"),
            "agent": pd.Series([], dtype="string"),
        }
    )
    sources = pd.DataFrame({"site": [], "variable": [], "file": [], "synthetic": []})
    return CanonicalTables(patients, measurements, treatments, sources), variables


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    tables, variables = synthetic_tables(n)
    print(f"machine: {platform.platform()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(f"{n} patients, {len(tables.measurements)} measurement rows")
    t0 = time.perf_counter()
    validation.validate_site(tables, variables)
    print(f"validate_site (all checks): {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    measurement_problems(tables.measurements, variables, tables.patients["patient_id"], tables.sources)
    print(f"measurement checks alone:   {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    validation.patients_schema(variables).validate(tables.patients, lazy=True)
    print(f"patients (pandera):         {time.perf_counter() - t0:.2f} s")


if __name__ == "__main__":
    main()
