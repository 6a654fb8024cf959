"""End to end: the built Snakemake report renders offline in headless Chromium and a reader sees
its landing page whole (title, citation, synthetic-data warning on the first screen at
1400x900, 1920x1080 and 390x844).

Runs scripts/check_report_browser.py on a report built from a copy of the flagship study, and
on broken pages it must reject (one that does not render, one needing the network, one whose
landing page is centred above the top of the window, as the report's was before the fix in
workflow/report/workflow.rst). Without Chromium the tests skip, unless
RETROCOHORT_REQUIRE_BROWSER=1 (CI that installed Chromium), where a missing browser fails.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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


def _landing_texts() -> list[str]:
    """The flagship's title, citation and synthetic-data note (their first words), as the
    landing page prints them."""
    study = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))["study"]
    return [
        f"retrocohort: {study['title']}",
        study["citation"][:30],
        " ".join(study["synthetic_note"].split())[:30],
    ]


def test_report_renders_and_landing_page_is_seen_whole(report, tmp_path):
    shot = tmp_path / "shot.png"
    visible = [arg for text in _landing_texts() for arg in ("--visible", text)]
    proc = _check(
        str(report),
        "--screenshot",
        str(shot),
        *visible,
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
    assert "1400,900, 1920,1080, 390,844" in proc.stdout
    assert shot.read_bytes().startswith(b"\x89PNG")
    for size in ("1400x900", "1920x1080", "390x844"):
        assert (tmp_path / f"shot_{size}.png").read_bytes().startswith(b"\x89PNG")


def test_default_landing_elements_are_checked(report, tmp_path):
    """Without --visible (as `make report-check` runs it): the docutils title, the paragraph
    after it and the warning admonition."""
    proc = _check(str(report), "--screenshot", str(tmp_path / "shot.png"), "--window", "390,844")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "'h1.title', 'h1.title ~ p', 'div.warning'" in proc.stdout


#: The Snakemake report's content pane as it was: a window-high flex box centring its content,
#: so a landing page taller than the window starts above the top, out of reach.
CENTRED_TALL_PAGE = (
    '<html><body><div style="display:flex;align-items:center;height:100vh;overflow:auto">'
    '<div><h1 class="title">retrocohort: A study</h1><p>Study: Someone et al. 2022</p>'
    '<div class="warning"><p>Synthetic data</p></div><div style="height:3000px"></div>'
    "<p>Workflow Statistics Results</p></div></div></body></html>"
)


def test_landing_page_above_the_window_fails(chromium, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(CENTRED_TALL_PAGE)
    proc = _check(str(page), "--screenshot", str(tmp_path / "shot.png"), "--window", "1400,900")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "not seen whole" in proc.stderr
    for name in ("'h1.title' at 1400x900: top -", "'div.warning' at 1400x900: top -"):
        assert name in proc.stderr, proc.stderr


def test_text_wider_than_a_phone_fails(chromium, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(
        '<html><head><meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        '<body><h1 class="title" style="margin-left:300px;width:500px">Title</h1>'
        "<p>Study: x</p><div class='warning'>w</div><p>Workflow Statistics Results</p></body></html>"
    )
    proc = _check(
        str(page), "--screenshot", str(tmp_path / "shot.png"), "--visible", "Title", "--window", "390,844"
    )
    assert proc.returncode == 1
    assert "'Title' at 390x844: left 308 px, right 808 px, viewport width 390 px" in proc.stderr, proc.stderr


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


def test_first_table_is_readable_on_a_phone_without_closing_anything(report, tmp_path):
    """At 390x844 the first table, opened from the navigation as a reader opens it, shows its
    header and first rows on the first screen (failed before: the open navigation covered the
    window and the table's frame was 29 px wide, "21 px of its 322 px width seen")."""
    shot = tmp_path / "phone.png"
    proc = _check(str(report), "--screenshot", str(shot), "--window", "390,844", "--first-table")
    assert proc.returncode == 0, proc.stderr
    assert "and the first table" in proc.stdout
    assert (tmp_path / "phone_390x844_table.png").stat().st_size > 0
