"""One flagship run shared by the end-to-end tests that only read its results; the session's
SLURM run started in the background as the session starts."""

from pathlib import Path

import pytest

from study import finished_report, warm_copy


@pytest.fixture(scope="session", autouse=True)
def _slurm_run_in_the_background(request, tmp_path_factory):
    """Start the SLURM run of tests/e2e/test_slurm.py at the session's first end-to-end test
    when the session holds that test: the run mostly waits for SLURM, so it goes on beside the
    other tests instead of occupying a worker (test_slurm.py's docstring). The worker that
    started it waits for it at its end (the test itself may run on another worker)."""
    from test_slurm import start_slurm_run, wait_for

    wanted = any(item.path.name == "test_slurm.py" for item in request.session.items)
    proc = start_slurm_run(tmp_path_factory) if wanted else None
    yield
    if proc is not None:
        wait_for(proc)


@pytest.fixture(scope="session")
def flagship(tmp_path_factory) -> Path:
    """This worker's copy of the session's complete flagship run (:func:`study.finished_run`)."""
    return warm_copy(tmp_path_factory, tmp_path_factory.mktemp("flagship"))


@pytest.fixture(scope="session")
def flagship_report(tmp_path_factory) -> Path:
    """The Snakemake report of the shared flagship run (:func:`study.finished_report`, read only)."""
    return finished_report(tmp_path_factory) / "results/report.html"
