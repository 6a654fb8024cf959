"""Reading a clinician's one-row-per-patient HScore sheet: columns, units, located errors."""

from pathlib import Path

import numpy as np
import pytest

from retrocohort.errors import InputError
from retrocohort.hscore.sheet import read_hscore_sheet, score_sheet, study_limits
from retrocohort.hscore.sheet_columns import ACCEPTED_COLUMNS, normalise_header

DATA = Path(__file__).resolve().parents[1] / "data" / "cli"
HEADER = (
    "patient_id,immunosuppression,temperature [°C],hepatomegaly,splenomegaly,"
    "hemoglobin [g/dL],leukocytes [G/L],platelets [G/L],ferritin [µg/L],"
    "triglycerides [mmol/L],fibrinogen [g/L],ast [U/L],hemophagocytosis\n"
)


def _sheet(tmp_path, text, name="s.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_canonical_fixture_scores_and_edges():
    scored = score_sheet(read_hscore_sheet(DATA / "hscore_canonical.csv"))
    assert scored["hscore"].tolist() == [337.0, 0.0, 218.0]
    # P3 sits on every band edge: 38.4 °C, Hb 9.2, WBC 5.0, PLT 110, ferritin 2000, TG 1.5,
    # fibrinogen 2.5, AST 30 all score the band named with the edge.
    p3 = scored.loc["P3"]
    assert [
        p3[f"{i}_points"]
        for i in ("temperature", "cytopenias", "ferritin", "triglycerides", "fibrinogen", "ast")
    ] == [33, 34, 35, 44, 30, 19]
    assert scored.loc["P1", "disagrees"] == False  # noqa: E712 - pandas BooleanArray scalar


def test_units_in_header_and_unit_column_are_converted():
    sheet = read_hscore_sheet(DATA / "hscore_units.csv")
    c = sheet.canonical
    assert c.loc["U1", "temperature_max"] == pytest.approx(39.5)  # 103.1 °F
    assert c.loc["U2", "temperature_max"] == pytest.approx(38.0)  # 100.4 °F
    assert c.loc["U1", "hemoglobin"] == pytest.approx(8.5)  # 85 g/L (hb_unit column)
    assert c.loc["U2", "hemoglobin"] == pytest.approx(9.2)  # 9.2 g/dL (same column)
    assert c.loc["U1", "leukocytes"] == pytest.approx(3.0)  # 3000 /mm3
    assert c.loc["U1", "triglycerides"] == pytest.approx(400 / 88.57)  # mg/dL, 885.7 g/mol
    assert c.loc["U1", "fibrinogen"] == pytest.approx(1.5)  # 150 mg/dL
    assert (c.loc["U1", ["hepatomegaly", "splenomegaly"]] == 1).all()  # organomegaly: both
    assert sheet.ignored == ["comment"] and sheet.absent == []
    assert sheet.units.loc["U1", "hemoglobin"] == "g/L"
    assert score_sheet(sheet)["hscore"].tolist() == [319.0, 34.0]


def test_same_patient_in_other_units_scores_the_same(tmp_path):
    si = _sheet(tmp_path, HEADER + "A,no,38.9,yes,no,8.1,4.0,150,4000,2.2,2.0,45,yes\n", "si.csv")
    us = _sheet(
        tmp_path,
        "patient,immunodepression,tmax [degF],organomegaly,hb [g/L],"
        "wbc [/mm3],plt [/uL],ferritin [ng/mL],tg [mg/dL],fibrinogen [mg/dL],"
        "asat [IU/L],haemophagocytosis\n"
        "A,N,102.02,hepatomegaly,81,4000,150000,4000,194.854,200,45,Y\n",
        "us.csv",
    )
    a, b = score_sheet(read_hscore_sheet(si)), score_sheet(read_hscore_sheet(us))
    points = [c for c in a.columns if c.endswith("_points")] + ["hscore"]
    assert a[points].equals(b[points])
    assert a.loc["A", "hscore"] == 33 + 23 + 24 + 35 + 44 + 30 + 19 + 35


def test_missing_values_give_bounds():
    scored = score_sheet(read_hscore_sheet(DATA / "hscore_missing.csv"))
    m1, m2 = scored.loc["M1"], scored.loc["M2"]
    assert (m1["hscore_min"], m1["hscore_max"], m1["items_observed"]) == (213, 337, 5)
    assert m1["cutoff_status"] == "reached" and np.isnan(m1["hlh_probability"])
    assert (m2["hscore_min"], m2["hscore_max"], m2["cutoff_status"]) == (0, 35, "unreachable")
    assert m2["cytopenias_points"] == 0  # platelets missing but only one other lineage could count


def test_absent_item_column_counts_as_missing(tmp_path):
    path = _sheet(tmp_path, "id,ferritin [µg/L]\nA,7000\n")
    sheet = read_hscore_sheet(path)
    assert "hemophagocytosis" in sheet.absent and "ferritin" not in sheet.absent
    scored = score_sheet(sheet)
    assert (scored.loc["A", "hscore_min"], scored.loc["A", "hscore_max"]) == (50, 337)


def test_organomegaly_yes_is_one_or_both(tmp_path):
    sheet = read_hscore_sheet(_sheet(tmp_path, "id,organomegaly\nA,yes\nB,1\nC,None\n"))
    scored = score_sheet(sheet)
    assert scored.loc["A", ["hscore_min", "hscore_max"]].tolist() == [23, 337]
    assert scored.loc["B", "organomegaly_points"] == 23
    assert scored.loc["C", "organomegaly_points"] == 0


@pytest.mark.parametrize(
    "text, row, column, value",
    [
        ("id,ferritin [ng/ml]\nA,7000\n", 1, "ferritin [ng/ml]", "ng/ml"),  # unknown unit
        ("id,ferritin,ferritin_unit\nA,7000,µg/L\nB,9,mcg/L\n", 3, "ferritin_unit", "mcg/L"),
        ("id,ferritin [mmol/L]\nA,7\n", 1, "ferritin [mmol/L]", "mmol/L"),  # no molar mass
        ("id,ferritin\nA,7000\n", 1, "ferritin", None),  # no unit
        ("id,hepatomegaly\nA,maybe\n", 2, "hepatomegaly", "maybe"),
        ("id,ast [U/L]\nA,1 200\n", 2, "ast [U/L]", "1 200"),
        ("id,ast [U/L]\nA,12\nA,14\n", 2, "id", "A"),  # and row 3
        ("id,temperature [mmol/L]\nA,39\n", 1, "temperature [mmol/L]", "mmol/L"),
    ],
)
def test_located_errors(tmp_path, text, row, column, value):
    path = _sheet(tmp_path, text)
    with pytest.raises(InputError) as exc:
        read_hscore_sheet(path)
    problem = exc.value.problems[0]
    assert (problem.file, problem.row, problem.column) == (str(path), row, column)
    if value is not None:
        assert problem.value == value
    assert problem.expected


def test_all_problems_reported_at_once(tmp_path):
    path = _sheet(tmp_path, "id,ast [U/L],hb,hb_unit\nA,x,8,g/dl\nB,12,,\n,3,9,g/dL\n")
    with pytest.raises(InputError) as exc:
        read_hscore_sheet(path)
    where = sorted((p.row, p.column) for p in exc.value.problems)
    assert where == [(2, "ast [U/L]"), (2, "hb_unit"), (4, "id")]


def test_no_id_column_and_conflicting_columns(tmp_path):
    with pytest.raises(InputError, match="No patient id column"):
        read_hscore_sheet(_sheet(tmp_path, "name,ast [U/L]\nA,12\n"))
    with pytest.raises(InputError) as exc:
        read_hscore_sheet(
            _sheet(tmp_path, "id,organomegaly,hepatomegaly,AST [U/L],asat [U/L]\nA,none,no,1,2\n")
        )
    messages = " ".join(p.message for p in exc.value.problems)
    assert "organomegaly column and hepatomegaly" in messages and "given twice" in messages


def test_accepted_columns_cover_every_hscore_input():
    from retrocohort.hscore.items import INPUTS

    assert {c.variable for c in ACCEPTED_COLUMNS if c.variable} >= set(INPUTS)
    assert normalise_header("  White-Blood  Cells ") == "white_blood_cells"


def test_study_limits_from_the_flagship_config(root):
    import yaml

    ranges, masses = study_limits(yaml.safe_load((root / "config/config.yaml").read_text()))
    assert ranges["temperature_max"] == (30, 45) and ranges["hemoglobin"] == (1, 25)
    assert masses == {"hemoglobin": "16114 g/mol", "triglycerides": "885.7 g/mol"}
    assert "age" not in ranges  # only HScore inputs


def test_plausible_range_rejects_and_locates(tmp_path):
    path = _sheet(tmp_path, "id,hb,hb_unit\nA,8,g/dL\nB,85,g/dL\nC,85,g/L\n")
    with pytest.raises(InputError) as exc:
        read_hscore_sheet(path, plausible_ranges={"hemoglobin": (1, 25)})
    (problem,) = exc.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "hb", "85 g/dL")
