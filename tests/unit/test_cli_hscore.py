"""`retrocohort hscore`: per-patient, per-item breakdown and CSV/JSON outputs."""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from retrocohort.cli import main
from retrocohort.hscore.probability import hlh_probability
from retrocohort.ingest.units import convert, round_significant

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "cli"


@pytest.fixture(autouse=True)
def outside_the_project(tmp_path, monkeypatch):
    """Run from a directory without config/config.yaml unless a test passes --configfile."""
    monkeypatch.chdir(tmp_path)


def _blocks(out: str) -> dict[str, str]:
    """Printed breakdown -> {patient id: its block of lines}."""
    blocks = {}
    for block in out.strip().split("\n\n"):
        first, _, rest = block.partition("\n")
        blocks[first.removeprefix("patient ")] = rest
    return blocks


def test_breakdown_with_units_and_conversions(capsys):
    assert main(["hscore", str(DATA / "hscore_units.csv")]) == 0
    captured = capsys.readouterr()
    u1 = _blocks(captured.out)["U1"]
    assert "temperature 103.1 degF (= 39.5 °C)" in u1
    assert "hemoglobin 85 g/L (= 8.5 g/dL)" in u1 and "\n" + " " * 21 + "leukocytes 3000 /mm3" in u1
    assert "triglycerides 400 mg/dL (= 4.516 mmol/L)" in u1
    assert "fibrinogen 150 mg/dL (= 1.5 g/L)" in u1
    assert "organomegaly both" in u1
    item_lines = [line for line in u1.splitlines()[:-1] if not line.startswith("   ")]
    lines = {line.split()[0]: line.split()[-1] for line in item_lines}
    assert lines == {
        "immunosuppression": "0",
        "temperature": "49",
        "organomegaly": "38",
        "cytopenias": "34",
        "ferritin": "50",
        "triglycerides": "64",
        "fibrinogen": "30",
        "ast": "19",
        "hemophagocytosis": "35",
    }
    assert "HScore 319 (all 9 items)" in u1 and "cut-off > 169: reached" in u1
    assert "ignored column(s): comment" in captured.err


def test_missing_items_show_bounds_and_no_probability(capsys):
    assert main(["hscore", str(DATA / "hscore_missing.csv")]) == 0
    blocks = _blocks(capsys.readouterr().out)
    assert "platelets missing" in blocks["M1"] and "triglycerides missing (NA)" in blocks["M1"]
    assert "achievable total 213–337" in blocks["M1"] and "probability not computed" in blocks["M1"]
    assert "cut-off > 169: reached" in blocks["M1"]
    assert "achievable total 0–35" in blocks["M2"] and "unreachable" in blocks["M2"]


def test_operator_and_cutoff(capsys):
    # P3 scores exactly 218: '> 218' is unreachable, '>= 218' is reached.
    main(["hscore", str(DATA / "hscore_canonical.csv"), "--cutoff", "218"])
    assert "cut-off > 218: unreachable" in _blocks(capsys.readouterr().out)["P3"]
    main(["hscore", str(DATA / "hscore_canonical.csv"), "--cutoff", "218", "--operator", ">="])
    assert "cut-off >= 218: reached" in _blocks(capsys.readouterr().out)["P3"]


def test_json_output_full_precision(tmp_path, capsys):
    out = tmp_path / "scores.json"
    assert main(["hscore", str(DATA / "hscore_units.csv"), "--out", str(out)]) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["source"].endswith("hscore_units.csv")
    u1, u2 = doc["patients"]
    assert (u1["patient_id"], u1["hscore"], u1["cutoff_status"]) == ("U1", 319.0, "reached")
    assert u1["hemoglobin_given"] == "85" and u1["hemoglobin_unit_given"] == "g/L"
    # converted values carry 12 significant digits (ingest.units.round_significant: no float noise)
    assert u1["triglycerides"] == float(round_significant(np.array([400 / 88.57]))[0]) == 4.51620187422
    assert u2["hlh_probability"] == float(hlh_probability(34.0))
    assert u1["cutoff_rule"] == "hscore > 169" and u1["complete"] is True


def test_json_missing_values_are_null(tmp_path):
    out = tmp_path / "m.json"
    main(["hscore", str(DATA / "hscore_missing.csv"), "--out", str(out)])
    m1 = json.loads(out.read_text())["patients"][0]
    assert m1["hlh_probability"] is None and m1["platelets"] is None
    assert m1["splenomegaly"] is None and (m1["hscore_min"], m1["hscore_max"]) == (213, 337)


def test_csv_output_is_formula_safe_and_full_precision(tmp_path):
    sheet = tmp_path / "in.csv"
    sheet.write_text(
        "id,triglycerides [mg/dL],temperature [degF]\n=cmd|'/c calc'!A1,400,101.3\n", encoding="utf-8"
    )
    out = tmp_path / "out.csv"
    assert main(["hscore", str(sheet), "--out", str(out)]) == 0
    frame = pd.read_csv(out, dtype={"patient_id": str})
    assert frame.loc[0, "patient_id"] == "'=cmd|'/c calc'!A1"
    assert frame.loc[0, "triglycerides"] == 4.51620187422  # 12 significant digits, written in full
    converted = round_significant(convert(np.array([101.3]), "degF", "°C"))[0]  # what scoring used
    assert frame.loc[0, "temperature_max"] == converted
    assert frame.loc[0, "cutoff_status"] == "reachable"


def test_unknown_unit_is_a_located_error(tmp_path, capsys):
    sheet = tmp_path / "bad.csv"
    sheet.write_text("id,ferritin,ferritin_unit\nA,7000,µg/L\nB,9,mcg/L\n", encoding="utf-8")
    assert main(["hscore", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert "\nerror: " in err and all(
        line.startswith(("note: ", "error: ", "  - ")) for line in err.splitlines()
    )
    assert f"{sheet}, row 3, column 'ferritin_unit': value 'mcg/L'" in err
    assert "Traceback" not in err


def test_bad_out_extension_writes_nothing(tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    assert main(["hscore", str(DATA / "hscore_canonical.csv"), "--out", str(out)]) == 1
    assert "'.csv' or '.json'" in capsys.readouterr().err and not out.exists()


def test_missing_file(tmp_path, capsys):
    assert main(["hscore", str(tmp_path / "nope.csv")]) == 1
    assert "file does not exist" in capsys.readouterr().err


def test_molar_mass_override(capsys):
    main(["hscore", str(DATA / "hscore_units.csv"), "--molar-mass", "triglycerides=400 g/mol"])
    assert "triglycerides 400 mg/dL (= 10 mmol/L)" in capsys.readouterr().out
    assert main(["hscore", str(DATA / "hscore_units.csv"), "--molar-mass", "oops"]) == 1


def test_study_config_ranges_catch_a_wrong_unit(tmp_path, capsys):
    sheet = tmp_path / "f.csv"
    sheet.write_text("id,temperature [°C],hb,hb_unit\nA,101.3,8,g/dL\nB,39.0,85,g/dL\n", encoding="utf-8")
    config = str(ROOT / "config" / "config.yaml")
    here = ["-C", str(ROOT)]  # the study's relative paths resolve against its directory, as in run
    assert main([*here, "hscore", str(sheet), "--configfile", config]) == 1
    err = capsys.readouterr().err
    assert f"note: molar masses from {config}" in err
    assert f"range of variables.temperature_max in {config}: temperature_max 30–45 °C" in err
    assert f"{sheet}, row 2, column 'temperature [°C]': value '101.3 °C': implausible" in err
    assert "temperature within [30, 45] °C" in err
    assert f"{sheet}, row 3, column 'hb': value '85 g/dL'" in err
    assert main([*here, "hscore", str(sheet), "--configfile", config, "--no-range-check"]) == 0


def _study(dest: Path, edit=lambda text: text) -> Path:
    """A copy of the .test study in ``dest``; ``edit`` rewrites its config text."""
    for folder in ("config", "data"):
        shutil.copytree(ROOT / ".test" / folder, dest / folder)
    config = dest / "config" / "config.yaml"
    config.write_text(edit(config.read_text(encoding="utf-8")), encoding="utf-8")
    return config


def test_project_config_is_used_by_default(tmp_path, capsys):
    _study(
        tmp_path,
        lambda text: text.replace("range: [0, 500000], worst: max}", "range: [0, 100], worst: max}").replace(
            'molar_mass: "885.7 g/mol"', 'molar_mass: "400 g/mol"'
        ),
    )
    sheet = tmp_path / "f.csv"
    sheet.write_text("id,ferritin [µg/L],tg [mg/dL]\nA,50,400\n", encoding="utf-8")
    assert main(["hscore", str(sheet)]) == 0  # run from tmp_path: its config applies
    assert "triglycerides 400 mg/dL (= 10 mmol/L)" in capsys.readouterr().out
    sheet.write_text("id,ferritin [µg/L]\nA,500\n", encoding="utf-8")
    assert main(["hscore", str(sheet)]) == 1
    assert "ferritin within [0, 100] µg/L" in capsys.readouterr().err


def test_without_a_study_config_built_in_ranges_refuse_a_fahrenheit_temperature(tmp_path, capsys):
    """Issue 21: outside a study, 101.3 in a °C column scored 49 points and nothing was said."""
    sheet = tmp_path / "f.csv"
    sheet.write_text(
        "id,temperature [°C],plt,plt_unit\nA,101.3,150000,G/L\nB,38.5,150,G/L\n", encoding="utf-8"
    )
    assert main(["hscore", str(sheet)]) == 1
    err = capsys.readouterr().err
    assert "no study config found" in err
    assert "built-in clinical plausibility ranges (retrocohort.hscore.items.BUILT_IN_RANGES)" in err
    assert "temperature_max 30–45 °C" in err and "ferritin 0–1000000 µg/L" in err
    assert f"{sheet}, row 2, column 'temperature [°C]': value '101.3 °C': implausible temperature" in err
    assert "temperature within [30, 45] °C" in err and "101.3 degF would be 38.5 °C: is the unit degF?" in err
    assert f"{sheet}, row 2, column 'plt': value '150000 G/L'" in err and "is the unit /mm3?" in err
    assert main(["hscore", str(sheet), "--no-range-check"]) == 0
    assert "plausible ranges NOT checked" in capsys.readouterr().err


def test_built_in_ranges_live_with_the_items_and_fill_gaps_of_a_config(tmp_path):
    from retrocohort.hscore.items import BUILT_IN_RANGES, INPUTS
    from retrocohort.hscore.sheet import plausible_ranges

    measured = {v for v, i in INPUTS.items() if not i.is_flag}
    assert set(BUILT_IN_RANGES) == measured
    ranges, sources = plausible_ranges({"variables": {"ferritin": {"range": [0, 100]}}}, "c.yaml")
    assert ranges["ferritin"] == (0, 100) and "c.yaml" in sources["ferritin"]
    assert ranges["temperature_max"] == BUILT_IN_RANGES["temperature_max"]
    assert "BUILT_IN_RANGES" in sources["temperature_max"]


def test_reported_score_is_compared(tmp_path, capsys):
    sheet = tmp_path / "r.csv"
    sheet.write_text("id,ferritin [µg/L],hscore_reported\nA,7000,40\nB,7000,100\n", encoding="utf-8")
    assert main(["hscore", str(sheet)]) == 0
    blocks = _blocks(capsys.readouterr().out)
    assert "reported 40 (OUTSIDE the achievable range)" in blocks["A"]  # ferritin alone gives 50
    assert "reported 100 (possible)" in blocks["B"]
    main(["hscore", str(DATA / "hscore_canonical.csv")])
    assert "reported 337 (agrees)" in _blocks(capsys.readouterr().out)["P1"]


@pytest.mark.parametrize(
    "edit, expected",
    [
        (lambda text: text + "hscore: {cutoff: 150}\n", "duplicate key"),
        (lambda text: text.replace("cutoff: 169", "cutoff: high"), "hscore/cutoff"),
        (lambda text: text.replace("ferritin: {label", "ferritin: {colour: red, label"), "colour"),
    ],
    ids=["duplicate-key", "schema-type", "unknown-key"],
)
def test_a_config_run_refuses_is_refused_by_hscore_with_the_same_error(
    tmp_path, capsys, monkeypatch, edit, expected
):
    """Issue 22: hscore read the config with read_yaml alone (no schema, no defaults): a config
    `retrocohort run` refuses was scored with, and the restated defaults were load-bearing."""
    from retrocohort.cli import run as run_cli

    config = _study(tmp_path / "study", edit)
    study, sheet = str(config.parents[1]), str(DATA / "hscore_units.csv")
    assert main(["-C", study, "hscore", sheet, "--configfile", str(config)]) == 1
    hscore_err = capsys.readouterr().err
    assert main(["-C", study, "hscore", sheet]) == 1  # the project's config/config.yaml
    assert capsys.readouterr().err == hscore_err
    monkeypatch.setattr(run_cli.subprocess, "run", lambda *a, **k: pytest.fail("Snakemake started"))
    assert main(["run", study, "--no-report"]) == 1
    run_err = capsys.readouterr().err
    problems = [line for line in hscore_err.splitlines() if expected in line]
    assert problems and str(config) in problems[0]
    assert problems == [line for line in run_err.splitlines() if expected in line]
    assert "error: " + run_err.split("error: ", 1)[1] == hscore_err
