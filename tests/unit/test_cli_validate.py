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
