#!/usr/bin/env python3
"""Open the Snakemake report in headless Chromium, offline, and check a reader sees it whole.

Checks, in order (exit 0 when all pass, 1 when the report fails one, 2 when Chromium is
missing or the arguments are wrong):

1. the HTML file exists and references no external resource (``src``/``href`` to ``http(s):``
   or ``//``): the report must be self-contained;
2. at each viewport (``--window``; default 1400x900, 1920x1080 and 390x844, a phone), Chromium
   renders it with every network request sent to an unreachable proxy (so a page that needs the
   network cannot pass) and the rendered DOM, outside ``<script>``/``<style>``, contains the
   report's navigation and each ``--expect`` text (a blank page, a JavaScript error or an error
   page leaves only the "Loading Snakemake Report..." placeholder);
3. the landing page's title, citation and warning (or each ``--visible`` text) lie wholly inside
   the first screen, not covered by another element: element positions are measured in the page
   (``getBoundingClientRect``, ``elementFromPoint``) through the Chrome DevTools protocol over
   ``--remote-debugging-pipe``, with the viewport set exactly by
   ``Emulation.setDeviceMetricsOverride`` (no extra package, no port);
4. each screenshot is a PNG that is not a single flat colour (saved per viewport as
   ``<stem>_<W>x<H>.png``, the first one also as ``--screenshot``);
5. with ``--first-table``, the first table opens as a reader opens it (the first navigation
   category whose name holds "Tables", then its first result's eye icon, nothing closed) and
   its caption's row, header and first ``TABLE_ROWS`` body rows lie inside the first screen:
   each row's top and bottom within the window, its left edge visible and at least
   ``MIN_VISIBLE_SHARE`` of its width (or of the window) seen, measured inside the table's
   frame (``Page.createIsolatedWorld``) plus the frame's own box (screenshot
   ``<stem>_<W>x<H>_table.png``).

Example: ``python scripts/check_report_browser.py results/report.html --screenshot
logs/report_check/report_screenshot.png --expect Methods``
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import select
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
#: Seconds to wait for the report's app to render its navigation (it takes well under one).
RENDER_WAIT = 15
#: Viewports (CSS pixels) the landing page must fit: laptop, desktop, phone.
WINDOWS = ("1400,900", "1920,1080", "390,844")
#: Landing-page elements checked by default: docutils' document title, the paragraph after it
#: (the study citation) and the warning admonition (the synthetic-data statement).
LANDING = ("h1.title", "h1.title ~ p", "div.warning")
#: Of those, the ones a study may lack: the warning is there only with a synthetic-data note.
OPTIONAL = ("div.warning",)
BROWSER_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-extensions",
    "--proxy-server=http://127.0.0.1:9",  # every request to an unreachable proxy: offline
    "--proxy-bypass-list=<-loopback>",
)
#: Rows of the first table that must be seen (the header row and the first body rows).
TABLE_ROWS = 3
#: Share of a row's width (or of the window, if the row is wider) that must be on screen.
MIN_VISIBLE_SHARE = 0.9
#: Opens the first table: the first "Tables" category of the navigation, then its first result.
OPEN_CATEGORY_JS = """(() => {
  const link = Array.from(document.querySelectorAll('nav a')).find(a => /Tables/.test(a.textContent));
  if (!link) return null;
  link.click();
  return link.textContent.trim();
})()"""
OPEN_RESULT_JS = """(() => {
  const eye = document.querySelector('nav tr a[iconname=eye]');
  if (!eye) return null;
  eye.click();
  return eye.closest('tr').textContent.trim();
})()"""
ROWS_JS = f"""Array.from(document.querySelectorAll('tr')).slice(0, {TABLE_ROWS + 1}).map(r => {{
  const b = r.getBoundingClientRect();
  return {{text: r.textContent.trim().slice(0, 40), top: b.top, bottom: b.bottom, left: b.left, right: b.right}};
}})"""
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


class DevTools:
    """A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (Chromium reads
    NUL-terminated JSON commands on fd 3 and answers on fd 4; no port, no network, no extra
    package). Commands are sent to the page session once :meth:`open_page` attached to it."""

    def __init__(self, chromium: str, profile: str, timeout: float) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def child_fds() -> None:  # fd 3: commands in, fd 4: answers out (copies first: no clobbering)
            commands, answers = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(commands, 3)
            os.dup2(answers, 4)

        cmd = [chromium, *BROWSER_FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe"]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=child_fds, pass_fds=(3, 4),
        )  # fmt: skip
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.deadline = time.monotonic() + timeout
        self.session: str | None = None
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def _read_message(self) -> dict:
        while b"\0" not in self._buffer:
            left = self.deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise CheckFailed("Chromium did not answer within the timeout")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                tail = "\n".join(self.proc.stderr.read().decode(errors="replace").splitlines()[-5:])
                raise CheckFailed(f"Chromium exited (code {self.proc.poll()}):\n{tail}")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, *, browser: bool = False) -> dict:
        """Send one command (to the page session unless ``browser``); return its result."""
        self._next_id += 1
        command = {"id": self._next_id, "method": method, "params": params or {}}
        if self.session and not browser:
            command["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(command).encode() + b"\0")
        while True:
            message = self._read_message()
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise CheckFailed(f"DevTools {method} failed: {message['error']}")
                return message.get("result", {})
            self.events.append(message)

    def wait_event(self, method: str) -> dict:
        """Wait for the page event ``method`` (e.g. ``Page.loadEventFired``)."""
        while True:
            for event in self.events:
                if event.get("method") == method:
                    self.events.remove(event)
                    return event
            self.events.append(self._read_message())

    def open_page(self, width: int, height: int) -> None:
        """A new page with an exact ``width`` x ``height`` CSS-pixel viewport (mobile below 600)."""
        target = self.send("Target.createTarget", {"url": "about:blank"}, browser=True)["targetId"]
        attached = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, browser=True)
        self.session = attached["sessionId"]
        self.send("Page.enable")
        metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
        self.send("Emulation.setDeviceMetricsOverride", metrics)

    def evaluate(self, expression: str) -> object:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        if "exceptionDetails" in result:
            raise CheckFailed(f"page script failed: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def close(self) -> None:
        try:
            self.send("Browser.close", browser=True)
        except (CheckFailed, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_browser)
        os.close(self._from_browser)


#: Finds the innermost element containing each text and reports its box in the viewport and
#: whether the element itself is what the reader sees at the box's centre (not covered).
MEASURE_JS = """(items) => items.map((item) => {
  let best = null;
  if (item.selector) {
    best = document.querySelector(item.selector);
  } else {
    for (const el of document.body.querySelectorAll('*')) {
      if (['SCRIPT', 'STYLE', 'TEMPLATE'].includes(el.tagName)) continue;
      if ((el.textContent || '').includes(item.text)) best = el;
    }
  }
  const name = item.selector || item.text;
  if (!best) return {name, found: false, optional: !!item.optional};
  const r = best.getBoundingClientRect();
  const x = Math.min(Math.max(r.left + 5, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + 5, 0), innerHeight - 1);
  const hit = document.elementFromPoint(x, y);
  return {name, found: true, top: r.top, bottom: r.bottom, left: r.left, right: r.right,
          covered: !(hit && (best.contains(hit) || hit.contains(best)))};
})"""


def _first_table_rows(tools: DevTools) -> tuple[str, list[dict]]:
    """Open the first table from the navigation (``OPEN_CATEGORY_JS``, ``OPEN_RESULT_JS``) and
    return its name and its first rows' boxes in the window (frame offset added, clipped to
    the frame's width)."""
    category = tools.evaluate(OPEN_CATEGORY_JS)
    if category is None:
        raise CheckFailed("the navigation has no category named '... Tables'")
    time.sleep(0.5)
    name = tools.evaluate(OPEN_RESULT_JS)
    if name is None:
        raise CheckFailed(f"category {category!r} lists no result with an eye icon")
    time.sleep(1.0)
    frame = tools.evaluate(
        "(() => { const f = document.querySelector('iframe'); "
        "return f && JSON.parse(JSON.stringify(f.getBoundingClientRect())); })()"
    )
    children = tools.send("Page.getFrameTree")["frameTree"].get("childFrames", [])
    if frame is None or not children:
        raise CheckFailed(f"{category} / {name}: no frame shows the table")
    world = tools.send("Page.createIsolatedWorld", {"frameId": children[0]["frame"]["id"]})
    found = (
        tools.send(
            "Runtime.evaluate",
            {"expression": ROWS_JS, "contextId": world["executionContextId"], "returnByValue": True},
        )["result"].get("value")
        or []
    )
    rows = [
        {**row, "top": row["top"] + frame["top"], "bottom": row["bottom"] + frame["top"],
         "left": row["left"] + frame["left"],
         "right": min(row["right"], frame["width"]) + frame["left"], "full": row["right"] - row["left"]}
        for row in found
    ]  # fmt: skip
    return f"{category} / {name}", rows


def table_row_problem(row: dict, width: int, height: int) -> str | None:
    """Why a row of the first table is not seen on the first screen, or None if it is."""
    if row["top"] < 0 or row["bottom"] > height:
        return f"top {row['top']:.0f} px, bottom {row['bottom']:.0f} px, window height {height} px"
    seen = min(row["right"], width) - max(row["left"], 0)
    if row["left"] < 0 or seen < MIN_VISIBLE_SHARE * min(row["full"], width):
        return f"{seen:.0f} px of its {row['full']:.0f} px width seen in a {width} px window"
    return None


def render(
    chromium: str,
    page: Path,
    screenshot: Path,
    window: str,
    timeout: float,
    visible: list[dict],
    first_table: bool = False,
):
    """Open ``page`` in headless Chromium at ``window`` ("W,H" CSS pixels); save a PNG of the
    viewport; return (rendered DOM, one position record per item of ``visible``: ``{"text": ...}``
    or ``{"selector": ...}``, and with ``first_table`` the problems of the first table's top rows
    (:func:`table_row_problem`), its screenshot saved as ``<stem>_table.png``)."""
    width, height = (int(v) for v in window.split(","))
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        tools = DevTools(chromium, profile, timeout)
        try:
            tools.open_page(width, height)
            tools.send("Page.navigate", {"url": page.resolve().as_uri()})
            tools.wait_event("Page.loadEventFired")
            ready = f"!!document.body && {json.dumps(APP_TEXTS)}.every(t => document.body.textContent.includes(t))"
            give_up = min(tools.deadline - 2, time.monotonic() + RENDER_WAIT)
            while not tools.evaluate(ready) and time.monotonic() < give_up:
                time.sleep(0.2)
            time.sleep(0.3)  # let the app finish laying out
            dom = tools.evaluate("document.documentElement.outerHTML") or ""
            boxes = tools.evaluate(f"({MEASURE_JS})({json.dumps(visible)})") if visible else []
            # against the viewport we set: a phone page wider than the device is zoomed out by
            # the browser (innerWidth grows), which a reader cannot read
            boxes = [{**box, "width": width, "height": height} for box in boxes]
            shot = tools.send("Page.captureScreenshot", {"format": "png"})["data"]
            screenshot.write_bytes(base64.b64decode(shot))
            table_problems = []
            if first_table:
                name, rows = _first_table_rows(tools)
                shot = tools.send("Page.captureScreenshot", {"format": "png"})["data"]
                screenshot.with_name(f"{screenshot.stem}_table.png").write_bytes(base64.b64decode(shot))
                if len(rows) < TABLE_ROWS:
                    table_problems.append(f"{name}: {len(rows)} rows found, expected {TABLE_ROWS} at least")
                table_problems += [
                    f"{name}, row {row['text']!r}: {why}"
                    for row in rows
                    if (why := table_row_problem(row, width, height))
                ]
        finally:
            tools.close()
    return dom, boxes, table_problems


def off_screen(box: dict) -> str | None:
    """Why a measured element is not seen whole in the first screen, or None if it is."""
    if not box["found"]:
        return None if box.get("optional") else "not on the page"  # no warning without synthetic data
    if box["top"] < 0 or box["bottom"] > box["height"]:
        return f"top {box['top']:.0f} px, bottom {box['bottom']:.0f} px, viewport height {box['height']} px"
    if box["left"] < 0 or box["right"] > box["width"]:
        return f"left {box['left']:.0f} px, right {box['right']:.0f} px, viewport width {box['width']} px"
    if box["covered"]:
        return "covered by another element"
    return None


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
    windows: tuple[str, ...] = WINDOWS,
    timeout: float = 60,
    visible: list[str] | None = None,
    first_table: bool = False,
) -> str:
    """Run all checks at each window size; return a one-line summary or raise
    :class:`CheckFailed` naming every element off-screen (element, window, its position).

    ``visible``: texts whose innermost element must lie wholly inside the first screen (no
    scrolling) and not be covered; default: the landing page's title, the paragraph after it
    (the citation) and the warning (:data:`LANDING`). The screenshot of each window is saved as
    ``<screenshot stem>_<W>x<H>.png`` (the first window's also as ``screenshot``)."""
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
    items = (
        [{"text": t} for t in visible]
        if visible
        else [{"selector": s, "optional": s in OPTIONAL} for s in LANDING]
    )
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.unlink(missing_ok=True)
    start = time.perf_counter()
    problems = []
    for index, window in enumerate(windows):
        size = window.replace(",", "x")
        shot = screenshot.with_name(f"{screenshot.stem}_{size}{screenshot.suffix}")
        dom, boxes, table_problems = render(chromium, report, shot, window, timeout, items, first_table)
        problems += [f"{problem} at {size}" for problem in table_problems]
        text = visible_text(dom)
        missing = [t for t in (*APP_TEXTS, *expect) if t not in text]
        if missing:
            raise CheckFailed(
                f"report {report} did not render: the page lacks {missing}. "
                f"Visible text starts with: {text[:300]!r}"
            )
        check_screenshot(shot)
        if index == 0:
            shutil.copyfile(shot, screenshot)
        problems += [f"{b['name']!r} at {size}: {why}" for b in boxes if (why := off_screen(b))]
    seconds = time.perf_counter() - start
    if problems:
        raise CheckFailed(
            f"report {report}: the landing page or the first table is not seen whole; off-screen: "
            + "; ".join(problems)
        )
    width, height = check_screenshot(screenshot)
    seen = [i.get("text") or i.get("selector") for i in items]
    return (
        f"report {report} renders offline in headless Chromium ({seconds:.1f} s); "
        f"found {list(expect) or 'the navigation'}; on the first screen at {', '.join(windows)}: {seen}"
        f"{' and the first table' if first_table else ''}; "
        f"screenshot {screenshot} ({width}x{height})"
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
        default=Path("logs/report_check/report_screenshot.png"),
        help="where to save the PNG (default: logs/report_check/report_screenshot.png)",
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
    parser.add_argument(
        "--window",
        action="append",
        metavar="W,H",
        help=f"viewport in CSS pixels (repeatable; default: {' '.join(WINDOWS)})",
    )
    parser.add_argument(
        "--visible",
        action="append",
        default=[],
        metavar="TEXT",
        help="text whose element must be wholly on the first screen (repeatable; default: "
        "the landing page's title, citation paragraph and warning)",
    )
    parser.add_argument(
        "--first-table",
        action="store_true",
        help="also open the first table from the navigation and check its top rows are on the "
        "first screen at each window",
    )
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
            args.report,
            args.screenshot,
            args.expect,
            chromium,
            tuple(args.window or WINDOWS),
            args.timeout,
            args.visible,
            args.first_table,
        )
    except CheckFailed as exc:
        print(f"check_report_browser: FAILED: {exc}", file=sys.stderr)
        return 1
    print(f"check_report_browser: OK: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
