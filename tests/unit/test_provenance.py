"""Provenance names the code that ran and the study directory's own git state."""

from __future__ import annotations

import subprocess
from pathlib import Path

from retrocohort.io.provenance import software_state, study_state, tree_digest


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        check=True,
        capture_output=True,
    )


def test_study_directory_outside_git_says_so(tmp_path):
    state = study_state(tmp_path)
    assert state == {"repository": False, "commit": None, "dirty": None}


def test_study_directory_that_is_a_repository_records_its_commit(tmp_path):
    _git(tmp_path, "init", "-q")
    (tmp_path / "config.yaml").write_text("study: {}\n")
    _git(tmp_path, "add", "config.yaml")
    _git(tmp_path, "commit", "-q", "-m", "study")
    state = study_state(tmp_path)
    assert state["repository"] is True
    assert len(state["commit"]) == 40
    assert state["dirty"] is False
    (tmp_path / "config.yaml").write_text("study: {id: x}\n")
    assert study_state(tmp_path)["dirty"] is True


def test_software_state_from_this_checkout_names_version_and_commit():
    state = software_state()
    assert state["version"] not in ("", None)
    assert state["source"] == "git checkout"
    assert len(state["commit"]) == 40


def test_tree_digest_follows_source_files_only(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("x = 1\n")
    (tmp_path / "pkg" / "__pycache__").mkdir()
    (tmp_path / "pkg" / "__pycache__" / "a.py").write_text("cache\n")
    first = tree_digest(tmp_path / "pkg")
    (tmp_path / "pkg" / "__pycache__" / "a.py").write_text("other cache\n")
    assert tree_digest(tmp_path / "pkg") == first
    (tmp_path / "pkg" / "a.py").write_text("x = 2\n")
    assert tree_digest(tmp_path / "pkg") != first
