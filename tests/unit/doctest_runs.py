"""Run the Examples of a package's modules as doctests (shared by the stats, analysis and audit
doctest tests)."""

from __future__ import annotations

import doctest
import importlib


def doctest_report(name: str, optionflags: int = doctest.ELLIPSIS) -> tuple[int, str]:
    """(number of failed examples, their report) for module ``name``."""
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=optionflags)
    report: list[str] = []
    for test in doctest.DocTestFinder().find(module, name, module=module):
        runner.run(test, out=report.append)
    return runner.summarize(verbose=False).failed, "".join(report)


def example_count(names: list[str]) -> int:
    """How many examples the modules ``names`` hold (a runner passes vacuously on none)."""
    return sum(
        len(t.examples)
        for name in names
        for t in doctest.DocTestFinder().find(importlib.import_module(name), name)
    )
