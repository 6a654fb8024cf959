"""A footnote or test mark (``<sup>``) in an HTML table cell must not make its row taller than a
row without one (a user trial: rows with a p-value letter stood out in the report). Measured in
headless Chromium when it is installed (skipped otherwise): the rendered heights of a row with
and a row without a mark are equal; before the fix the marked row was taller."""

import re
import shutil
import subprocess

import pytest

from retrocohort.render.html import to_html
from retrocohort.render.model import Marked, Row, Table

CHROMIUM = next(
    (shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None
)


def _table() -> Table:
    return Table(
        title="Table 1. Marks",
        columns=["Characteristic", "Value", "p-Value"],
        rows=[
            Row(["Age", "61", "0.21"]),
            Row(["Sex", "12", Marked("0.03", "a")]),
            Row(["BMI", "25", "0.50"]),
            Row(["Height", "170", "0.90"]),
        ],
        footnotes=[Marked("Mann-Whitney U test.", "a")],
        label="t1",
    )


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)")
def test_rows_with_and_without_a_superscript_mark_have_the_same_height(tmp_path):
    page = tmp_path / "t.html"
    page.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<style>body{font:16px/1.5 'DejaVu Sans',sans-serif}</style></head><body>"
        + to_html(_table())
        + "<pre id='out'></pre><script>document.getElementById('out').textContent = "
        "Array.from(document.querySelectorAll('tbody tr')).map(r => 'H=' + r.getBoundingClientRect().height).join(' ');"
        "</script></body></html>",
        encoding="utf-8",
    )
    dom = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    heights = [float(h) for h in re.findall(r"H=([\d.]+)", dom)]
    assert len(heights) == 4, dom[-500:]
    _, marked, plain, _ = heights  # interior rows (the first and last carry the rules' half-widths)
    assert marked == pytest.approx(plain, abs=0.01), heights
