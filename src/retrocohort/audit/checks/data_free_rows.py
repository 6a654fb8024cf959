"""Statuses of printed numbers recomputed from the printed numbers themselves (no patient data).

Without per-patient data (a count-only study, or ``retrocohort audit PAPER.yaml`` alone) a row
can still be recomputed from other printed numbers: a p-value from the two groups' counts (every
standard 2x2 test, :mod:`retrocohort.audit.checks.counts_only`) and a percentage from its count and
total (:func:`retrocohort.audit.checks.consistency.check_percentage`) and a p-value from its printed
test statistic (:mod:`retrocohort.audit.checks.statcheck`). This module turns those data-free
findings into the same row statuses as the data-based comparison (``compare.STATUSES``), so a
count-only audit no longer calls a reproduced p-value "not recomputable".

Rule: a row keeps ``not_recomputable`` unless one of these findings is about it; then
``reproduced`` when a standard rounding rule prints the recomputed value (for a p-value: when
the test the paper states, or any test if none is stated, prints it), ``reproduced_other_method``
when only a test other than the stated one prints it, ``not_reproduced`` otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping, Sequence
from typing import Any

from retrocohort.audit.checks.finding import Finding
from retrocohort.audit.checks.stated_names import named_tests, stated_keys, titles

_ROUNDING = {"half_up", "half_even", "bound"}
RECOMPUTED_FROM_COUNTS = "printed counts (no per-patient data)"


def _rounding_matches(finding: Finding) -> list[str]:
    return [
        f"{m['test']}/{m['method']}"
        for m in finding.details.get("matches", [])
        if set(m["rules"]) & _ROUNDING
    ]


def stated_test_matches(stated: str | None, tests: Sequence[str]) -> bool:
    """True when the stated test (free text, e.g. "Pearson χ2 test", "Fisher's exact test")
    is one of ``tests`` (``test/method`` keys such as ``fisher_exact/two-sided minlike``), or
    when none is stated. The test names are read by
    :func:`retrocohort.audit.checks.stated_names.named_tests`: a plain "chi-square" is Pearson's,
    so a p only Yates' correction prints does not match it. A stated text naming no test the
    audit recomputes matches any test.

    >>> stated_test_matches("chi-square test", ["chi_square/yates"]), stated_test_matches("Pearson χ2", ["chi_square/pearson"])
    (False, True)
    """
    if not stated or stated.strip().lower() in ("not stated", "unstated", "unknown"):
        return bool(tests)
    wanted = stated_keys(named_tests(stated))
    return bool(set(tests) & wanted) if wanted else bool(tests)


def _p_row_status(row: MutableMapping[str, Any], finding: Finding, stated: str | None) -> None:
    tests = _rounding_matches(finding)
    if not tests:
        row.update(status="not_reproduced", message=finding.message)
    elif stated_test_matches(stated, tests):
        row.update(
            status="reproduced",
            matches=tests,
            message=f"reproduced from the printed counts by {titles(tests)}",
        )
    else:
        row.update(
            status="reproduced_other_method",
            matches=tests,
            message=f"the stated test ({stated}) does not print it; {titles(tests)} does",
        )
    row["regenerated_values"] = dict(finding.details.get("p_values", {}))
    row["configured_method"] = RECOMPUTED_FROM_COUNTS


def apply_data_free_statuses(
    rows: Sequence[MutableMapping[str, Any]], findings: Sequence[Finding], tests: Mapping[str, str | None]
) -> None:
    """Update, in place, the status of rows recomputed from printed counts (see module docstring).

    Parameters
    ----------
    rows : comparison rows (``report.comparison_rows``) of a study audited without patient data.
    findings : its data-free findings (``audit_study``).
    tests : entry id -> the test the paper states for it (``PublishedNumber.test``).
    """
    by_id = {r["id"]: r for r in rows}
    for f in findings:
        row = by_id.get(f.entry_id)
        if row is None or row["status"] != "not_recomputable":
            continue
        if f.check in ("count_p_value", "attainable_p") and "p_values" in f.details:
            _p_row_status(row, f, tests.get(f.entry_id))
        elif f.check == "statcheck" and "p_low" in f.details:  # not when no df was printed
            row["status"] = "reproduced" if f.status == "ok" else "not_reproduced"
            row["message"] = f.message
            row["configured_method"] = "p recomputed from the printed test statistic (statcheck)"
            row["regenerated"] = f"p {f.details['p_low']:.4g}–{f.details['p_high']:.4g}"
        elif f.check == "percentage":
            row["status"] = "reproduced" if f.status == "ok" else "not_reproduced"
            row["message"] = f.message
            row["configured_method"] = RECOMPUTED_FROM_COUNTS
            row["regenerated"] = f"pct {f.details['computed_pct']:.6g}"
