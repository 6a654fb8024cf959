"""Benchmark (not a test): the paired table (Table 3) at 10^6 pairs x 8 parameters, and the
Hodges-Lehmann estimate + CI alone at 10^6 pairs.

    PYTHONPATH=src python benchmarks/bench_paired.py                 # n = 10**6
    PYTHONPATH=src python benchmarks/bench_paired.py --n 1e5 --repeat 3

Data: seeded long measurements (patient, variable, day, value) as the pipeline reads them:
7 continuous parameters (log-normal, one decimal, Day 7 lower on average) and 1 binary one,
each measured at Day 0 and Day 7 for every patient (2 x 8 x n rows). Timed:
``paired_analysis.table3_statistics`` (pairing, Wilcoxon signed-rank with the normal
approximation at this n, Hodges-Lehmann estimate and 95% CI, rank-biserial r, McNemar) plus
``tables.build_table3``; and ``stats.hodges_lehmann_paired`` on 10^6 differences, both on a
0.000001 grid (``decimals=6``, as the pipeline uses) and on raw floats.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import pandas as pd
from _timing import CPU_S, print_header, timed

from retrocohort.analysis.paired import table3_statistics
from retrocohort.stats import hodges_lehmann_paired
from retrocohort.tables.build import build_table3

CONTINUOUS = ["crp", "ferritin", "triglycerides", "ast", "hemoglobin", "leukocytes", "platelets"]
BINARY = ["fever"]


def make_measurements(n: int, seed: int) -> pd.DataFrame:
    """Long table: every patient has every parameter at Day 0 and Day 7."""
    rng = np.random.default_rng(seed)
    ids = pd.array(np.arange(1, n + 1).astype(str), dtype="string")
    parts = []
    for name in CONTINUOUS + BINARY:
        if name in BINARY:
            d0 = (rng.random(n) < 0.9).astype(float)
            d7 = (rng.random(n) < 0.3).astype(float)
        else:
            d0 = np.round(rng.lognormal(rng.uniform(1, 6), 0.7, n), 1)
            d7 = np.round(d0 * rng.lognormal(-0.3, 0.5, n), 1)
        for day, values in ((0, d0), (7, d7)):
            parts.append(
                pd.DataFrame(
                    {
                        "patient_id": ids,
                        "day": pd.array(np.full(n, day), dtype="Int64"),
                        "variable": pd.array([name] * n, dtype="string"),
                        "value": values,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=float, default=1e6)
    parser.add_argument("--repeat", type=int, default=1, help="timed runs (best kept)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    n = int(args.n)
    print_header()
    meas = make_measurements(n, args.seed)
    variables = {**{v: {"kind": "continuous"} for v in CONTINUOUS}, **{v: {"kind": "binary"} for v in BINARY}}
    parameters = [{"variable": v} for v in CONTINUOUS + BINARY]
    config = {
        "study": {},
        "statistics": {"decimals_for_tests": 6},
        "paired_days": [0, 7],
        "tables": {"table3": {"parameters": parameters}},
    }

    def table3():
        stats = table3_statistics(meas, parameters, variables, (0, 7), config["statistics"], set())
        return stats, build_table3(stats, config)

    warm = make_measurements(1000, args.seed)  # imports scipy/statsmodels outside the timing
    table3_statistics(warm, parameters, variables, (0, 7), config["statistics"], set())
    t3_s, t3_out = timed(table3, args.repeat)
    t3_cpu = CPU_S[id(t3_out)]
    stats = t3_out[0]
    main_rows = stats[stats["role"] == "main"]
    assert (main_rows["n_pairs"] == n).all() and main_rows["p_value"].notna().all()
    assert main_rows["hl_ci_low"].notna().sum() == len(CONTINUOUS)

    rng = np.random.default_rng(args.seed)
    d = rng.normal(0.3, 1.0, n)
    d_grid = np.round(d, 6)
    hl_grid_s, hl = timed(lambda: hodges_lehmann_paired(d_grid, decimals=6), max(args.repeat, 3))
    hl_grid_cpu = CPU_S[id(hl)]
    hl_float_s, hl_float = timed(lambda: hodges_lehmann_paired(d), max(args.repeat, 3))
    hl_float_cpu = CPU_S[id(hl_float)]
    assert hl.ci_low <= hl.estimate <= hl.ci_high

    print(f"{'case':<58}{'n':>12}{'wall s':>10}{'CPU s':>10}")
    for label, wall, cpu in (
        ("Table 3: 8 parameters (7 Wilcoxon + HL CI, 1 McNemar)", t3_s, t3_cpu),
        ("Hodges-Lehmann estimate + 95% CI, decimals=6", hl_grid_s, hl_grid_cpu),
        ("Hodges-Lehmann estimate + 95% CI, raw floats", hl_float_s, hl_float_cpu),
    ):
        print(f"{label:<58}{n:>12,}{wall:>10.3f}{cpu:>10.3f}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
