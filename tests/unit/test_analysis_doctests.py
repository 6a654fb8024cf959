"""The Examples of every module of :mod:`retrocohort.analysis` run and give the printed output
(as :mod:`tests.unit.test_stats_doctests` for ``stats/``). Each example runs on a frame of a
few rows; its printed numbers were checked by hand or against R when written."""

from __future__ import annotations

import doctest
import pkgutil

import pytest
from doctest_runs import doctest_report, example_count

import retrocohort.analysis as analysis

MODULES = sorted(f"retrocohort.analysis.{m.name}" for m in pkgutil.iter_modules(analysis.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_analysis_module_doctests_pass(name: str) -> None:
    failed, report = doctest_report(name, doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failed == 0, f"{failed} doctest(s) of {name} failed:\n" + report


def test_doctests_are_found() -> None:
    """The runner above would pass vacuously if no example were collected."""
    found = example_count(MODULES)
    assert found >= 60
