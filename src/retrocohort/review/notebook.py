"""The reviewer's walkthrough notebook: parameters, execution with nbclient, HTML rendering.

The study's values are injected papermill-style: a code cell tagged ``injected-parameters`` is
inserted after the cell tagged ``parameters``. Execution uses the ``python3`` kernel (jupyter
runs it with the interpreter running this step, i.e. the workflow's environment), no network.
Outputs are deterministic: no execution timings are recorded, fixed cell ids, sorted JSON keys,
so two runs on the same data give byte-identical notebooks and HTML files. A failing cell (for
example a recomputed number that disagrees with the pipeline) stops the rule with one paragraph
naming the cell and the error; nothing is written then.
"""

from __future__ import annotations

import html
import os
import re
import tempfile
from collections.abc import Mapping
from typing import Any

import nbformat
from nbformat import NotebookNode

from retrocohort.analysis.presets import ranks_raw_differences
from retrocohort.errors import Problem, RetrocohortError
from retrocohort.kinds.paired import spec_points

TITLE = "Reviewer's walkthrough (executed by the workflow)"
TIMEOUT_SECONDS = 600  # per cell
PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def notebook_parameters(
    input: dict, config: Mapping, table1_variables: list[str], table3_variables: list[str]
) -> dict[str, Any]:
    """Values injected into the walkthrough: input paths and the study's analysis choices.

    The Table 3 row is the first continuous Table 3 parameter; the Table 1 row is the first
    Table 1 row whose variable is a continuous patient-level variable. ``config`` needs
    ``variables``, ``paired_days``, the time point keys (``time_points``, ``paired_time_points``)
    and ``statistics`` (quantile type, decimals, Wilcoxon) of a loaded study, and
    ``tables.table3.time_points`` when the paired table declares them (defaults filled
    by :func:`retrocohort.config.study.load_study`). The two paired time points are
    injected as plain dicts (name, day, window, rule, tie), with the variable's ``worst``.
    """
    variables = config["variables"]
    t3 = [v for v in table3_variables if variables.get(v, {}).get("kind") == "continuous"]
    t1 = [
        v
        for v in table1_variables
        if variables.get(v, {}).get("kind") == "continuous" and variables[v].get("table") == "patients"
    ]
    missing = [name for name, found in (("Table 3 parameter", t3), ("Table 1 row", t1)) if not found]
    if missing:
        raise RetrocohortError(
            "The reviewer notebook needs a continuous variable to recompute.",
            [
                Problem(
                    f"no continuous {m} in the study config",
                    file="config",
                    expected="variables with kind: continuous",
                )
                for m in missing
            ],
        )
    # the paired table's own time points when it declares them (kind: paired), else the study's
    points = spec_points(config, config.get("tables", {}).get("table3", {}))
    stats = config["statistics"]  # a loaded study: the schema's defaults are filled
    wilcoxon = stats["wilcoxon"]
    preset = wilcoxon["preset"]
    return {
        "validated_dir": os.path.dirname(input["patients"]),
        "cohort_path": input["cohort"],
        "table1_path": input["table1"],
        "table3_path": input["table3"],
        "table1_variable": t1[0],
        "table3_variable": t3[0],
        "paired_days": [point.day for point in points],
        "paired_time_points": [
            {"name": p.name, "day": p.day, "window": list(p.window), "rule": p.rule, "tie": p.tie}
            for p in points
        ],
        "worst": variables[t3[0]].get("worst"),
        "quantile_type": int(stats["quantile_type"]),
        "decimals_for_tests": int(stats["decimals_for_tests"]),
        "wilcoxon_preset": preset,
        "raw_differences": ranks_raw_differences(wilcoxon),
        "exact_max_n": int(wilcoxon.get("exact_max_n", 49 if preset == "R" else 50)),
    }


def inject_parameters(nb: NotebookNode, parameters: dict[str, Any]) -> None:
    """Insert a cell assigning ``parameters`` right after the cell tagged ``parameters``."""
    tagged = [i for i, c in enumerate(nb.cells) if PARAMETERS_TAG in c.metadata.get("tags", [])]
    if len(tagged) != 1:
        raise RetrocohortError(
            f"The notebook needs exactly one cell tagged {PARAMETERS_TAG!r}; found {len(tagged)}."
        )
    source = "# Injected by the workflow (rule notebook)\n" + "\n".join(
        f"{name} = {value!r}" for name, value in parameters.items()
    )
    cell = nbformat.v4.new_code_cell(source, id=INJECTED_TAG)
    cell.metadata["tags"] = [INJECTED_TAG]
    nb.cells.insert(tagged[0] + 1, cell)


def execute(nb: NotebookNode, workdir: str, timeout: int = 600) -> None:
    """Run every cell in a fresh ``python3`` kernel started in ``workdir``."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from traitlets.config import Config

    local_only = Config({"KernelManager": {"transport": "ipc"}})  # Unix sockets, no TCP port
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        record_timing=False,
        shutdown_kernel="immediate",  # no graceful wait (~0.5 s); outputs are in
        allow_errors=False,
        resources={"metadata": {"path": workdir}},
        config=local_only,
    )
    # Connection file and sockets in a private temporary folder (HOME may be read-only in CI).
    runtime = tempfile.TemporaryDirectory(prefix="retrocohort-kernel-")
    previous = os.environ.get("JUPYTER_RUNTIME_DIR")
    os.environ["JUPYTER_RUNTIME_DIR"] = runtime.name
    try:
        client.execute()
    except CellExecutionError as exc:
        cell = _failed_cell(nb)
        raise RetrocohortError(
            f"The notebook stopped in cell {cell!r}: {exc.ename}: {ANSI.sub('', exc.evalue)}. "
            "A recomputed value disagreeing with the pipeline is reported this way."
        ) from None
    except (DeadKernelError, TimeoutError, RuntimeError) as exc:
        raise RetrocohortError(f"The notebook kernel failed: {exc}") from None
    finally:
        if previous is None:
            os.environ.pop("JUPYTER_RUNTIME_DIR", None)
        else:
            os.environ["JUPYTER_RUNTIME_DIR"] = previous
        runtime.cleanup()


def _failed_cell(nb: NotebookNode) -> str:
    for cell in nb.cells:
        if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            return cell.get("id", "?")
    return "?"


def merge_streams(outputs: list) -> list:
    """Consecutive stream outputs of the same stream joined into one.

    Under load a kernel may send one ``print`` as two stream messages; how the text was split
    is an accident of timing, not content, so it must not reach the saved notebook.
    """
    merged: list = []
    for out in outputs:
        last = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and last is not None
            and last.get("output_type") == "stream"
            and last.get("name") == out.get("name")
        ):
            last["text"] = last["text"] + out["text"]
        else:
            merged.append(out)
    return merged


def strip_volatile(nb: NotebookNode) -> None:
    """Drop run-dependent metadata (timings, widget state) and merge split stream messages,
    so the file is byte-reproducible."""
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("papermill", None)


# ---------------------------------------------------------------- HTML rendering

_CSS = """
body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
.cell{margin:1rem 0}.prompt{color:#777;font:0.8rem monospace}
.input .highlight{background:#f6f8fa;border:1px solid #ddd;padding:0.5rem;overflow-x:auto}
pre{margin:0;white-space:pre-wrap}.output{border-left:3px solid #0072B2;padding:0.3rem 0.6rem}
.stderr{background:#fff5e6}.error{background:#fde8e8;color:#900}
table{border-collapse:collapse;font-size:0.9rem}td,th{border:1px solid #ccc;padding:2px 6px}
blockquote{border-left:3px solid #E69F00;margin:0;padding:0 1rem;color:#444}
code{background:#f0f0f0;padding:0 2px}
"""


def _inline(text: str) -> str:
    """Escape, then render `code` and **bold** spans."""
    text = html.escape(text, quote=False)
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", text)
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", text)


def markdown_to_html(source: str) -> str:
    """The Markdown subset used in our notebooks: #-headings, paragraphs, * lists, > quotes."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", source.strip()):
        lines = block.splitlines()
        heading = re.match(r"(#{1,6})\s+(.*)", lines[0])
        if heading and len(lines) == 1:
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
        elif all(re.match(r"[*-]\s", ln) or ln.startswith("  ") for ln in lines):
            items = re.split(r"\n[*-]\s", "\n" + block.strip())[1:]
            out.append("<ul>" + "".join(f"<li>{_inline(' '.join(i.split()))}</li>" for i in items) + "</ul>")
        elif all(ln.startswith(">") for ln in lines):
            text = " ".join(ln.lstrip("> ").strip() for ln in lines)
            out.append(f"<blockquote><p>{_inline(text)}</p></blockquote>")
        else:
            text = " ".join(ln.strip() for ln in lines)
            out.append(f"<p>{_inline(text)}</p>")
    return "\n".join(out)


def _output_html(output: NotebookNode) -> str:
    kind = output["output_type"]
    if kind == "stream":
        return f'<pre class="{output["name"]}">{html.escape(output["text"])}</pre>'
    if kind == "error":
        trace = ANSI.sub("", "\n".join(output.get("traceback", [])))
        return f'<pre class="error">{html.escape(trace)}</pre>'
    data = output.get("data", {})
    if "text/html" in data:
        return f'<div class="html">{data["text/html"]}</div>'
    if "image/png" in data:
        return f'<img alt="figure" src="data:image/png;base64,{data["image/png"].strip()}">'
    return f"<pre>{html.escape(data.get('text/plain', ''))}</pre>"


def notebook_to_html(nb: NotebookNode, title: str) -> str:
    """A self-contained HTML page: highlighted code (inline styles), outputs, Markdown."""
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    formatter = HtmlFormatter(noclasses=True, nowrap=False)
    parts = [
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_CSS}</style></head><body>"
    ]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(f'<div class="cell markdown">{markdown_to_html(cell.source)}</div>')
        elif cell.cell_type == "code":
            count = cell.get("execution_count") or " "
            parts.append(
                f'<div class="cell code"><div class="prompt">In [{count}]:</div>'
                f'<div class="input">{highlight(cell.source, PythonLexer(), formatter)}'
                "</div>"
            )
            parts += [f'<div class="output">{_output_html(o)}</div>' for o in cell.outputs]
            parts.append("</div>")
    parts.append("</body></html>\n")
    return "\n".join(parts)
