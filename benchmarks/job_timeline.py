"""Timeline of one finished run: when each job started and ended, from its `benchmark:` file.

    python benchmarks/job_timeline.py WORKDIR

A benchmark file is written by Snakemake right after its job ends, so its modification time
is the job's end and (end - wall seconds) its start; times are relative to the first start.
Shows which jobs ran side by side and where the 2 cores idled (the critical path).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path


def timeline(workdir: Path) -> list[tuple[str, float, float]]:
    """(job, start, end) in seconds from the earliest start, sorted by start."""
    jobs = []
    for path in sorted((workdir / "logs" / "benchmarks").rglob("*.tsv")):
        with path.open(newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        if rows:
            end = path.stat().st_mtime
            name = str(path.relative_to(workdir / "logs" / "benchmarks").with_suffix(""))
            jobs.append((name, end - float(rows[-1]["s"]), end))
    origin = min((s for _, s, _ in jobs), default=0.0)
    return sorted(((n, s - origin, e - origin) for n, s, e in jobs), key=lambda j: j[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workdir", type=Path)
    parser.add_argument("--width", type=int, default=60, help="characters for the time axis")
    args = parser.parse_args()
    jobs = timeline(args.workdir)
    span = max((e for _, _, e in jobs), default=1.0)
    scale = args.width / span
    print(f"{'job':28s} {'start':>6s} {'end':>6s}  (one character = {1 / scale:.2f} s)")
    for name, start, end in jobs:
        bar = " " * int(start * scale) + "#" * max(1, int((end - start) * scale))
        print(f"{name:28s} {start:6.2f} {end:6.2f}  {bar}")


if __name__ == "__main__":
    main()
