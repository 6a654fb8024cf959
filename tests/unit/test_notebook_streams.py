"""Determinism of the saved notebook (issue 14, item 8): a kernel under load may send one printed
line as several stream messages; :func:`strip_volatile` (via :func:`merge_streams`) must make the
written bytes identical to those of the unsplit execution."""

from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from retrocohort.review.notebook import merge_streams, strip_volatile

LINES = "ferritin: 21 pairs, two-sided p = 0.0001\nAGREEMENT: all 8 recomputed values match\n"


def _notebook(outputs_per_cell: list[list]) -> nbformat.NotebookNode:
    nb = new_notebook()
    for i, outputs in enumerate(outputs_per_cell):
        cell = new_code_cell(source=f"print({i})", id=f"cell-{i}", execution_count=i + 1)
        cell.outputs = outputs
        cell.metadata["execution"] = {"iopub.execute_input": f"2026-12-02T14:0{i}:00Z"}  # volatile
        nb.cells.append(cell)
    return nb


def _stream(text: str, name: str = "stdout"):
    return new_output("stream", name=name, text=text)


def _result(text: str):
    return new_output("execute_result", data={"text/plain": text}, execution_count=1)


def _written(nb: nbformat.NotebookNode) -> bytes:
    """What the notebook rule writes, after a round trip through JSON as the kernel's would be."""
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    strip_volatile(nb)
    return (nbformat.writes(nb) + "\n").encode("utf-8")


def _splits(text: str) -> list[list[str]]:
    """The same text cut at every character and at every line end (how a loaded kernel may cut)."""
    cuts = [[text[:k], text[k:]] for k in range(1, len(text))]
    lines = text.splitlines(keepends=True)
    return cuts + [lines, [c for c in text]]


def test_split_stream_messages_give_identical_bytes():
    whole = _written(_notebook([[_stream(LINES)], [_stream("n = 21\n"), _result("42")]]))
    for parts in _splits(LINES):
        split = _notebook([[_stream(p) for p in parts], [_stream("n = 2"), _stream("1\n"), _result("42")]])
        assert _written(split) == whole, parts


def test_streams_merge_only_when_consecutive_and_of_the_same_name():
    outputs = [
        _stream("a"),
        _stream("b"),
        _stream("warn", "stderr"),
        _stream("c"),
        _result("1"),
        _stream("d"),
        _stream("e"),
    ]
    merged = merge_streams(outputs)
    assert [(o.output_type, o.get("name"), o.get("text")) for o in merged] == [
        ("stream", "stdout", "ab"),
        ("stream", "stderr", "warn"),
        ("stream", "stdout", "c"),
        ("execute_result", None, None),
        ("stream", "stdout", "de"),
    ]


def test_interleaved_stderr_is_not_reordered():
    """Merging must never move text across another output: stdout/stderr order is content."""
    nb = _notebook([[_stream("x\n"), _stream("w\n", "stderr"), _stream("y\n")]])
    reread = nbformat.reads(_written(nb).decode("utf-8"), as_version=4)
    assert [o.text for o in reread.cells[0].outputs] == ["x\n", "w\n", "y\n"]


def test_execution_timings_are_dropped():
    nb = nbformat.reads(_written(_notebook([[_stream("x\n")]])).decode("utf-8"), as_version=4)
    assert all("execution" not in c.metadata for c in nb.cells)
