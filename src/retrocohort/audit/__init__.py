"""Reviewer audit: every printed number of a published paper, as data, checked for consistency.

Modules: ``published`` (load the YAML), ``rounding`` (printed vs computed), ``impossible`` and
``impossible_spread`` (numbers no data can produce: percentages over 100, counts over their
denominator, p outside [0, 1], statistics of n = 0, negative spreads, SD bounds), ``consistency``
(GRIM-style percentages, quartile order, granularity, agreements, subset bounds),
``attainable`` (exact p-value sets for Wilcoxon, Mann-Whitney, McNemar), ``counts_only``
(2x2 tests from counts), ``unknowns`` (illegible values as parameters), ``reported_stats``
(GRIM, GRIMMER, DEBIT, SPRITE-style search, statcheck), ``referee`` (the referee summary),
``batch`` (the ``retrocohort audit`` command's engine).
"""

from __future__ import annotations

from retrocohort.audit.attainable import check_p_values, unpaired_count_margins
from retrocohort.audit.consistency import check_study
from retrocohort.audit.finding import Finding
from retrocohort.audit.impossible import IMPOSSIBLE_CHECKS, impossible_ids
from retrocohort.audit.published import PublishedStudy, load_study
from retrocohort.audit.reported_stats import check_reported_stats
from retrocohort.audit.stated_tests import p_support_findings, stated_test_findings


def audit_study(study: PublishedStudy, *, max_group_total: int | None = None) -> list[Finding]:
    """All data-free checks of a study: ``check_study`` (impossible numbers first), ``check_p_values``,
    the stated test vs the reproducing one (``stated_tests``), then ``check_reported_stats``
    (means, SDs, test statistics). Impossibility comes first: an entry no data can produce keeps
    its impossibility findings (and a percentage its count cannot give), but no finding of a check
    that takes the impossible number at face value (25/21 printing as 119% is not a match, a p of
    1.7 is not "attainable", statcheck of r = 1.2 is moot)."""
    checked = check_study(study)
    impossible = impossible_ids(checked)
    p_values = check_p_values(study, max_group_total=max_group_total)
    counts = [f for f in p_values if f.check == "count_p_value"]
    found = (
        checked
        + p_values
        + stated_test_findings(study, counts)
        + p_support_findings(study, unpaired_count_margins(study))
        + check_reported_stats(study)
    )
    return [
        f
        for f in found
        if f.entry_id not in impossible
        or (f.check in (*IMPOSSIBLE_CHECKS, "percentage") and f.status == "inconsistent")
    ]


__all__ = ["Finding", "audit_study", "check_p_values", "check_study", "load_study"]
