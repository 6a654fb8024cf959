"""Every public function of :mod:`retrocohort.stats` has a numpydoc docstring, scipy style.

Public: a function not starting with an underscore that is listed in
``retrocohort.stats.__all__``, registered as a test in :data:`retrocohort.stats.registry.TESTS`
(the table engine calls it through the registry), or imported from its module by another
module (of the package, including the other stats modules, or a workflow script), found by
reading the import statements, so a newly shared function is covered without editing this
test. Each needs the sections
Parameters (unless it takes none), Returns, References (non-empty) and Examples (with a
``>>>`` example; :mod:`tests.unit.test_stats_doctests` runs them), except the few argument
checks listed in :data:`EXEMPT`.
"""

from __future__ import annotations

import importlib
import inspect

import pytest
from numpydoc_sections import imported_from, missing_sections

import retrocohort.stats as stats
from retrocohort.stats.registry import TESTS


def public_functions() -> dict[str, object]:
    """Qualified name -> function, for every public function defined in retrocohort.stats."""
    candidates = {("retrocohort.stats", name) for name in stats.__all__} | imported_from("retrocohort.stats")
    functions: dict[str, object] = {
        f"{entry.function.__module__}.{entry.function.__name__}": entry.function for entry in TESTS.values()
    }
    for module_name, name in candidates:
        obj = getattr(importlib.import_module(module_name), name, None)
        if (
            inspect.isfunction(obj)
            and obj.__module__.startswith("retrocohort.stats")
            and not obj.__name__.startswith("_")
        ):
            functions[f"{obj.__module__}.{obj.__name__}"] = obj
    return dict(sorted(functions.items()))


#: Shared argument checks and converters: no statistical method to name or cite, a one-line
#: docstring says what they accept (the numpydoc sections would push their modules over the
#: architecture test's 400 lines). A name listed here must still be public (test below).
EXEMPT = {
    "retrocohort.stats.result.check_alternative": "argument check",
    "retrocohort.stats.result.check_choice": "argument check",
    "retrocohort.stats.result.as_float_vector": "input conversion",
    "retrocohort.stats.result.as_binary_vector": "input conversion",
    "retrocohort.stats.signed_rank.prepare_differences": "input conversion",
    "retrocohort.stats.signed_rank.has_duplicates": "tie check",
    "retrocohort.stats.regression_design.plain_scalar": "message formatting",
}

PUBLIC = public_functions()
DOCUMENTED = [name for name in PUBLIC if name not in EXEMPT]


def test_public_functions_are_found() -> None:
    """Guards the discovery: the statistical entry points are among the public functions."""
    for name in (
        "retrocohort.stats.two_sample.mann_whitney",
        "retrocohort.stats.survival.kaplan_meier",
        "retrocohort.stats.smd.continuous_smd",
        "retrocohort.stats.result.json_safe",
        "retrocohort.stats.expected_count.chi_square_or_exact",
        "retrocohort.stats.result.check_choice",
    ):
        assert name in PUBLIC
    assert len(DOCUMENTED) >= 50


def test_exempt_functions_are_public_and_documented_in_one_line() -> None:
    for name in EXEMPT:
        assert name in PUBLIC, f"{name} is no longer public: drop it from EXEMPT"
        assert (inspect.getdoc(PUBLIC[name]) or "").strip(), f"{name} has no docstring"


@pytest.mark.parametrize("qualname", DOCUMENTED)
def test_public_stats_function_has_numpydoc_sections(qualname: str) -> None:
    missing = missing_sections(PUBLIC[qualname])
    assert not missing, f"{qualname}: docstring lacks the numpydoc section(s) {missing}"
