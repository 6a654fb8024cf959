#!/usr/bin/env python3
"""Open the Snakemake report in headless Chromium, offline, and save a screenshot.

Checks, in order (exit 0 when all pass, 1 when the report fails one, 2 when Chromium is
missing or the arguments are wrong):

1. the HTML file exists and references no external resource (``src``/``href`` to ``http(s):``
   or ``//``): the report must be self-contained;
2. Chromium renders it with every network request sent to an unreachable proxy (so a page that
   needs the network cannot pass) and the rendered DOM, outside ``<script>``/``<style>``,
   contains the report's navigation and each ``--expect`` text (a blank page, a JavaScript
   error or an error page leaves only the "Loading Snakemake Report..." placeholder);
3. the screenshot is a PNG that is not a single flat colour.

Example: ``python scripts/check_report_browser.py results/report.html --screenshot
results/report_screenshot.png --expect Methods``
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: Rendered by the report's JavaScript app (never present before it runs).
APP_TEXTS = ("Workflow", "Statistics", "Results")
EXTERNAL = re.compile(
    r"""<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)\s*=\s*["']"""
    r"""((?:https?:)?//[^"']+)""",
    re.IGNORECASE,
)
HIDDEN = re.compile(r"<(script|style|template)\b.*?</\1>", re.IGNORECASE | re.DOTALL)


class CheckFailed(Exception):
    """The report did not pass a check (message says which and why)."""


def find_chromium(explicit: str | None) -> str | None:
    if explicit:
        return explicit if shutil.which(explicit) else None
    return next((p for p in map(shutil.which, CANDIDATES) if p), None)


def external_resources(html: str) -> list[str]:
    """URLs of resources the page would fetch from the network."""
    return sorted(set(EXTERNAL.findall(html)))


def visible_text(dom: str) -> str:
    """Text of the rendered DOM outside scripts, styles and templates, whitespace collapsed."""
    body = HIDDEN.sub(" ", dom)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def render(chromium: str, page: Path, screenshot: Path, window: str, timeout: float) -> str:
    """Run headless Chromium once: screenshot to ``screenshot``; return the rendered DOM."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        cmd = [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-extensions",
            "--proxy-server=http://127.0.0.1:9",
            "--proxy-bypass-list=<-loopback>",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=1000",
            f"--window-size={window}",
            f"--screenshot={screenshot}",
            "--dump-dom",
            page.resolve().as_uri(),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise CheckFailed(f"Chromium did not finish rendering {page} within {timeout:g} s") from None
    if proc.returncode != 0:
        tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
        raise CheckFailed(f"Chromium exited with code {proc.returncode} on {page}:\n{tail}")
    return proc.stdout


def check_screenshot(path: Path) -> tuple[int, int]:
    """(width, height) of a non-flat PNG screenshot."""
    if not path.is_file() or path.stat().st_size == 0:
        raise CheckFailed(f"Chromium wrote no screenshot to {path}")
    from PIL import Image  # Pillow ships with matplotlib

    with Image.open(path) as img:
        if img.format != "PNG":
            raise CheckFailed(f"screenshot {path} is {img.format}, not PNG")
        extrema = img.convert("L").getextrema()
        size = img.size
    if extrema[0] == extrema[1]:
        raise CheckFailed(f"screenshot {path} is a single flat colour: the page rendered blank")
    return size


def check_report(
    report: Path,
    screenshot: Path,
    expect: list[str],
    chromium: str,
    window: str = "1400,1000",
    timeout: float = 60,
) -> str:
    """Run all checks; return a one-line summary or raise :class:`CheckFailed`."""
    if not report.is_file() or report.stat().st_size == 0:
        raise CheckFailed(
            f"report {report} does not exist or is empty; build it with "
            "`snakemake --report results/report.html`"
        )
    external = external_resources(report.read_text(encoding="utf-8", errors="replace"))
    if external:
        raise CheckFailed(
            f"report {report} is not self-contained; it loads "
            f"{len(external)} external resource(s): {', '.join(external[:5])}"
        )
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.unlink(missing_ok=True)
    start = time.perf_counter()
    text = visible_text(render(chromium, report, screenshot, window, timeout))
    seconds = time.perf_counter() - start
    missing = [t for t in (*APP_TEXTS, *expect) if t not in text]
    if missing:
        raise CheckFailed(
            f"report {report} did not render: the page lacks {missing}. "
            f"Visible text starts with: {text[:300]!r}"
        )
    width, height = check_screenshot(screenshot)
    return (
        f"report {report} renders offline in headless Chromium ({seconds:.1f} s); "
        f"found {list(expect) or 'the navigation'}; screenshot {screenshot} ({width}x{height})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "report",
        nargs="?",
        type=Path,
        default=Path("results/report.html"),
        help="the HTML report (default: results/report.html)",
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        default=Path("results/report_screenshot.png"),
        help="where to save the PNG (default: results/report_screenshot.png)",
    )
    parser.add_argument(
        "--expect",
        action="append",
        default=[],
        metavar="TEXT",
        help="text the rendered page must show (repeatable)",
    )
    parser.add_argument(
        "--chromium", help=f"Chromium executable (default: first of {', '.join(CANDIDATES)} on PATH)"
    )
    parser.add_argument("--window-size", default="1400,1000", help="W,H in pixels")
    parser.add_argument("--timeout", type=float, default=60, help="seconds (default 60)")
    args = parser.parse_args(argv)
    chromium = find_chromium(args.chromium)
    if chromium is None:
        print(
            "check_report_browser: Chromium not found (looked for "
            f"{args.chromium or ', '.join(CANDIDATES)} on PATH). On Debian: "
            "`apt-get install -y chromium`.",
            file=sys.stderr,
        )
        return 2
    try:
        summary = check_report(
            args.report, args.screenshot, args.expect, chromium, args.window_size, args.timeout
        )
    except CheckFailed as exc:
        print(f"check_report_browser: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"check_report_browser: OK: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
