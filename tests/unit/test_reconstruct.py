"""SPRITE-style reconstruction: constructed targets with known answers.

Every "met" is checked independently: the quartiles are recomputed with
retrocohort.stats.quantiles under the stated Hyndman-Fan type and compared after rounding;
p-values are recomputed with retrocohort.stats (signed-rank, McNemar).
"""

from fractions import Fraction

import numpy as np
import pytest

from retrocohort.audit.checks.rounding import matches_printed, printed_match_rules
from retrocohort.stats.paired_binary import mcnemar_from_discordant
from retrocohort.stats.quantiles import quantile
from retrocohort.stats.signed_rank import wilcoxon_signed_rank
from retrocohort.synthetic.calibrated import generate
from retrocohort.synthetic.paired_search import min_signed_rank_p, paired_binary_table, search_paired_p
from retrocohort.synthetic.reconstruct import Summary, reconstruct_sample, solve_pins, summary_pins
from retrocohort.synthetic.subset_median import reconstruct_with_subset

P = {"min": 0.0, "q1": 0.25, "median": 0.5, "q3": 0.75, "max": 1.0}


def _meets(values, summary: Summary, qtype: int) -> bool:
    return all(
        matches_printed(float(quantile(values, P[k], qtype)), v, summary.decimals[k], ("half_up",))
        for k, v in summary.values.items()
    )


QUARTILES = {"q1": 3.1, "median": 4.3, "q3": 14.4}
DEC1 = {"q1": 1, "median": 1, "q3": 1}


@pytest.mark.parametrize("n", [4, 5, 8, 19, 20, 21, 60])
@pytest.mark.parametrize("qtype", [1, 2, 6, 7, 8])
def test_feasible_quartiles_are_met_exactly(n, qtype):
    s = Summary(n, QUARTILES, DEC1)
    sample = reconstruct_sample(s, 1, (0.3, 60), np.random.default_rng(n * 10 + qtype), qtype=qtype)
    assert sample.status == "met", sample.reason
    values = sample.values()
    assert len(values) == n and values == sorted(values)
    assert all(v == round(v, 1) for v in values)  # on the stated grid
    assert _meets(values, s, qtype)


def test_min_and_max_when_printed_are_met():
    s = Summary(
        15,
        {"min": 1, "q1": 8, "median": 12, "q3": 15, "max": 40},
        {"min": 0, "q1": 0, "median": 0, "q3": 0, "max": 0},
    )
    sample = reconstruct_sample(s, 0, (0, 100), np.random.default_rng(3), qtype=7)
    assert sample.status == "met" and min(sample.values()) == 1 and max(sample.values()) == 40
    assert _meets(sample.values(), s, 7)


def test_mixed_printed_decimals_and_interpolated_quartiles():
    # Results text of the flagship: fever resolved within 1.0 day [IQR, 1-2], n = 19, whole days
    s = Summary(19, {"q1": 1, "median": 1.0, "q3": 2}, {"q1": 0, "median": 1, "q3": 0})
    sample = reconstruct_sample(s, 0, (0, 10), np.random.default_rng(0), qtype=7)
    assert sample.status == "met" and _meets(sample.values(), s, 7)
    # the quartile lands on the printed value itself, not on a rounding boundary like 0.5
    assert float(quantile(sample.values(), 0.25, 7)) == 1.0


def test_same_seed_same_values_other_seed_other_values():
    s = Summary(21, QUARTILES, DEC1)
    a = reconstruct_sample(s, 1, (0.3, 60), np.random.default_rng(42), qtype=7).values()
    b = reconstruct_sample(s, 1, (0.3, 60), np.random.default_rng(42), qtype=7).values()
    c = reconstruct_sample(s, 1, (0.3, 60), np.random.default_rng(43), qtype=7).values()
    assert a == b and a != c


def test_median_outside_its_iqr_is_infeasible():
    # the flagship's anakinra duration: median 21 days [IQR, 13-19]
    s = Summary(21, {"q1": 13, "median": 21, "q3": 19}, {"q1": 0, "median": 0, "q3": 0})
    sample = reconstruct_sample(s, 0, (0, 1000), np.random.default_rng(0), qtype=7)
    assert sample.status == "infeasible" and "median=21 > q3=19" in sample.reason


def test_quartile_off_the_grid_is_infeasible():
    # Table 1 ferritin Q1 6072.5 is the 6th of 21 order statistics under type 7: no whole number
    s = Summary(21, {"q1": 6072.5, "median": 13835.0, "q3": 27001.0}, DEC1)
    assert reconstruct_sample(s, 0, (500, 150000), np.random.default_rng(0), qtype=7).status == "infeasible"
    assert reconstruct_sample(s, 1, (500, 150000), np.random.default_rng(0), qtype=7).status == "met"


def test_bounds_that_exclude_the_median_are_proved_infeasible_by_search():
    s = Summary(9, {"q1": 2, "median": 5, "q3": 12}, {"q1": 0, "median": 0, "q3": 0})
    sample = reconstruct_sample(s, 0, (3, 20), np.random.default_rng(0), qtype=7)
    assert sample.status == "infeasible" and "exhaustive search" in sample.reason


def test_search_budget_is_reported_as_not_found_not_as_infeasible():
    s = Summary(20, {"q1": 10, "median": 50, "q3": 90}, {"q1": 0, "median": 0, "q3": 0})
    pins = summary_pins(s, 7, "half_up")
    assert solve_pins(20, pins, 0, (0, 100), np.random.default_rng(0), max_nodes=2) == (None, True)
    found, exhausted = solve_pins(20, pins, 0, (0, 100), np.random.default_rng(0))
    assert found is not None and not exhausted


def test_subset_median_is_met_together_with_the_full_quartiles():
    # flagship WBC: Table 1 4.3 [3.1-14.4] (n = 21), Table 3 Day 0 median 6.7 for 20 of them
    s = Summary(21, QUARTILES, DEC1)
    sub = reconstruct_with_subset(s, 20, 6.7, 1, 1, (0.3, 60), np.random.default_rng(5), qtype=7)
    assert sub.outcome.status == "met"
    values = np.asarray(sub.sample.values())
    assert _meets(values, s, 7) and len(sub.kept) == 20
    assert matches_printed(float(quantile(values[np.asarray(sub.kept) - 1], 0.5, 7)), 6.7, 1)


def test_subset_median_above_the_full_q3_is_infeasible_with_the_bound():
    # flagship haemoglobin: Table 1 7.8 [7.2-7.9] (n = 21) vs Table 3 Day 0 median 8.9 (n = 20)
    s = Summary(21, {"q1": 7.2, "median": 7.8, "q3": 7.9}, DEC1)
    sub = reconstruct_with_subset(s, 20, 8.9, 1, 1, (4, 16), np.random.default_rng(5), qtype=7)
    assert sub.outcome.status == "infeasible" and "[7.45, 7.9]" in sub.outcome.reason
    assert _meets(sub.sample.values(), s, 7)  # the full-sample summary is still met


def _signed_rank(u0, u7):
    d = np.round(np.asarray(u7, float) / 10 - np.asarray(u0, float) / 10, 6)
    return wilcoxon_signed_rank(d, decimals=6).p_value


@pytest.mark.parametrize("printed", ["0.011", "<0.001", "1.000", "0.417"])
def test_paired_p_is_reached_when_attainable_and_medians_stay(printed):
    rng = np.random.default_rng(11)
    s0 = Summary(15, {"median": 100.0}, {"median": 1})
    s7 = Summary(15, {"median": 40.0}, {"median": 1})
    d0 = reconstruct_sample(s0, 1, (5, 400), rng, qtype=7)
    d7 = reconstruct_sample(s7, 1, (5, 400), rng, qtype=7)
    order = rng.permutation(15)
    found = search_paired_p(
        d0.units,
        [d7.units[i] for i in order],
        d0.free,
        [d7.free[i] for i in order],
        _signed_rank,
        printed,
        rng,
        iterations=20_000,
    )
    assert found.outcome.status == "met", found.outcome.reason
    assert printed_match_rules(_signed_rank(found.day0, found.day7), printed, ("half_up",))
    assert float(quantile(np.asarray(found.day0) / 10, 0.5, 7)) == 100.0
    assert float(quantile(np.asarray(found.day7) / 10, 0.5, 7)) == 40.0


def test_p_below_the_smallest_exact_signed_rank_p_is_infeasible():
    assert min_signed_rank_p(5) == Fraction(1, 16)
    recipe = {
        "seed": 1,
        "labs": [
            {
                "parameter": "x",
                "unit": "u",
                "decimals": 1,
                "bounds": [0, 50],
                "summary": {"n": 6, "q1": 5.0, "median": 10.0, "q3": 20.0},
                "day0": {"n": 5, "median": 10.0},
                "day7": {"n": 5, "median": 4.0},
                "p": {"p": 0.01, "decimals": 2},
            }
        ],
    }
    record = generate(recipe, [str(i) for i in range(1, 7)]).calibration
    p_row = [t for t in record["targets"] if t["key"] == "p"][0]
    assert p_row["status"] == "infeasible" and "2/2^5" in p_row["reason"] and not p_row["met"]


def test_mcnemar_table_found_when_attainable_and_proved_absent_otherwise():
    def exact(b, c):
        return mcnemar_from_discordant(b, c, "exact").p_value

    # 10 pairs, 8 positive then 2: tables a = 0..2; a = 1 gives b = 7, c = 1, p = 0.0703
    table, p, out = paired_binary_table(10, 8, 2, "0.070", exact)
    assert out.status == "met" and table == (1, 7, 1, 1) and round(p, 3) == 0.070
    # flagship Table 3 fever: 16/18 vs 3/18, printed 0.021 -- no table gives it
    table, p, out = paired_binary_table(18, 16, 3, "0.021", exact)
    assert out.status == "infeasible" and table == (1, 15, 2, 0) and round(p, 5) == 0.00235
