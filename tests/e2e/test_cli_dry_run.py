"""End to end: `retrocohort run` drives the real Snakemake on a copy of the study."""

import pytest

from retrocohort.cli import main
from study import copy_study

pytestmark = pytest.mark.e2e


def test_real_dry_run_on_a_copy_of_the_study(tmp_path, capfd):
    work = copy_study(tmp_path / "study")
    assert main(["-C", str(work), "run", "--cores", "1", "--", "--dry-run"]) == 0
    captured = capfd.readouterr()
    assert "--dry-run" in captured.err and "rule all" in captured.out + captured.err
    assert not (work / "results").exists()
