"""Table 3 statistics: per-parameter rows, too-few-pairs handling, direct scipy comparison."""

import numpy as np
import pandas as pd
import pytest
from loaded_sections import filled, statistics
from scipy import stats

from retrocohort.analysis.paired import NOT_COMPUTED, as_time_points, compare_parameter
from retrocohort.analysis.paired_study import paired_study_statistics
from retrocohort.tables.build import build_table3

VARIABLES = {
    "crp": {"kind": "continuous", "label": "CRP"},
    "fever": {"kind": "binary"},
    "ldh": {"kind": "continuous"},
}
CONFIG = {
    "study": {"synthetic_note": "Synthetic."},
    "statistics": {"rounding": "half_up"},
    "paired_days": [0, 7],
    "tables": {"table3": {"parameters": [{"variable": "crp"}, {"variable": "fever"}, {"variable": "ldh"}]}},
}


def _compare(variable, kind, pairs, stats_cfg):
    """:func:`compare_parameter` under a loaded study's ``statistics`` (schema defaults filled)."""
    return compare_parameter(variable, kind, pairs, statistics(stats_cfg))


def _table3(measurements, parameters, variables, points, stats_cfg, synthetic):
    """:func:`paired_study_statistics` of every patient under a loaded study's ``statistics``
    (schema defaults filled)."""
    study = {"variables": variables, "statistics": statistics(stats_cfg)}
    ids = measurements["patient_id"].unique()
    return paired_study_statistics(measurements, ids, parameters, study, as_time_points(points), synthetic)[0]


def _long(values: dict[str, list[tuple[int, int, float]]]) -> pd.DataFrame:
    rows = [(pid, var, day, v) for var, triples in values.items() for pid, day, v in triples]
    return pd.DataFrame(rows, columns=["patient_id", "variable", "day", "value"])


def _pairs(before, after) -> pd.DataFrame:
    return pd.DataFrame({"before": np.asarray(before, float), "after": np.asarray(after, float)})


@pytest.mark.parametrize("n", [0, 1])
@pytest.mark.parametrize("kind", ["continuous", "binary"])
def test_fewer_than_two_pairs_gives_a_stated_row_instead_of_raising(n, kind):
    rows = _compare("x", kind, _pairs([1.0] * n, [0.0] * n), {"extra_tests": ["sign", "paired_t"]})
    main = rows[0]
    assert main["role"] == "main" and main["n_pairs"] == n and main["n_used"] == 0
    assert main["method"] == NOT_COMPUTED == "not computed: fewer than 2 pairs"
    assert np.isnan(main["p_value"]) and np.isnan(main["statistic"])
    assert len(rows) == (1 if kind == "binary" else 3)
    assert all(r["method"] == NOT_COMPUTED for r in rows)


def test_table3_with_a_parameter_without_pairs_renders():
    meas = _long(
        {
            "crp": [(i, d, 10.0 * i + (5 - i) * (d == 7)) for i in range(1, 9) for d in (0, 7)],
            "fever": [(1, 0, 1.0), (2, 7, 0.0)],  # no patient has both days
            "ldh": [(1, 0, 300.0), (1, 7, 200.0)],  # one pair
        }
    )
    t3 = _table3(meas, CONFIG["tables"]["table3"]["parameters"], VARIABLES, (0, 7), {}, set())
    main = t3[t3["role"] == "main"].set_index("variable")
    assert main.loc["fever", "n_pairs"] == 0 and main.loc["ldh", "n_pairs"] == 1
    assert main.loc["crp", "n_pairs"] == 8 and main.loc["crp", "test"] == "Wilcoxon signed-rank"
    table = build_table3(t3, filled(CONFIG))
    cells = {r.cells[0]: r.cells for r in table.rows}
    assert cells["fever (n = 0)"][1:3] == ["—", "—"]
    assert cells["ldh (n = 1)"][3].startswith("—")
    assert any(NOT_COMPUTED in f for f in table.footnotes)


def test_continuous_row_matches_scipy_and_reports_effect_sizes():
    rng = np.random.default_rng(3)
    before = np.round(rng.normal(100, 20, 30), 1)
    after = np.round(before - rng.normal(8, 10, 30), 1)
    row = _compare(
        "crp",
        "continuous",
        _pairs(before, after),
        {"wilcoxon": {"preset": "retrocohort", "method": "asymptotic"}},
    )[0]
    d = np.round(after - before, 6)
    ref = stats.wilcoxon(d, zero_method="wilcox", correction=False, method="asymptotic")
    assert row["p_value"] == pytest.approx(ref.pvalue, rel=1e-9)
    assert row["day0_median"] == pytest.approx(np.median(before))
    assert row["hl_ci_low"] <= row["hl_estimate"] <= row["hl_ci_high"]
    assert -1 <= row["rank_biserial"] <= 1


def test_all_zero_differences_do_not_raise():
    row = _compare("crp", "continuous", _pairs([5, 6, 7], [5, 6, 7]), {})[0]
    assert row["n_pairs"] == 3 and row["hl_estimate"] == 0 and np.isnan(row["rank_biserial"])


def test_binary_row_is_mcnemar_exact_with_counts():
    before = [1, 1, 1, 1, 0, 0, 1, 0]
    after = [0, 0, 0, 1, 0, 0, 0, 1]
    row = _compare("fever", "binary", _pairs(before, after), {})[0]
    # b = 4 (yes -> no), c = 1: p = 2 * P(Bin(5, 1/2) <= 1) = 0.375
    assert row["test"] == "McNemar" and row["p_value"] == pytest.approx(0.375)
    assert row["day0_count"] == 5 and row["day7_count"] == 2


def test_paired_frames_equal_a_pivot_and_reject_duplicates():
    rng = np.random.default_rng(8)
    rows = [
        (str(p), v, d, float(rng.integers(0, 50)))
        for p in range(1, 40)
        for v in ("crp", "ldh")
        for d in (0, 3, 7)
        if rng.random() < 0.8
    ]
    meas = pd.DataFrame(rows, columns=["patient_id", "variable", "day", "value"])
    meas.loc[meas.index[::9], "value"] = np.nan
    from retrocohort.analysis.paired import paired_frames

    got = paired_frames(meas, ["crp", "ldh", "absent"], (0, 7))
    for name in ("crp", "ldh"):
        wide = meas[meas["variable"] == name].pivot(index="patient_id", columns="day", values="value")
        expected = wide[[0, 7]].dropna().sort_index()
        np.testing.assert_array_equal(got[name]["before"], expected[0])
        np.testing.assert_array_equal(got[name]["after"], expected[7])
        assert got[name].index.tolist() == expected.index.tolist()
    assert got["absent"].empty
    from retrocohort.errors import InputError

    with pytest.raises(InputError, match="patient 1, day 0"):
        paired_frames(
            pd.concat([meas, meas[(meas["patient_id"] == "1") & (meas["day"] == 0)]]), ["crp", "ldh"], (0, 7)
        )


@pytest.mark.parametrize("zero_method", ["wilcox", "pratt"])
def test_rank_biserial_from_the_test_statistic_equals_direct_computation(zero_method):
    from retrocohort.stats.hodges_lehmann import rank_biserial_paired

    before = np.array([3, 5, 5, 8, 9, 9, 12, 14, 20, 21], float)
    after = np.array([1, 5, 6, 5, 7, 11, 12, 9, 15, 22], float)
    row = _compare("x", "continuous", _pairs(before, after), {"wilcoxon": {"zero_method": zero_method}})[0]
    assert row["rank_biserial"] == pytest.approx(rank_biserial_paired(after - before), abs=1e-12)


def test_table3_summary_statistic_is_configurable():
    meas = _long(
        {
            "crp": [(i, d, float(i * (1 if d == 0 else 2))) for i in (1, 2, 6) for d in (0, 7)],
            "fever": [],
            "ldh": [],
        }
    )
    t3 = _table3(meas, [{"variable": "crp"}], VARIABLES, (0, 7), {}, set())
    config = {**CONFIG, "tables": {"table3": {"parameters": [{"variable": "crp"}], "summary": "mean"}}}
    assert build_table3(t3, filled(config)).rows[0].cells[1:3] == ["3.0", "6.0"]  # medians would be 2.0, 4.0
    config["tables"]["table3"]["summary"] = "median"
    assert build_table3(t3, filled(config)).rows[0].cells[1:3] == ["2.0", "4.0"]


def test_pairs_file_round_trip_gives_the_pairs_each_row_was_computed_from(tmp_path):
    """paired_tests writes the pairs it tested; the slope figure reads them back unchanged."""
    from retrocohort.analysis.paired import paired_frames, pairs_from_table, pairs_table
    from retrocohort.io.tabular import read_parquet, write_parquet

    long = _long(
        {
            "crp": [("1", 0, 10.0), ("1", 7, 5.0), ("2", 0, 8.0), ("10", 0, 9.0), ("10", 7, 2.0)],
            "ldh": [("2", 0, 300.0), ("2", 7, 250.0)],
        }
    )
    pairs = paired_frames(long, ["crp", "fever", "ldh"], (0, 7))
    table = pairs_table(pairs)
    assert list(table.columns) == ["parameter", "patient_id", "before", "after"]
    assert table["parameter"].astype(str).tolist() == ["crp", "crp", "ldh"]  # patient 2 has no Day 7 CRP
    write_parquet(table, tmp_path / "pairs.parquet")
    back = pairs_from_table(read_parquet(tmp_path / "pairs.parquet"), ["crp", "fever", "ldh"])
    for name, frame in pairs.items():
        np.testing.assert_array_equal(back[name], frame[["before", "after"]].to_numpy())
    assert back["fever"].shape == (0, 2)
    twice = pairs_from_table(table, ["ldh", "crp", "ldh"])  # a parameter listed twice keeps its data
    np.testing.assert_array_equal(twice["ldh"], [[300.0, 250.0]])
    np.testing.assert_array_equal(twice["crp"], [[10.0, 5.0], [9.0, 2.0]])


def _pivot_pairs(long: pd.DataFrame, variable: str, days=(0, 7)) -> pd.DataFrame:
    """The pivot-based pairing the synthetic calibration and the audit used before they called
    paired_frame (kept here as the reference it must reproduce)."""
    wide = long[long["variable"] == variable].pivot(index="patient_id", columns="day", values="value")
    both = wide.reindex(columns=list(days)).dropna()
    return both.rename(columns={days[0]: "before", days[1]: "after"})


def test_paired_frame_reproduces_the_replaced_pairings_on_the_synthetic_flagship():
    from pathlib import Path

    from retrocohort.analysis.paired import paired_frame, paired_frames

    root = Path(__file__).resolve().parents[2]
    raw = pd.read_csv(root / "data/raw/baverez2022/synthetic_measurements.csv", dtype={"patient": str})
    long = raw.rename(columns={"patient": "patient_id", "parameter": "variable"})
    names = sorted(long["variable"].unique())
    assert len(names) >= 3
    together = paired_frames(long, names, (0, 7))
    for name in names:
        got = paired_frame(long, name, (0, 7))
        pd.testing.assert_frame_equal(got, together[name])
        expected = _pivot_pairs(long, name)
        assert got.index.tolist() == expected.index.tolist()
        np.testing.assert_array_equal(got[["before", "after"]].to_numpy(), expected.to_numpy())
    assert any(len(together[n]) for n in names)


# R 4.2: x <- c(1.1, 2.2, 3.3, 0.7, 5.5, 4.4, 2.0, 3.0, 6.1, 0.3)
#        y <- c(1.0, 2.1, 3.2, 0.6, 5.0, 4.0, 2.5, 3.1, 5.3, 0.2)
#        r <- wilcox.test(y, x, paired = TRUE, conf.int = TRUE)   # raw float differences
#        -> V = 13.5, p = 0.16714365968935108, estimate -0.1000388217164174,
#           CI (-0.44998800826246799, 0.09996340367055899)
#        suppressWarnings(wilcox.test(round(y - x, 6)))           # rounded: V = 12, p = 0.11735160138956553
RAW_X = [1.1, 2.2, 3.3, 0.7, 5.5, 4.4, 2.0, 3.0, 6.1, 0.3]
RAW_Y = [1.0, 2.1, 3.2, 0.6, 5.0, 4.0, 2.5, 3.1, 5.3, 0.2]


def test_r_preset_ranks_raw_differences_as_wilcox_test():
    row = _compare("crp", "continuous", _pairs(RAW_X, RAW_Y), {"wilcoxon": {"preset": "R"}})[0]
    assert row["statistic"] == 13.5
    assert row["p_value"] == pytest.approx(0.16714365968935108, rel=1e-12)
    assert (row["hl_estimate"], row["hl_ci_low"], row["hl_ci_high"]) == pytest.approx(
        (-0.1000388217164174, -0.44998800826246799, 0.09996340367055899), rel=1e-3
    )  # R's uniroot(tol = 1e-4) roots
    assert "raw floating-point" in row["method"]


def test_rounded_differences_stay_available_under_the_r_preset():
    settings = {"wilcoxon": {"preset": "R", "differences": "rounded"}, "decimals_for_tests": 6}
    row = _compare("crp", "continuous", _pairs(RAW_X, RAW_Y), settings)[0]
    assert row["statistic"] == 12.0
    assert row["p_value"] == pytest.approx(0.11735160138956553, rel=1e-12)
    assert "raw floating-point" not in row["method"]
