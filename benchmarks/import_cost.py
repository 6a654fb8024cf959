"""Where a job's CPU goes: importing its modules vs the rest (issue 26).

    python benchmarks/import_cost.py [--repeat 3]
    python benchmarks/import_cost.py --run WORKDIR [--profiles DIR]
    python benchmarks/import_cost.py --cpu DIR [DIR ...]

With ``--cpu`` (the ``RETROCOHORT_CPU`` directories of one or more runs of the same study, e.g.
three): per job, the CPU seconds its process spent before the step (interpreter, Snakemake's
script preamble, the script's imports) and in the step, measured inside the job
(:func:`retrocohort.pipeline.step.run_step`), medians over the directories given.

Without ``--run``: for each script of ``workflow/scripts``, its top-level imports run in a fresh
interpreter (the PYTHONPATH of the caller); prints the CPU seconds they took (the least of
``--repeat`` runs: load only adds) and the heavy modules they loaded. With ``--run``: the same
per job of a finished run, next to the job's wall and CPU seconds from its ``benchmark:`` file
and, with ``--profiles`` (the ``RETROCOHORT_PROFILE`` directory of that run), the step's profiled
time (wall clock) and the heavy modules the step imported while it ran.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import pstats
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("scipy.stats", "scipy", "statsmodels", "matplotlib", "pandera", "docx", "nbformat", "pint", "pandas")
_PROBE = (
    "import json, sys, time\nc0 = time.process_time()\nexec(compile({src!r}, 'imports', 'exec'))\n"
    "print(json.dumps([time.process_time() - c0, [m for m in {heavy!r} if m in sys.modules]]))"
)
#: Rules whose script is named differently.
_SCRIPT = {"ingest": "ingest_site", "provenance": "provenance_inputs"}


def import_cost(script: Path, repeat: int) -> tuple[float, list[str]]:
    """Least CPU seconds of the script's top-level imports over ``repeat`` fresh interpreters."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    src = "\n".join(ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom))
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _PROBE.format(src=src, heavy=HEAVY)],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    cpu, heavy = min(runs)
    return cpu, heavy


def step_profile(path: Path) -> tuple[float, list[str]]:
    """Profiled seconds of one step and the heavy packages whose ``__init__`` ran inside it."""
    stats = pstats.Stats(str(path))
    files = {key[0].replace("\\", "/") for key in stats.stats}  # type: ignore[attr-defined]
    heavy = sorted(
        {
            m
            for m in HEAVY
            if any(f.endswith("site-packages/" + m.replace(".", "/") + "/__init__.py") for f in files)
        }
    )
    return stats.total_tt, heavy  # type: ignore[attr-defined]


def cpu_split(dirs: list[Path]) -> list[str]:
    """Markdown rows: per job, median CPU seconds over ``dirs`` of its start-up (interpreter,
    Snakemake's preamble, top-level imports), of the imports inside its step (lazy imports) and
    of the rest of its step (compute)."""
    import statistics

    keys = ("startup_cpu", "step_import_cpu", "step_compute_cpu")
    jobs: dict[str, list[list[float]]] = {}
    for folder in dirs:
        for path in sorted(folder.glob("*.json")):
            record = json.loads(path.read_text(encoding="utf-8"))
            jobs.setdefault(path.stem, []).append([record[k] for k in keys])
    lines = [
        "| job | start-up CPU s | imports in step CPU s | compute CPU s | start-up + imports share | runs |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    total = [0.0, 0.0, 0.0]
    for job, runs in sorted(jobs.items()):
        cells = [statistics.median(r[i] for r in runs) for i in range(3)]
        total = [t + c for t, c in zip(total, cells)]
        share = (cells[0] + cells[1]) / sum(cells)
        lines.append(
            f"| {job} | {cells[0]:.2f} | {cells[1]:.2f} | {cells[2]:.2f} | {share:.0%} | {len(runs)} |"
        )
    share = (total[0] + total[1]) / sum(total) if sum(total) else float("nan")
    lines.append(
        f"| **sum ({len(jobs)} jobs)** | {total[0]:.2f} | {total[1]:.2f} | {total[2]:.2f} | {share:.0%} | |"
    )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--run", type=Path, help="a finished run's working directory")
    parser.add_argument("--profiles", type=Path, help="its RETROCOHORT_PROFILE directory")
    parser.add_argument("--cpu", type=Path, nargs="+", help="RETROCOHORT_CPU directories of runs")
    args = parser.parse_args()
    if args.cpu:
        print("\n".join(cpu_split(args.cpu)))
        return
    costs = {
        p.stem: import_cost(p, args.repeat) for p in sorted((ROOT / "workflow" / "scripts").glob("*.py"))
    }
    if args.run is None:
        for name, (cpu, heavy) in costs.items():
            print(f"{name:24s} {cpu:5.2f} s  {' '.join(heavy)}")
        return
    print(
        "| job | wall s | CPU s | import CPU s | step s (profile) | heavy modules imported inside the step |"
    )
    print("|---|---:|---:|---:|---:|---|")
    totals = [0.0, 0.0, 0.0]
    for tsv in sorted((args.run / "logs" / "benchmarks").rglob("*.tsv")):
        with tsv.open(newline="") as fh:
            record = list(csv.DictReader(fh, delimiter="\t"))[-1]
        job = str(tsv.relative_to(args.run / "logs" / "benchmarks").with_suffix(""))
        rule = job.split("/")[0]
        script = _SCRIPT.get(rule, rule)
        cpu = costs.get(script, (float("nan"), []))[0]
        name = f"{script}-{job.split('/', 1)[1]}" if "/" in job else script
        prof = args.profiles / f"{name}.prof" if args.profiles else None
        if prof and not prof.exists():
            prof = args.profiles / f"{script}.prof"
        step, heavy = step_profile(prof) if prof and prof.exists() else (float("nan"), [])
        wall, job_cpu = float(record["s"]), float(record["cpu_time"])
        totals = [totals[0] + wall, totals[1] + job_cpu, totals[2] + (cpu if cpu == cpu else 0.0)]
        print(f"| {job} | {wall:.1f} | {job_cpu:.2f} | {cpu:.2f} | {step:.2f} | {', '.join(heavy)} |")
    print(f"| **sum** | {totals[0]:.1f} | {totals[1]:.2f} | {totals[2]:.2f} | | |")


if __name__ == "__main__":
    main()
