"""Time the heavy paths of retrocohort.stats (not a test).

    python benchmarks/bench_stats.py                 # n = 10**6
    python benchmarks/bench_stats.py --n 1e5 1e6 --columns 30 --repeat 3

Reports the best of ``--repeat`` warm runs for: Hodges-Lehmann estimate + 95% CI (n pairs,
i.e. n(n+1)/2 implicit Walsh averages), the asymptotic Wilcoxon signed-rank test, the
asymptotic Mann-Whitney test (two groups of n/2), Kaplan-Meier with median CI, and
Hyndman-Fan quantiles of an n x columns table (type 7, and type 2 with 5% NaN).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import numpy as np

from retrocohort.stats import (
    grouped_quantiles,
    hodges_lehmann_paired,
    kaplan_meier,
    mann_whitney,
    median_survival,
    wilcoxon_signed_rank,
)

PROBS = [0.1, 0.25, 0.5, 0.75, 0.9]


def best_time(fn: Callable[[], object], repeat: int) -> float:
    """Best wall time of ``repeat`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def cases(n: int, columns: int, rng: np.random.Generator) -> dict[str, Callable[[], object]]:
    d = rng.normal(0.3, 1.0, n)
    d_grid = np.round(d, 2)
    times = np.round(rng.exponential(30.0, n))
    events = rng.random(n) < 0.7
    table = rng.normal(size=(n, columns))
    holed = table.copy()
    holed[rng.random(holed.shape) < 0.05] = np.nan
    return {
        "HL + CI, float": lambda: hodges_lehmann_paired(d),
        "HL + CI, decimals=2": lambda: hodges_lehmann_paired(d_grid, decimals=2),
        "signed-rank asymptotic": lambda: wilcoxon_signed_rank(d, method="asymptotic"),
        "Mann-Whitney asymptotic (n/2 vs n/2)": lambda: mann_whitney(
            d_grid[: n // 2], d_grid[n // 2 :], method="asymptotic"
        ),
        "Kaplan-Meier + median CI": lambda: (kaplan_meier(times, events), median_survival(times, events)),
        f"quantiles type 7, {columns} cols": lambda: grouped_quantiles(table, PROBS, 7),
        f"quantiles type 2, {columns} cols, 5% NaN": lambda: grouped_quantiles(holed, PROBS, 2),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", nargs="+", type=float, default=[1e6], help="sample sizes")
    parser.add_argument("--columns", type=int, default=30, help="columns for the quantile case")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case (best kept)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    print(
        f"machine: {platform.platform()} | {platform.processor() or platform.machine()} | "
        f"cpu_count={os.cpu_count()} | python {platform.python_version()} | "
        f"numpy {np.__version__}"
    )
    print(f"{'case':<38}{'n':>12}{'seconds':>10}")
    for n in (int(v) for v in args.n):
        rng = np.random.default_rng(args.seed)
        for name, fn in cases(n, args.columns, rng).items():
            print(f"{name:<38}{n:>12,}{best_time(fn, args.repeat):>10.3f}")


if __name__ == "__main__":
    main()
