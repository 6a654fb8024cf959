"""Ingestion: raw text -> canonical tables, with located errors for bad cells."""

import pandas as pd
import pytest
from loaded_sections import filled

from retrocohort.errors import InputError
from retrocohort.ingest.sources import ingest_site, parse_numbers, parse_treatment_lines
from retrocohort.io.raw import read_raw_table

VARIABLES = {
    "age": {"kind": "continuous", "table": "patients", "unit": "years", "range": [0, 120]},
    "sex": {"kind": "categorical", "table": "patients", "categories": ["male", "female"]},
    "ferritin": {"kind": "continuous", "table": "measurements", "unit": "µg/L"},
    "triglycerides": {
        "kind": "continuous",
        "table": "measurements",
        "unit": "mmol/L",
        "molar_mass": "885.7 g/mol",
    },
}


def _config(tmp_path, patients_csv, labs_csv):
    (tmp_path / "p.csv").write_text(patients_csv, encoding="utf-8")
    (tmp_path / "m.csv").write_text(labs_csv, encoding="utf-8")
    return {
        "variables": VARIABLES,
        "missing_values": ["", "NA", "###"],
        "sites": {
            "s": {
                "sources": [
                    {
                        "path": "p.csv",
                        "table": "patients",
                        "id_column": "id",
                        "columns": {
                            "age": {"column": "age", "unit": "years"},
                            "sex": {"column": "sex", "map": {"M": "male", "F": "female"}},
                        },
                    },
                    {
                        "path": "m.csv",
                        "table": "measurements",
                        "id_column": "id",
                        "day_column": "day",
                        "variable_column": "var",
                        "value_column": "value",
                        "unit_column": "unit",
                        "variable_names": {"FERR": "ferritin", "TG": "triglycerides"},
                        "synthetic": True,
                    },
                ]
            }
        },
    }


def _ingest(tmp_path, p, m):
    cfg = _config(tmp_path, p, m)
    cfg = filled(cfg)
    return ingest_site("s", cfg["sites"]["s"], cfg, tmp_path)


GOOD_P = "id,age,sex\n1,38,M\n2,###,F\n"
GOOD_M = "id,day,var,value,unit\n1,0,FERR,13835,ng/mL\n1,0,TG,310,mg/dL\n2,7,FERR,2014,µg/L\n"


def test_canonical_tables_and_unit_conversion(tmp_path):
    t = _ingest(tmp_path, GOOD_P, GOOD_M)
    assert list(t.patients["patient_id"]) == ["1", "2"]
    assert pd.isna(t.patients.loc[1, "age"])  # '###' is missing, never zero
    tg = t.measurements.query("variable == 'triglycerides'")["value"].iloc[0]
    assert tg == pytest.approx(310 / 88.57, rel=1e-4)
    assert set(t.measurements["unit"]) == {"µg/L", "mmol/L"}
    assert t.sources.set_index("variable").loc["ferritin", "synthetic"]


@pytest.mark.parametrize(
    "patients, labs, fragment",
    [
        (
            "id,age,sex\n1,38,X\n",
            GOOD_M.replace("2,7", "1,7"),
            "row 2, column 'sex': value 'X': unknown category",
        ),
        (
            "id,age,sex\n1,3 8,M\n",
            "id,day,var,value,unit\n1,0,FERR,1,µg/L\n",
            "column 'age': value '3 8': not a number",
        ),
        (GOOD_P, 'id,day,var,value,unit\n1,0,FERR,"13,835",µg/L\n', "value '13,835': not a number"),
        (GOOD_P, "id,day,var,value,unit\n1,0,FERR,13835,mg/l\n", "value 'mg/l': unknown unit"),
        (GOOD_P, "id,day,var,value,unit\n1,0,CRP,3,mg/L\n", "value 'CRP': unknown measurement variable"),
        ("id,age,sex\n1,38,M\n1,40,F\n", GOOD_M.replace("2,7", "1,7"), "duplicate patient id"),
        (GOOD_P, "id,day,var,value,unit\n1,0,TG,inf,mg/dL\n", "value 'inf': not a number"),
    ],
)
def test_bad_cells_are_located(tmp_path, patients, labs, fragment):
    with pytest.raises(InputError) as err:
        _ingest(tmp_path, patients, labs)
    assert fragment in str(err.value)


def test_missing_column_names_the_file_and_the_columns_present(tmp_path):
    with pytest.raises(InputError, match=r"column 'sex': column not found"):
        _ingest(tmp_path, "id,age\n1,3\n", GOOD_M)


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", "file is empty"),
        (b"id,age\n", "has a header but no data rows"),
        (b"id,age,age\n1,2,3\n", "duplicated column name"),
        ("id,age\n1,2\n".encode("utf-16"), "UTF-16"),
        ("id,nom\n1,Jos\xe9\n".encode("latin-1"), "not valid utf-8"),
    ],
)
def test_unreadable_files(tmp_path, content, fragment):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=fragment):
        read_raw_table(path)


def test_bom_is_accepted_and_directory_rejected(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes("\ufeffid,age\n1,2\n".encode("utf-8"))
    assert list(read_raw_table(path).columns) == ["id", "age"]
    with pytest.raises(InputError, match="is a directory"):
        read_raw_table(tmp_path)


def test_decimal_comma_when_declared():
    values, problems = parse_numbers(
        pd.Series(["7,8", "NA"]), file="f", column="c", missing=["NA"], decimal=","
    )
    assert problems == [] and values.iloc[0] == 7.8 and pd.isna(values.iloc[1])


def test_treatment_lines_are_parsed_in_order():
    frame, problems = parse_treatment_lines(
        pd.Series(["1. CTC, 2. VP16, 3. ANA + CTC", "2. ANA"]),
        pd.Series(["1", "2"]),
        file="f",
        column="c",
        missing=[],
    )
    assert problems and "numbered from 1" in problems[0].render()
    assert list(zip(frame["line"], frame["agent"])) == [(1, "CTC"), (2, "VP16"), (3, "ANA"), (3, "CTC")]
