"""Reviewer audit: every printed number of a published paper, as data, checked for consistency.

Modules: ``published`` (load the YAML), ``rounding`` (printed vs computed), ``consistency``
(GRIM-style percentages, quartile order, granularity, agreements, subset bounds),
``attainable`` (exact p-value sets for Wilcoxon, Mann-Whitney, McNemar), ``counts_only``
(2x2 tests from counts), ``unknowns`` (illegible values as parameters), ``reported_stats``
(GRIM, GRIMMER, DEBIT, SPRITE-style search, statcheck), ``referee`` (the referee summary),
``batch`` (the ``retrocohort audit`` command's engine).
"""

from __future__ import annotations

from retrocohort.audit.attainable import check_p_values
from retrocohort.audit.consistency import Finding, check_study
from retrocohort.audit.published import PublishedStudy, load_study
from retrocohort.audit.reported_stats import check_reported_stats


def audit_study(study: PublishedStudy, *, max_group_total: int | None = None) -> list[Finding]:
    """All data-free checks of a study: ``check_study``, ``check_p_values``, then
    ``check_reported_stats`` (means, SDs, test statistics)."""
    return (check_study(study) + check_p_values(study, max_group_total=max_group_total)
            + check_reported_stats(study))


__all__ = ["Finding", "audit_study", "check_p_values", "check_study", "load_study"]
