"""The declared ``id_column`` is the patient id whatever its name (issue 15), privacy kept."""

from __future__ import annotations

import logging

import pytest

from retrocohort.errors import InputError
from retrocohort.ingest.sources import ingest_site


def _site(tmp_path, raw: str, id_column: str, **source_keys):
    (tmp_path / "p.csv").write_text(raw, encoding="utf-8")
    source = {
        "path": "p.csv",
        "table": "patients",
        "id_column": id_column,
        "columns": {"age": {"column": "age"}},
        **source_keys,
    }
    config = {
        "variables": {"age": {"kind": "continuous", "table": "patients", "unit": "years"}},
        "sites": {"s": {"sources": [source]}},
    }
    return ingest_site("s", config["sites"]["s"], config, tmp_path)


def test_patient_no_is_accepted_as_the_declared_id(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        tables = _site(tmp_path, "patient_no,age\n1,38\n2,41\n", "patient_no")
    assert tables.patients["patient_id"].tolist() == ["1", "2"]
    assert "hospital numbers" not in caplog.text


def test_a_hospital_number_name_is_still_refused_outside_the_id(tmp_path):
    with pytest.raises(InputError, match=r"column 'record_no': column name looks like a direct identifier"):
        _site(tmp_path, "patient_no,record_no,age\n1,55,38\n", "patient_no")


def test_long_digit_ids_are_still_warned(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        tables = _site(tmp_path, "subject,age\n80012345,38\n80012346,41\n", "subject")
    assert len(tables.patients) == 2
    assert "2 of 2 patient ids are strings of 7+ digits" in caplog.text
    assert "id_is_pseudonymous: true" in caplog.text


def test_long_digits_under_a_hospital_number_name_are_refused_naming_the_keys(tmp_path):
    raw = "patient_no,age\n80012345,38\n80012346,41\n"
    with pytest.raises(InputError) as err:
        _site(tmp_path, raw, "patient_no")
    text = str(err.value)
    assert "column 'patient_no'" in text and "2 of 2 of its patient ids" in text
    assert "`identifiers: {patient_no: pseudonymise}`" in text and "`id_is_pseudonymous: true`" in text


def test_id_is_pseudonymous_accepts_study_codes_without_a_warning(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        tables = _site(tmp_path, "patient_no,age\n20210001,38\n", "patient_no", id_is_pseudonymous=True)
    assert tables.patients["patient_id"].tolist() == ["20210001"]
    assert "hospital numbers" not in caplog.text


def test_a_name_column_as_id_is_refused(tmp_path):
    with pytest.raises(
        InputError, match=r"column 'nom': column name looks like a direct identifier \(name\)"
    ):
        _site(tmp_path, "nom,age\nDupont,38\n", "nom")


def test_id_values_that_are_national_ids_are_refused_even_when_pseudonymous(tmp_path):
    with pytest.raises(InputError, match="French NIR"):
        _site(tmp_path, "subject,age\n1 85 05 78 006 084 36,38\n", "subject", id_is_pseudonymous=True)
