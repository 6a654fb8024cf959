"""`retrocohort simulate`: recipe mode reproduces the committed files; scale mode's call."""

import shutil
import sys
import types
from pathlib import Path

import pytest
import yaml

from retrocohort.cli import main

ROOT = Path(__file__).resolve().parents[2]
RECIPES = ["config/synthetic/baverez2022.yaml", ".test/config/synthetic/covid_shlh_synthetic.yaml"]


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: Path(r).stem)
def test_recipe_regenerates_the_committed_files(recipe, tmp_path, capsys):
    assert (
        main(["-C", str(ROOT), "simulate", "--recipe", str(ROOT / recipe), "--output-dir", str(tmp_path)])
        == 0
    )
    outputs = yaml.safe_load((ROOT / recipe).read_text())["outputs"]
    for relative in outputs.values():
        assert (tmp_path / relative).read_bytes() == (ROOT / relative).read_bytes(), relative
    err = capsys.readouterr().err
    assert "(new)" in err and "calibration:" in err
    # Once more over the same files: reported as unchanged.
    main(["-C", str(ROOT), "simulate", "--recipe", str(ROOT / recipe), "--output-dir", str(tmp_path)])
    assert capsys.readouterr().err.count("(unchanged)") == len(outputs)


def test_recipe_without_outputs_is_an_error(tmp_path, capsys):
    recipe = tmp_path / "r.yaml"
    recipe.write_text("seed: 1\npatients: {count: 3}\n")
    assert main(["-C", str(tmp_path), "simulate", "--recipe", str(recipe)]) == 1
    assert "does not name its output files" in capsys.readouterr().err


@pytest.fixture
def fake_scale(monkeypatch):
    calls = []

    def simulate_cohort(**kwargs):
        calls.append(kwargs)
        return {"patients": kwargs["out_dir"] / "patients.csv"}

    module = types.ModuleType("retrocohort.synthetic.large_cohort")
    module.simulate_cohort = simulate_cohort
    monkeypatch.setitem(sys.modules, "retrocohort.synthetic.large_cohort", module)
    return calls


def test_scale_mode_calls_simulate_cohort(fake_scale, tmp_path, capsys):
    assert (
        main(
            [
                "simulate",
                "--patients",
                "1000",
                "--sites",
                "3",
                "--out",
                str(tmp_path),
                "--seed",
                "7",
                "--formats",
                "csv, parquet",
            ]
        )
        == 0
    )
    assert fake_scale == [
        {"n_patients": 1000, "n_sites": 3, "out_dir": tmp_path, "seed": 7, "formats": ("csv", "parquet")}
    ]
    captured = capsys.readouterr()
    assert "simulating 1000 patients over 3 sites" in captured.err and "done in" in captured.err
    assert f"patients: {tmp_path / 'patients.csv'}" in captured.out


def test_scale_mode_defaults(fake_scale, tmp_path):
    assert main(["simulate", "--patients", "5", "--sites", "1", "--out", str(tmp_path)]) == 0
    assert fake_scale[0]["seed"] == 1 and fake_scale[0]["formats"] == ("csv",)
    assert isinstance(fake_scale[0]["out_dir"], Path)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--patients", "5", "--sites", "1"], "missing --out"),
        (["--recipe", "r.yaml", "--patients", "5"], "--patients cannot be combined with --recipe"),
        (["--patients", "5", "--sites", "1", "--out", "o", "--output-dir", "x"], "--output-dir only"),
        (["--patients", "5", "--sites", "1", "--out", "o", "--formats", "csv,,"], "bad --formats"),
        ([], "missing --patients, --sites, --out"),
    ],
)
def test_option_errors(fake_scale, argv, message, capsys):
    assert main(["simulate", *argv]) == 1
    assert message in capsys.readouterr().err and fake_scale == []


def test_non_positive_counts_are_usage_errors(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["simulate", "--patients", "0", "--sites", "1", "--out", "o"])
    assert exc.value.code == 2 and "must be at least 1" in capsys.readouterr().err


def test_scale_module_absent(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(
        sys.modules, "retrocohort.synthetic.large_cohort", None
    )  # import raises ModuleNotFoundError
    assert main(["simulate", "--patients", "5", "--sites", "1", "--out", str(tmp_path)]) == 1
    assert "no retrocohort.synthetic.large_cohort module" in capsys.readouterr().err


def _test_project(dest: Path) -> tuple[Path, Path]:
    """A project holding a copy of the .test study; (its recipe, its study config)."""
    for folder in ("config", "data"):
        shutil.copytree(ROOT / ".test" / folder, dest / ".test" / folder)
    return dest / ".test/config/synthetic/covid_shlh_synthetic.yaml", dest / ".test/config/config.yaml"


def test_an_analysis_config_run_refuses_is_refused_by_simulate_with_the_same_error(
    tmp_path, capsys, monkeypatch
):
    """Issue 22: the recipe's analysis config was read with yaml.safe_load (no schema, duplicate
    keys silently merged), so the defaults restated in the synthetic code were load-bearing."""
    from retrocohort.cli import run as run_cli

    recipe, config = _test_project(tmp_path)
    config.write_text(
        config.read_text(encoding="utf-8").replace("cutoff: 169", "cutoff: high"), encoding="utf-8"
    )
    assert main(["-C", str(tmp_path), "simulate", "--recipe", str(recipe)]) == 1
    simulate_err = capsys.readouterr().err
    monkeypatch.setattr(run_cli.subprocess, "run", lambda *a, **k: pytest.fail("Snakemake started"))
    assert main(["run", str(tmp_path / ".test"), "--no-report"]) == 1
    run_err = capsys.readouterr().err
    assert "hscore/cutoff" in simulate_err
    assert "error: " + run_err.split("error: ", 1)[1] in simulate_err
    config.write_text(
        config.read_text(encoding="utf-8").replace("cutoff: high", "cutoff: 169") + "seed: 3\nseed: 4\n"
    )
    assert main(["-C", str(tmp_path), "simulate", "--recipe", str(recipe)]) == 1
    assert "duplicate key" in capsys.readouterr().err


def test_simulate_writes_the_inputs_its_analysis_config_reads_when_they_are_absent(tmp_path, capsys):
    """The recipe writes files the study reads: a first generation (files absent) is not refused."""
    recipe, _ = _test_project(tmp_path)
    outputs = yaml.safe_load(recipe.read_text())["outputs"]
    for relative in outputs.values():
        (tmp_path / relative).unlink()
    assert main(["-C", str(tmp_path), "simulate", "--recipe", str(recipe)]) == 0
    for relative in outputs.values():
        assert (tmp_path / relative).read_bytes() == (ROOT / relative).read_bytes(), relative
