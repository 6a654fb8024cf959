"""Workflow conventions that keep Snakemake's own start-up cheap, and the script glue."""

import re
from pathlib import Path
from types import SimpleNamespace

from retrocohort.io.step import run_step

RULES = Path(__file__).resolve().parents[2] / "workflow" / "rules"


def test_no_rule_declares_params():
    """Any `params:` makes Snakemake import pandas on every start to compare the params of the
    finished jobs (~0.4 s of a no-op run); wildcards reach the steps through run_step instead."""
    offenders = [f"{path.name}:{i}" for path in sorted(RULES.glob("*.smk"))
                 for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                 if re.match(r"\s+params:\s*$", line)]
    assert offenders == []


class _Named(dict):
    """Stands in for Snakemake's Namedlist: items() gives the named entries."""


def test_run_step_passes_wildcards_as_params(tmp_path):
    seen = {}
    smk = SimpleNamespace(log=[str(tmp_path / "job.log")], rule="ingest_site",
                          input=_Named(raw="a.csv"), output=_Named(out="b.parquet"),
                          params=_Named(), wildcards=_Named(site="lyon"), config={"k": 1})
    run_step(smk, lambda **kw: seen.update(kw))
    assert seen == {"input": {"raw": "a.csv"}, "output": {"out": "b.parquet"},
                    "params": {"site": "lyon"}, "config": {"k": 1}}
    assert (tmp_path / "job.log").read_text().strip().endswith("done")
