"""A regression table on a treatment comparison's matched or weighted sample (``sample:``): the
design file read and checked, the sample's patients, weights and sets, the robust variance named
in the method sentence and the footnote, and a ``sample:`` naming no comparison refused at load.
The design file is hand-made with the columns the treatment-comparison rule writes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from study_edits import problems_after_edit

from retrocohort.analysis.analysis_sample import (
    SET_COLUMN,
    WEIGHT_COLUMN,
    read_sample,
    sample_frame,
    table_sample,
)
from retrocohort.errors import InputError
from retrocohort.kinds import TableRequest, table_kind
from retrocohort.kinds.per_patient import sample_footnote
from retrocohort.render.model import Row, Table
from retrocohort.stats.regression import cox_regression

HEADER = "patient_id,treatment,ps,logit_ps,in_sample,set_id,weight\n"


def _cohort(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(27)
    frame = pd.DataFrame(
        {
            "time": rng.exponential(10, n).round(1) + 0.1,
            "died": rng.integers(0, 2, n),
            "treated": np.repeat([1, 0], n // 2),
            "age": rng.normal(60, 10, n).round(),
        },
        index=pd.Index([f"P{i:02d}" for i in range(n)], name="patient_id"),
    )
    frame.loc[frame.index[:3], "died"] = 1
    return frame


def _design(tmp_path: Path, frame: pd.DataFrame, *, matched: bool) -> Path:
    """Treated patient i matched to controls 2i and 2i + 1 of the first 16 controls (weight 1/2),
    or IPT-like weights without sets; the last treated patients and controls are unmatched."""
    lines = []
    treated, controls = list(frame.index[:20]), list(frame.index[20:])
    for i, pid in enumerate(treated):
        inside = i < 8 or not matched
        lines.append(
            f"{pid},1,0.6,0.4,{str(inside).lower()},{i + 1 if matched and inside else ''},{1 if inside else 0}"
        )
    for j, pid in enumerate(controls):
        inside = j < 16 or not matched
        set_id = j // 2 + 1 if matched and inside else ""
        weight = (0.5 if matched else 1.2 + 0.1 * (j % 5)) if inside else 0
        lines.append(f"{pid},0,0.4,-0.4,{str(inside).lower()},{set_id},{weight}")
    path = tmp_path / "treatment_comparison_psm.csv"
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return path


SPEC = {
    "kind": "regression",
    "model": "cox",
    "time": "time",
    "event": "died",
    "predictors": ["treated"],
    "conf_level": 0.95,
    "global_p": True,
    "sample": "psm",
}


def _statistics(frame: pd.DataFrame, design: Path) -> pd.DataFrame:
    sample = table_sample({"comparison_sample": [str(design)]}, SPEC)
    request = TableRequest(
        "t", SPEC, {"variables": {}, "statistics": {}}, sample_frame(frame, sample, "t"), inputs={}
    )
    return table_kind("regression").statistics(request)


@pytest.mark.parametrize("matched", [True, False])
def test_a_regression_table_on_a_sample_fits_its_patients_with_weights_and_robust_variance(tmp_path, matched):
    frame = _cohort()
    stats = _statistics(frame, _design(tmp_path, frame, matched=matched))
    row = stats.iloc[0]
    analysed = frame.iloc[list(range(8)) + list(range(20, 36))] if matched else frame
    assert row["n"] == len(analysed)
    weights = [1.0] * 8 + [0.5] * 16 if matched else [1.0] * 20 + [1.2 + 0.1 * (j % 5) for j in range(20)]
    sets = [str(i + 1) for i in range(8)] + [str(j // 2 + 1) for j in range(16)] if matched else None
    direct = cox_regression(
        analysed.assign(w=weights, s=sets if matched else 0),
        "time",
        "died",
        ["treated"],
        weights="w",
        cluster="s" if matched else None,
        robust=True,
    ).term("treated")
    assert row["coefficient"] == pytest.approx(direct.coefficient, rel=1e-12)
    assert row["std_err"] == pytest.approx(direct.std_err, rel=1e-12)
    naive = cox_regression(analysed, "time", "died", ["treated"]).term("treated")
    assert row["std_err"] != pytest.approx(naive.std_err, rel=1e-3)  # the design's variance, not the model's
    assert row["naive_std_err"] != pytest.approx(row["std_err"], rel=1e-3)  # the CSV keeps the model's
    assert ("clustered on matched sets" in row["method"]) == matched
    assert "robust (sandwich) standard errors" in row["method"]


def test_the_footnote_names_the_matched_sample(tmp_path):
    frame = _cohort()
    sample = read_sample(str(_design(tmp_path, frame, matched=True)), "psm")
    analysed = sample_frame(frame, sample, "t")
    table = sample_footnote(
        Table(title="T", columns=["a"], rows=[Row(["1"])], footnotes=["old"], label="tab:t"), SPEC, analysed
    )
    assert table.footnotes[0].startswith("Patients: the propensity-score matched sample (n = 24 in 8")
    assert "robust (sandwich) standard errors clustered on the matched sets" in table.footnotes[0]
    assert "'psm'" not in table.footnotes[0]  # a config key is never printed
    assert table.footnotes[1] == "old"
    assert set(analysed.columns) >= {WEIGHT_COLUMN, SET_COLUMN}


@pytest.mark.parametrize(
    "row, column",
    [
        ("P00,1,0.6,0.4,maybe,1,1", "in_sample"),
        ("P00,1,0.6,0.4,true,1,0", "weight"),
        ("P00,1,0.6,0.4,true,1,abc", "weight"),
        ("P00,1,0.6,0.4,true,,1", "set_id"),  # P01 has a set: some patients with sets, some without
        ("P00,1,0.6,0.4,true,1,1", "set_id"),  # with P01 in set 1: a single set, no variance between sets
    ],
)
def test_a_bad_design_file_is_refused_naming_file_row_column(tmp_path, row, column):
    path = tmp_path / "d.csv"
    path.write_text(HEADER + row + "\nP01,0,0.5,0,true,1,1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_sample(str(path), "psm")
    problem = caught.value.problems[0]
    assert (problem.file, problem.row, problem.column) == (str(path), 1, column)


def test_a_sample_with_patients_outside_the_cohort_is_refused(tmp_path):
    frame = _cohort()
    sample = read_sample(str(_design(tmp_path, frame, matched=True)), "psm")
    with pytest.raises(InputError, match="outside the analysed cohort"):
        sample_frame(frame.iloc[1:], sample, "t")
    assert len(sample_frame(frame.iloc[1:], sample, "t", strict=False)) == 23  # a table's where:


def test_a_sample_naming_no_treatment_comparison_is_refused_at_load(root, tmp_path, monkeypatch):
    spec = {k: v for k, v in SPEC.items() if k not in ("conf_level", "global_p")}
    spec = {**spec, "predictors": ["age"], "time": "time", "event": "died"}
    problems = problems_after_edit(
        root / "studies" / "pbc", tmp_path, monkeypatch, lambda c: c["tables"].update(t9=spec)
    )
    hit = [p for p in problems if p.column == "tables/t9/sample"]
    assert hit and hit[0].value == "psm" and "treatment_comparisons" in hit[0].expected


def test_sample_is_refused_on_a_kind_that_does_not_analyse_a_sample(root, tmp_path, monkeypatch):
    spec = {"kind": "listing", "columns": ["age"], "sample": "psm"}  # descriptive takes one since issue 27
    problems = problems_after_edit(
        root / "studies" / "pbc", tmp_path, monkeypatch, lambda c: c["tables"].update(t9=spec)
    )
    assert any((p.column or "").startswith("tables/t9") for p in problems)


def test_the_methods_page_names_the_robust_variance(tmp_path):
    from retrocohort.manuscript.method_wording import cox

    frame = _cohort()
    records = _statistics(frame, _design(tmp_path, frame, matched=True)).to_dict("records")
    assert "robust (sandwich) standard errors clustered on matched sets" in cox(records, {})
    plain = [{**r, "method": "Cox proportional-hazards regression (Efron ties)"} for r in records]
    assert "robust" not in cox(plain, {})
