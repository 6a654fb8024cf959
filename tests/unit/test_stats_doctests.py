"""The Examples of every module of :mod:`retrocohort.stats` run and give the printed output.

Each example's output was checked against R (or by hand) when it was written; this test keeps
the printed numbers true to the code. Runs in a few seconds (small inputs only).
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import retrocohort.stats as stats

MODULES = sorted(f"retrocohort.stats.{m.name}" for m in pkgutil.iter_modules(stats.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_stats_module_doctests_pass(name: str) -> None:
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    for test in doctest.DocTestFinder().find(module, name, module=module):
        runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) of {name} failed:\n" + "".join(report)


def test_doctests_are_found() -> None:
    """The runner above would pass vacuously if no example were collected."""
    found = sum(
        len(t.examples)
        for name in MODULES
        for t in doctest.DocTestFinder().find(importlib.import_module(name), name)
    )
    assert found >= 60
