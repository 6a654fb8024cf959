"""Timing helper shared by the benchmark scripts (best of several runs, wall and CPU time)."""

from __future__ import annotations

import os
import platform
import sys
import time

import numpy as np
import pandas as pd

CPU_S: dict[int, float] = {}  # id(result) -> CPU seconds of its best run


def timed(fn, repeat: int) -> tuple[float, object]:
    """Best wall time of ``repeat`` runs; that run's process CPU time goes to ``CPU_S``
    (on a shared machine CPU time is the better guide to an idle machine's wall time)."""
    best, out, cpu = float("inf"), None, float("nan")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        wall = time.perf_counter() - start
        if wall < best:
            best, cpu = wall, time.process_time() - start_cpu
    CPU_S[id(out)] = cpu
    return best, out


def print_header(extra: str = "") -> None:
    """The command and the machine, first lines of every benchmark's output."""
    print(f"command: {' '.join([os.path.basename(sys.executable)] + sys.argv)}")
    print(
        f"machine: {platform.platform()} | cpu_count={os.cpu_count()} | python "
        f"{platform.python_version()} | numpy {np.__version__} | pandas {pd.__version__}{extra}"
    )
