"""One flagship run shared by the end-to-end tests that only read its results."""

from pathlib import Path

import pytest

from study import snakemake, warm_copy


@pytest.fixture(scope="session")
def flagship(tmp_path_factory) -> Path:
    """This worker's copy of the session's complete flagship run (:func:`study.finished_run`)."""
    return warm_copy(tmp_path_factory, tmp_path_factory.mktemp("flagship"))


@pytest.fixture(scope="session")
def flagship_report(flagship) -> Path:
    """The Snakemake report of the shared flagship run."""
    proc = snakemake(flagship, "--cores", "1", "--quiet", "--report", "results/report.html", timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return flagship / "results/report.html"
