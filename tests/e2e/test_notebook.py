"""End to end: the workflow executes the reviewer's notebook on a copy of the flagship study.

Checks that the executed notebook has no error output and states the agreement of the
recomputed Table 3 / Table 1 numbers, that a re-execution is byte-identical, and that a
tampered pipeline output makes the notebook (and the rule) fail with a clear message.
"""

import json
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from retrocohort.errors import RetrocohortError
from retrocohort.review import notebook as step
from study import ROOT, run_all, warm_copy

NOTEBOOK = "results/notebook/reviewer_walkthrough.ipynb"
HTML = "results/notebook/reviewer_walkthrough.html"
pytestmark = pytest.mark.e2e


def _run(workdir: Path, *extra: str) -> subprocess.CompletedProcess:
    return run_all(workdir, *extra, "--", HTML)


@pytest.fixture(scope="module")
def study(tmp_path_factory) -> Path:
    """A copy of the session's complete flagship run (rule all includes the notebook's HTML)."""
    work = warm_copy(tmp_path_factory, tmp_path_factory.mktemp("notebook"))
    assert (work / HTML).is_file() and (work / NOTEBOOK).is_file()
    return work


def _code_outputs(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]


def _text(output: dict) -> str:
    text = output.get("text", output.get("data", {}).get("text/plain", ""))
    return "".join(text) if isinstance(text, list) else text


def test_executed_notebook_has_no_errors_and_states_agreement(study):
    outputs = _code_outputs(study / NOTEBOOK)
    assert outputs, "the notebook was not executed"
    assert [o for o in outputs if o["output_type"] == "error"] == []
    text = "\n".join(_text(o) for o in outputs)
    assert "AGREEMENT: all 8 recomputed values match" in text
    assert "crp: 15 pairs" in text and "age: n = 21" in text  # the rows it recomputed
    t3 = pd.read_csv(study / "results/stats/table3.csv").set_index("variable")
    assert f"two-sided p = {t3.loc['crp', 'p_value']:.10g}" in text
    nb = json.loads((study / NOTEBOOK).read_text(encoding="utf-8"))
    assert all("execution" not in c["metadata"] for c in nb["cells"])  # no timestamps
    injected = [c for c in nb["cells"] if c["id"] == "injected-parameters"]
    assert len(injected) == 1 and "quantile_type = 7" in "".join(injected[0]["source"])
    page = (study / HTML).read_text(encoding="utf-8")
    assert "AGREEMENT: all 8 recomputed values match" in page and "<table" in page
    assert "http://" not in page and "https://" not in page  # self-contained


def test_reexecution_is_byte_identical(study, tmp_path):
    before = {p: (study / p).read_bytes() for p in (NOTEBOOK, HTML)}
    proc = _run(study, "--forcerun", "notebook")
    assert proc.returncode == 0, proc.stderr[-3000:]
    for path, content in before.items():
        assert (study / path).read_bytes() == content, f"{path} differs between runs"


def test_disagreeing_pipeline_output_fails_the_rule(study):
    table1 = study / "results/stats/table1.csv"
    original = table1.read_text(encoding="utf-8")
    frame = pd.read_csv(table1)
    median = "median@Overall" if "median@Overall" in frame else "median"  # a declared Table 1: Overall
    frame.loc[frame["variable"] == "age", median] += 1  # as if the pipeline were wrong
    try:
        frame.to_csv(table1, index=False)
        proc = _run(study, "--forcerun", "notebook")
        assert proc.returncode != 0
        assert "The notebook stopped in cell 'verdict-assert'" in proc.stderr
        assert "recomputed values disagree with the pipeline" in proc.stderr
        assert not (study / HTML).exists()  # no partial result
    finally:
        table1.write_text(original, encoding="utf-8")


# ---------------------------------------------------------------- pure helpers (no kernel)


def _config() -> dict:
    from retrocohort.config.study import load_study

    return dict(load_study(ROOT / "config/config.yaml", base_dir=ROOT).data)


def test_parameters_come_from_the_study_config():
    inputs = {
        "patients": "results/validated/patients.parquet",
        "cohort": "c.parquet",
        "table1": "t1.csv",
        "table3": "t3.csv",
    }

    def variables(config):
        return (
            [r["variable"] for r in config["tables"]["table1"]["rows"] if "variable" in r],
            [p["variable"] for p in config["tables"]["table3"]["parameters"]],
        )

    params = step.notebook_parameters(inputs, _config(), *variables(_config()))
    assert params["table3_variable"] == "crp"  # first continuous Table 3 parameter (fever is binary)
    assert params["table1_variable"] == "age"
    assert params["validated_dir"] == "results/validated" and params["quantile_type"] == 7
    config = _config()
    config["tables"]["table3"]["parameters"] = [{"variable": "fever"}]
    with pytest.raises(RetrocohortError, match="continuous Table 3 parameter"):
        step.notebook_parameters(inputs, config, *variables(config))


def test_injected_cell_follows_the_parameters_cell():
    import nbformat

    nb = nbformat.read(ROOT / "notebooks/reviewer_walkthrough.ipynb", as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")  # committed clean
    step.inject_parameters(nb, {"table3_variable": "ldh", "paired_days": [0, 3]})
    ids = [c.id for c in nb.cells]
    assert ids[ids.index("parameters") + 1] == "injected-parameters"
    assert "table3_variable = 'ldh'\npaired_days = [0, 3]" in nb.cells[ids.index("parameters") + 1].source
    with pytest.raises(RetrocohortError, match="exactly one cell tagged"):
        step.inject_parameters(nbformat.v4.new_notebook(), {})


def test_markdown_subset_is_escaped_and_rendered():
    html = step.markdown_to_html("## A <b> title\n\n* one `x < 1`\n* **two**\n\n> quote")
    assert html == (
        "<h2>A &lt;b&gt; title</h2>\n<ul><li>one <code>x &lt; 1</code></li>"
        "<li><strong>two</strong></li></ul>\n<blockquote><p>quote</p></blockquote>"
    )
