"""Time points: the selection of one value per patient and variable in a visit window."""

import numpy as np
import pandas as pd
import pytest
from loaded_sections import source as loaded_source

from retrocohort.analysis.paired import paired_frames
from retrocohort.analysis.time_points import select_time_point, time_point_pairs, time_point_values
from retrocohort.config.time_points import TimePoint, exact_day
from retrocohort.errors import ConfigError, InputError


def _long(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["patient_id", "variable", "day", "value"])


# patient a: days -3 and +3 tie for "closest to 0"; b: one value at -1 (and one outside)
MEAS = _long(
    [
        ("a", "crp", -3, 10.0),
        ("a", "crp", 3, 30.0),
        ("a", "crp", 2, np.nan),  # a missing value is never chosen
        ("b", "crp", -1, 5.0),
        ("b", "crp", 40, 99.0),
        ("c", "crp", 50, 7.0),  # nothing in the window: c is missing
        ("a", "ldh", 0, 300.0),
    ]
)


def _pick(rule: str, tie: str = "earlier", worst: dict | None = None, window=(-5, 5)) -> dict:
    point = TimePoint("t", 0, window, rule, tie)
    got = select_time_point(MEAS, ["crp"], point, worst)
    return {p: (v, d) for p, v, d in zip(got["patient_id"], got["value"], got["day"], strict=True)}


@pytest.mark.parametrize(
    "rule, tie, expected_a",
    [
        ("closest", "earlier", (10.0, -3)),
        ("closest", "later", (30.0, 3)),
        ("closest", "mean", (20.0, -3)),
        ("first", "later", (10.0, -3)),  # no tie under first/last: tie does not matter
        ("last", "earlier", (30.0, 3)),
    ],
)
def test_rules_and_ties_pick_the_documented_value_and_report_its_day(rule, tie, expected_a):
    got = _pick(rule, tie)
    assert got["a"] == expected_a
    assert got["b"] == (5.0, -1)
    assert "c" not in got  # no value in the window: missing, not a value from outside


def test_mean_tie_counts_the_values_it_averaged():
    got = select_time_point(MEAS, ["crp"], TimePoint("t", 0, (-5, 5), "closest", "mean"))
    assert got.set_index("patient_id")["n_tied"].to_dict() == {"a": 2, "b": 1}


def test_worst_follows_the_variable_direction():
    assert _pick("worst", worst={"crp": "max"})["a"] == (30.0, 3)
    assert _pick("worst", worst={"crp": "min"})["a"] == (10.0, -3)


def test_worst_ties_use_the_tie_rule():
    meas = _long([("a", "x", 1, 5.0), ("a", "x", 4, 5.0), ("a", "x", 2, 1.0)])
    for tie, day in (("earlier", 1), ("later", 4)):
        got = select_time_point(meas, ["x"], TimePoint("t", 0, (0, 9), "worst", tie), {"x": "max"})
        assert got["day"].tolist() == [day] and got["value"].tolist() == [5.0]


def test_worst_without_a_direction_is_a_config_error_naming_the_key():
    with pytest.raises(ConfigError) as err:
        _pick("worst", worst={})
    assert "time_points/t/rule" in str(err.value) and "variables/crp" in str(err.value)


def test_window_edges_are_inclusive():
    assert _pick("closest", window=(-3, -3)) == {"a": (10.0, -3)}
    assert _pick("last", window=(-3, 3))["a"] == (30.0, 3)
    assert _pick("first", window=(-2, 3))["a"] == (30.0, 3)  # -3 just outside
    assert _pick("closest", window=(41, 49)) == {}


def test_pairs_keep_both_days_and_only_complete_patients():
    points = (TimePoint("baseline", 0, (-5, 0)), TimePoint("year1", 40, (30, 60), "closest"))
    pairs = time_point_pairs(MEAS, ["crp", "ldh"], points)
    crp = pairs["crp"]
    assert crp.index.tolist() == ["b"]  # a has no value in [30, 60]; c none in [-5, 0]
    assert crp.loc["b"].tolist() == [5.0, 99.0, -1.0, 40.0]
    assert list(crp.columns) == ["before", "after", "before_day", "after_day"]
    assert pairs["ldh"].empty


def test_values_at_three_points_complete_cases():
    meas = _long(
        [(p, "x", d, float(i + d)) for i, p in enumerate("abc") for d in (0, 10, 20) if (p, d) != ("c", 20)]
    )
    points = [exact_day(0), TimePoint("m", 10, (5, 15)), TimePoint("e", 20, (18, 22))]
    got = time_point_values(meas, ["x"], points)["x"]
    assert got.index.tolist() == ["a", "b"]
    assert got[["v0", "v1", "v2"]].to_numpy().tolist() == [[0.0, 10.0, 20.0], [1.0, 11.0, 21.0]]
    assert len(time_point_values(meas, ["x"], points, complete=False)["x"]) == 3


def test_exact_day_points_reproduce_the_paired_days():
    rng = np.random.default_rng(3)
    rows = [
        (str(p), v, d, float(rng.integers(0, 9))) for p in range(30) for v in ("x", "y") for d in (0, 3, 7)
    ]
    meas = _long([r for r in rows if rng.random() < 0.8])
    pairs = time_point_pairs(meas, ["x", "y"], (exact_day(0), exact_day(7)))
    for name, frame in paired_frames(meas, ["x", "y"], (0, 7)).items():
        pd.testing.assert_frame_equal(frame, pairs[name][["before", "after"]])
        assert (pairs[name]["before_day"] == 0).all() and (pairs[name]["after_day"] == 7).all()


def test_a_repeated_day_is_refused_with_patient_and_day():
    meas = pd.concat([MEAS, MEAS.iloc[[0]]])
    with pytest.raises(InputError, match="patient a, day -3"):
        select_time_point(meas, ["crp"], TimePoint("t", 0, (-5, 5)))
    with pytest.raises(InputError, match="patient a, day -3"):
        time_point_pairs(meas, ["crp"], (exact_day(-3), exact_day(3)))


def test_ingestion_refuses_days_outside_the_study_day_range():
    from retrocohort.ingest.measurements import DAY_RANGE, ingest_measurement_source

    assert DAY_RANGE == (-365, 3650)  # the schema default of day_range
    raw = pd.DataFrame(
        {"id": ["1", "1", "2"], "day": ["0", "400", "-40"], "var": ["crp"] * 3, "val": ["5", "6", "7"]}
    )
    source = loaded_source(
        {
            "table": "measurements",
            "id_column": "id",
            "day_column": "day",
            "variable_column": "var",
            "value_column": "val",
        }
    )
    variables = {"crp": {"kind": "continuous", "table": "measurements", "unit": "1"}}
    _, default = ingest_measurement_source(raw, source, variables, "labs.csv", ["", "NA"])
    assert not [p for p in default if "day" in p.message]
    _, narrow = ingest_measurement_source(
        raw, source, variables, "labs.csv", ["", "NA"], day_range=(-30, 365)
    )
    [outside] = [p for p in narrow if p.message == "day outside the study window"]
    assert (outside.count, outside.examples) == (2, ("row 3 '400'", "row 4 '-40'"))
    assert (
        outside.expected == "an integer day within [-30, 365] relative to diagnosis (config key `day_range`)"
    )


def test_repeated_keys_pack_any_day_range():
    from retrocohort.ingest.measurements import repeated_keys

    patient = np.array([0, 0, 0, 1])
    day = np.array([-5000, 9000, -5000, 9000])  # beyond the default range: no clipping collision
    variable = np.array([0, 0, 0, 0])
    assert repeated_keys(patient, day, variable).tolist() == [True, False, True, False]
