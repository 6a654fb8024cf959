"""`retrocohort validate`: raw files checked against the study config, nothing written."""

import shutil
from pathlib import Path

import pytest

from retrocohort.cli import main

ROOT = Path(__file__).resolve().parents[2]
MEASUREMENTS = "data/raw/baverez2022/synthetic_measurements.csv"


@pytest.fixture
def study(tmp_path) -> Path:
    """A copy of the flagship study's config and data."""
    for folder in ("config", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def _snapshot(folder: Path) -> dict:
    return {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_good_file_is_valid(capsys):
    assert main(["-C", str(ROOT), "validate", str(ROOT / MEASUREMENTS)]) == 0
    out = capsys.readouterr().out
    assert "site lyon_rouen, SYNTHETIC measurements source #4" in out
    assert "VALID: patients 21 rows" in out


def test_broken_cell_names_row_column_value(study, capsys):
    path = study / MEASUREMENTS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1].startswith("1,0,ast,") and lines[1].endswith(",U/L\n")
    lines[1] = "1,0,ast,23x9,U/L\n"
    lines[2] = lines[2].replace("U/L", "U/dl")
    path.write_text("".join(lines), encoding="utf-8")
    before = _snapshot(study)
    assert main(["-C", str(study), "validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "INVALID: 2 problem(s)" in out
    assert f"{MEASUREMENTS}, row 2, column 'value': value '23x9': not a number" in out
    assert f"{MEASUREMENTS}, row 3, column 'unit': value 'U/dl': unknown unit" in out
    assert _snapshot(study) == before  # nothing written, raw data untouched


def test_out_of_range_value_is_reported(study, capsys):
    path = study / MEASUREMENTS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    assert lines[1].startswith("1,0,ast,")
    lines[1] = "1,0,ast,-5,U/L\n"
    path.write_text("".join(lines), encoding="utf-8")
    assert main(["-C", str(study), "validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{MEASUREMENTS}, row 2, column 'value': value '-5': implausible ast" in out
    assert "ast within [0, 100000] U/L" in out


def test_configfile_option_and_relative_paths(study, capsys, monkeypatch):
    monkeypatch.chdir(study)
    assert main(["validate", MEASUREMENTS, "--configfile", "config/config.yaml"]) == 0


def test_file_not_in_config_is_an_error(study, capsys):
    stray = study / "stray.csv"
    stray.write_text("a\n1\n")
    assert main(["-C", str(study), "validate", str(stray)]) == 1
    err = capsys.readouterr().err
    assert f"{stray}: not a source of this study" in err and MEASUREMENTS in err


def test_invalid_config_is_an_error(study, capsys):
    (study / "config/config.yaml").write_text("study: [\n")
    assert main(["-C", str(study), "validate", str(study / MEASUREMENTS)]) == 1
    assert "Cannot parse YAML" in capsys.readouterr().err


def test_thousands_of_bad_rows_are_one_line_per_kind_with_true_totals(study, capsys):
    """Issue 21: one line per (file, column, kind of problem), with the true count, not one per row."""
    path = study / MEASUREMENTS
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header, rows = lines[0], lines[1:]
    blanked = [r.rsplit(",", 1)[0] + ",\n" for r in rows]  # every unit cell empty
    unknown = [f"1,{d % 30},xyz,{d},U/L\n" for d in range(5000)]  # an undeclared variable
    path.write_text(header + "".join(blanked + unknown), encoding="utf-8")
    assert main(["-C", str(study), "validate", str(path)]) == 1
    out = capsys.readouterr().out
    problems = [line for line in out.splitlines() if line.startswith("  - ")]
    with_unit = [r for r in rows if r.split(",")[2] != "fever"]  # fever is binary: no unit needed
    n_variables = len({r.split(",")[2] for r in with_unit})
    assert len(problems) == n_variables + 1, problems
    assert f"INVALID: {len(with_unit) + 5000:,} problem(s) ({n_variables + 1} kinds)" in out
    assert "missing unit for ast: 40 rows (first: row 2, " in out
    (xyz,) = [p for p in problems if "unknown measurement variable 'xyz'" in p]
    assert "5,000 rows (first: row " in xyz and "variable_names" in xyz


def test_hospital_numbers_as_ids_are_refused_on_screen(study, capsys):
    """Issue 21: long-digit ids under a neutral name reached the results with the warning in a log."""
    files = sorted((study / "data" / "raw" / "baverez2022").glob("*.csv"))
    for f in files:
        lines = f.read_text(encoding="utf-8").splitlines(keepends=True)
        f.write_text(
            lines[0]
            + "".join(f"{8000000 + int(x.split(',', 1)[0])},{x.split(',', 1)[1]}" for x in lines[1:]),
            encoding="utf-8",
        )
    assert main(["-C", str(study), "validate", *map(str, files)]) == 1
    out = capsys.readouterr().out
    assert "patient ids look like hospital numbers" in out and "value '[7 digits]'" in out
    assert "id_is_pseudonymous: true" in out and "8000001" not in out


def test_a_path_relative_to_the_study_directory_is_found_from_its_parent(study, capsys, monkeypatch):
    """docs/new-study.md shows `retrocohort validate -C my_study data/raw/patients.csv` from the
    parent directory; a first-time user got "not a source of this study" naming that very path."""
    monkeypatch.chdir(study.parent)
    assert main(["-C", study.name, "validate", MEASUREMENTS]) == 0, capsys.readouterr().err
