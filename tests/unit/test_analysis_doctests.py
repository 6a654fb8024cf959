"""The Examples of every module of :mod:`retrocohort.analysis` run and give the printed output
(as :mod:`tests.unit.test_stats_doctests` for ``stats/``). Each example runs on a frame of a
few rows; its printed numbers were checked by hand or against R when written."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import retrocohort.analysis as analysis

MODULES = sorted(f"retrocohort.analysis.{m.name}" for m in pkgutil.iter_modules(analysis.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_analysis_module_doctests_pass(name: str) -> None:
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
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
