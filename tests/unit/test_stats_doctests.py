"""The Examples of every module of :mod:`retrocohort.stats` run and give the printed output.

Each example's output was checked against R (or by hand) when it was written; this test keeps
the printed numbers true to the code. Runs in a few seconds (small inputs only).
"""

from __future__ import annotations

import doctest
import pkgutil

import pytest
from doctest_runs import doctest_report, example_count

import retrocohort.stats as stats

MODULES = sorted(f"retrocohort.stats.{m.name}" for m in pkgutil.iter_modules(stats.__path__))


@pytest.mark.parametrize("name", MODULES)
def test_stats_module_doctests_pass(name: str) -> None:
    failed, report = doctest_report(name, doctest.ELLIPSIS)
    assert failed == 0, f"{failed} doctest(s) of {name} failed:\n" + report


def test_doctests_are_found() -> None:
    """The runner above would pass vacuously if no example were collected."""
    found = example_count(MODULES)
    assert found >= 60
