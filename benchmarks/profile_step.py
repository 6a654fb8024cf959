"""Profile one workflow step (cProfile) on the outputs of a finished run.

Run from the repository root, on a work directory kept by ``run_benchmarks.py --keep`` (or any
directory where the workflow has run)::

    python benchmarks/profile_step.py WORKDIR hscore [--top 25] [--site site_01]

Steps: ingest_site, validate, hscore, paired_tests, tables, figures. Inputs are the run's own
files (same names as in workflow/rules/*.smk); outputs go to a temporary directory, so the run
is left untouched. Prints the import time of the step module, the step's wall time and the
cProfile listing sorted by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

import yaml

R, V, I = "results", "results/validated", "results/interim"
INPUTS = {
    "validate": lambda sites: {t: [f"{I}/{s}/{t}.parquet" for s in sites]
                               for t in ("patients", "measurements", "treatments", "sources")},
    "hscore": lambda _: {"patients": f"{V}/patients.parquet",
                         "measurements": f"{V}/measurements.parquet"},
    "paired_tests": lambda _: {"cohort": f"{R}/selection/cohort.parquet",
                               "measurements": f"{V}/measurements.parquet",
                               "sources": f"{V}/sources.parquet"},
    "tables": lambda _: {"cohort": f"{R}/selection/cohort.parquet",
                         "patients": f"{V}/patients.parquet",
                         "measurements": f"{V}/measurements.parquet",
                         "sources": f"{V}/sources.parquet", "hscore": f"{R}/hscore/hscore.parquet",
                         "table3": f"{R}/stats/table3_paired.json"},
    "figures": lambda _: {"cohort": f"{R}/selection/cohort.parquet",
                          "patients": f"{V}/patients.parquet",
                          "measurements": f"{V}/measurements.parquet",
                          "hscore": f"{R}/hscore/hscore.parquet",
                          "flow": f"{R}/selection/flow.csv",
                          "table3": f"{R}/stats/table3_paired.json"},
    "ingest_site": lambda _: {},
}
OUTPUTS = {
    "ingest_site": ["patients", "measurements", "treatments", "sources", "checksums"],
    "validate": ["patients", "measurements", "treatments", "sources", "report"],
    "hscore": ["parquet", "flow", "cohort"],
    "paired_tests": ["csv", "json"],
    "tables": [f"table{i}_{x}" for i in (1, 2, 3) for x in ("md", "tex", "html", "docx")]
    + ["table1_csv", "table2_csv", "latex_document"],
    "figures": ["slopes", "hscore", "flow", "swimmer", "extra"],
}
MODULE = {"ingest_site": "ingest", "paired_tests": "paired"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workdir", type=Path)
    parser.add_argument("step", choices=sorted(INPUTS))
    parser.add_argument("--site", default=None, help="ingest_site: which site (default: first)")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    os.chdir(args.workdir)
    config = yaml.safe_load(Path("config/config.yaml").read_text(encoding="utf-8"))
    sites = sorted(config["sites"])
    start = time.perf_counter()
    module = importlib.import_module(f"retrocohort.steps.{MODULE.get(args.step, args.step)}")
    imported = time.perf_counter() - start
    out_dir = Path(tempfile.mkdtemp(prefix="profile-step-"))
    output = {k: str(out_dir / (f"{k}.png" if args.step == "figures" else k)) for k in OUTPUTS[args.step]}
    params = {"site": args.site or sites[0]} if args.step == "ingest_site" else {}
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.runcall(module.run, input=INPUTS[args.step](sites), output=output, params=params,
                     config=config)
    wall = time.perf_counter() - start
    print(f"{args.step}: import {imported:.2f} s, run {wall:.2f} s (outputs in {out_dir})")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
