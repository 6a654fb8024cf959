"""Denominators a table states outside its cells (issue 25): a footnote's "Percentages are of all
N patients", and counts beside percentages in separate columns with no printed total. Invented
text only (the corpus papers are measured in test_audit_corpus.py)."""

from __future__ import annotations

import pytest
import yaml

from retrocohort.audit import audit_study
from retrocohort.audit.checks.consistency import check_study
from retrocohort.audit.draft.draft import draft_entries, draft_study, draft_yaml
from retrocohort.audit.published import load_study
from retrocohort.errors import ConfigError

FOOTNOTED = """Results

Table 1. Baseline characteristics.

Characteristic\tSensitive\tResistant
Smear positive\t600 (60%)\t300 (30%)
Cavitation\t410 (41%)\t520 (53%)

Percentages are of all 1,000 patients. SD, standard deviation.

The cohort was followed for 2 years.
"""

SEPARATE_COLUMNS = """Results

Table 1. Patients at the start of treatment.

Characteristic\tn\tPercent
Sex
Male\t450\t46.0%
Female\t550\t55.0%
Age
<40 y\t300\t30.0%
40+ y\t700\t70.0%
Comorbidities
Diabetes\t120\t12.0%
Asthma\t60\t6.0%
"""


def _audited(text: str, tmp_path) -> list:
    path = tmp_path / "draft.yaml"
    path.write_text(draft_yaml(draft_study(text, "paper.txt")), encoding="utf-8")
    return audit_study(load_study(path))


def test_a_footnote_denominator_reaches_the_table_percentages_and_finds_the_misprint(tmp_path):
    entries = [e for e in draft_entries(FOOTNOTED) if e["where"] == "Table 1"]
    assert [e.get("denominator") for e in entries] == [1000] * 4
    assert "footnote 'Percentages are of all 1,000 patients'" in entries[0]["note"]
    bad = [f for f in _audited(FOOTNOTED, tmp_path) if f.status == "inconsistent"]
    # 520/1000 = 52.0% printed 53%: the one misprint; 600 (60%), 300 (30%), 410 (41%) fit
    assert [f.entry_id for f in bad] == ["table_1_cavitation_resistant"], [f.message for f in bad]


def test_a_denominator_sentence_in_later_prose_is_not_a_table_footnote():
    text = FOOTNOTED.replace(
        "Percentages are of all 1,000 patients. SD, standard deviation.", "SD, standard deviation."
    ).replace("followed for 2 years.", "followed for 2 years.\n\nPercentages are of all 1,000 patients.")
    text = text.replace("The cohort", "\nDiscussion\n\nThe cohort")
    assert all("denominator" not in e for e in draft_entries(text) if e["where"] == "Table 1")


def test_separate_count_and_percent_columns_become_shares_of_the_total_two_sections_agree_on(tmp_path):
    doc = draft_study(SEPARATE_COLUMNS, "paper.txt")
    shares = doc["shares"]
    # Sex and Age each add up to 1,000; the comorbidities (180) share no total: left alone
    assert [(s["total"], len(s["parts"])) for s in shares] == [(1000, 2), (1000, 2)]
    assert "no total is printed" in shares[0]["note"] and "to confirm: total" in shares[0]["note"]
    bad = [f for f in _audited(SEPARATE_COLUMNS, tmp_path) if f.status == "inconsistent"]
    # 450/1000 = 45.0% printed 46.0%; 550 -> 55.0% fits; the sex percentages add up to 101%
    assert [f.entry_id for f in bad] == ["table_1_male_percent"], [f.message for f in bad]
    assert "1,000 is the total stated by shares" in bad[0].message


def test_a_single_section_with_no_second_total_gives_no_share():
    text = SEPARATE_COLUMNS.split("Age\n")[0]
    assert "shares" not in draft_study(text, "paper.txt")


def _study(tmp_path, shares) -> str:
    doc = {
        "source": {"citation": "x"},
        "numbers": [
            {"id": "m_n", "where": "Table 1", "printed": "450", "statistic": "count", "values": {"count": 450},
             "decimals": {"count": 0}, "variable": "male"},
            {"id": "m_pct", "where": "Table 1", "printed": "45.0%", "statistic": "percentage",
             "values": {"pct": 45.0}, "decimals": {"pct": 1}, "variable": "male"},
        ],
        "shares": shares,
    }  # fmt: skip
    path = tmp_path / "paper.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return str(path)


def test_a_hand_written_share_is_checked_and_a_wrong_reference_is_refused(tmp_path):
    good = [{"name": "sex", "total": 1000, "parts": [{"count": "m_n.count", "pct": "m_pct.pct"}]}]
    findings = [f for f in check_study(load_study(_study(tmp_path, good))) if f.check == "percentage"]
    assert [(f.entry_id, f.status) for f in findings] == [("m_pct", "ok")]
    wrong = [{"name": "sex", "total": 1000, "parts": [{"count": "m_n.pct", "pct": "m_pct.pct"}]}]
    with pytest.raises(ConfigError, match="shares 'sex': entry 'm_n' has no value 'pct'"):
        load_study(_study(tmp_path, wrong))
