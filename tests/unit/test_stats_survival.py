"""Kaplan-Meier, median survival and log-rank on hand-checkable data."""

import numpy as np
import pytest
from scipy import stats

from retrocohort.stats.survival import first_time_below_half, kaplan_meier, logrank, median_survival

TIME = [1, 2, 2, 3, 4, 5, 6, 7]
EVENT = [1, 1, 0, 1, 0, 1, 1, 0]
Z = stats.norm.ppf(0.975)


def test_kaplan_meier_by_hand():
    km = kaplan_meier(TIME, EVENT)
    assert km["time"].tolist() == [1, 2, 3, 5, 6]
    assert km["n_at_risk"].tolist() == [8, 7, 5, 3, 2]
    assert km["n_events"].tolist() == [1] * 5
    np.testing.assert_allclose(km["survival"], [7 / 8, 3 / 4, 3 / 5, 2 / 5, 1 / 5])
    greenwood = np.cumsum([1 / (8 * 7), 1 / (7 * 6), 1 / (5 * 4), 1 / (3 * 2), 1 / (2 * 1)])
    np.testing.assert_allclose(km["std_err"], km["survival"] * np.sqrt(greenwood))
    s = km["survival"].to_numpy()
    c = Z * np.sqrt(greenwood) / np.abs(np.log(s))
    np.testing.assert_allclose(km["ci_low"], s ** np.exp(c))
    np.testing.assert_allclose(km["ci_high"], s ** np.exp(-c))
    log = kaplan_meier(TIME, EVENT, ci_type="log")
    np.testing.assert_allclose(log["ci_low"], s * np.exp(-Z * np.sqrt(greenwood)))
    assert (log["ci_high"] <= 1).all()
    plain = kaplan_meier(TIME, EVENT, conf_level=0.9, ci_type="plain")
    expected = np.maximum(0, s - stats.norm.ppf(0.95) * km["std_err"])
    np.testing.assert_allclose(plain["ci_low"], expected)


def test_kaplan_meier_ci_undefined_at_zero_survival_and_drops_missing():
    km = kaplan_meier([1, 2, 3, np.nan], [1, 1, 1, 1])
    assert km["survival"].iloc[-1] == 0 and np.isnan(km[["ci_low", "ci_high"]].iloc[-1]).all()
    assert km["n_at_risk"].iloc[0] == 3


def test_median_survival_default_is_survfit_and_limits_where_the_band_reaches_half():
    med = median_survival(TIME, EVENT)
    assert med.median == 5.0 and med.n == 8
    km = kaplan_meier(TIME, EVENT)
    times = km["time"].to_numpy()
    assert med.ci_low == times[km["ci_low"].to_numpy() <= 0.5][0]
    reached = km["ci_high"].to_numpy() <= 0.5
    assert med.ci_high == times[reached][0] if reached.any() else np.isnan(med.ci_high)
    assert np.isnan(median_survival([1, 2, 3], [1, 0, 0]).median)  # S never below 1/2


def test_logrank_by_hand():
    # A: events at 1, 3; B: events at 2, 4. O_A - E_A = 2 - 4/3, V = 1/4 + 2/9 + 1/4 = 13/18
    res = logrank([1, 3, 2, 4], [1, 1, 1, 1], ["A", "A", "B", "B"])
    assert res.statistic == pytest.approx(8 / 13)
    assert res.p_value == pytest.approx(stats.chi2.sf(8 / 13, 1))
    assert res.details["df"] == 1 and res.details["groups"] == ["A", "B"]


def test_logrank_p_below_double_epsilon_is_kept_not_zero():
    # 60 early events in A, 60 late in B: chi-square ~ 100, p ~ 1e-23 (R pchisq(lower = FALSE));
    # 1 - cdf would store 0, which values.json and the full-precision CSV then carry
    t = np.r_[np.arange(1, 61), np.arange(101, 161)]
    res = logrank(t, np.ones(120), ["A"] * 60 + ["B"] * 60)
    assert 0 < res.p_value < 1e-16
    assert res.p_value == pytest.approx(stats.chi2.sf(res.statistic, 1), rel=1e-12)


def test_logrank_drops_incomplete_rows():
    res = logrank([1, 3, 2, 4, 5, np.nan], [1, 1, 1, 1, 0, 1], ["A", "A", "B", "B", None, "A"])
    assert res.n == 6 and res.n_used == 4 and res.details["n_missing"] == 2
    assert res.statistic == pytest.approx(8 / 13)


@pytest.mark.parametrize(
    "call",
    [
        lambda: kaplan_meier([1, -2], [1, 1]),
        lambda: kaplan_meier([1, 2], [1, 2]),
        lambda: kaplan_meier([1, 2], [1]),
        lambda: kaplan_meier([1, 2], [1, 1], ci_type="arcsine"),
        lambda: kaplan_meier([1, 2], [1, 1], conf_level=95),
        lambda: median_survival([np.nan], [1]),
        lambda: logrank([1, 2], [1, 1], ["A", "A"]),
        lambda: logrank([1, 2], [1, 1], ["A"]),
    ],
)
def test_invalid_input_raises(call):
    with pytest.raises(ValueError):
        call()


# --- median CI under R's survfit rule (the default), following ci_type ----------------------------------
# Reference values printed by R 4.2.2 / survival 3.5-3: summary(survfit(Surv(t, e) ~ 1,
# conf.type = ct))$table[c("median", "0.95LCL", "0.95UCL")] (tests/r_oracle recomputes them).
R_MEDIAN_CASES = [
    ("exact half", [1, 2, 3, 4], [1, 1, 1, 1], "log-log", (2.5, 1.0, np.nan)),
    ("never reached", [1, 2, 3, 4, 5, 6, 7, 8], [1, 0, 0, 0, 0, 0, 0, 0], "log-log", (np.nan, 1.0, np.nan)),
    ("never reached", [1, 2, 3, 4, 5, 6, 7, 8], [1, 0, 0, 0, 0, 0, 0, 0], "log", (np.nan, np.nan, np.nan)),
    (
        "ties",
        [1, 1, 2, 2, 3, 3, 3, 4, 5, 6, 6, 7],
        [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0],
        "log-log",
        (4.0, 1.0, 6.0),
    ),
    (
        "ties",
        [1, 1, 2, 2, 3, 3, 3, 4, 5, 6, 6, 7],
        [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0],
        "log",
        (4.0, 3.0, np.nan),
    ),
    (
        "ties",
        [1, 1, 2, 2, 3, 3, 3, 4, 5, 6, 6, 7],
        [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0],
        "plain",
        (4.0, 3.0, 6.0),
    ),
]


@pytest.mark.parametrize(("label", "time", "event", "ci_type", "expected"), R_MEDIAN_CASES)
def test_median_ci_follows_ci_type_as_r_survfit(label, time, event, ci_type, expected):
    res = median_survival(time, event, ci_type=ci_type)  # the default is survfit's rule
    np.testing.assert_array_equal((res.median, res.ci_low, res.ci_high), expected)
    assert ci_type in res.method and "survfit" in res.method


def test_first_below_half_option_and_old_names_refused():
    # R: summary(survfit(Surv(1:4, rep(1, 4)) ~ 1))$table -> median 2.5, 0.95LCL 1, 0.95UCL NA;
    # the former default printed (3, 1, 4): a finite upper limit where R says not reached
    t, e = [1, 2, 3, 4], [1, 1, 1, 1]
    default = median_survival(t, e)
    np.testing.assert_array_equal((default.median, default.ci_low, default.ci_high), (2.5, 1.0, np.nan))
    first = median_survival(t, e, convention="first_below_half")
    np.testing.assert_array_equal((first.median, first.ci_low, first.ci_high), (3.0, 1.0, np.nan))
    assert "Collett" in first.method and "survfit" in default.method
    for old in ("R", "retrocohort", "SAS"):
        with pytest.raises(ValueError, match="convention"):
            median_survival(t, e, convention=old)


def test_median_rules_agree_unless_the_curve_sits_at_exactly_half():
    t, e = [1, 1, 2, 2, 3, 3, 3, 4, 5, 6, 6, 7], [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0]
    a, b = median_survival(t, e), median_survival(t, e, convention="first_below_half")
    assert (a.median, a.ci_low) == (b.median, b.ci_low) == (4.0, 1.0)


def test_first_time_below_half_rule():
    times = np.array([1.0, 2.0, 3.0, 4.0])
    assert first_time_below_half(times, np.array([0.8, 0.5, 0.5, 0.2])) == 3.0  # (2 + 4) / 2
    assert first_time_below_half(times, np.array([0.8, 0.5, 0.5, 0.5])) == 2.0  # no later drop
    assert np.isnan(first_time_below_half(times, np.array([0.9, np.nan, 0.7, 0.6])))
