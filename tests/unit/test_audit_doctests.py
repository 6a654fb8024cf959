"""The Examples of every module of :mod:`retrocohort.audit` run and give their printed output
(the draft reader's cell forms, the test-name vocabulary, the referee wording are documented by
example; this keeps each example true to the code)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import retrocohort.audit as audit

MODULES = sorted(m.name for m in pkgutil.walk_packages(audit.__path__, "retrocohort.audit."))


@pytest.mark.parametrize("name", MODULES)
def test_audit_module_doctests_pass(name: str) -> None:
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    report: list[str] = []
    for test in doctest.DocTestFinder().find(module, name, module=module):
        runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} doctest(s) of {name} failed:\n" + "".join(report)


def test_audit_doctests_are_found() -> None:
    """The runner above would pass vacuously if no example were collected."""
    found = sum(
        len(t.examples)
        for name in MODULES
        for t in doctest.DocTestFinder().find(importlib.import_module(name), name)
    )
    assert found >= 40
