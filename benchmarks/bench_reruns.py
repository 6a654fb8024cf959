"""Snakemake start-up and rerun costs on the flagship, medians of repeated runs (issue 13 targets).

Run from the repository root (needs the project's environment)::

    python benchmarks/bench_reruns.py --repeat 3

Each repetition, in a fresh temporary copy of the flagship study: the bare 7-rule chain of
``script:`` rules cold (``benchmarks/bare_chain``), the flagship cold run, the no-op rerun, and the
rerun after a Table 1 label edit (``tables.table1.rows[age].label``, which must rerun only the
formatting). Prints one line per measurement with the median, every repetition, and the load
average before each repetition (this machine drifts by about +-15 %: read medians, not minima).

Targets (issue 13): no-op <= 1.5 s; flagship cold / bare chain cold <= 3.5; label edit <= 5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"no-op rerun s": 1.5, "flagship cold / bare cold": 3.5, "label edit rerun s": 5.0}


def _snakemake() -> str:
    return str(Path(sys.executable).with_name("snakemake"))


def _run(cwd: Path, *args: str) -> float:
    env = {**os.environ, "SLURM_CONF": "/dev/null"}  # no 9 s probe of an absent SLURM controller
    start = time.perf_counter()
    proc = subprocess.run(
        [_snakemake(), "--cores", "2", "--quiet", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"snakemake {' '.join(args)} failed in {cwd}:\n{proc.stderr[-2000:]}")
    return wall


def _copy_flagship(dest: Path) -> Path:
    dest.mkdir()
    shutil.copy(REPO / "Snakefile", dest / "Snakefile")
    for folder in ("workflow", "notebooks", "config", "data"):
        shutil.copytree(REPO / folder, dest / folder)
    return dest


def _relabel(config_path: Path, label: str) -> None:
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    row = next(r for r in config["tables"]["table1"]["rows"] if r.get("variable") == "age")
    row["label"] = label
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")


def one_repetition(i: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="bench-reruns-") as tmp:
        tmp = Path(tmp)
        bare = tmp / "bare"
        bare.mkdir()
        bare_cold = _run(bare, "--snakefile", str(REPO / "benchmarks" / "bare_chain" / "Snakefile"))
        work = _copy_flagship(tmp / "flagship")
        cold = _run(work, "all")
        noop = _run(work, "all")
        _relabel(work / "config/config.yaml", f"Age at diagnosis (years), edit {i}")
        label = _run(work, "all")
    return {
        "bare chain cold s": bare_cold,
        "flagship cold s": cold,
        "no-op rerun s": noop,
        "flagship cold / bare cold": cold / bare_cold,
        "label edit rerun s": label,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"command: {' '.join([os.path.basename(sys.executable), *sys.argv])}")
    print(f"machine: {os.cpu_count()} cores, {os.uname().sysname} {os.uname().machine}")
    runs, loads = [], []
    for i in range(args.repeat):
        loads.append(" ".join(f"{x:.2f}" for x in os.getloadavg()))
        runs.append(one_repetition(i))
    print(f"load average before each repetition: {' | '.join(loads)}")
    for key in runs[0]:
        values = [r[key] for r in runs]
        median = statistics.median(values)
        target = TARGETS.get(key)
        verdict = (
            ""
            if target is None
            else (" (target <= {:g}: {})".format(target, "met" if median <= target else "MISSED"))
        )
        print(f"{key}: median {median:.2f} [{', '.join(f'{v:.2f}' for v in values)}]{verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
