"""Reviewer audit: every printed number of a published paper, as data, checked for consistency.

Modules: ``published`` (load the YAML), ``rounding`` (printed vs computed), ``consistency``
(GRIM-style percentages, quartile order, granularity, agreements, subset bounds),
``attainable`` (exact p-value sets for Wilcoxon, Mann-Whitney, McNemar), ``counts_only``
(2x2 tests from counts), ``unknowns`` (illegible values as parameters).
"""

from __future__ import annotations

from retrocohort.audit.attainable import check_p_values
from retrocohort.audit.consistency import Finding, check_study
from retrocohort.audit.published import PublishedStudy, load_study


def audit_study(study: PublishedStudy, *, max_group_total: int | None = None) -> list[Finding]:
    """All data-free checks of a study: ``check_study`` then ``check_p_values``."""
    return check_study(study) + check_p_values(study, max_group_total=max_group_total)


__all__ = ["Finding", "audit_study", "check_p_values", "check_study", "load_study"]
