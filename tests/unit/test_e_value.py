"""E-value of the main ratio (VanderWeele & Ding 2017): the formula on hand-computed values, the
rows of a regression table that get one, its footnote and placeholders, and an ``e_value:``
naming no ratio of the table refused at load. R's formulas: tests/r_oracle/test_e_value_vs_r.py."""

from __future__ import annotations

import functools
import math
from pathlib import Path

import pandas as pd
import pytest
from study_edits import problems_after_edit
from test_analysis_sample import SPEC, _cohort, _design

from retrocohort.analysis.analysis_sample import sample_frame, table_sample
from retrocohort.analysis.e_value_rows import with_e_values
from retrocohort.config.study import load_study
from retrocohort.errors import InputError
from retrocohort.kinds import TableRequest, table_kind
from retrocohort.manuscript.sources_declared import regression_entries
from retrocohort.stats.e_value import e_value
from retrocohort.tables.e_value_note import e_value_footnote

ROTTERDAM = Path(__file__).resolve().parents[2] / "studies" / "rotterdam"


@functools.cache
def _rotterdam() -> dict:
    """studies/rotterdam's loaded config (every schema default filled), read once."""
    return dict(load_study(ROTTERDAM / "config" / "config.yaml", base_dir=ROTTERDAM).data)


def test_e_value_of_a_protective_hazard_ratio_by_hand():
    # RR = 0.81 (rare): 1/0.81 = 1.2346, E = 1.2346 + sqrt(1.2346 * 0.2346) = 1.7728
    ev = e_value(0.81, 0.68, 0.97, measure="HR", rare=True)
    rr = 1 / 0.81
    assert ev.point == pytest.approx(rr + math.sqrt(rr * (rr - 1)), rel=1e-14)
    hi = 1 / 0.97  # the limit nearer 1
    assert ev.ci_limit == pytest.approx(hi + math.sqrt(hi * (hi - 1)), rel=1e-14)
    common = e_value(0.81, 0.68, 0.97, measure="HR", rare=False)
    assert common.point < ev.point  # the common-outcome conversion shrinks the ratio towards 1
    assert e_value(1.5, 0.9, 2.0, measure="OR", rare=True).ci_limit == 1.0  # CI contains 1


def test_a_non_positive_ratio_is_refused():
    with pytest.raises(InputError, match="positive"):
        e_value(0.0, measure="HR")


def _request(tmp_path: Path, config_extra: dict, spec_extra: dict) -> TableRequest:
    """A regression table on the hand-made matched sample of test_analysis_sample, in a loaded
    study's config (rotterdam: every schema default filled)."""
    frame = _cohort()
    study = _rotterdam()
    spec = {**study["tables"]["cox_relapse_matched"], **SPEC, "title": "T", **spec_extra}
    sample = table_sample({"comparison_sample": [str(_design(tmp_path, frame, matched=True))]}, spec)
    variables = {**study["variables"], "treated": {"label": "Treated", "kind": "binary"}}
    config = {**study, "variables": variables, "tables": {"t": spec}, **config_extra}
    return TableRequest("t", spec, config, sample_frame(frame, sample, "t"), inputs={})


def test_a_table_on_a_sample_gets_the_treatments_e_value_in_stats_and_a_footnote(tmp_path):
    request = _request(tmp_path, {"treatment_comparisons": {"psm": {"treatment": "treated"}}}, {})
    kind = table_kind("regression")
    stats = kind.statistics(request)
    row = stats.iloc[0]
    rare = row["n_events"] / row["n"] < 0.15
    expected = e_value(row["ratio"], row["ci_low"], row["ci_high"], measure="HR", rare=rare)
    assert row["e_value"] == pytest.approx(expected.point, rel=1e-14)
    assert row["e_value_ci"] == pytest.approx(expected.ci_limit, rel=1e-14)
    notes = [f for f in kind.build(stats, request).footnotes if str(f).startswith("E-value")]
    assert len(notes) == 1 and "HR of Treated" in notes[0]
    assert f"{row['e_value']:.2f} for the estimate" in notes[0]
    assert ("converted" in notes[0]) == (not rare)  # the approximation used is stated
    # the CSV round trip reads e_value_rare back as text: the footnote's wording stays the same
    again = pd.read_csv(pd.io.common.StringIO(stats.to_csv(index=False)))
    assert [f for f in kind.build(again, request).footnotes if str(f).startswith("E-value")] == notes


def test_e_value_false_turns_it_off_and_a_plain_table_has_none(tmp_path):
    request = _request(
        tmp_path, {"treatment_comparisons": {"psm": {"treatment": "treated"}}}, {"e_value": False}
    )
    assert "e_value" not in table_kind("regression").statistics(request)


def test_placeholders_print_the_e_value_with_the_tables_decimals(tmp_path):
    stats = pd.DataFrame(
        {
            "analysis": ["univariable"],
            "predictor": ["treated"],
            "variable": ["treated"],
            "model": ["cox"],
            "ratio": [0.5],
            "ci_low": [0.3],
            "ci_high": [0.8],
            "p_value": [0.01],
            "conf_level": [0.95],
            "n": [100],
            "n_events": [10],
        }
    )
    records = with_e_values(stats, "treated", 0.15).to_dict("records")
    config = dict(_rotterdam())
    config["tables"] = dict(config["tables"])
    config["tables"]["t"] = {**config["tables"]["cox_relapse"], "decimals": 2}
    space = regression_entries(records, "results/stats/t.json", "t", config)
    assert space["tables.t.univariable.treated.e_value"].text() == "3.41"
    assert space["tables.t.univariable.treated.e_value_ci"].text() == "1.81"


def test_footnote_is_empty_without_e_values():
    assert e_value_footnote(pd.DataFrame({"variable": ["x"]}), {}, {}, 2, 0.15) == []


def test_an_e_value_naming_no_predictor_is_refused_at_load(tmp_path, monkeypatch):
    problems = problems_after_edit(
        ROTTERDAM, tmp_path, monkeypatch, lambda c: c["tables"]["cox_relapse"].update(e_value="age")
    )
    hit = [p for p in problems if p.column == "tables/cox_relapse/e_value"]
    assert hit and hit[0].value == "age" and "'hormon'" in hit[0].expected
