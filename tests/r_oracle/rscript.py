"""Run R code through ``Rscript`` and read back named numeric results (the R oracle's helper).

R has no JSON writer in base, so the R side prints one ``name<TAB>v1,v2,...`` line per
element of a list ``out`` (``%.17g``, enough to round-trip a double); NA/NaN/Inf are read as
nan/inf. Inputs are inlined as R vectors with 17 significant digits, or written as CSV.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

REQUIRE_ENV = "RETROCOHORT_REQUIRE_R"

_PRINT_OUT = r"""
for (.k in names(out)) {
  .v <- out[[.k]]
  .s <- if (is.character(.v)) .v else ifelse(is.na(.v) & !is.nan(.v), "NA", sprintf("%.17g", as.double(.v)))
  cat(.k, "\t", paste(.s, collapse = ","), "\n", sep = "")
}
cat("__retrocohort_r_oracle_done__\n")
"""
_DONE = "__retrocohort_r_oracle_done__"


def find_rscript() -> str | None:
    """Path of Rscript (PATH, then /usr/bin), or None."""
    return shutil.which("Rscript") or ("/usr/bin/Rscript" if Path("/usr/bin/Rscript").exists() else None)


def require_rscript() -> str:
    """Rscript's path; a missing R fails the test when RETROCOHORT_REQUIRE_R=1 (CI), else skips it."""
    import pytest

    exe = find_rscript()
    if exe is None:
        message = "Rscript not found (apt-get install -y r-base-core r-cran-survival r-cran-cmprsk)"
        if os.environ.get(REQUIRE_ENV) == "1":
            pytest.fail(f"{message}, but {REQUIRE_ENV}=1")
        pytest.skip(message)
    return exe


def r_vector(values: Sequence[float] | np.ndarray) -> str:
    """``c(...)`` literal, 17 significant digits, NaN/None as NA."""
    items = []
    for v in np.asarray(values, dtype=float).tolist():
        items.append("NA" if math.isnan(v) else repr(float(v)))
    return "c(" + ", ".join(items) + ")"


def _parse(value: str) -> list[float] | list[str]:
    parts = value.split(",") if value else []
    try:
        return [float("nan") if p in ("NA", "NaN") else float(p) for p in parts]
    except ValueError:
        return parts


def run_r(
    code: str,
    *,
    vectors: Mapping[str, Sequence[float]] | None = None,
    frames: Mapping[str, pd.DataFrame] | None = None,
    workdir: Path | None = None,
    timeout: int = 120,
) -> dict[str, list]:
    """Run ``code`` (which must assign a named list ``out``) and return {name: values}.

    ``vectors`` become R numeric vectors; ``frames`` are written as CSV into ``workdir`` and
    read with read.csv(stringsAsFactors = TRUE). RuntimeError with R's stderr on failure.
    """
    rscript = find_rscript()
    if rscript is None:
        raise RuntimeError("Rscript not found")
    lines = ["suppressWarnings(suppressMessages(library(survival)))"]
    for name, values in (vectors or {}).items():
        lines.append(f"{name} <- {r_vector(values)}")
    for name, frame in (frames or {}).items():
        if workdir is None:
            raise ValueError("frames need a workdir")
        path = Path(workdir) / f"{name}.csv"
        frame.to_csv(path, index=False, float_format="%.17g")
        lines.append(f'{name} <- read.csv("{path}", stringsAsFactors = TRUE)')
    script = "\n".join(lines) + "\n" + code + "\n" + _PRINT_OUT
    # a file, not -e: Rscript truncates long -e expressions (the lung/pbc vectors are long)
    with tempfile.NamedTemporaryFile("w", suffix=".R", delete=False, encoding="utf-8") as handle:
        handle.write(script)
    try:
        proc = subprocess.run(
            [rscript, "--vanilla", handle.name],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "LC_ALL": "C"},
        )
    finally:
        Path(handle.name).unlink(missing_ok=True)
    if proc.returncode != 0 or _DONE not in proc.stdout:
        raise RuntimeError(f"Rscript failed ({proc.returncode}):\n{proc.stderr}\n--- script ---\n{script}")
    out: dict[str, list] = {}
    for line in proc.stdout.splitlines():
        if "\t" in line:
            key, _, value = line.partition("\t")
            out[key] = _parse(value.strip())
    return out


def r_dataset_csv(expr: str, path: Path) -> pd.DataFrame:
    """Evaluate an R expression giving a data frame (e.g. ``survival::lung``), save it as CSV
    at ``path`` and return it read by pandas."""
    run_r(f'write.csv({expr}, "{path}", row.names = FALSE)\nout <- list()')
    return pd.read_csv(path)
