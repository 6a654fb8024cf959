"""A printed p-value against a set of candidate p-values (any test, any method).

:func:`check_printed_p` says whether some candidate prints as the published p-value under a
standard rounding rule (ok), only by truncation (warning) or not at all (inconsistent when the
candidate set is exhaustive for the stated design, else a warning).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from retrocohort.audit.checks.finding import Finding, status_from_rules
from retrocohort.audit.checks.rounding import CandidateP, PMatch, exact, match_printed_p, parse_printed

_HIDDEN = {"statistic", "z", "unpaired_on_margins"}


def summarise_matches(matches: Sequence[PMatch], limit: int = 4) -> str:
    """Matches grouped by test/method: "mcnemar/exact: a=1,b=15 p=0.0023; ..."."""
    groups: dict[str, list[str]] = {}
    for m in matches:
        c = m.candidate
        params = ",".join(f"{k}={v}" for k, v in c.params.items() if k not in _HIDDEN)
        flag = " (truncated)" if set(m.rules) == {"truncate"} else ""
        groups.setdefault(f"{c.test}/{c.method}", []).append(f"{params} p={c.p:.4g}{flag}".strip())
    return "; ".join(
        f"{k}: {', '.join(v[:limit])}{f' +{len(v) - limit} more' if len(v) > limit else ''}"
        for k, v in groups.items()
    )


def check_printed_p(
    entry_id: str, printed: str, candidates: Iterable[CandidateP], *, exhaustive: bool, label: str
) -> list[Finding]:
    """Does some candidate print as ``printed``? No match is "inconsistent" only if the
    candidate set is ``exhaustive`` for the stated design, else a "warning"."""
    candidates = list(candidates)
    matches = match_printed_p(candidates, printed)
    status = status_from_rules({r for m in matches for r in m.rules})
    if not matches and not exhaustive:
        status = "warning"
    target = parse_printed(printed).value
    closest = sorted(candidates, key=lambda c: abs(exact(c.p) - target))[:3]
    details = {
        "matches": [_as_dict(m.candidate, m.rules) for m in matches],
        "closest": [_as_dict(c) for c in closest],
    }
    if status == "ok":
        msg = f"{printed} attainable under {label}: {summarise_matches(matches)}"
    elif matches:
        msg = f"{printed} not attainable by rounding under {label}; only by truncation: {summarise_matches(matches)}"
    else:
        msg = f"{printed} not attainable under {label}; closest: " + summarise_matches(
            [PMatch(c, ()) for c in closest]
        )
    return [Finding("attainable_p", entry_id, status, msg, details)]


def _as_dict(c: CandidateP, rules: Iterable[str] = ()) -> dict[str, Any]:
    return {"test": c.test, "method": c.method, "p": c.p, "rules": list(rules), **c.params}
