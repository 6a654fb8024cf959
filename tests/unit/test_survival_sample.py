"""A declared survival table on a treatment comparison's matched or weighted sample
(``sample:``): weighted curves with the robust variance and the robust score test in place of the
log-rank test, said in the footnotes (never "Greenwood"); and the footnote naming horizon
estimates that rest on fewer patients at risk than ``min_at_risk``. R's numbers:
tests/r_oracle/test_weighted_survival_vs_r.py."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from test_analysis_sample import _cohort, _design

from retrocohort.analysis.analysis_sample import sample_frame, table_sample
from retrocohort.config.study import load_study
from retrocohort.kinds import TableRequest, table_kind

ROTTERDAM = Path(__file__).resolve().parents[2] / "studies" / "rotterdam"


@functools.cache
def _rotterdam() -> dict:
    """studies/rotterdam's loaded config (schema defaults filled), read once."""
    return dict(load_study(ROTTERDAM / "config" / "config.yaml", base_dir=ROTTERDAM).data)


def _request(tmp_path: Path, *, matched: bool | None, **extra) -> TableRequest:
    study = _rotterdam()
    base = study["tables"]["rfs_matched"]
    analysis = {
        **{k: v for k, v in base["analyses"][0].items() if k != "groups"},  # hormon's group labels
        "time": "time",
        "event": "died",
        "group_variable": "treated",
        "horizons": [2, 8],
        "label": "Death by treatment",
    }
    spec = {**base, "analyses": [analysis], **extra}
    frame = _cohort()
    frame["treated"] = frame["treated"].astype(bool)  # a yes/no variable, as a loaded study reads it
    if matched is None:
        spec.pop("sample")
    else:
        spec["sample"] = "psm"
        sample = table_sample({"comparison_sample": [str(_design(tmp_path, frame, matched=matched))]}, spec)
        frame = sample_frame(frame, sample, "t")
    variables = {
        **study["variables"],
        "treated": {"label": "Treated", "kind": "binary"},
        "time": {"label": "Months", "kind": "continuous", "unit": "months"},
        "died": {"label": "Death", "kind": "binary"},
    }
    config = {**study, "variables": variables, "tables": {"t": spec}}
    return TableRequest("t", spec, config, frame, inputs={})


@pytest.mark.parametrize("matched", [True, False])
def test_a_survival_table_on_a_sample_uses_weighted_curves_and_the_robust_test(tmp_path, matched):
    request = _request(tmp_path, matched=matched)
    kind = table_kind("survival")
    stats = kind.statistics(request)
    test = stats[stats["role"] == "logrank"].iloc[0]
    assert test["test"] == "robust score test" and test["p_value"] > 0
    assert ("cluster = set" in test["method"]) == matched
    assert stats.loc[stats["role"] == "km", "method"].str.startswith("Weighted Kaplan–Meier").all()
    notes = [str(f) for f in kind.build(stats, request).footnotes]
    assert notes[0].startswith(
        "Patients: the propensity-score matched" if matched else "Patients: the inverse"
    )
    assert not any("Greenwood" in n for n in notes)
    assert any("robust (infinitesimal jackknife) variance" in n for n in notes)
    assert any("Robust score test" in n for n in notes)  # the p-value's method footnote


def test_the_unweighted_table_keeps_the_log_rank_test(tmp_path):
    request = _request(tmp_path, matched=None)
    stats = table_kind("survival").statistics(request)
    assert stats[stats["role"] == "logrank"].iloc[0]["test"] == "log-rank"


def test_a_horizon_with_few_patients_at_risk_is_footnoted(tmp_path):
    request = _request(tmp_path, matched=None, min_at_risk=10)
    kind = table_kind("survival")
    stats = kind.statistics(request)
    hz = stats[stats["role"] == "horizon"]
    few = hz[hz["n_at_risk"] < 10]
    assert len(few) and len(few) < len(hz)  # some horizons under the threshold, some not
    notes = [str(f) for f in kind.build(stats, request).footnotes if str(f).startswith("Fewer than 10")]
    assert len(notes) == 1
    for rec in few.to_dict("records"):
        assert f"{rec['group']} at {rec['time']:g} months ({int(rec['n_at_risk'])} at risk)" in notes[0]
    enough = kind.build(stats, _request(tmp_path, matched=None, min_at_risk=1)).footnotes
    assert not any(str(f).startswith("Fewer than") for f in enough)


def test_min_at_risk_default_comes_from_the_schema():
    assert _rotterdam()["tables"]["rfs"]["min_at_risk"] == 10


def test_the_methods_page_names_the_robust_variance_of_weighted_curves(tmp_path):
    from retrocohort.manuscript.method_wording import kaplan_meier

    request = _request(tmp_path, matched=True)
    stats = table_kind("survival").statistics(request)
    km = stats[stats["role"] == "km"].to_dict("records")
    text = kaplan_meier(km, {})
    assert "robust (infinitesimal jackknife) variance" in text and "Greenwood" not in text
    plain = table_kind("survival").statistics(_request(tmp_path, matched=None))
    assert "Greenwood" in kaplan_meier(plain[plain["role"] == "km"].to_dict("records"), {})
