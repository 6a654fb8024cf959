"""Benchmark (not a test): Table 1 for 10^6 patients x 30 variables vs the `tableone` package.

    PYTHONPATH=src python benchmarks/bench_table1.py                  # n = 10**6, 15 + 15 variables
    PYTHONPATH=src python benchmarks/bench_table1.py --n 1e5 --repeat 3

Data: seeded; 15 binary variables (5% missing) and 15 continuous ones (5% missing, log-normal,
two decimals). retrocohort: `descriptive.table1_statistics` (every number at full precision)
plus `tables.build_table1` (the formatted table). tableone 0.9 (pinned in
benchmarks/requirements.txt): `TableOne(categorical=binary, nonnormal=continuous,
include_null=False)`, whose percentages then use the non-missing values as denominator, as ours.

Identical numbers are asserted, not assumed: counts, missing counts and percentages exactly;
median and quartiles, mean and SD to 1e-12 relative. tableone's quartiles are
`np.nanpercentile(x, 25/75)`, numpy's default 'linear' method, i.e. Hyndman-Fan type 7, so the
comparison runs retrocohort with `quantile_type = 7`.
"""

from __future__ import annotations

import argparse
import os
import warnings

import numpy as np
import pandas as pd
from _timing import CPU_S, print_header, timed

from retrocohort.analysis.descriptive import table1_statistics
from retrocohort.tables.build import build_table1


def make_data(n: int, n_binary: int, n_continuous: int, seed: int) -> pd.DataFrame:
    """Seeded cohort: binary columns as pandas booleans, continuous as float64, 5% missing each."""
    rng = np.random.default_rng(seed)
    cols: dict[str, object] = {}
    for i in range(n_binary):
        values = pd.array(rng.random(n) < rng.uniform(0.05, 0.6), dtype="boolean")
        values[rng.random(n) < 0.05] = pd.NA
        cols[f"bin{i:02d}"] = values
    for i in range(n_continuous):
        values = np.round(rng.lognormal(rng.uniform(0, 5), 0.8, n), 2)
        values[rng.random(n) < 0.05] = np.nan
        cols[f"cont{i:02d}"] = values
    return pd.DataFrame(cols)


def retrocohort_table1(frame: pd.DataFrame, rows: list[dict], variables: dict, hf: int):
    stats = table1_statistics(frame, rows, variables, {}, hf, set())
    config = {
        "study": {},
        "statistics": {"quantile_type": hf},
        "tables": {"table1": {"rows": rows, "reference_column": False}},
    }
    return stats, build_table1(stats, config, len(frame))


def tableone_input(frame: pd.DataFrame, binary: list[str]) -> pd.DataFrame:
    """The same data as tableone takes it (categorical columns as objects, None = missing);
    prepared outside the timed region."""
    data = frame.copy()
    for c in binary:
        data[c] = data[c].astype(object).where(data[c].notna(), None)
    return data


def tableone_table1(data: pd.DataFrame, binary: list[str], continuous: list[str]):
    from tableone import TableOne

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TableOne(
            data, columns=binary + continuous, categorical=binary, nonnormal=continuous, include_null=False
        )


def assert_identical(stats: pd.DataFrame, t1, binary: list[str], continuous: list[str]) -> None:
    """Every number tableone prints equals ours (see the module docstring for tolerances)."""
    ours = stats.set_index("variable")
    cont = t1.cont_describe.droplevel(1, axis=1) if t1.cont_describe.columns.nlevels > 1 else t1.cont_describe
    for c in continuous:
        ref = cont.loc[c]
        assert int(ref["count"]) == ours.loc[c, "n"], c
        for mine, theirs in (
            ("median", "median"),
            ("q1", "q25"),
            ("q3", "q75"),
            ("mean", "mean"),
            ("sd", "std"),
        ):
            np.testing.assert_allclose(
                ours.loc[c, mine], float(ref[theirs]), rtol=1e-12, err_msg=f"{c} {mine}"
            )
    cat = t1.cat_describe.droplevel(1, axis=1) if t1.cat_describe.columns.nlevels > 1 else t1.cat_describe
    for c in binary:
        true_row = cat.loc[(c, "True")]
        assert int(true_row["freq"]) == ours.loc[c, "count"], c
        missing = cat.loc[c, "Missing"].dropna()  # printed on the variable's first level only
        assert missing.size == 1 and int(missing.iloc[0]) == ours.loc[c, "missing"], c
        np.testing.assert_allclose(float(true_row["percent"]), ours.loc[c, "percent"], rtol=1e-12)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=float, default=1e6)
    parser.add_argument("--binary", type=int, default=15)
    parser.add_argument("--continuous", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of ours (best kept)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    n = int(args.n)
    import tableone

    print_header(f" | tableone {tableone.__version__}")
    frame = make_data(n, args.binary, args.continuous, args.seed)
    binary = [c for c in frame.columns if c.startswith("bin")]
    continuous = [c for c in frame.columns if c.startswith("cont")]
    variables = {**{c: {"kind": "binary"} for c in binary}, **{c: {"kind": "continuous"} for c in continuous}}
    rows = [{"variable": c} for c in frame.columns]
    retrocohort_table1(frame.head(1000), rows, variables, 7)  # warm imports
    ours_s, ours = timed(lambda: retrocohort_table1(frame, rows, variables, 7), args.repeat)
    ours_cpu, stats = CPU_S[id(ours)], ours[0]
    data = tableone_input(frame, binary)
    theirs_s, t1 = timed(lambda: tableone_table1(data, binary, continuous), 1)
    theirs_cpu = CPU_S[id(t1)]
    assert_identical(stats, t1, binary, continuous)
    print(f"{'case':<44}{'n':>12}{'wall s':>10}{'CPU s':>10}")
    print(f"{'retrocohort Table 1 (stats + formatted)':<44}{n:>12,}{ours_s:>10.3f}{ours_cpu:>10.3f}")
    print(f"{'tableone TableOne (same data)':<44}{n:>12,}{theirs_s:>10.3f}{theirs_cpu:>10.3f}")
    print(
        f"speed-up: {theirs_s / ours_s:.1f}x wall, {theirs_cpu / ours_cpu:.1f}x CPU; numbers "
        f"identical ({len(binary)} binary, {len(continuous)} continuous variables; quartiles "
        f"HF type 7); load average at the end: {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
