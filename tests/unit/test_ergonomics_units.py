"""Unit spellings of a study (``unit_spellings``) in every source, and time units (issue 15)."""

from __future__ import annotations

import numpy as np
import pytest
from loaded_sections import filled

from retrocohort.errors import InputError
from retrocohort.ingest.sources import ingest_site
from retrocohort.ingest.units import conversion, convert


def _site(tmp_path, patients: str, *, unit: str, spellings: dict | None = None, canonical: str = "min"):
    (tmp_path / "p.csv").write_text(patients, encoding="utf-8")
    source = {
        "path": "p.csv",
        "table": "patients",
        "id_column": "subject",
        "columns": {"duration": {"column": "dur", "unit": unit}},
    }
    config = {
        "variables": {"duration": {"kind": "continuous", "table": "patients", "unit": canonical}},
        "sites": {"s": {"sources": [source]}},
        **({"unit_spellings": spellings} if spellings else {}),
    }
    config = filled(config)
    return ingest_site("s", config["sites"]["s"], config, tmp_path)


@pytest.mark.parametrize(
    ("source", "target", "scale"),
    [
        ("s", "min", 1 / 60),
        ("sec", "minutes", 1 / 60),
        ("seconds", "h", 1 / 3600),
        ("hours", "days", 1 / 24),
        ("weeks", "day", 7.0),
        ("months", "days", 365.25 / 12),  # pint: month = Julian year / 12 = 30.4375 days
        ("year", "months", 12.0),
    ],
)
def test_time_units_convert(source, target, scale):
    factor, offset = conversion(source, target)
    assert offset == 0.0
    assert factor == pytest.approx(scale, rel=1e-12)


def test_seconds_in_a_patient_column_become_minutes(tmp_path):
    tables = _site(tmp_path, "subject,dur\nP1,90\nP2,30\nP3,NA\n", unit="s")
    values = tables.patients["duration"].astype("float64").to_numpy()
    np.testing.assert_allclose(values[:2], [1.5, 0.5])
    assert np.isnan(values[2])


def test_a_study_spelling_applies_to_patient_columns(tmp_path):
    raw = "subject,dur\nP1,2\nP2,0.5\n"
    with pytest.raises(InputError) as err:
        _site(tmp_path, raw, unit="hrs.")
    text = str(err.value)
    assert "p.csv, column 'dur'" in text and "'hrs.'" in text
    assert "unit_spellings" in text  # the key that makes it known
    tables = _site(tmp_path, raw, unit="hrs.", spellings={"hrs.": "hour"})
    np.testing.assert_allclose(tables.patients["duration"].astype("float64"), [120.0, 30.0])


def test_a_study_spelling_may_be_the_canonical_unit(tmp_path):
    tables = _site(tmp_path, "subject,dur\nP1,1\n", unit="h", spellings={"Std.": "hour"}, canonical="Std.")
    assert tables.patients["duration"].astype("float64").tolist() == [1.0]


def test_an_unreadable_pint_expression_names_the_spelling_key(tmp_path):
    with pytest.raises(InputError) as err:
        _site(tmp_path, "subject,dur\nP1,1\n", unit="hrs.", spellings={"hrs.": "hourz"})
    assert "unit_spellings/hrs." in str(err.value) and "'hourz'" in str(err.value)


def test_measurement_files_use_the_same_spellings(tmp_path):
    (tmp_path / "p.csv").write_text("subject\nP1\n", encoding="utf-8")
    (tmp_path / "m.csv").write_text("subject,day,name,value,unit\nP1,0,crt,120,sek\n", encoding="utf-8")
    sources = [
        {"path": "p.csv", "table": "patients", "id_column": "subject"},
        {
            "path": "m.csv",
            "table": "measurements",
            "id_column": "subject",
            "day_column": "day",
            "variable_column": "name",
            "value_column": "value",
            "unit_column": "unit",
        },
    ]
    config = {
        "variables": {"crt": {"kind": "continuous", "table": "measurements", "unit": "min"}},
        "sites": {"s": {"sources": sources}},
    }
    config = filled(config)
    with pytest.raises(InputError, match="unit_spellings"):
        ingest_site("s", config["sites"]["s"], config, tmp_path)
    config["unit_spellings"] = {"sek": "second"}
    config = filled(config)
    tables = ingest_site("s", config["sites"]["s"], config, tmp_path)
    assert tables.measurements["value"].tolist() == [2.0]


def test_convert_rounds_minutes_from_seconds_exactly():
    assert convert(np.array([20.0]), "s", "min", significant=12).tolist() == [pytest.approx(1 / 3)]


def test_a_raw_unit_without_a_canonical_unit_is_an_error_not_ignored(tmp_path):
    (tmp_path / "p.csv").write_text("subject,dur\nP1,90\n", encoding="utf-8")
    source = {
        "path": "p.csv",
        "table": "patients",
        "id_column": "subject",
        "columns": {"duration": {"column": "dur", "unit": "s"}},
    }
    config = {
        "variables": {"duration": {"kind": "continuous", "table": "patients"}},
        "sites": {"s": {"sources": [source]}},
    }
    config = filled(config)
    with pytest.raises(InputError) as err:
        ingest_site("s", config["sites"]["s"], config, tmp_path)
    text = str(err.value)
    assert "p.csv, column 'dur': value 's'" in text and "no canonical unit" in text
    assert "`variables: {duration: {unit: ...}}`" in text
