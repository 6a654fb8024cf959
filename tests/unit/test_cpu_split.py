"""RETROCOHORT_CPU: each step records its CPU seconds before the step, importing inside it, and
computing (benchmarks/import_cost.py --cpu reads them; issue 26)."""

import json
from types import SimpleNamespace

from retrocohort.pipeline.step import run_step


class _Named(dict):
    """Stands in for Snakemake's Namedlist: items() gives the named entries, iteration the values."""

    def __iter__(self):
        return iter(self.values())


def _step(**_):
    import colorsys  # a module no test imported before (stdlib, cheap), imported inside the step

    sum(i * i for i in range(200_000))  # some computing
    assert colorsys


def test_run_step_writes_the_cpu_split_of_the_job(tmp_path, monkeypatch):
    monkeypatch.setenv("RETROCOHORT_CPU", str(tmp_path / "cpu"))
    monkeypatch.delenv("RETROCOHORT_PROFILE", raising=False)
    smk = SimpleNamespace(
        log=[str(tmp_path / "job.log")],
        rule="ingest_site",
        input=_Named(),
        output=_Named(),
        params=_Named(),
        wildcards=_Named(site="lyon"),
    )
    run_step(smk, _step)
    record = json.loads((tmp_path / "cpu" / "ingest_site-lyon.json").read_text())
    assert set(record) == {"startup_cpu", "step_import_cpu", "step_compute_cpu"}
    assert record["startup_cpu"] > 0  # the interpreter and the test session's imports
    assert record["step_compute_cpu"] > 0
    assert record["step_import_cpu"] >= 0
