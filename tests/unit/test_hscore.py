"""HScore (Fardet 2014): band edges, units, missing data and bounds, properties, windows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from retrocohort.errors import ConfigError, InputError
from retrocohort.hscore.items import HSCORE_ITEMS, MAX_TOTAL, WORST_DIRECTION, items_frame
from retrocohort.hscore.probability import hlh_probability
from retrocohort.hscore.score import score_frame_with_units, score_hscore, worst_in_window

#: A complete patient scoring 0 on every item.
NORMAL = {
    "immunodepression": False,
    "temperature_max": 37.0,
    "hepatomegaly": False,
    "splenomegaly": False,
    "hemoglobin": 14.0,
    "leukocytes": 8.0,
    "platelets": 250.0,
    "ferritin": 100.0,
    "triglycerides": 1.0,
    "fibrinogen": 4.0,
    "ast": 20.0,
    "hemophagocytosis_marrow": False,
}
#: A complete patient scoring the maximum on every item.
WORST = {
    "immunodepression": True,
    "temperature_max": 40.0,
    "hepatomegaly": True,
    "splenomegaly": True,
    "hemoglobin": 7.0,
    "leukocytes": 1.0,
    "platelets": 20.0,
    "ferritin": 20000.0,
    "triglycerides": 6.0,
    "fibrinogen": 1.0,
    "ast": 300.0,
    "hemophagocytosis_marrow": True,
}


def frame(*patients: dict, **overrides) -> pd.DataFrame:
    rows = [{**NORMAL, **p, **overrides} for p in (patients or ({},))]
    return pd.DataFrame(rows, index=pd.Index([f"p{i}" for i in range(len(rows))], name="patient_id"))


def test_item_table_totals() -> None:
    assert MAX_TOTAL == 337
    assert [it.name for it in HSCORE_ITEMS] == [
        "immunosuppression",
        "temperature",
        "organomegaly",
        "cytopenias",
        "ferritin",
        "triglycerides",
        "fibrinogen",
        "ast",
        "hemophagocytosis",
    ]
    assert score_hscore(frame())["hscore"].iloc[0] == 0
    assert score_hscore(frame(WORST))["hscore"].iloc[0] == 337
    assert len(items_frame()) == 9


def test_worst_direction_from_table() -> None:
    assert WORST_DIRECTION == {
        "temperature_max": "higher",
        "hemoglobin": "lower",
        "leukocytes": "lower",
        "platelets": "lower",
        "ferritin": "higher",
        "triglycerides": "higher",
        "fibrinogen": "lower",
        "ast": "higher",
    }


EDGES = [
    ("temperature_max", "temperature", [(38.39, 0), (38.4, 33), (39.0, 33), (39.4, 33), (39.41, 49)]),
    ("ferritin", "ferritin", [(1999.9, 0), (2000, 35), (6000, 35), (6000.1, 50)]),
    ("triglycerides", "triglycerides", [(1.49, 0), (1.5, 44), (4.0, 44), (4.01, 64)]),
    ("fibrinogen", "fibrinogen", [(2.5, 30), (2.51, 0)]),
    ("ast", "ast", [(29.9, 0), (30.0, 19)]),
]


@pytest.mark.parametrize("variable,item,cases", EDGES, ids=[e[0] for e in EDGES])
def test_band_edges(variable: str, item: str, cases: list[tuple[float, int]]) -> None:
    out = score_hscore(frame(*({variable: v} for v, _ in cases)))
    assert out[f"{item}_points"].tolist() == [p for _, p in cases]
    assert out["hscore"].tolist() == [p for _, p in cases]


@pytest.mark.parametrize(
    "variable,edge,above", [("hemoglobin", 9.2, 9.21), ("leukocytes", 5.0, 5.01), ("platelets", 110.0, 110.1)]
)
def test_cytopenia_edges(variable: str, edge: float, above: float) -> None:
    # Two other lineages fixed low so each lineage moves the count between 2 and 3.
    others = {v: WORST[v] for v in ("hemoglobin", "leukocytes", "platelets") if v != variable}
    out = score_hscore(frame({**others, variable: edge}, {**others, variable: above}))
    assert out["cytopenias_points"].tolist() == [34, 24]


@pytest.mark.parametrize("n_low,points", [(0, 0), (1, 0), (2, 24), (3, 34)])
def test_cytopenia_count(n_low: int, points: int) -> None:
    low = dict(list({v: WORST[v] for v in ("hemoglobin", "leukocytes", "platelets")}.items())[:n_low])
    assert score_hscore(frame(low))["cytopenias_points"].iloc[0] == points


@pytest.mark.parametrize(
    "hep,spl,points", [(False, False, 0), (True, False, 23), (False, True, 23), (True, True, 38)]
)
def test_organomegaly(hep: bool, spl: bool, points: int) -> None:
    out = score_hscore(frame({"hepatomegaly": hep, "splenomegaly": spl}))
    assert out["organomegaly_points"].iloc[0] == points


@pytest.mark.parametrize(
    "variable,item,points",
    [("immunodepression", "immunosuppression", 18), ("hemophagocytosis_marrow", "hemophagocytosis", 35)],
)
def test_flags(variable: str, item: str, points: int) -> None:
    out = score_hscore(frame({variable: True}, {variable: 1}, {variable: 0.0}))
    assert out[f"{item}_points"].tolist() == [points, points, 0]


# --- units -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "column,unit,values,item,points,molar",
    [
        (
            "triglycerides",
            "mg/dL",
            [1.49 * 88.57, 1.5 * 88.57, 4 * 88.57, 4.01 * 88.57],
            "triglycerides",
            [0, 44, 44, 64],
            "885.7 g/mol",
        ),
        ("fibrinogen", "mg/dL", [250.0, 251.0], "fibrinogen", [30, 0], None),
        ("fibrinogen", "g/L", [2.5, 2.51], "fibrinogen", [30, 0], None),
        ("temperature_max", "°F", [101.1, 101.12, 102.92, 102.94], "temperature", [0, 33, 33, 49], None),
        ("ferritin", "ng/mL", [1999.9, 2000, 6000, 6000.1], "ferritin", [0, 35, 35, 50], None),
        ("platelets", "/mm3", [110_000, 110_100], "cytopenias", [24, 0], None),
    ],
)
def test_units(
    column: str, unit: str, values: list[float], item: str, points: list[int], molar: str | None
) -> None:
    other_low = {"leukocytes": 1.0} if column == "platelets" else {}  # 2nd cytopenic lineage
    df = frame(*({column: v, **other_low} for v in values))
    out = score_frame_with_units(df, {column: unit}, molar_masses={column: molar} if molar else None)
    assert out[f"{item}_points"].tolist() == points


@pytest.mark.parametrize(
    "unit,scale,molar", [("g/L", 10.0, None), ("mmol/L", 1 / 1.6114, "16114 g/mol"), ("g/dL", 1.0, None)]
)
def test_hemoglobin_units(unit: str, scale: float, molar: str | None) -> None:
    # 9.2 g/dL expressed in the unit (92 g/L is 9.200000000000001 g/dL in floating point).
    df = frame(
        {"hemoglobin": 9.2 * scale, "leukocytes": 1.0}, {"hemoglobin": 9.21 * scale, "leukocytes": 1.0}
    )
    out = score_frame_with_units(
        df, {"hemoglobin": unit}, molar_masses={"hemoglobin": molar} if molar else None
    )
    assert out["cytopenias_points"].tolist() == [24, 0]
    assert out["hemoglobin"].iloc[0] == pytest.approx(9.2)


def test_units_with_renamed_columns_and_flags() -> None:
    df = frame({"triglycerides": 400.0}).rename(columns={"triglycerides": "tg"})
    out = score_frame_with_units(
        df,
        {"tg": "mg/dL", "hepatomegaly": "boolean"},
        columns={"triglycerides": "tg"},
        molar_masses={"tg": "885.7 g/mol"},
    )
    assert out["triglycerides"].iloc[0] == pytest.approx(400 / 88.57)
    assert out["triglycerides_points"].iloc[0] == 64


def test_unit_errors() -> None:
    with pytest.raises(InputError, match="Cannot convert"):
        score_frame_with_units(frame(), {"triglycerides": "mg/dL"})  # molar mass missing
    with pytest.raises(InputError, match="Unknown unit"):
        score_frame_with_units(frame(), {"ferritin": "ng/ml"})
    with pytest.raises(ConfigError, match="not in the table"):
        score_frame_with_units(frame(), {"trigs": "mg/dL"})
    with pytest.raises(ConfigError, match="yes/no"):
        score_frame_with_units(frame(), {"hepatomegaly": "%"})
    with pytest.raises(InputError, match="Cannot convert"):
        score_frame_with_units(frame(), {"hepatomegaly": "g/L"})


# --- column mapping and input errors --------------------------------------------------------


def test_column_override() -> None:
    df = frame({"temperature_max": 40.0, "hemoglobin": 8.0}).rename(
        columns={"temperature_max": "tmax", "hemoglobin": "hb"}
    )
    out = score_hscore(df, columns={"temperature": "tmax", "hemoglobin": "hb"})
    assert out["temperature_points"].iloc[0] == 49
    assert out["temperature_max"].iloc[0] == 40.0  # output uses canonical names


def test_mapping_and_input_errors() -> None:
    with pytest.raises(ConfigError, match="column mapping") as err:
        score_hscore(frame(), columns={"tempmax": "t"})
    assert "tempmax" in str(err.value)
    with pytest.raises(InputError, match="missing") as err:
        score_hscore(frame().drop(columns="ast"))
    assert "'ast'" in str(err.value)
    bad = frame().astype({"ferritin": object})
    bad.loc["p0", "ferritin"] = "high"
    with pytest.raises(InputError, match="ferritin") as err:
        score_hscore(bad)
    assert "p0" in str(err.value) and "high" in str(err.value)
    with pytest.raises(InputError, match="hepatomegaly"):
        score_hscore(frame(hepatomegaly=2))
    with pytest.raises(ConfigError, match="cut-off"):
        score_hscore(frame(), operator="=>")  # type: ignore[arg-type]


# --- missing data and bounds ----------------------------------------------------------------


def test_missing_items_and_bounds() -> None:
    out = score_hscore(frame({"ferritin": np.nan, "hepatomegaly": True, "splenomegaly": None}))
    row = out.iloc[0]
    assert np.isnan(row["ferritin_points"]) and np.isnan(row["organomegaly_points"])
    assert row["hscore"] == 0 and row["hscore_min"] == 23 and row["hscore_max"] == 23 + 15 + 50
    assert row["items_observed"] == 7 and row["completeness"] == pytest.approx(7 / 9)
    assert not row["complete"] and np.isnan(row["hlh_probability"])


@pytest.mark.parametrize(
    "lineages,expected",
    [
        # (Hb, leukocytes, platelets) with NaN missing -> (points, min, max)
        ((np.nan, 8.0, 250.0), (0.0, 0, 0)),  # two normal: count <= 1 whatever Hb is
        ((np.nan, 1.0, 250.0), (np.nan, 0, 24)),  # one low, one unknown
        ((np.nan, 1.0, 20.0), (np.nan, 24, 34)),  # two low, one unknown
        ((np.nan, np.nan, 20.0), (np.nan, 0, 34)),
        ((np.nan, np.nan, np.nan), (np.nan, 0, 34)),
        ((7.0, 1.0, 20.0), (34.0, 34, 34)),
    ],
)
def test_cytopenia_missing_lineages(lineages: tuple[float, ...], expected: tuple[float, int, int]) -> None:
    hb, wbc, plt = lineages
    row = score_hscore(frame({"hemoglobin": hb, "leukocytes": wbc, "platelets": plt})).iloc[0]
    points, lo, hi = expected
    assert np.isnan(row["cytopenias_points"]) if np.isnan(points) else row["cytopenias_points"] == points
    assert (row["hscore_min"], row["hscore_max"]) == (lo, hi)
    assert row["complete"] == (lo == hi)


#: Observed items worth exactly 169: temperature 33 + organomegaly 38 + cytopenias 34 + TG 64.
AT_169 = {
    "temperature_max": 39.0,
    "hepatomegaly": True,
    "splenomegaly": True,
    "hemoglobin": 7.0,
    "leukocytes": 1.0,
    "platelets": 20.0,
    "triglycerides": 6.0,
}


@pytest.mark.parametrize(
    "operator,patient,bounds,status",
    [
        (">", {**AT_169, "ast": np.nan}, (169, 188), "reachable"),  # AST adds 0 or 19
        (">=", {**AT_169, "ast": np.nan}, (169, 188), "reached"),
        (">", AT_169, (169, 169), "unreachable"),  # complete, exactly 169
        (">=", AT_169, (169, 169), "reached"),
        (">", {**AT_169, "ast": 30.0}, (188, 188), "reached"),
        (">", {**AT_169, "triglycerides": 1.0, "splenomegaly": None}, (90, 105), "unreachable"),
        (">", {"ferritin": np.nan, "triglycerides": np.nan}, (0, 114), "unreachable"),
        (
            ">=",
            {
                "ferritin": np.nan,
                "triglycerides": np.nan,
                "temperature_max": np.nan,
                "splenomegaly": None,
                "hepatomegaly": None,
            },
            (0, 201),
            "reachable",
        ),
        (">=", {**AT_169, "temperature_max": np.nan}, (136, 185), "reachable"),
    ],
)
def test_cutoff_status(operator: str, patient: dict, bounds: tuple[int, int], status: str) -> None:
    out = score_hscore(frame(patient), cutoff=169, operator=operator)  # type: ignore[arg-type]
    assert (out["hscore_min"].iloc[0], out["hscore_max"].iloc[0]) == bounds
    assert out["cutoff_status"].iloc[0] == status
    assert out.attrs["cutoff_rule"] == f"hscore {operator} 169"


def test_reported_score() -> None:
    df = frame(
        {"immunodepression": True},
        {"immunodepression": True},
        {"immunodepression": True, "ferritin": np.nan},
        {"immunodepression": True, "ferritin": np.nan},
        {"immunodepression": True},
    )
    df["hscore_reported"] = [18, 20, 50, 69, np.nan]
    out = score_hscore(df)
    assert out["hscore_difference"].tolist()[:2] == [0.0, -2.0]
    assert np.isnan(out["hscore_difference"].iloc[2])  # partial: no difference
    assert out["disagrees"].tolist()[:4] == [False, True, False, True]  # 69 > max 68
    assert out["disagrees"].isna().tolist() == [False, False, False, False, True]


def test_probability_only_when_complete() -> None:
    out = score_hscore(frame(WORST, {**WORST, "ast": np.nan}))
    assert out["hlh_probability"].iloc[0] == pytest.approx(float(hlh_probability(337)))
    assert np.isnan(out["hlh_probability"].iloc[1])


def test_empty_frame() -> None:
    out = score_hscore(frame().iloc[:0])
    assert len(out) == 0 and "hscore" in out.columns


# --- properties ------------------------------------------------------------------------------

LAB_RANGES = {
    "temperature_max": (35.0, 42.0),
    "hemoglobin": (4.0, 17.0),
    "leukocytes": (0.0, 30.0),
    "platelets": (0.0, 600.0),
    "ferritin": (0.0, 50000.0),
    "triglycerides": (0.0, 15.0),
    "fibrinogen": (0.0, 10.0),
    "ast": (0.0, 2000.0),
}
FLAGS = ("immunodepression", "hepatomegaly", "splenomegaly", "hemophagocytosis_marrow")
# Include values exactly on the band edges: they are the likeliest to break properties.
EDGE_VALUES = {
    "temperature_max": [38.4, 39.4],
    "hemoglobin": [9.2],
    "leukocytes": [5.0],
    "platelets": [110.0],
    "ferritin": [2000.0, 6000.0],
    "triglycerides": [1.5, 4.0],
    "fibrinogen": [2.5],
    "ast": [30.0],
}


def lab(variable: str, allow_nan: bool) -> st.SearchStrategy[float]:
    lo, hi = LAB_RANGES[variable]
    values = st.floats(lo, hi, allow_nan=False) | st.sampled_from(EDGE_VALUES[variable])
    return values | st.just(np.nan) if allow_nan else values


def patients(allow_nan: bool) -> st.SearchStrategy[pd.DataFrame]:
    flag = st.sampled_from([True, False, None] if allow_nan else [True, False])
    row = st.fixed_dictionaries({**{v: lab(v, allow_nan) for v in LAB_RANGES}, **{f: flag for f in FLAGS}})
    return st.lists(row, min_size=1, max_size=30).map(
        lambda rows: pd.DataFrame(rows).astype({f: "boolean" for f in FLAGS})
    )


POINTS = [f"{it.name}_points" for it in HSCORE_ITEMS]


@settings(max_examples=200, deadline=None)
@given(patients(allow_nan=True))
def test_property_totals_and_bounds(df: pd.DataFrame) -> None:
    out = score_hscore(df)
    np.testing.assert_array_equal(out["hscore"], out[POINTS].sum(axis=1, skipna=True))
    assert ((out["hscore"] >= 0) & (out["hscore"] <= MAX_TOTAL)).all()
    assert (out["hscore_min"] <= out["hscore_max"]).all()
    assert (out["hscore_max"] <= MAX_TOTAL).all() and (out["hscore_min"] >= 0).all()
    assert (out["hscore"] <= out["hscore_min"]).all()  # observed part is a lower bound
    complete = out["complete"]
    assert (out.loc[complete, "hscore"] == out.loc[complete, "hscore_min"]).all()
    assert (out.loc[complete, "hscore_max"] == out.loc[complete, "hscore_min"]).all()
    assert (out["items_observed"] == out[POINTS].notna().sum(axis=1)).all()
    assert ((out["cutoff_status"] == "reached") == (out["hscore_min"] > 169)).all()


@settings(max_examples=100, deadline=None)
@given(patients(allow_nan=True), st.data())
def test_property_filling_missing_stays_within_bounds(df: pd.DataFrame, data) -> None:
    """Any completion of the missing inputs scores within [hscore_min, hscore_max]."""
    filled = df.copy()
    for v in LAB_RANGES:
        fill = data.draw(hnp.arrays(np.float64, len(df), elements=lab(v, allow_nan=False)))
        filled[v] = filled[v].fillna(pd.Series(fill, index=df.index))
    for f in FLAGS:
        filled[f] = filled[f].fillna(data.draw(st.booleans()))
    partial, full = score_hscore(df), score_hscore(filled)
    assert full["complete"].all()
    assert ((full["hscore"] >= partial["hscore_min"]) & (full["hscore"] <= partial["hscore_max"])).all()


@settings(max_examples=100, deadline=None)
@given(patients(allow_nan=False), st.sampled_from(list(LAB_RANGES)), st.floats(0.0, 1000.0))
def test_property_monotone_in_worse_direction(df: pd.DataFrame, variable: str, step: float) -> None:
    worse = df.copy()
    sign = 1.0 if WORST_DIRECTION[variable] == "higher" else -1.0
    worse[variable] = worse[variable] + sign * step
    assert (score_hscore(worse)["hscore"] >= score_hscore(df)["hscore"]).all()


# --- worst value in a window ----------------------------------------------------------------


def test_worst_in_window() -> None:
    m = pd.DataFrame(
        {
            "patient_id": ["a", "a", "a", "a", "a", "b", "b", "c"],
            "day": [-1, 0, 2, 3, 0, 1, 1, 10],
            "variable": [
                "ferritin",
                "ferritin",
                "ferritin",
                "ferritin",
                "platelets",
                "platelets",
                "crp",
                "ferritin",
            ],
            "value": [9000.0, 1000.0, 5000.0, 20000.0, 80.0, 40.0, 300.0, 7000.0],
        }
    )
    out = worst_in_window(m, day_window=(0, 2))
    assert out.loc["a", "ferritin"] == 5000.0  # -1 and 3 are outside 0..2
    assert out.loc["a", "platelets"] == 80.0
    assert out.loc["b", "platelets"] == 40.0 and np.isnan(out.loc["b", "ferritin"])
    assert out.loc["c"].isna().all()  # only out-of-window values
    assert "crp" not in out.columns and list(out.columns) == list(WORST_DIRECTION)


def test_worst_in_window_direction() -> None:
    m = pd.DataFrame(
        {
            "patient_id": ["a"] * 4,
            "day": [0, 1, 1, 2],
            "variable": ["hemoglobin", "hemoglobin", "ast", "ast"],
            "value": [9.0, 7.5, 40.0, 90.0],
        }
    )
    out = worst_in_window(m, day_window=(0, 2))
    assert (out.loc["a", "hemoglobin"], out.loc["a", "ast"]) == (7.5, 90.0)
    custom = worst_in_window(m, {"hemoglobin": "higher"}, day_window=(1, 1))
    assert list(custom.columns) == ["hemoglobin"] and custom.loc["a", "hemoglobin"] == 7.5
    with pytest.raises(ConfigError, match="direction"):
        worst_in_window(m, {"hemoglobin": "worst"})
    with pytest.raises(InputError, match="lacks"):
        worst_in_window(m.drop(columns="day"))
