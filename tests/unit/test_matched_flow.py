"""Patients left unmatched by a propensity-score matching, counted in the cohort flow diagram
(issue 27): "N treated, M controls matched" below the analysed cohort, the unmatched patients by
reason beside it (the caliper named), nothing for a weighted comparison."""

from __future__ import annotations

import pandas as pd

from retrocohort.cohort.matched_flow import matched_step
from retrocohort.figures.flow import cohort_flow

SUMMARY = {
    "specification": {
        "label": "1:1 propensity-score matching",
        "method": "matching",
        "matching": {"ratio": 1, "caliper": 0.2, "replace": False},
    },
    "n_patients": 120,
    "n_modelled": {"treated": 40, "control": 76},
    "n_in_sample": {"treated": 37, "control": 37},
    "n_unmatched": {"treated": 3, "control": 39},
    "n_matched_sets": 37,
}
STEPS = pd.DataFrame(
    {
        "step": [0],
        "label": ["Patients in the study data"],
        "n_in": [120],
        "n_excluded": [0],
        "n_excluded_missing": [0],
        "n_out": [120],
        "reason": ["no selection criteria: every patient included"],
    }
)


def _text(fig) -> str:
    """The figure's text, lines rejoined (boxes wrap their lines)."""
    return " ".join(" ".join(t.get_text() for t in fig.axes[0].texts).split())


def test_the_flow_counts_matched_and_unmatched_patients_by_reason():
    text = _text(cohort_flow(STEPS, matched=[matched_step(SUMMARY)]))
    assert "37 treated, 37 controls matched (37 matched sets)" in text
    assert "(n = 74)" in text  # the matched sample
    assert "Unmatched (n = 46):" in text  # 120 - 74
    assert "3 treated unmatched: no control within the caliper (0.2 SD)" in text
    assert "39 controls not selected as a match" in text
    assert "4 without the treatment or a covariate of the score" in text  # 120 - 40 - 76


def test_all_treated_matched_still_states_zero_unmatched_and_no_caliper_says_so():
    summary = {
        **SUMMARY,
        "n_unmatched": {"treated": 0, "control": 39},
        "n_in_sample": {"treated": 40, "control": 37},
    }
    summary["specification"] = {**SUMMARY["specification"], "matching": {"ratio": 1, "replace": False}}
    step = matched_step(summary)
    assert step.reasons()[0] == "0 treated unmatched: no eligible control left"


def test_weighting_and_matching_with_replacement_add_no_step():
    assert matched_step({**SUMMARY, "specification": {"method": "weighting"}}) is None
    spec = {**SUMMARY["specification"], "matching": {"replace": True}}
    assert matched_step({**SUMMARY, "specification": spec}) is None
    plain = _text(cohort_flow(STEPS))
    assert "matched" not in plain
