"""Results placeholders of each propensity-score matching (issue 27): ``matching.<name>.*``, the
matched and unmatched patients read from the matching's summary JSON, each traced to its key.
Before this change a Results template could not print these counts (an unknown key)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from retrocohort.errors import ConfigError
from retrocohort.manuscript.resolve import build_namespace, resolve_template
from retrocohort.manuscript.sources_matching import matching_inputs, matching_paragraph

SUMMARY = {
    "n_in_sample": {"treated": 339, "control": 339},
    "n_matched_sets": 339,
    "n_unmatched": {"treated": 4, "control": 2300},
    "specification": {"label": "1:1 propensity-score matching"},
}
CONFIG = {"statistics": {"rounding": "half_up", "p_value": {"decimals": 3, "threshold": 0.001}}, "tables": {}}


def _paths(tmp_path):
    flow = tmp_path / "flow.csv"
    pd.DataFrame([{"id": "all_patients", "n_in": 2982, "n_excluded": 0, "n_out": 2982}]).to_csv(
        flow, index=False
    )
    summary = tmp_path / "treatment_comparison_matched.json"
    summary.write_text(json.dumps(SUMMARY), encoding="utf-8")
    return {"flow": str(flow)}, {"matched": str(summary)}


def test_the_matched_and_unmatched_counts_resolve_traced_to_the_summary(tmp_path):
    paths, matchings = _paths(tmp_path)
    space = build_namespace(paths, CONFIG, {}, matchings)
    text = (
        "{{matching.matched.n_treated_matched}}/{{matching.matched.n_unmatched}}/{{matching.matched.n_sets}}"
    )
    resolved = resolve_template(text, "t.md", space, {matchings["matched"]: "treatment_comparison"})
    assert resolved.text == "339/2304/339"
    unmatched = space["matching.matched.n_unmatched"]
    assert (unmatched.value, unmatched.file, unmatched.column) == (
        2304,
        matchings["matched"],
        "n_unmatched.treated+n_unmatched.control",
    )
    assert space["matching.matched.n_treated_unmatched"].value == 4
    assert space["matching.matched.n_control_matched"].column == "n_in_sample.control"
    with pytest.raises(ConfigError):  # without the summary the key is unknown (as before)
        resolve_template(text, "t.md", build_namespace(paths, CONFIG, {}), {})


def test_the_generated_template_says_who_was_matched(tmp_path):
    paths, matchings = _paths(tmp_path)
    paragraph = matching_paragraph({"matched": SUMMARY})
    space = build_namespace(paths, CONFIG, {}, matchings)
    resolved = resolve_template(paragraph, "t.md", space, {})
    assert resolved.text == (
        "1:1 propensity-score matching: 339 treated and 339 control patients matched in 339 matched "
        "sets; 4 treated and 2300 control patients left unmatched."
    )
    assert matching_inputs({"matching_matched": "x.json", "declared_t1": "y.json"}) == {"matched": "x.json"}
