"""Repeated problems are one line each, with the true total (issue 21, "messages a person reads").

Before: a long file without a unit column reported 20 rows per variable and a total far below the
true number; one missing ``map:`` printed one line per patient.
"""

import numpy as np
import pandas as pd
import pytest
from loaded_sections import filled

from retrocohort.errors import InputError, ValidationFailed
from retrocohort.ingest.repeated import RepeatedProblem, aggregate, repeated, total
from retrocohort.ingest.sources import ingest_site
from retrocohort.validate.canonical import validate_site, validation_report

N_PATIENTS = 3000
DAYS = (0, 3, 7)
VARIABLES = {
    "sex": {"kind": "categorical", "table": "patients", "categories": ["male", "female"]},
    "ferritin": {"kind": "continuous", "table": "measurements", "unit": "µg/L", "range": [0, 500000]},
    "crp": {"kind": "continuous", "table": "measurements", "unit": "mg/L", "range": [0, 1000]},
}


def _site(tmp_path, *, sex_map=True, unit_column=True, sex_codes=("M", "F")):
    ids = [f"P{i:05d}" for i in range(N_PATIENTS)]
    pd.DataFrame({"id": ids, "sex": [sex_codes[i % 2] for i in range(N_PATIENTS)]}).to_csv(
        tmp_path / "p.csv", index=False
    )
    rows = [
        (pid, d, v, 10.0 + d, u) for pid in ids for d in DAYS for v, u in (("FERR", "µg/L"), ("CRP", "mg/L"))
    ]
    labs = pd.DataFrame(rows, columns=["id", "day", "var", "value", "unit"])
    if not unit_column:
        labs = labs.drop(columns="unit")
    labs.to_csv(tmp_path / "m.csv", index=False)
    meas = {
        "path": "m.csv",
        "table": "measurements",
        "id_column": "id",
        "day_column": "day",
        "variable_column": "var",
        "value_column": "value",
        "variable_names": {"FERR": "ferritin", "CRP": "crp"},
    }
    if unit_column:
        meas["unit_column"] = "unit"
    sex = {"column": "sex", "map": {"M": "male", "F": "female"}} if sex_map else {"column": "sex"}
    config = {
        "variables": VARIABLES,
        "missing_values": ["", "NA"],
        "sites": {
            "s": {
                "sources": [
                    {"path": "p.csv", "table": "patients", "id_column": "id", "columns": {"sex": sex}},
                    meas,
                ]
            }
        },
    }
    return config


def _problems(tmp_path, **kw):
    config = _site(tmp_path, **kw)
    config = filled(config)
    with pytest.raises(InputError) as err:
        ingest_site("s", config["sites"]["s"], config, tmp_path)
    return err.value


def test_long_file_without_unit_column_one_line_per_variable_with_the_true_total(tmp_path):
    exc = _problems(tmp_path, unit_column=False)
    per_variable = N_PATIENTS * len(DAYS)
    assert total(exc.problems) == 2 * per_variable  # every row counted (was 20 per variable)
    assert f"{2 * per_variable:,} problem(s)" in exc.summary
    lines = str(exc).splitlines()[1:]
    assert len(lines) == 2, lines
    for var in ("ferritin", "crp"):
        (line,) = [x for x in lines if f"missing unit for {var}" in x]
        assert f"{per_variable:,} rows" in line and "first: row " in line and "unit_column" in line


def test_unknown_codes_of_a_map_are_one_line_naming_the_map_key(tmp_path):
    exc = _problems(tmp_path, sex_codes=("1", "2"))
    (problem,) = exc.problems
    assert isinstance(problem, RepeatedProblem) and problem.count == N_PATIENTS
    text = problem.render()
    assert f"{N_PATIENTS:,} rows" in text and "row 2 '1', row 3 '2', row 4 '1'" in text
    assert "columns: {sex: {map: ...}}" in text


def test_validation_of_a_missing_map_is_one_line_with_the_true_count(tmp_path):
    config = _site(tmp_path, sex_map=False, sex_codes=("M", "F"))
    config = filled(config)
    tables = ingest_site("s", config["sites"]["s"], config, tmp_path)
    with pytest.raises(ValidationFailed) as err:
        validate_site(tables, VARIABLES)
    (problem,) = err.value.problems
    assert problem.count == N_PATIENTS and f"{N_PATIENTS:,} problem(s)" in err.value.summary
    assert len(str(err.value).splitlines()) == 2
    report = validation_report(err.value, None)
    table_rows = [line for line in report.splitlines() if line.startswith("| 1 ")]
    assert (
        len(table_rows) == 1 and f"| {N_PATIENTS:,} |" in table_rows[0] and "patient P00000" in table_rows[0]
    )


def test_out_of_range_measurements_counted_in_full_at_validation(tmp_path):
    config = _site(tmp_path)
    config = filled(config)
    tables = ingest_site("s", config["sites"]["s"], config, tmp_path)
    crp = tables.measurements["variable"] == "crp"
    tables.measurements.loc[crp, "value"] = 5000.0  # above [0, 1000]: 9,000 rows
    with pytest.raises(ValidationFailed) as err:
        validate_site(tables, VARIABLES)
    (problem,) = err.value.problems
    assert problem.count == int(crp.sum()) == N_PATIENTS * len(DAYS)  # was capped at 200


def test_repeated_values_are_masked_and_aggregate_adds_counts():
    rows = np.arange(2, 5002)
    values = ["tel 06 12 34 56 78"] * len(rows)
    (one,) = repeated("not a number", file="f.csv", column="x", rows=rows, values=values, expected="a number")
    assert one.count == 5000 and "06 12" not in one.render()
    merged = aggregate([one, one])
    assert len(merged) == 1 and total(merged) == 10000
    assert repeated("m", file="f", column="c", rows=[]) == []
