"""The Examples of every module of :mod:`retrocohort.audit` run and give their printed output
(the draft reader's cell forms, the test-name vocabulary, the referee wording are documented by
example; this keeps each example true to the code)."""

from __future__ import annotations

import doctest
import pkgutil

import pytest
from doctest_runs import doctest_report, example_count

import retrocohort.audit as audit

MODULES = sorted(m.name for m in pkgutil.walk_packages(audit.__path__, "retrocohort.audit."))


@pytest.mark.parametrize("name", MODULES)
def test_audit_module_doctests_pass(name: str) -> None:
    failed, report = doctest_report(name, doctest.ELLIPSIS)
    assert failed == 0, f"{failed} doctest(s) of {name} failed:\n" + report


def test_audit_doctests_are_found() -> None:
    """The runner above would pass vacuously if no example were collected."""
    found = example_count(MODULES)
    assert found >= 40
