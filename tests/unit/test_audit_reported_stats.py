"""Means, SDs and test statistics in a published-numbers file: schema, findings, referee, note."""

from pathlib import Path

import pytest

from retrocohort.audit import audit_study
from retrocohort.audit.published import load_study, printed_tokens
from retrocohort.audit.report.method_examples import EXAMPLES, reproduce_examples
from retrocohort.audit.report.referee import referee_findings
from retrocohort.audit.report.report import render_markdown, report_blocks
from retrocohort.audit.report.study_audit import audit_one_study
from retrocohort.errors import ConfigError

EXAMPLES_FILE = Path(__file__).resolve().parents[2] / "config/published/worked_examples.yaml"


def test_worked_examples_file_loads_with_table_ii_and_apa_p_values():
    study = load_study(EXAMPLES_FILE)
    e = study.by_id()
    assert e["grim_impossible_mean"].where == "Table II" and e["grim_impossible_mean"].scale["items"] == 1
    assert e["statcheck_decision_error"].test_family == "t"
    assert {"0.05", ".05"} <= printed_tokens("p < .05")


def test_findings_per_check_family():
    statuses = {(f.check, f.entry_id): f.status for f in audit_study(load_study(EXAMPLES_FILE))}
    assert statuses[("grim", "grim_impossible_mean")] == "inconsistent"
    assert statuses[("grim", "grim_possible_mean")] == "ok"
    assert statuses[("grimmer", "grimmer_possible_sd")] == "ok"
    assert statuses[("grimmer", "grimmer_impossible_sd")] == "inconsistent"
    assert statuses[("debit", "debit_possible")] == "ok"
    assert statuses[("debit", "debit_impossible")] == "inconsistent"
    assert statuses[("sprite", "sprite_sd_limit")] == "ok"
    assert statuses[("statcheck", "statcheck_decision_error")] == "inconsistent"
    assert statuses[("statcheck", "statcheck_consistent")] == "ok"
    assert ("sprite", "debit_possible") not in statuses  # 0-1 data: DEBIT is the exact test


def test_referee_and_rows_say_decision_error_and_grim_in_plain_words():
    a = audit_one_study(load_study(EXAMPLES_FILE), "w.yaml", None, rule="half_up")
    rows = {r["id"]: r["status"] for r in a["rows"]}
    assert rows["statcheck_consistent"] == "reproduced"
    assert rows["statcheck_decision_error"] == "not_reproduced"
    sentences = [f["sentence"] for f in referee_findings("w", a) if f["severity"] == "inconsistent"]
    assert any("decision error" in s and "t(48) = 1.02" in s for s in sentences)
    assert any("5.19" in s and "GRIM" in s for s in sentences)
    md = render_markdown(report_blocks({"w": a}, "note"))
    assert "## Checks against published examples" in md and "statcheck 11 of 11" in md


def test_every_published_example_is_reproduced():
    result = reproduce_examples()
    assert set(result) == {"GRIM", "GRIMMER", "DEBIT", "SPRITE", "statcheck"}
    assert sum(total for _, total, _ in result.values()) == len(EXAMPLES)
    assert all(ok == total and not missed for ok, total, missed in result.values()), result


def test_mean_sd_without_sd_key_is_rejected(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "source: {citation: x}\nnumbers:\n  - {id: a, where: Table IV, printed: '5.2', "
        "statistic: mean_sd, values: {mean: 5.2}, decimals: {mean: 1}, variable: v}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_study(bad)
    assert "sd" in str(err.value.problems[0]) and "entry 'a'" in str(err.value.problems[0])


def test_printed_hscore_total_outside_the_achievable_set():
    statuses = {(f.check, f.entry_id): f for f in audit_study(load_study(EXAMPLES_FILE))}
    f = statuses[("hscore_total", "hscore_impossible_total")]
    assert f.status == "inconsistent" and f.details["nearest"] == [250, 253]


def test_hscore_points_an_item_cannot_score_are_rejected_on_load(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "source: {citation: x}\nnumbers:\n  - {id: h, where: abstract, printed: 'HScore 250', "
        "statistic: value, values: {value: 250}, decimals: {value: 0}, variable: hscore, "
        "hscore_items: {ferritin: 40}}\n"
    )
    with pytest.raises(ConfigError) as err:
        load_study(bad)
    [p] = err.value.problems
    assert "cannot score 40" in str(p) and p.column == "hscore_items.ferritin"
