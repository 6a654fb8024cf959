"""The audit corpus (issue 25 item 5): real CC BY cohort papers as received, drafted with no edit.

Each tests/fixtures/audit_corpus/<paper>/ holds the paper as obtained (text or JATS XML), its
provenance and licence, and truth.yaml: every number of its tables counted by hand. Per paper
this measures the share of truth numbers the unedited draft gets right (place, statistic and
values, row word, group and n where printed) and the share of spurious table entries; the
figures are the table in docs/audit.md ("The corpus"). The bounds below are the figures
measured when the corpus was stored: a change that drafts fewer right or more spurious fails.
arnedo2012 and yang2016 were out of sample (stored and counted before any reader change, measured
once: 5/10 right with 1 spurious of 6, the draft did not load; 9/25 right with 12 spurious of 21
and two false alarms), then chiappini2012, sorensen2005 and mroz2015 (2026-12-07; their truth
counts prose statistics too: first contact 1/41, 0/71 and 9/22 table numbers, 34/34, 9/44 and
11/23 prose numbers; see tests/fixtures/audit_corpus/README.md). The classes of reader faults they showed were then fixed by general rules,
each with a test on invented text (tests/unit/test_audit_draft_styles.py), so they are in sample
now and their bounds below are the figures measured after those fixes.
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
    # out of sample first: 5 of 10 right, 1 spurious of 6 drafted; in sample after the reader
    # fixes it led to (comma decimals, dot thousands, bracket labels and units, run-together cells)
    "arnedo2012": (10, 0),
    "baverez2022": (56, 0),
    # out of sample first (2026-12-07): 1 of 41 right (values right, groups and section words
    # lost), 0 spurious of 41; after the reader fixes it led to: 41 of 41
    "chiappini2012": (41, 0),
    "brettschneider2013": (37, 0),
    "johnson2013": (36, 0),
    "kim2013": (25, 0),
    # out of sample first: 9 of 22 right, 30 spurious of 40 (HRs apart from their CI columns);
    # after: 20 of 22 (the footnote's two p-values are drafted as prose), 0 spurious; 22 of 22
    # since a table's footnote prints its own results (session audit25, 2026-12-08)
    "mroz2015": (22, 0),
    # out of sample first: 0 of 71 (tables kept in XML comments, a 230-character caption);
    # after: 71 of 71, 0 spurious
    "sorensen2005": (71, 0),
    "tebbe2016": (21, 0),
    # out of sample for the reader as fixed in session audit25: 22 of 30 right, 0 spurious of
    # 26; after the fixes it then led to (a range printed with its width, sub-rows under a
    # merged label cell, "only" kept in labels): 30 of 30
    "walker2011": (30, 0),
    # out of sample first: 9 of 25 right, 12 spurious of 21 drafted; in sample after the reader
    # fixes it led to (footnote-defined statistics, named pairs, a transposed table's n column)
    "yang2016": (25, 0),
    # out of sample (2026-12-08, session audit25): three Hindawi papers, counted by hand before
    # the reader was ever run on them, measured once with the reader as it was
    # tai2016: 54 of 54 right, 0 spurious of 54
    "tai2016": (54, 0),
    # abbas2016: 74 of 102 right, 0 spurious of 90 (band rows "<1 year" under a section row
    # "Age" lost its word; "0.33OR 2.24 (0.425–11.80)", a p-value and a ratio with its CI in one
    # cell, not read; the caption's "(n = 50)" drafted with no word); after the fixes it led to
    # (tests/unit/test_audit_out_of_sample_hindawi.py): 102 of 102, 0 spurious of 106
    "abbas2016": (102, 0),
    # chang2016: 20 of 20 right, 0 spurious of 20 (Tables 1 and 2 print no statistic)
    "chang2016": (20, 0),
    # figueira2012 (BioMed Central, a meeting abstract with no table): prose only
    "figueira2012": (0, 0),
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
    # the draft with its one unloadable entry removed, after measuring out of sample; the draft
    # loads since the comma-decimal fix. The Results' "274 patients (29,7%, 95% CI: ...)" of 926
    # (= 29.6%) is known too; it is now drafted as 274 and 29.7%, but no denominator is printed
    # beside it, so no check sees it yet.
    "arnedo2012": [("percentage", "harboured")],
    # found while counting (PROVENANCE.md): the abstract prints the adjusted HRs 1.86 and 1.57
    # where Table 3 prints 1.87 and 1.58 with the same 95% CIs; found since the
    # prose-versus-table check (session audit25, 2026-12-08)
    "sorensen2005": [
        ("prose_table_estimate", "those_losing_weight"),
        ("prose_table_estimate", "those_gaining_weight"),
    ],
    # found while counting Table 2: 26 (72) of the 38 alive is 68.4% (found out of sample);
    # the Results' "p value 0.017" for the OR 3.21 (1.13–9.07) that Table 2 prints with p 0.01
    # (found since the prose-versus-table check); its other known inconsistencies (PROVENANCE.md:
    # group n adding up to 51 of 50, a count of 14 of 13, Results percentages against Table 1)
    # are not found yet
    # and "OR 0.723 (0.606–0.863)", whose CI excludes 1, printed with p 0.22 (found since the
    # ratio_ci_p check)
    "abbas2016": [("percentage", "alive"), ("prose_table_p", "results"), ("ratio_ci_p", "supratentorial")],
    # found while counting Table 2: 1/29 printed 3.5% (3.4%), 5/21 printed 23.1% (23.8%) twice,
    # 15/21 printed 71.5% (71.4%) twice; 28/29 printed 96.5% (96.6%) only truncates: a warning
    "chiappini2012": [
        ("percentage", "tst_mm_5_10_uninfected"),
        ("percentage", "tst_mm_10_15_latent_tb"),
        ("percentage", "tst_mm_15_latent_tb"),
        ("percentage", "negative_latent_tb"),
        ("percentage", "positive_latent_tb"),
    ],
}
#: paper -> prose numbers (truth.yaml ``prose:``: p-values, ratios with or without their 95% CI,
#: counts with their percentage, in the abstract and the Results text) drafted right at least
PROSE_MEASURED = {
    # out of sample first: 34 of 34 (p-values only)
    "chiappini2012": 34,
    # out of sample first: 11 of 23; after: 22 ("8.8% increased hazard (95% CI, 3.3% to 15% ...)",
    # a relative change with its CI, is not read)
    "mroz2015": 22,
    # out of sample first: 9 of 44; after: 42 ("p decreased from 0.06 to 0.004" is not read)
    "sorensen2005": 42,
    # out of sample for the fixed reader: 8 of 18; after: 17 (a log-rank p printed without "p",
    # "(Log Rank (Mantel-Cox) 0.945)", was not read); 18 since session audit25 (2026-12-08)
    "walker2011": 18,
    # out of sample (2026-12-08): 2 of 2
    "tai2016": 2,
    # out of sample: 19 of 22 ("7.3 SD ± 6.3", "(p value 0.017, OR 3.21, and 95% CI
    # 1.13–9.07)" not read); after: 22 of 22
    "abbas2016": 22,
    # out of sample: 7 of 11 ("Three hundred twelve ... (68.6%)", "93 of 147 patients with
    # abnormal ECG (63.2%)", "6.5% patients (6 out of 93)" not read); after: 11 of 11
    "chang2016": 11,
    # out of sample for the reader as the three Hindawi papers left it: 13 of 14 ("108 fulfilled
    # the ARDS criteria (5.6% of those admitted, 17% of ...)" not read); after: 14 of 14
    "figueira2012": 14,
}
#: paper -> (check, entry word) of false alarms measured in an out-of-sample paper's unedited
#: draft and not fixed yet: none. (yang2016's "3/2" and "9/2" under "** Female/Male", drafted
#: as 3 of 2 and 9 of 2 patients, were two; arnedo2012's draft did not load, "(p<0,05)" being
#: drafted as "p<0" and a count "05": both fixed, see the module docstring.)
FALSE_ALARMS: dict[str, list[tuple[str, str]]] = {}


def _paper(name: str) -> Path:
    return next((CORPUS / name).glob("paper.*"))


def test_every_corpus_paper_has_provenance_licence_and_truth():
    papers = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
    assert papers == sorted(MEASURED)
    for name in papers:
        provenance = (CORPUS / name / "PROVENANCE.md").read_text(encoding="utf-8")
        assert "doi:10." in provenance and "Creative Commons Attribution" in provenance
        truth = yaml.safe_load((CORPUS / name / "truth.yaml").read_text(encoding="utf-8"))
        # every paper counts its table numbers, or its prose statistics when it prints no table
        assert truth["cells"] or truth["prose"]


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_unedited_draft_figures(name):
    start = time.perf_counter()
    entries = draft_entries(manuscript_text(_paper(name)))
    seconds = time.perf_counter() - start
    document = yaml.safe_load((CORPUS / name / "truth.yaml").read_text(encoding="utf-8"))
    truth = document["cells"]
    # the tables the truth covers: those its cells name, and those it counted with no statistic
    counted = set(document.get("tables_counted", [])) | {t["where"] for t in truth}
    tables = [e for e in entries if e["where"] in counted]
    right, total, spurious = score(tables, truth)
    missed = [t for t in truth if not any(_right(e, t) for e in tables)]
    least, most = MEASURED[name]
    assert right >= least and spurious <= most, (name, right, total, spurious, missed)
    assert seconds <= 10


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_unedited_draft_loads_and_is_audited(name, tmp_path):
    path = tmp_path / f"{name}.yaml"
    doc = draft_study(manuscript_text(_paper(name)), _paper(name).name)
    # every entry drafted loads: none left out by the loader guard
    assert "left out" not in doc["source"]["note"], doc["source"]["note"]
    path.write_text(draft_yaml(doc), encoding="utf-8")
    study = load_study(path)
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


def _prose_right(entry: dict, truth: dict) -> bool:
    """Section, statistic, values and relation (the prose truth names a word of its sentence,
    but prose variables are guesses the referee confirms, so the word is not scored)."""
    return (
        entry["where"].split(",")[0] == truth["where"]
        and entry["statistic"] == truth["statistic"]
        and {k: float(v) for k, v in entry["values"].items()}
        == {k: float(v) for k, v in truth["values"].items()}
        and entry.get("relation", "=") == truth.get("relation", "=")
    )


@pytest.mark.parametrize("name", sorted(PROSE_MEASURED))
def test_unedited_draft_prose_statistics(name):
    entries = [e for e in draft_entries(manuscript_text(_paper(name))) if not e["where"].startswith("Table")]
    truth = yaml.safe_load((CORPUS / name / "truth.yaml").read_text(encoding="utf-8"))["prose"]
    used: set[int] = set()
    for t in truth:  # one drafted entry per truth number: "p<0.0001" printed eight times is eight
        i = next((i for i, e in enumerate(entries) if i not in used and _prose_right(e, t)), None)
        if i is not None:
            used.add(i)
    assert len(used) >= PROSE_MEASURED[name], (name, len(used), len(truth))
