"""End to end: the built Snakemake report renders offline in headless Chromium.

Runs scripts/check_report_browser.py on a report built from a copy of the flagship study, and
on two broken pages it must reject. Without Chromium the tests skip, unless
RETROCOHORT_REQUIRE_BROWSER=1 (CI that installed Chromium), where a missing browser fails.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from study import ROOT

SCRIPT = ROOT / "scripts" / "check_report_browser.py"
pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def chromium() -> str:
    from importlib.util import module_from_spec, spec_from_file_location

    spec = spec_from_file_location("check_report_browser", SCRIPT)
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    found = module.find_chromium(None)
    if found is None:
        message = (
            "Chromium is not installed (looked for "
            f"{', '.join(module.CANDIDATES)}); install it with `apt-get install -y chromium`"
        )
        if os.environ.get("RETROCOHORT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"RETROCOHORT_REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    return found


def _check(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def report(chromium, flagship_report) -> Path:
    return flagship_report


def test_report_renders_and_screenshot_is_saved(report, tmp_path):
    shot = tmp_path / "shot.png"
    proc = _check(
        str(report),
        "--screenshot",
        str(shot),
        "--expect",
        "Methods",
        "--expect",
        "Rounding rules",
        "--expect",
        "Software versions and input checksums",
        "--expect",
        "table2_patients.csv",
        "--expect",
        "6. Reviewer notebook",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "renders offline" in proc.stdout
    assert shot.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "html, messages",
    [
        pytest.param(
            '<html><body><p>Loading Snakemake Report...</p><div id="app"></div>'
            '<script>throw new Error("broken report")</script></body></html>',
            ["did not render", "Loading Snakemake Report"],
            id="page-that-does-not-render",
        ),
        pytest.param(
            '<html><head><script src="https://cdn.example.org/app.js"></script></head>'
            "<body>Workflow Statistics Results</body></html>",
            ["not self-contained", "cdn.example.org"],
            id="report-needing-the-network",
        ),
    ],
)
def test_bad_report_fails(chromium, tmp_path, html, messages):
    page = tmp_path / "report.html"
    page.write_text(html)
    proc = _check(str(page), "--screenshot", str(tmp_path / "shot.png"))
    assert proc.returncode == 1
    assert all(m in proc.stderr for m in messages), proc.stderr


def test_missing_chromium_exits_2_with_install_hint(tmp_path):
    proc = _check(str(tmp_path / "report.html"), "--chromium", "no-such-browser")
    assert proc.returncode == 2
    assert "apt-get install -y chromium" in proc.stderr
