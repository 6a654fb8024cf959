"""The test a paper states vs the test that reproduces its printed p (two-group counts).

For every printed p-value recomputed from two groups' printed counts
(:func:`retrocohort.audit.checks.counts_only.check_count_p`):

- ``stated_test`` (warning): the paper names a test (``test:`` of the entry, e.g. from a table
  footnote) that does not print as the p while another standard test does;
- ``test_switch`` (warning): rows of one table (same ``where`` and same stated test) that no
  single test reproduces together although each row is reproduced by some test — e.g. some
  rows only with Yates' correction and others only without, contrary to one footnote;
- ``p_supports`` (warning): a compared count whose percentage disagrees with its count and
  denominator; the p-value is recomputed with the printed count and with every count the
  percentage implies for that denominator, and the finding says which of them the p supports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from retrocohort.audit.checks.consistency import check_percentage
from retrocohort.audit.checks.counts_only import check_count_p
from retrocohort.audit.checks.data_free_rows import stated_test_matches
from retrocohort.audit.checks.finding import Finding
from retrocohort.audit.checks.stated_names import named_tests, stated_keys, titles
from retrocohort.audit.published import PublishedNumber, PublishedStudy

_ROUNDING = {"half_up", "half_even", "bound"}


def reproducing_tests(finding: Finding) -> list[str]:
    """``test/method`` of every candidate whose p prints as the published one (rounding only)."""
    return [
        f"{m['test']}/{m['method']}"
        for m in finding.details.get("matches", [])
        if set(m["rules"]) & _ROUNDING
    ]


def _is_stated(test: str | None) -> bool:
    return bool(test) and test.strip().lower() not in ("not stated", "unstated", "unknown", "?")


def stated_test_findings(study: PublishedStudy, count_findings: Sequence[Finding]) -> list[Finding]:
    """``stated_test`` and ``test_switch`` findings (see module docstring)."""
    entries = study.by_id()
    out: list[Finding] = []
    tables: dict[tuple[str, str], list[tuple[str, set[str]]]] = {}
    for f in count_findings:
        e = entries[f.entry_id]
        tests = reproducing_tests(f)
        if not _is_stated(e.test) or not tests:
            continue
        if not stated_test_matches(e.test, tests):
            out.append(
                Finding(
                    "stated_test",
                    e.id,
                    "warning",
                    f"{e.where} states {e.test} for p {e.printed_p}, but that test does not print "
                    f"it; {titles(tests)} does",
                    {"stated": e.test, "reproducing": tests},
                )
            )
        tables.setdefault((e.where, str(e.test)), []).append((e.id, set(tests)))
    for (where, stated), rows in tables.items():
        common = set.intersection(*(t for _, t in rows)) if len(rows) > 1 else {"-"}
        if not common:
            listed = "; ".join(f"{eid} only by {titles(t)}" for eid, t in rows)
            out.append(
                Finding(
                    "test_switch",
                    " = ".join(eid for eid, _ in rows),
                    "warning",
                    f"{where} ({stated}): no single test reproduces every printed p; {listed}",
                    {"rows": {eid: sorted(t) for eid, t in rows}},
                )
            )
    return out


def stated_test_summary(study: PublishedStudy, count_findings: Sequence[Finding]) -> list[Finding]:
    """One finding per paper (check ``stated_tests``): of the n printed p-values recomputed from
    the printed counts whose stated test the audit recomputes, how many that test reproduces (k),
    and how many reproduce only with another test (m, per test). Status ``ok`` when k = n, else
    ``warning``. Its message is the sentence "the stated test reproduces k of n printed p-values;
    m reproduce only with <test>" (the stated tests named when they are not one)."""
    entries = study.by_id()
    stated_titles: dict[str, None] = {}
    k, ids, others, none = 0, [], {}, 0
    for f in count_findings:
        e = entries[f.entry_id]
        named = named_tests(e.test) if _is_stated(e.test) else []
        wanted = stated_keys(named)
        if not wanted:
            continue
        ids.append(e.id)
        stated_titles.update(dict.fromkeys(t.title for t in named if stated_keys([t])))
        tests = set(reproducing_tests(f))
        if tests & wanted:
            k += 1
        elif tests:
            others.setdefault(titles(tests), []).append(e.id)
        else:
            none += 1
    if not ids:
        return []
    n = len(ids)
    stated = next(iter(stated_titles)) if len(stated_titles) == 1 else " or ".join(stated_titles)
    message = f"the stated test ({stated}) reproduces {k} of {n} printed p-value{'s' if n != 1 else ''}"
    for other, rows in others.items():
        message += f"; {len(rows)} reproduce{'s' if len(rows) == 1 else ''} only with {other}"
    if none:
        message += f"; {none} {'is' if none == 1 else 'are'} reproduced by no standard test"
    return [
        Finding(
            "stated_tests",
            " = ".join(ids),
            "ok" if k == n else "warning",
            message,
            {
                "stated": list(stated_titles),
                "reproduced": k,
                "total": n,
                "only_with": others,
                "by_none": none,
            },
        )
    ]


def _pct_counts(e: PublishedNumber) -> tuple[int, int, list[int]] | None:
    """(printed count, denominator, counts the percentage implies) when they disagree."""
    v = e.values
    if "pct" not in v or "count" not in v:
        return None
    n = int(v["total"]) if "total" in v else e.denominator or e.n
    if not n:
        return None
    [f] = check_percentage(e.id, int(v["count"]), v["pct"], e.decimals["pct"], n)
    if f.status == "ok":
        return None
    return int(v["count"]), n, list(f.details["counts_for_n"])


def p_support_findings(
    study: PublishedStudy, margins: Mapping[str, tuple[int, int, int, int]]
) -> list[Finding]:
    """``p_supports`` findings for p-values whose compared counts disagree with their
    percentages; ``margins``: p entry id -> (e1, n1, e2, n2) as printed."""
    entries = study.by_id()
    out = []
    for pid, (e1, n1, e2, n2) in margins.items():
        p = entries[pid]
        for side, cid in enumerate(p.compares[:2]):
            bad = _pct_counts(entries[cid])
            if bad is None:
                continue
            count, n, implied = bad
            verdicts = {}
            for k in [count, *implied]:
                a = (k, n, e2, n2) if side == 0 else (e1, n1, k, n)
                [f] = check_count_p(pid, *a, p.printed_p)
                verdicts[k] = reproducing_tests(f)
            supported = [k for k, t in verdicts.items() if t]
            which = (
                "the printed count"
                if supported == [count]
                else "the count the percentage implies"
                if supported and count not in supported
                else "both"
                if supported
                else "neither"
            )
            out.append(
                Finding(
                    "p_supports",
                    pid,
                    "warning",
                    f"{entries[cid].printed!r}: the count {count}/{n} and the percentage "
                    f"disagree; p {p.printed_p} supports {which}"
                    + (f" ({', '.join(f'{k}/{n}' for k in supported)})" if supported else ""),
                    {"entry": cid, "counts": {str(k): t for k, t in verdicts.items()}},
                )
            )
    return out
