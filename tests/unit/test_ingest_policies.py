"""Declared cleaning policies: duplicates, conflicts, out_of_range, fixed units (issue 23, 4-5).

Each policy changes numbers only when declared, and every change is counted (the site's
``adjustments``, the validation report); each key's mistakes are errors naming the key.
"""

import copy
import dataclasses

import pytest
from loaded_sections import filled

from retrocohort.config.check import SCHEMA_PATH, read_yaml, schema_problems
from retrocohort.errors import ConfigError, InputError
from retrocohort.ingest.policies import footnotes_for, variables_used, with_adjustment_footnotes
from retrocohort.ingest.sources import ingest_site, merge_sites
from retrocohort.validate.canonical import validation_report

SCHEMA = read_yaml(SCHEMA_PATH)
VARIABLES = {
    "age": {"kind": "continuous", "table": "patients", "unit": "years", "range": [0, 120]},
    "sex": {"kind": "categorical", "table": "patients", "categories": ["male", "female"]},
    "sbp": {"kind": "continuous", "table": "measurements", "unit": "mmHg", "range": [50, 250]},
    "ferritin": {"kind": "continuous", "table": "measurements", "unit": "µg/L"},
    "fever": {"kind": "binary", "table": "measurements"},
}
PATIENTS = "id,age,sex\n1,38,M\n2,50,F\n"
PATIENT_SOURCE = {
    "path": "p.csv",
    "table": "patients",
    "id_column": "id",
    "columns": {"age": {"column": "age"}, "sex": {"column": "sex", "map": {"M": "male", "F": "female"}}},
}
LONG_SOURCE = {
    "path": "m.csv",
    "table": "measurements",
    "id_column": "id",
    "day_column": "day",
    "variable_column": "var",
    "value_column": "value",
    "unit_column": "unit",
}


def _ingest(tmp_path, labs, patients=PATIENTS, long=None, pat=None, variables=None):
    (tmp_path / "p.csv").write_text(patients, encoding="utf-8")
    (tmp_path / "m.csv").write_text(labs, encoding="utf-8")
    config = {
        "variables": variables or VARIABLES,
        "missing_values": ["", "NA"],
        "unit_spellings": {"mmHg": "millimeter_Hg", "kPa": "kilopascal"},
        "sites": {"s": {"sources": [{**PATIENT_SOURCE, **(pat or {})}, {**LONG_SOURCE, **(long or {})}]}},
    }
    for source in config["sites"]["s"]["sources"]:  # `key: None` removes the key
        for key in [k for k, v in source.items() if v is None]:
            del source[key]
    config = filled(config)
    return ingest_site("s", config["sites"]["s"], config, tmp_path)


COPIES = "id,day,var,value,unit\n1,0,sbp,120,mmHg\n1,0,sbp,120,mmHg\n1,0,sbp,120,mmHg\n2,0,sbp,130,mmHg\n"
CLASH = "id,day,var,value,unit\n1,0,sbp,120,mmHg\n1,0,sbp,140,mmHg\n1,0,sbp,120,mmHg\n2,0,sbp,130,mmHg\n"


def _sbp(tables, patient="1"):
    meas = tables.measurements
    return meas.loc[(meas["patient_id"] == patient) & (meas["variable"] == "sbp"), "value"].tolist()


# --- duplicates ---------------------------------------------------------------------------


def test_identical_repeated_rows_are_refused_by_default(tmp_path):
    with pytest.raises(
        InputError, match=r"repeated row for the same patient.*3 rows.*duplicates: collapse_identical"
    ):
        _ingest(tmp_path, COPIES)


def test_collapse_identical_keeps_one_row_and_counts_the_rows_dropped(tmp_path):
    tables = _ingest(tmp_path, COPIES, long={"duplicates": "collapse_identical"})
    assert _sbp(tables) == [120.0] and _sbp(tables, "2") == [130.0]
    [change] = tables.adjustments
    assert change["policy"] == "duplicates: collapse_identical" and change["count"] == 2
    assert change["variable"] == "sbp" and change["file"] == "m.csv" and change["site"] == "s"


def test_collapse_identical_does_not_hide_a_conflict(tmp_path):
    with pytest.raises(InputError) as err:
        _ingest(tmp_path, CLASH, long={"duplicates": "collapse_identical"})
    text = str(err.value)
    # both rows named: file, rows, column, both values
    assert "m.csv, column 'value': conflicting values for the same patient, day and variable" in text
    assert "row 2 'patient 1, day 0, sbp = 120'" in text and "row 3 'patient 1, day 0, sbp = 140'" in text


def test_patient_rows_identical_copies_collapse_when_declared(tmp_path):
    patients = "id,age,sex\n1,38,M\n1,38,M\n2,50,F\n"
    labs = "id,day,var,value,unit\n1,0,sbp,120,mmHg\n"
    with pytest.raises(InputError, match="duplicate patient id"):
        _ingest(tmp_path, labs, patients=patients)
    tables = _ingest(tmp_path, labs, patients=patients, pat={"duplicates": "collapse_identical"})
    assert tables.patients["patient_id"].tolist() == ["1", "2"]
    assert [(a["variable"], a["count"]) for a in tables.adjustments] == [("id", 1)]


# --- conflicts ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "policy, value", [("first", 120.0), ("last", 120.0), ("mean", 130.0), ("max", 140.0), ("min", 120.0)]
)
def test_conflicts_declared_aggregation(tmp_path, policy, value):
    tables = _ingest(tmp_path, CLASH, long={"duplicates": "collapse_identical", "conflicts": policy})
    assert _sbp(tables) == [value] and _sbp(tables, "2") == [130.0]
    changes = {a["policy"]: a["count"] for a in tables.adjustments}
    assert changes == {"duplicates: collapse_identical": 1, f"conflicts: {policy}": 1}


def test_conflicts_last_is_the_last_row_in_file_order(tmp_path):
    labs = "id,day,var,value,unit\n1,0,sbp,120,mmHg\n1,0,sbp,140,mmHg\n1,0,sbp,125,mmHg\n"
    assert _sbp(_ingest(tmp_path, labs, long={"conflicts": "last"})) == [125.0]
    assert _sbp(_ingest(tmp_path, labs, long={"conflicts": "mean"})) == [pytest.approx(385 / 3)]


def test_conflicts_with_identical_copies_still_refused_without_collapse(tmp_path):
    with pytest.raises(InputError, match="repeated row"):
        _ingest(tmp_path, CLASH, long={"conflicts": "max"})


def test_conflicting_patient_rows_name_the_column_and_both_values(tmp_path):
    patients = "id,age,sex\n1,38,M\n1,40,M\n2,50,F\n"
    labs = "id,day,var,value,unit\n1,0,sbp,120,mmHg\n"
    with pytest.raises(InputError) as err:
        _ingest(tmp_path, labs, patients=patients, pat={"duplicates": "collapse_identical"})
    text = str(err.value)
    assert "conflicting rows for the same patient (column 'age' differs)" in text
    assert "row 2 'patient 1, age = 38.0'" in text and "row 3 'patient 1, age = 40.0'" in text
    tables = _ingest(tmp_path, labs, patients=patients, pat={"conflicts": "max"})
    assert tables.patients["age"].tolist() == [40.0, 50.0]
    assert tables.patients["sex"].tolist() == ["male", "female"]
    assert [(a["variable"], a["policy"], a["count"]) for a in tables.adjustments] == [
        ("age", "conflicts: max", 1)
    ]


def test_conflicts_mean_refuses_a_differing_category(tmp_path):
    patients = "id,age,sex\n1,38,M\n1,40,F\n2,50,F\n"
    labs = "id,day,var,value,unit\n1,0,sbp,120,mmHg\n"
    with pytest.raises(InputError, match=r"column 'sex' differs.*`conflicts: mean` combines numbers only"):
        _ingest(tmp_path, labs, patients=patients, pat={"conflicts": "mean"})
    tables = _ingest(tmp_path, labs, patients=patients, pat={"conflicts": "last"})
    assert tables.patients["sex"].tolist() == ["female", "female"]
    assert tables.patients["age"].tolist() == [40.0, 50.0]
    assert {a["variable"]: a["count"] for a in tables.adjustments} == {"age": 1, "sex": 1}


# --- out_of_range ---------------------------------------------------------------------------

WILD = "id,day,var,value,unit\n1,0,sbp,1200,mmHg\n2,0,sbp,130,mmHg\n1,1,sbp,20,mmHg\n"


def test_out_of_range_refused_by_default(tmp_path):
    with pytest.raises(InputError, match=r"implausible sbp: 2 rows"):
        _ingest(tmp_path, WILD)


def test_out_of_range_missing_sets_missing_and_counts(tmp_path):
    variables = copy.deepcopy(VARIABLES)
    variables["sbp"]["out_of_range"] = "missing"
    tables = _ingest(tmp_path, WILD, variables=variables)
    meas = tables.measurements
    assert meas["value"].isna().sum() == 2 and len(meas) == 3  # the rows stay, the values go
    [change] = tables.adjustments
    assert change["count"] == 2 and change["policy"] == "out_of_range: missing"
    assert change["sentence"] == "2 values of sbp outside [50, 250] mmHg set missing"


def test_out_of_range_missing_on_a_patient_column(tmp_path):
    variables = copy.deepcopy(VARIABLES)
    variables["age"]["out_of_range"] = "missing"
    tables = _ingest(
        tmp_path,
        "id,day,var,value,unit\n2,0,sbp,120,mmHg\n",
        patients="id,age,sex\n1,380,M\n2,50,F\n",
        variables=variables,
    )
    assert tables.patients["age"].isna().tolist() == [True, False]
    assert [a["sentence"] for a in tables.adjustments] == [
        "1 value of age outside [0, 120] years set missing"
    ]


def test_out_of_range_missing_keeps_binary_codes_refused(tmp_path):
    variables = copy.deepcopy(VARIABLES)
    variables["fever"]["out_of_range"] = "missing"
    with pytest.raises(InputError, match="binary fever must be coded 0 or 1"):
        _ingest(tmp_path, "id,day,var,value,unit\n1,0,fever,2,\n", variables=variables)


# --- fixed units ----------------------------------------------------------------------------


def test_long_file_without_unit_column_refused_naming_the_fixed_unit_keys(tmp_path):
    with pytest.raises(InputError, match=r"missing unit for ferritin.*`units: \{ferritin: \.\.\.\}`"):
        _ingest(tmp_path, "id,day,var,value\n1,0,ferritin,13835\n", long={"unit_column": None})


def test_fixed_unit_per_variable_and_per_source_are_converted(tmp_path):
    labs = "id,day,var,value\n1,0,ferritin,13835\n1,0,sbp,120\n"
    tables = _ingest(
        tmp_path, labs, long={"unit_column": None, "unit": "mmHg", "units": {"ferritin": "ng/mL"}}
    )
    meas = tables.measurements.set_index("variable")
    assert meas.loc["ferritin", "value"] == 13835.0 and meas.loc["ferritin", "unit"] == "µg/L"
    assert meas.loc["sbp", "value"] == 120.0 and meas.loc["sbp", "unit"] == "mmHg"
    kpa = _ingest(tmp_path, "id,day,var,value\n1,0,sbp,16\n", long={"unit_column": None, "unit": "kPa"})
    assert kpa.measurements["value"].iloc[0] == pytest.approx(120.0, rel=1e-3)


# --- config mistakes name the key ------------------------------------------------------------


@pytest.mark.parametrize(
    "long, pat, key, fragment",
    [
        ({"unit": "mmHg"}, {}, "unit", "`unit:` and `unit_column:` both declared"),
        ({"unit_column": None, "units": {"age": "years"}}, {}, "units/age", "`units:` names no measurement"),
        ({"unit_column": None, "units": {"nope": "g"}}, {}, "units/nope", "`units:` names no measurement"),
        ({}, {"unit": "years"}, "unit", "`unit:` on a patient source"),
    ],
)
def test_policy_mistakes_are_config_errors_naming_the_key(tmp_path, long, pat, key, fragment):
    with pytest.raises(ConfigError) as err:
        _ingest(tmp_path, "id,day,var,value\n1,0,sbp,120\n", long=long, pat=pat)
    [problem] = err.value.problems
    assert problem.column == key and fragment in problem.message


def test_mean_of_a_binary_variable_is_refused_naming_the_key(tmp_path):
    labs = "id,day,var,value,unit\n1,0,fever,0,\n1,0,fever,1,\n"
    with pytest.raises(
        InputError, match=r"column 'conflicts': value 'fever': `conflicts: mean` of a binary variable"
    ):
        _ingest(tmp_path, labs, long={"conflicts": "mean"})
    assert _ingest(tmp_path, labs, long={"conflicts": "max"}).measurements["value"].tolist() == [1.0]


@pytest.mark.parametrize(
    "where, key, value",
    [
        ("source", "duplicates", "collapse"),
        ("source", "conflicts", "median"),
        ("source", "units", "mg/dL"),
        ("variable", "out_of_range", "clip"),
    ],
)
def test_schema_refuses_bad_policy_values_naming_the_key(where, key, value):
    source = {**LONG_SOURCE}
    variables = copy.deepcopy(VARIABLES)
    if where == "source":
        source[key] = value
        path = f"sites/s/sources/0/{key}"
    else:
        variables["sbp"][key] = value
        path = f"variables/sbp/{key}"
    problems = schema_problems(
        {"variables": variables, "sites": {"s": {"sources": [source]}}}, SCHEMA, "c.yaml"
    )
    assert path in [p.column for p in problems]


# --- reported -------------------------------------------------------------------------------


def test_validation_report_lists_every_change_with_its_count(tmp_path):
    tables = _ingest(tmp_path, COPIES, long={"duplicates": "collapse_identical"})
    report = validation_report(None, tables, adjustments=tables.adjustments)
    assert "## Values changed by declared policies" in report
    assert (
        "| s | m.csv | sbp | duplicates: collapse_identical | 2 | 2 identical repeated rows of sbp collapsed |"
        in report
    )
    assert "declared policies" not in validation_report(None, tables, adjustments=[])


def test_footnotes_of_a_table_sum_sites_and_name_only_its_variables(tmp_path):
    variables = copy.deepcopy(VARIABLES)
    variables["sbp"]["out_of_range"] = "missing"
    records = _ingest(tmp_path, WILD, variables=variables).adjustments
    other_site = [{**records[0], "site": "t", "count": 1}]
    assert footnotes_for(records + other_site, ["age", "sbp"]) == [
        "3 values of sbp outside [50, 250] mmHg set missing."
    ]
    assert footnotes_for(other_site, ["sbp"]) == ["1 value of sbp outside [50, 250] mmHg set missing."]
    assert footnotes_for(records, ["age", "ferritin"]) == []


def test_variables_used_by_a_table_include_what_its_derived_variables_are_built_from():
    derived = {
        "hypertensive": {"any_of": ["sbp_high"]},
        "sbp_high": {"less_than": {"variable": "sbp", "value": 140}},
    }
    entry = {
        "kind": "descriptive",
        "rows": [{"variable": "age"}, {"variable": "hypertensive"}],
        "where": {"sex": {"equals": "male"}},
        "title": "sbp in words is not a name",
    }
    assert variables_used(entry, VARIABLES, derived) == ["age", "hypertensive", "sbp_high", "sbp", "sex"]


def test_merged_sites_keep_every_site_s_changes(tmp_path):
    tables = _ingest(tmp_path, COPIES, long={"duplicates": "collapse_identical"})
    other = dataclasses.replace(tables, adjustments=[{**tables.adjustments[0], "site": "t"}])
    assert [a["site"] for a in merge_sites([tables, other]).adjustments] == ["s", "t"]


def test_a_table_gains_the_footnotes_of_its_variables_only(tmp_path):
    from retrocohort.render.model import Row, Table

    path = tmp_path / "adjustments.json"
    path.write_text(
        '[{"site": "s", "file": "m.csv", "variable": "sbp", "policy": "out_of_range: missing", "count": 2,'
        ' "noun": "value", "detail": "of sbp outside [50, 250] mmHg set missing", "sentence": ""}]',
        encoding="utf-8",
    )
    table = Table(title="t", columns=["a"], rows=[Row(["1"])], footnotes=["Median [Q1-Q3]."], label="tab:t")
    config = {"variables": VARIABLES, "derived": {}}
    shown = with_adjustment_footnotes(table, str(path), {"rows": [{"variable": "sbp"}]}, config)
    assert shown.footnotes == ["Median [Q1-Q3].", "2 values of sbp outside [50, 250] mmHg set missing."]
    assert with_adjustment_footnotes(table, str(path), {"rows": [{"variable": "age"}]}, config) is table
