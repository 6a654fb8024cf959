"""Every data-free check of one published study, in the order that lets impossibility win.

:func:`audit_study` is the single entry point the report (and ``retrocohort.audit``) calls; it
lived in the package ``__init__`` before the audit was split into subpackages.
"""

from __future__ import annotations

from retrocohort.audit.checks.attainable import check_p_values, unpaired_count_margins
from retrocohort.audit.checks.consistency import check_study
from retrocohort.audit.checks.finding import Finding
from retrocohort.audit.checks.impossible import IMPOSSIBLE_CHECKS, impossible_ids
from retrocohort.audit.checks.prose_table import check_prose_against_tables
from retrocohort.audit.checks.ratio_ci_p import check_ratio_ci_p
from retrocohort.audit.checks.reported_stats import check_reported_stats
from retrocohort.audit.checks.stated_tests import (
    p_support_findings,
    stated_test_findings,
    stated_test_summary,
)
from retrocohort.audit.published import PublishedStudy


def audit_study(study: PublishedStudy, *, max_group_total: int | None = None) -> list[Finding]:
    """All data-free checks of a study: ``check_study`` (impossible numbers first), ``check_p_values``,
    the stated test vs the reproducing one (``stated_tests``), then ``check_reported_stats``
    (means, SDs, test statistics), then a ratio of the text against the same ratio in a table
    (``prose_table``) and a ratio's 95% CI against its p-value (``ratio_ci_p``). Impossibility comes first: an entry no data can produce keeps
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
        + stated_test_summary(study, counts)
        + p_support_findings(study, unpaired_count_margins(study))
        + check_reported_stats(study)
        + check_prose_against_tables(study)
        + check_ratio_ci_p(study)
    )
    return [
        f
        for f in found
        if f.entry_id not in impossible
        or (f.check in (*IMPOSSIBLE_CHECKS, "percentage") and f.status == "inconsistent")
    ]
