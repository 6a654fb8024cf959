"""The package finds its workflow: the checkout's Snakefile first, else the installed one."""

from __future__ import annotations

from pathlib import Path

from retrocohort.pipeline import workflow_files

ROOT = Path(__file__).resolve().parents[2]


def test_checkout_snakefile_is_this_repository():
    assert workflow_files.checkout_snakefile() == ROOT / "Snakefile"
    assert workflow_files.workflow_snakefile() == ROOT / "Snakefile"


def test_installed_snakefile_is_found_under_the_data_prefix(tmp_path, monkeypatch):
    share = tmp_path / "share" / "retrocohort"
    share.mkdir(parents=True)
    monkeypatch.setattr(workflow_files.sysconfig, "get_path", lambda name: str(tmp_path))
    monkeypatch.setattr(workflow_files.site, "getuserbase", lambda: str(tmp_path / "nowhere"))
    assert workflow_files.installed_snakefile() is None
    (share / "Snakefile").write_text("# installed\n")
    assert workflow_files.installed_snakefile() == share / "Snakefile"


def test_without_a_checkout_the_installed_workflow_runs(tmp_path, monkeypatch):
    (tmp_path / "share" / "retrocohort").mkdir(parents=True)
    (tmp_path / "share" / "retrocohort" / "Snakefile").write_text("# installed\n")
    monkeypatch.setattr(workflow_files, "checkout_snakefile", lambda: None)
    monkeypatch.setattr(workflow_files.sysconfig, "get_path", lambda name: str(tmp_path))
    assert workflow_files.workflow_snakefile() == tmp_path / "share" / "retrocohort" / "Snakefile"
