"""The `retrocohort` command line: parsing, --help, --version, error paragraphs, report."""

import subprocess
import sys
from pathlib import Path

import pytest

import retrocohort
from retrocohort.cli import build_parser, main, one_paragraph
from retrocohort.errors import InputError, Problem

ROOT = Path(__file__).resolve().parents[2]
SUBCOMMANDS = ["run", "validate", "hscore", "simulate", "report"]


def test_version(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"retrocohort {retrocohort.__version__}"


def test_top_level_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for name in SUBCOMMANDS:
        assert name in out
    assert "--debug" in out and "--directory" in out


@pytest.mark.parametrize("command", SUBCOMMANDS)
def test_subcommand_help(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: retrocohort {command}")
    assert "--debug" in out  # global options are accepted after the subcommand too


def test_hscore_help_documents_the_accepted_columns(capsys):
    with pytest.raises(SystemExit):
        main(["hscore", "--help"])
    out = capsys.readouterr().out
    for column in (
        "patient_id",
        "immunosuppression",
        "temperature",
        "hepatomegaly",
        "splenomegaly",
        "organomegaly",
        "hemoglobin",
        "leukocytes",
        "platelets",
        "ferritin",
        "triglycerides",
        "fibrinogen",
        "ast",
        "hemophagocytosis",
    ):
        assert f"\n  {column}" in out, column
    assert "ferritin [ng/mL]" in out and "_unit" in out and "--operator" in out


def test_parser_builds_without_heavy_imports():
    code = (
        "import sys; import retrocohort.cli as c; c.build_parser().format_help(); "
        "heavy = [m for m in ('pandas', 'numpy', 'scipy', 'snakemake', 'pint', 'pandera') "
        "if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src")},
        check=True,
    ).stdout
    assert out.strip() == "[]"


def test_missing_subcommand_and_unknown_option_are_usage_errors(capsys):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["report", "--nope"])
    assert exc.value.code == 2
    assert "only 'run' passes extra arguments" in capsys.readouterr().err


def _fail_with(exc):
    def handler(args):
        raise exc

    return handler


def _patch_report_handler(monkeypatch, exc):
    original = build_parser

    def patched():
        parser = original()
        sub = parser._subparsers._group_actions[0].choices["report"]
        sub.set_defaults(handler=_fail_with(exc))
        return parser

    monkeypatch.setattr("retrocohort.cli.build_parser", patched)


def test_retrocohort_error_is_one_paragraph_exit_1(monkeypatch, capsys):
    err = InputError(
        "Cannot read x.csv\n\n", [Problem("file is empty", file="x.csv", row=2, column="c", value="v")]
    )
    _patch_report_handler(monkeypatch, err)
    assert main(["report"]) == 1
    text = capsys.readouterr().err
    assert text.startswith("error: Cannot read x.csv")
    assert "x.csv, row 2, column 'c': value 'v': file is empty" in text
    assert "Traceback" not in text and "\n\n" not in text


def test_other_exception_is_internal_error_exit_2(monkeypatch, capsys):
    _patch_report_handler(monkeypatch, ValueError("bad\nthing"))
    assert main(["report"]) == 2
    text = capsys.readouterr().err
    assert text == ("internal error: ValueError: bad thing; rerun with --debug for the traceback\n")


@pytest.mark.parametrize("position", ["before", "after"])
def test_debug_reraises(monkeypatch, position):
    _patch_report_handler(monkeypatch, ValueError("boom"))
    argv = ["--debug", "report"] if position == "before" else ["report", "--debug"]
    with pytest.raises(ValueError, match="boom"):
        main(argv)


def test_one_paragraph_drops_blank_lines():
    assert one_paragraph("a\n\n  \nb\n") == "a\nb"


def test_report_missing_says_how_to_build(tmp_path, capsys):
    assert main(["-C", str(tmp_path), "report"]) == 1
    err = capsys.readouterr().err
    assert "No report yet" in err and "retrocohort run" in err and "snakemake --report" in err


def test_report_present(tmp_path, capsys):
    report = tmp_path / "results" / "report.html"
    report.parent.mkdir()
    report.write_text("<html></html>")
    assert main(["report", "-C", str(tmp_path), "--path-only"]) == 0
    assert capsys.readouterr().out == f"{report.resolve()}\n"
    assert main(["-C", str(tmp_path), "report"]) == 0
    out = capsys.readouterr().out
    assert f"report: {report.resolve()}" in out and "file://" in out


def test_console_script_entry_point_runs_as_module():
    proc = subprocess.run(
        [sys.executable, "-m", "retrocohort.cli", "--version"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(ROOT / "src")},
    )
    assert proc.returncode == 0 and proc.stdout.startswith("retrocohort ")
