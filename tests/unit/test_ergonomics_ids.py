"""The declared ``id_column`` is the patient id whatever its name (issue 15), privacy kept."""

from __future__ import annotations

import logging

import pytest
from loaded_sections import filled

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
    config = filled(config)
    return ingest_site("s", config["sites"]["s"], config, tmp_path)


def test_patient_no_is_accepted_as_the_declared_id(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        tables = _site(tmp_path, "patient_no,age\n1,38\n2,41\n", "patient_no")
    assert tables.patients["patient_id"].tolist() == ["1", "2"]
    assert "hospital numbers" not in caplog.text


def test_a_hospital_number_name_is_still_refused_outside_the_id(tmp_path):
    with pytest.raises(InputError, match=r"column 'record_no': column name looks like a direct identifier"):
        _site(tmp_path, "patient_no,record_no,age\n1,55,38\n", "patient_no")


@pytest.mark.parametrize("column", ["subject", "patient", "id", "patient_no"])
@pytest.mark.parametrize("first", ["80012345", "MRN1234567", "IPP-0012345678"])
def test_ids_that_look_like_hospital_numbers_are_refused_whatever_the_column_name(tmp_path, column, first):
    """Issue 21: hospital numbers under a neutral name (``subject``) were only logged as a warning
    and reached 16 result files."""
    raw = f"{column},age\n{first},38\n80012346,41\nP3,50\n"
    with pytest.raises(InputError) as err:
        _site(tmp_path, raw, column)
    text = str(err.value)
    assert f"row 2, column '{column}'" in text and "2 of 3 patient ids look like hospital numbers" in text
    assert f"`identifiers: {{{column}: pseudonymise}}`" in text and "`id_is_pseudonymous: true`" in text
    assert first not in text and "80012346" not in text  # the hospital number is never echoed


@pytest.mark.parametrize(
    "ids", [[str(i) for i in range(1, 419)], ["C1", "C2"], ["S01-0000001", "S01-0000002"], ["123456"]]
)
def test_short_or_prefixed_study_codes_are_not_hospital_numbers(tmp_path, ids):
    raw = "subject,age\n" + "".join(f"{i},40\n" for i in ids)
    tables = _site(tmp_path, raw, "subject")
    assert tables.patients["patient_id"].tolist() == ids


def test_pseudonymised_hospital_numbers_are_accepted(tmp_path, monkeypatch):
    monkeypatch.setenv("RC_SALT", "a-secret-of-sixteen+")
    tables = _site(
        tmp_path,
        "subject,age\n80012345,38\n",
        "subject",
        identifiers={"subject": "pseudonymise"},
        pseudonym_salt_env="RC_SALT",
    )
    assert tables.patients["patient_id"].str.fullmatch("[0-9a-f]{16}").all()


def test_long_digits_under_a_hospital_number_name_are_refused_naming_the_keys(tmp_path):
    raw = "patient_no,age\n80012345,38\n80012346,41\n"
    with pytest.raises(InputError) as err:
        _site(tmp_path, raw, "patient_no")
    text = str(err.value)
    assert "column 'patient_no'" in text and "2 of 2 patient ids look like hospital numbers" in text
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
