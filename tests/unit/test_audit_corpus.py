"""The audit corpus (issue 25 item 5): real CC BY cohort papers as received, drafted with no edit.

Each tests/fixtures/audit_corpus/<paper>/ holds the paper as obtained (text or JATS XML), its
provenance and licence, and truth.yaml: every number of its tables counted by hand. Per paper
this measures the share of truth numbers the unedited draft gets right (place, statistic and
values, row word, group and n where printed) and the share of spurious table entries; the
figures are the table in docs/audit.md ("The corpus"). The bounds below are the figures
measured when the corpus was stored: a change that drafts fewer right or more spurious fails.
arnedo2012 and yang2016 are out of sample (stored and counted before any reader change, measured
once, the reader not changed for them): their figures are below the issue's bar and are recorded
as measured, with the load failure and the false alarms they showed (UNLOADABLE, FALSE_ALARMS).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml
from test_audit_draft_tables import _right, score

from retrocohort.audit import audit_study
from retrocohort.audit.draft.draft import draft_entries, draft_study, draft_yaml
from retrocohort.audit.draft.readers import manuscript_text
from retrocohort.audit.published import load_study
from retrocohort.errors import ConfigError

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "audit_corpus"
#: paper -> (truth numbers drafted right at least, spurious table entries at most), as measured
MEASURED = {
    "ahuja2012": (53, 0),
    # out of sample, measured once: 5 of 10 right, 1 spurious of 6 drafted Table 1 entries
    "arnedo2012": (5, 1),
    "baverez2022": (56, 0),
    "brettschneider2013": (37, 0),
    "johnson2013": (36, 0),
    "kim2013": (25, 0),
    "tebbe2016": (21, 0),
    # out of sample, measured once: 9 of 25 right, 12 spurious of 21 drafted Table 1 entries
    "yang2016": (9, 12),
}
#: paper -> (check, entry word) of each known inconsistency the unedited draft's audit must find
#: (PROVENANCE.md of each paper says how it was found); nothing else may be inconsistent
KNOWN = {
    "baverez2022": [("quartile_order", "duration")],
    "kim2013": [("quartile_order", "triglyceride")],
    # percentages against the denominator the table's footnote states ("Percentages are of all
    # 9,153 patients"); the fifth known one, 232 (2%) = 2.53%, only truncates to 2%: a warning
    "ahuja2012": [
        ("percentage", "pulmonary_tb"),
        ("percentage", "prior_therapy_second_line_drugs"),
        ("percentage", "para_aminosalicylic_acid"),
        ("percentage", "two_more_group_5_drugs"),
    ],
    # n and Percent in separate columns, no printed total: 14,528 of the 37,740 every section
    # adds up to is 38.5%, printed 39.5%
    "johnson2013": [("percentage", "male_percent")],
    # the abstract's "12/15 (81%)" (12/15 = 80.0%; the Results print 80.0%): found by auditing
    # the draft with its one unloadable entry removed, after measuring; the unedited draft does
    # not load (UNLOADABLE), so this is not found yet. The Results' "274 patients (29,7%, ...)"
    # of 926 (= 29.6%) is known too, but drafted as 274, 29 and 7%, so no check sees it.
    "arnedo2012": [("percentage", "harboured")],
}
#: paper -> entry id the loader refuses in the unedited draft, as measured out of sample: the
#: Results' "(p<0,05)" (a comma decimal) is drafted as "p<0" and a count "05", which the
#: loader rejects, so the audit never runs (the test xfails while it does not load)
UNLOADABLE = {"arnedo2012": "results_p14_value_5"}
#: paper -> (check, entry word) of the false alarms measured out of sample in the unedited
#: draft's audit (not fixed): yang2016's "3/2" and "9/2" (Female/Male, its footnote "**") are
#: drafted as 3 of 2 and 9 of 2 patients and reported as impossible counts
FALSE_ALARMS = {
    "yang2016": [("impossible_count", "sonata_gender"), ("impossible_count", "verio_gender")],
}


def _paper(name: str) -> Path:
    return next((CORPUS / name).glob("paper.*"))


def test_every_corpus_paper_has_provenance_licence_and_truth():
    papers = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
    assert papers == sorted(MEASURED)
    for name in papers:
        provenance = (CORPUS / name / "PROVENANCE.md").read_text(encoding="utf-8")
        assert "doi:10." in provenance and "Creative Commons Attribution" in provenance
        assert yaml.safe_load((CORPUS / name / "truth.yaml").read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_unedited_draft_figures(name):
    start = time.perf_counter()
    entries = draft_entries(manuscript_text(_paper(name)))
    seconds = time.perf_counter() - start
    truth = yaml.safe_load((CORPUS / name / "truth.yaml").read_text(encoding="utf-8"))["cells"]
    tables = [e for e in entries if e["where"] in {t["where"] for t in truth}]
    right, total, spurious = score(tables, truth)
    missed = [t for t in truth if not any(_right(e, t) for e in tables)]
    least, most = MEASURED[name]
    assert right >= least and spurious <= most, (name, right, total, spurious, missed)
    assert seconds <= 10


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_unedited_draft_loads_and_is_audited(name, tmp_path):
    path = tmp_path / f"{name}.yaml"
    path.write_text(
        draft_yaml(draft_study(manuscript_text(_paper(name)), _paper(name).name)), encoding="utf-8"
    )
    try:
        study = load_study(path)
    except ConfigError as exc:
        if name in UNLOADABLE and UNLOADABLE[name] in str(exc):
            pytest.xfail(f"{name}: the unedited draft does not load, as measured: {exc}")
        raise
    findings = audit_study(study)
    inconsistent = [f for f in findings if f.status == "inconsistent"]
    for check, word in KNOWN.get(name, []):
        assert any(f.check == check and word in f.entry_id for f in inconsistent), (word, inconsistent)
    # no false alarm beyond those measured out of sample (FALSE_ALARMS): nothing else is
    # inconsistent in the unedited draft
    allowed = KNOWN.get(name, []) + FALSE_ALARMS.get(name, [])
    unexpected = [
        f.message
        for f in inconsistent
        if not any(f.check == check and word in f.entry_id for check, word in allowed)
    ]
    assert not unexpected, unexpected
