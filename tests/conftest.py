"""Shared fixtures: repository paths and a minimal study config."""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def libreoffice() -> str:
    """The LibreOffice executable. Skips when absent, except in CI, which installs it and sets
    RETROCOHORT_REQUIRE_LIBREOFFICE=1: there a missing LibreOffice is a failure."""
    exe = shutil.which("libreoffice")
    if exe is None:
        message = "LibreOffice not on PATH (apt-get install -y libreoffice-writer-nogui)"
        if os.environ.get("RETROCOHORT_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message + ", but RETROCOHORT_REQUIRE_LIBREOFFICE=1")
        pytest.skip(message)
    return exe
