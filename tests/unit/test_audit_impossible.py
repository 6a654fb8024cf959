"""The audit refuses the impossible (issue 21, deliverable 4).

Two layers: each pure check of :mod:`retrocohort.audit.checks.impossible` on numbers with a known
answer (and a property test: summaries of real samples are never called impossible), and the
whole data-free audit on a published-numbers file, where before this change "25/21 (119%)" was
reproduced, p = 1.7 and a mean with n = 0 passed, and a negative SD was refused at load with a
false reason ("not visible in printed").
"""

import math
import statistics
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_audit_report import _data

from retrocohort.audit.published import PublishedNumber, PublishedStudy, load_study
from retrocohort.audit.report.study_audit import audit_one_study


def _entry(id, statistic, values, decimals=None, **kw):
    return PublishedNumber(
        id=id,
        where="Table 1",
        printed=f"printed {id}",
        statistic=statistic,
        values=values,
        decimals=decimals or {k: 0 for k in values},
        variable=id,
        **kw,
    )


def _checks(e):
    from retrocohort.audit.checks.impossible import impossible_findings

    return {(f.check, f.status) for f in impossible_findings(e)}


# --- pure checks ------------------------------------------------------------------------------


def test_percentage_over_100_or_below_0():
    from retrocohort.audit.checks.impossible import check_percentage_range

    [f] = check_percentage_range("m", 119, 0)
    assert f.status == "inconsistent" and "119% is over 100%" in f.message
    assert "below 0%" in check_percentage_range("m", -5, 0)[0].message
    assert check_percentage_range("m", 100, 0) == [] and check_percentage_range("m", 0.0, 1) == []
    assert check_percentage_range("m", 115, 0, "<") == []  # "<115%": true of every share
    assert "<0% is below 0%" in check_percentage_range("m", 0, 0, "<")[0].message
    assert ">100% is over 100%" in check_percentage_range("m", 100, 0, ">")[0].message


def test_count_over_denominator_or_negative():
    from retrocohort.audit.checks.impossible import check_count_range

    [f] = check_count_range("m", 25, 21)
    assert "25 is larger than its denominator 21" in f.message
    assert "negative" in check_count_range("m", -1, 21)[0].message
    assert check_count_range("m", 21, 21) == [] and check_count_range("m", 0, None) == []


def test_a_plain_count_is_bounded_only_by_a_stated_denominator():
    # "25 infections in 21 patients" may be true (events): not impossible, only a warning to
    # confirm (count_above_n, session audit25); "25 of a denominator of 21" is impossible
    assert _checks(_entry("infections", "count", {"count": 25}, n=21)) == {("count_above_n", "warning")}
    assert _checks(_entry("infected", "count", {"count": 25}, denominator=21)) == {
        ("impossible_count", "inconsistent")
    }
    assert ("impossible_count", "inconsistent") in _checks(
        _entry("men", "count_pct", {"count": 25, "pct": 119}, n=21)
    )


@pytest.mark.parametrize(
    ("p", "decimals", "relation", "impossible"),
    [
        (1.7, 1, "=", True),
        (-0.02, 2, "=", True),
        (0.0, 1, "<", True),  # "p < 0"
        (1, 0, ">", True),  # "p > 1"
        (1.2, 1, ">", True),
        (1.0, 2, "=", False),
        (0.0, 3, "=", False),  # "p = 0.000": a rounded small p
        (0.001, 3, "<", False),
        (0.5, 1, ">", False),
    ],
)
def test_p_outside_0_1(p, decimals, relation, impossible):
    from retrocohort.audit.checks.impossible import check_p_range

    found = check_p_range("p", p, decimals, relation)
    assert bool(found) is impossible
    if found:
        assert found[0].check == "impossible_p" and f"p {relation} " in found[0].message


def test_statistic_of_zero_patients():
    from retrocohort.audit.checks.impossible import check_zero_n

    for statistic in ("mean", "mean_sd", "median_iqr", "count_pct", "p_value", "test_result"):
        [f] = check_zero_n("x", statistic, 0)
        assert "n = 0" in f.message and "zero patients" in f.message
    assert check_zero_n("x", "count", 0) == []  # "0 of 0 patients" is a count, not a statistic
    assert check_zero_n("x", "mean", 1) == []


def test_negative_spreads_and_reversed_intervals():
    from retrocohort.audit.checks.impossible_spread import check_interval_order, check_negative_spread

    found = check_negative_spread("x", {"sd": -3.1, "se": -0.2, "iqr": 4.0}, {"sd": 1, "se": 1, "iqr": 1})
    assert [f.message for f in found] == [
        "the SD -3.1 is negative: a spread cannot be below 0",
        "the SE -0.2 is negative: a spread cannot be below 0",
    ]
    [r] = check_interval_order("x", {"min": 40, "max": 20}, {"min": 0, "max": 0})
    assert r.message == "the range is reversed: the minimum 40 is above the maximum 20"
    [c] = check_interval_order("x", {"ci_low": 4.0, "ci_high": 1.1}, {"ci_low": 1, "ci_high": 1})
    assert "confidence interval is reversed" in c.message
    # 3.25 (2 dp) and 3.2 (1 dp, any of [3.15, 3.25]) can be a true range: not flagged
    assert check_interval_order("x", {"min": 3.25, "max": 3.2}, {"min": 2, "max": 1}) == []


def test_mean_outside_range():
    from retrocohort.audit.checks.impossible_spread import check_mean_in_range

    [f] = check_mean_in_range("x", 45.0, 1, 10, 40, "the printed range 10–40")
    assert "the mean 45.0 lies outside the printed range 10–40" in f.message
    assert check_mean_in_range("x", 40.0, 1, 10, 40, "r") == []


def test_sd_upper_bound_popoviciu_and_bhatia_davis_are_sharp():
    from retrocohort.audit.checks.impossible_spread import check_sd_bounds

    # ten values in [0, 1]: five 0s and five 1s have the largest SD, 0.5 * sqrt(10/9) = 0.527
    assert statistics.stdev([0] * 5 + [1] * 5) == pytest.approx(0.5 * math.sqrt(10 / 9))
    assert check_sd_bounds("x", 0.53, 2, 10, 0, 1, "r") == []  # attained (0.527 prints as 0.53)
    [f] = check_sd_bounds("x", 0.54, 2, 10, 0, 1, "the printed range 0–1")
    assert f.check == "sd_bound" and "larger than any 10 values" in f.message
    # with the mean 0.1 (one 1 in ten): s^2 <= 10/9 * 0.9 * 0.1, s <= 0.316 (= stdev of that sample)
    assert statistics.stdev([1] + [0] * 9) == pytest.approx(math.sqrt(10 / 9 * 0.09))
    assert check_sd_bounds("x", 0.32, 2, 10, 0, 1, "r", mean=(0.1, 1)) == []
    assert check_sd_bounds("x", 0.40, 2, 10, 0, 1, "r", mean=(0.1, 1))  # fine without the mean
    assert check_sd_bounds("x", 0.40, 2, 10, 0, 1, "r") == []


def test_sd_lower_bound_when_the_range_is_attained():
    from retrocohort.audit.checks.impossible_spread import check_sd_bounds

    # three values with min 0 and max 2: the smallest SD is that of (0, 1, 2) = 1 = 2 / sqrt(2 * 2)
    assert statistics.stdev([0, 1, 2]) == 1
    assert check_sd_bounds("x", 1.0, 1, 3, 0, 2, "r", attained=(0, 2)) == []
    [f] = check_sd_bounds("x", 0.8, 1, 3, 0, 2, "the printed range 0–2", attained=(0, 2))
    assert "smaller than any 3 values" in f.message
    assert check_sd_bounds("x", 0.8, 1, 3, 0, 2, "a scale") == []  # a scale need not be hit
    [one] = check_sd_bounds("x", 2.0, 1, 1, 0, 0, "")
    assert "single value" in one.message


def test_mean_median_sd_bound():
    from retrocohort.audit.checks.impossible_spread import check_mean_median_sd

    # (0, 0, 3): mean 1, median 0, sample SD sqrt(3) = 1.73: possible
    assert check_mean_median_sd("x", (1, 0), (0, 0), (1.7, 1), 3) == []
    [f] = check_mean_median_sd("x", (10.0, 1), (2.0, 1), (3.0, 1), 20)
    assert f.check == "mean_median_sd" and "further apart than the SD" in f.message


def test_test_statistics_outside_their_support():
    from retrocohort.audit.checks.impossible import check_test_statistic_range

    [c] = check_test_statistic_range("x", "chi2", {"statistic": -2.1, "df1": 1, "p": 0.15})
    assert c.check == "impossible_statistic" and "χ² = -2.1 is negative" in c.message
    assert (
        "outside [-1, 1]" in check_test_statistic_range("x", "r", {"statistic": -1.2, "df1": 18})[0].message
    )
    assert (
        "degrees of freedom"
        in check_test_statistic_range("x", "F", {"statistic": 2, "df1": 0, "df2": 9})[0].message
    )
    assert check_test_statistic_range("x", "t", {"statistic": -2.3, "df1": 18}) == []  # t may be negative
    assert check_test_statistic_range("x", "r", {"statistic": -1.0, "df1": 18}) == []


def test_statcheck_is_not_run_on_an_impossible_statistic():
    from retrocohort.audit import audit_study

    e = _entry(
        "r",
        "test_result",
        {"statistic": 1.2, "df1": 18, "p": 0.03},
        {"statistic": 1, "df1": 0, "p": 2},
        test_family="r",
    )
    found = audit_study(PublishedStudy(source={}, numbers=(e,)))
    assert [f.check for f in found] == ["impossible_statistic"]


_SAMPLES = st.lists(st.integers(min_value=0, max_value=12), min_size=2, max_size=25)


@settings(max_examples=300, deadline=None)
@given(_SAMPLES, st.integers(min_value=0, max_value=2))
def test_summaries_of_real_samples_are_never_impossible(xs, dp):
    """No false alarm: the rounded mean, SD, median, quartile-free range of any sample pass."""
    from retrocohort.audit.checks.impossible import impossible_findings

    def r(x):
        return float(round(Fraction(x), dp))

    values = {
        "mean": r(Fraction(sum(xs), len(xs))),
        "sd": r(statistics.stdev([Fraction(x) for x in xs]) if len(set(xs)) > 1 else 0),
        "median": r(statistics.median([Fraction(x) for x in xs])),
        "min": float(min(xs)),
        "max": float(max(xs)),
    }
    decimals = {"mean": dp, "sd": dp, "median": dp, "min": 0, "max": 0}
    e = _entry("x", "mean_sd", values, decimals, n=len(xs), scale={"low": 0, "high": 12, "items": 1})
    assert impossible_findings(e) == []


# --- through the loader and the whole data-free audit (each failed before this change) --------

IMPOSSIBLE_YAML = """\
source: {citation: "Impossible numbers (test)"}
numbers:
  - {id: over_pct, where: "Table 1", printed: "25/21 (119%)", statistic: count_pct,
     values: {count: 25, pct: 119}, decimals: {count: 0, pct: 0}, variable: male, denominator: 21}
  - {id: p_big, where: "Table 1", printed: "p = 1.7", statistic: p_value, values: {p: 1.7},
     decimals: {p: 1}, variable: age, test: "t test", design: unpaired}
  - {id: mean_n0, where: "Table 1", printed: "12.6 (n = 0)", statistic: mean, values: {mean: 12.6},
     decimals: {mean: 1}, variable: weight, n: 0}
  - {id: neg_sd, where: "Table 1", printed: "12.6 ± -3.1", statistic: mean_sd,
     values: {mean: 12.6, sd: -3.1}, decimals: {mean: 1, sd: 1}, variable: bmi, n: 10}
  - {id: neg_sd_unicode, where: "Table 1", printed: "12.6 (\u22123.1)", statistic: mean_sd,
     values: {mean: 12.6, sd: -3.1}, decimals: {mean: 1, sd: 1}, variable: bmi2, n: 10}
  - {id: median_out, where: "Table 1", printed: "45 (range 10–40)", statistic: median,
     values: {median: 45, min: 10, max: 40}, decimals: {median: 0, min: 0, max: 0}, variable: alt, n: 10}
"""


@pytest.fixture
def impossible_study(tmp_path):
    path = tmp_path / "impossible.yaml"
    path.write_text(IMPOSSIBLE_YAML, encoding="utf-8")
    return load_study(path)


def test_negative_values_and_zero_n_load_instead_of_a_false_refusal(impossible_study):
    entries = impossible_study.by_id()
    assert entries["neg_sd"].values["sd"] == -3.1 and entries["neg_sd_unicode"].values["sd"] == -3.1
    assert entries["mean_n0"].n == 0


def test_printed_negative_numbers_are_visible_and_ranges_are_not_negative():
    from retrocohort.audit.published import printed_tokens

    assert "-3.1" in printed_tokens("12.6 ± -3.1") and "-3.1" in printed_tokens("12.6 (\u22123.1)")
    assert "-0.5" in printed_tokens("(-.5 to 1.2)")
    assert not {t for t in printed_tokens("21 [13-19]; 1,200-1,300") if t.startswith("-")}


def test_a_value_really_absent_from_printed_is_still_refused(tmp_path):
    from retrocohort.errors import ConfigError

    path = tmp_path / "bad.yaml"
    path.write_text(IMPOSSIBLE_YAML.replace('printed: "12.6 ± -3.1"', 'printed: "12.6 ± 3.1"'))
    with pytest.raises(ConfigError) as err:
        load_study(path)
    assert "sd=-3.1" in str(err.value.problems) and "13-19" not in str(err.value.problems)


def test_every_impossible_entry_is_an_inconsistency_and_never_reproduced(impossible_study):
    a = audit_one_study(impossible_study, "impossible.yaml", None, rule="half_up")
    rows = {r["id"]: r for r in a["rows"]}
    assert {i: r["status"] for i, r in rows.items()} == dict.fromkeys(rows, "impossible")
    bad = {(f["check"], f["entry_id"]) for f in a["consistency"] if f["status"] == "inconsistent"}
    assert {
        ("impossible_percentage", "over_pct"),
        ("impossible_count", "over_pct"),
        ("impossible_p", "p_big"),
        ("zero_n", "mean_n0"),
        ("negative_spread", "neg_sd"),
        ("negative_spread", "neg_sd_unicode"),
        ("quartile_order", "median_out"),
    } <= bad
    # impossibility comes first: 25/21 printing as 119% is no longer an "ok" percentage
    assert not [f for f in a["consistency"] if f["entry_id"] == "over_pct" and f["status"] != "inconsistent"]
    assert "impossible as printed: the percentage 119% is over 100%" in rows["over_pct"]["message"]


def test_referee_states_each_impossibility_in_words(impossible_study):
    from retrocohort.audit.report.referee import referee_json

    summary = referee_json({"imp": audit_one_study(impossible_study, "i.yaml", None, rule="half_up")})
    [study] = summary["studies"]
    sentences = {f["entries"][0]: f["sentence"] for f in study["findings"] if f["severity"] == "inconsistent"}
    assert "“25/21 (119%)”" in sentences["over_pct"]
    assert "p = 1.7 is impossible: a p-value is a probability between 0 and 1" in sentences["p_big"]
    assert "n = 0" in sentences["mean_n0"]
    assert "the SD -3.1 is negative" in sentences["neg_sd"]
    assert "a median outside its own printed range" in sentences["median_out"]
    assert study["counts"]["inconsistent"] >= 7


def test_impossible_even_when_the_data_regenerate_the_same_value():
    # the data's median of 1..7 is 4, as printed; but it is printed for n = 0
    study = PublishedStudy(source={}, numbers=(_entry("duration", "median", {"median": 4}, n=0),))
    before = audit_one_study(
        PublishedStudy(source={}, numbers=(_entry("duration", "median", {"median": 4}),)),
        "p.yaml",
        _data([1.0, 2, 3, 4, 5, 6, 7]),
        rule="half_up",
    )
    assert before["rows"][0]["status"] == "reproduced"  # the same value, possible: reproduced
    a = audit_one_study(study, "p.yaml", _data([1.0, 2, 3, 4, 5, 6, 7]), rule="half_up")
    [row] = a["rows"]
    assert row["status"] == "impossible" and "zero patients" in row["message"]
    assert "prints as published" in row["message"]  # what the data gave is kept, as context
    assert a["status_counts"]["reproduced"] == 0 and a["status_counts"]["impossible"] == 1


def test_an_impossible_row_the_real_data_also_disagree_with_stays_evidence():
    from retrocohort.audit.report.referee import referee_json

    # printed median 5 for n = 0; the real data's median of 1..7 is 4
    study = PublishedStudy(source={}, numbers=(_entry("duration", "median", {"median": 5}, n=0),))
    a = audit_one_study(study, "p.yaml", _data([1.0, 2, 3, 4, 5, 6, 7]), rule="half_up")
    [row] = a["rows"]
    assert (row["status"], row["data_status"], row["data"]) == ("impossible", "not_reproduced", "real")
    [s] = referee_json({"p": a})["studies"]
    assert {f["severity"] for f in s["findings"]} == {"inconsistent", "not_reproduced"}
