"""Group comparisons: Fisher / Mann-Whitney rows against scipy and brute force, group handling."""

import itertools

import numpy as np
import pandas as pd
import pytest
from loaded_sections import items, statistics
from scipy import stats

from retrocohort.analysis.groups import group_assignment, group_key, group_statistics
from retrocohort.errors import ConfigError

VARIABLES = {
    "duration": {"kind": "continuous", "label": "Duration"},
    "efficacy": {"kind": "binary", "label": "Efficacy"},
    "rheum": {"kind": "binary", "label": "Rheumatic"},
    "status": {"kind": "categorical", "categories": ["alive", "deceased"]},
    "site": {"kind": "text"},
}
DERIVED = {"first_line": {"first_line": {"agent": "ANA"}}}


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "duration": [13.0, 67, 13, 20, 5, 90, np.nan, 180, 660, 5, 14, 21],
            "efficacy": pd.array(
                [True, True, False, True, True, True, True, True, True, False, True, None], dtype="boolean"
            ),
            "rheum": pd.array(
                [False, False, False, False, False, False, True, True, True, False, True, None],
                dtype="boolean",
            ),
            "first_line": pd.array(
                [True, False, False, False, True, False, False, True, False, True, False, True],
                dtype="boolean",
            ),
            "status": ["alive"] * 12,
            "site": ["a", "b", "c"] * 4,
        }
    )


def _stats(comparisons, frame=None, stats_cfg=None, synthetic=frozenset()):
    return group_statistics(
        _frame() if frame is None else frame,
        items("groups", comparisons),
        VARIABLES,
        DERIVED,
        statistics(stats_cfg),
        set(synthetic),
    )


DURATION = {
    "id": "dur",
    "outcome": "duration",
    "group_variable": "rheum",
    "groups": {"True": "Rheumatic", "False": "Other"},
}
EFFICACY = {
    "id": "eff",
    "outcome": "efficacy",
    "group_variable": "first_line",
    "groups": {"True": "First line", "False": "Later line"},
}


def test_group_key_spells_values_as_config_does():
    assert [group_key(v) for v in (True, np.bool_(False), 1.0, 2, "x", None, np.nan, pd.NA)] == [
        "True",
        "False",
        "1",
        "2",
        "x",
        None,
        None,
        None,
    ]


def test_group_assignment_with_and_without_labels():
    keys, order = group_assignment(pd.Series([1.0, 2.0, 3.0, np.nan]), {"2": "two", "1": "one"})
    assert order == [("2", "two"), ("1", "one")] and keys.tolist() == ["1", "2", None, None]
    keys, order = group_assignment(pd.Series(["b", "a", None]), None)
    assert order == [("a", "a"), ("b", "b")] and keys.tolist() == ["b", "a", None]


def test_fisher_row_equals_scipy_and_counts_are_per_group():
    out = _stats([EFFICACY])
    summary = out[out["role"] == "summary"].set_index("group")
    # first line: patients 1,5,8,10,12 -> efficacy T,T,T,F,NA ; later: 2,3,4,6,7,9,11 -> T,F,T,T,T,T,T
    assert summary.loc["First line", ["n_group", "count", "denominator", "missing"]].tolist() == [5, 3, 4, 1]
    assert summary.loc["Later line", ["n_group", "count", "denominator"]].tolist() == [7, 6, 7]
    test = out[out["role"] == "test"].iloc[0]
    table = [[3, 1], [6, 1]]
    assert test["test"] == "Fisher exact" and test["n"] == 11
    assert test["p_value"] == pytest.approx(stats.fisher_exact(table)[0 + 1])
    assert test["statistic"] == pytest.approx(
        stats.contingency.odds_ratio(table, kind="conditional").statistic
    )
    assert test["details"]["table"] == table and "minimum-likelihood" in test["method"]


def test_mann_whitney_exact_with_ties_equals_enumeration_of_group_labels():
    out = _stats([DURATION])
    test = out[out["role"] == "test"].iloc[0]
    frame = _frame()
    keep = frame["rheum"].notna() & frame["duration"].notna()
    values = frame.loc[keep, "duration"].to_numpy()
    is_rheum = frame.loc[keep, "rheum"].to_numpy(dtype=bool)
    ranks = stats.rankdata(values)
    n1 = int(is_rheum.sum())
    observed = ranks[is_rheum].sum()
    sums = np.array([ranks[list(c)].sum() for c in itertools.combinations(range(values.size), n1)])
    expected = min(1.0, 2 * min((sums <= observed + 1e-9).mean(), (sums >= observed - 1e-9).mean()))
    assert test["p_value"] == pytest.approx(expected, rel=1e-12)
    assert test["statistic"] == observed - n1 * (n1 + 1) / 2
    assert "exact conditional null" in test["method"] and "exact with ties" in test["method"]
    assert test["details"]["n_excluded_group"] == 1 and test["details"]["n_missing_outcome"] == 1


def test_mann_whitney_falls_back_to_the_normal_approximation_and_says_so():
    rng = np.random.default_rng(5)
    n = 60
    frame = pd.DataFrame(
        {
            "duration": np.round(rng.exponential(20, n)),
            "rheum": pd.array(rng.random(n) < 0.5, dtype="boolean"),
        }
    )
    out = _stats([{**DURATION, "exact_max_n": 10}], frame=frame)
    test = out[out["role"] == "test"].iloc[0]
    x = frame.loc[frame["rheum"].to_numpy(bool), "duration"]
    y = frame.loc[~frame["rheum"].to_numpy(bool), "duration"]
    ref = stats.mannwhitneyu(x, y, method="asymptotic", use_continuity=True)
    assert test["p_value"] == pytest.approx(ref.pvalue, rel=1e-10)
    assert "normal approximation" in test["method"] and "with continuity correction" in test["method"]


def test_summaries_use_the_configured_quantile_type():
    out = _stats([DURATION], stats_cfg={"quantile_type": 6})
    other = out[(out["role"] == "summary") & (out["group"] == "Other")].iloc[0]
    values = _frame().loc[_frame()["rheum"].eq(False).fillna(False).to_numpy(), "duration"].dropna()
    assert [other["q1"], other["median"], other["q3"]] == pytest.approx(
        np.quantile(values, [0.25, 0.5, 0.75], method="weibull")
    )
    assert other["quantile_type"] == 6 and "type 6" in other["quantile_method"]


def test_p_formatted_and_synthetic_flag():
    out = _stats(
        [DURATION], stats_cfg={"p_value": {"decimals": 2, "threshold": 0.01}}, synthetic={"duration"}
    )
    test = out[out["role"] == "test"].iloc[0]
    assert test["synthetic"] and test["p_formatted"] == f"{test['p_value']:.2f}"


def test_group_without_values_gives_a_not_computed_row():
    spec = {**DURATION, "groups": {"True": "Rheumatic", "maybe": "Unknown"}}
    out = _stats([spec])
    test = out[out["role"] == "test"].iloc[0]
    assert np.isnan(test["p_value"]) and test["method"].startswith("not computed")
    single = _stats([{**DURATION, "groups": None}], frame=_frame().assign(rheum=True))
    assert "not computed: 1 groups" in single.loc[single["role"] == "test", "method"].iloc[0]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"id": "x", "outcome": "status", "group_variable": "rheum"}, "kind 'categorical'"),
        ({"id": "x", "outcome": "nope", "group_variable": "rheum"}, "not available"),
    ],
)
def test_bad_outcomes_raise_a_located_config_error(spec, message):
    with pytest.raises(ConfigError) as err:
        _stats([spec])
    assert message in str(err.value) and "groups/0/" in str(err.value)


def test_duplicate_ids_raise():
    with pytest.raises(ConfigError, match="Duplicate id"):
        _stats([DURATION, DURATION])


def test_printed_p_follows_the_study_settings():
    from retrocohort.format.pvalues import p_value_format, printed_p

    default = p_value_format(statistics())
    assert [printed_p(p, default) for p in (0.0004, 0.0015, 0.0125, np.nan)] == [
        "<0.001",
        "0.002",
        "0.013",
        "—",
    ]
    even = p_value_format(
        statistics({"rounding": "half_even", "p_value": {"decimals": 2, "threshold": 0.01}})
    )
    assert [printed_p(p, even) for p in (0.005, 0.125)] == ["<0.01", "0.12"]


# R: wilcox.test(c(180, 660, 14), c(13, 67, 13, 20, 5, 90, 5)) (ties: normal approximation with
# continuity correction) -> W = 18, p = R_GROUP_P; retrocohort's exact null with ties differs
R_GROUP_P = 0.1084484216957909


def test_mann_whitney_r_preset_reachable_from_config():
    frame = _frame()
    comparison = {**DURATION}
    r = _stats([comparison], frame=frame, stats_cfg={"wilcoxon": {"preset": "R"}})
    mine = _stats([comparison], frame=frame, stats_cfg={"mann_whitney": {"preset": "retrocohort"}})
    r_test, mine_test = (t[t["role"] == "test"].iloc[0] for t in (r, mine))
    x = frame.loc[frame["rheum"].eq(True).fillna(False), "duration"].dropna()
    y = frame.loc[frame["rheum"].eq(False).fillna(False), "duration"].dropna()
    assert r_test["p_value"] == pytest.approx(R_GROUP_P, rel=1e-12), (x.tolist(), y.tolist())
    assert "normal approximation" in r_test["method"] and "exact" in mine_test["method"]
    assert mine_test["p_value"] != pytest.approx(R_GROUP_P, rel=1e-3)
