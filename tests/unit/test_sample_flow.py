"""Several treatment comparisons in the flow diagram (issue 27): each sample's box (a matching's
matched sample, a weighting's weighted sample) below the analysed cohort in declared order, each
drawn from the analysed cohort (the second and later joined to it along a left gutter, not
chained to the sample above). Before this change a weighted comparison had no box and a second
matching hung under the first, as if drawn from its matched sample."""

from __future__ import annotations

from test_matched_flow import STEPS, SUMMARY

from retrocohort.cohort.matched_flow import WeightedStep, sample_step
from retrocohort.figures.flow import cohort_flow, layout_flow

WEIGHTED = {
    "specification": {"label": "IPTW (ATT)", "method": "weighting", "weighting": {"estimand": "ATT"}},
    "estimand": "ATT",
    "n_patients": 120,
    "n_modelled": {"treated": 40, "control": 76},
    "n_in_sample": {"treated": 40, "control": 76},
    "weights": {"treated": {"effective_n": 40.0}, "control": {"effective_n": 23.4}},
}


def test_each_sample_gets_its_box_in_declared_order_drawn_from_the_analysed_cohort():
    samples = [sample_step(SUMMARY), sample_step(WEIGHTED)]
    assert isinstance(samples[1], WeightedStep)
    boxes, _ = layout_flow(STEPS, 3.5, "Included in the analysis", samples)
    first = next(b for b in boxes if "controls matched" in " ".join(b.lines))
    second = next(b for b in boxes if "controls weighted" in " ".join(b.lines))
    assert first.kind == "main" and second.kind == "sample" and first.y < second.y
    assert any("(n = 116)" == line for line in second.lines)
    sides = [b for b in boxes if b.kind.endswith("exclusion")]
    assert any(line.startswith("Not weighted") for b in sides for line in b.lines)  # 120 - 116
    fig = cohort_flow(STEPS, matched=samples)
    text = " ".join(" ".join(t.get_text() for t in fig.axes[0].texts).split())
    assert "40 treated, 76 controls weighted (ATT; effective sample size 40 and 23)" in text
    assert len(fig.axes[0].lines) == 1  # the gutter connector of the second sample
    one = cohort_flow(STEPS, matched=samples[:1])
    assert not one.axes[0].lines  # one sample: the main column's arrow only
