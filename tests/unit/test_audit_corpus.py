"""The audit corpus (issue 25 item 5): real CC BY cohort papers as received, drafted with no edit.

Each tests/fixtures/audit_corpus/<paper>/ holds the paper as obtained (text or JATS XML), its
provenance and licence, and truth.yaml: every number of its tables counted by hand. Per paper
this measures the share of truth numbers the unedited draft gets right (place, statistic and
values, row word, group and n where printed) and the share of spurious table entries; the
figures are the table in docs/audit.md ("The corpus"). The bounds below are the figures
measured when the corpus was stored: a change that drafts fewer right or more spurious fails.
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

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "audit_corpus"
#: paper -> (truth numbers drafted right at least, spurious table entries at most), as measured
MEASURED = {
    "ahuja2012": (53, 0),
    "baverez2022": (56, 0),
    "brettschneider2013": (37, 0),
    "johnson2013": (36, 0),
    "kim2013": (25, 0),
    "tebbe2016": (21, 0),
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
    findings = audit_study(load_study(path))
    inconsistent = [f for f in findings if f.status == "inconsistent"]
    for check, word in KNOWN.get(name, []):
        assert any(f.check == check and word in f.entry_id for f in inconsistent), (word, inconsistent)
    # no false alarm: nothing else is inconsistent in the unedited draft
    assert len(inconsistent) == len(KNOWN.get(name, [])), [f.message for f in inconsistent]
