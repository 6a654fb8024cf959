"""Each workflow step imports only what it uses (issue 26: a job's time is mostly its imports).

For every script of ``workflow/scripts`` the test runs the script's top-level imports in a fresh
process and asserts that no heavy module outside the step's allowance is in ``sys.modules``.
Heavy modules a step needs only on some paths (a test's ``scipy.stats`` function, the KM
figure's matplotlib, a Word file's ``docx``) are imported inside the functions that use them,
so they are not paid by every job. The allowance per step is stated here in
:data:`ALLOWED`; the heavy modules are :data:`HEAVY` (measured on a 2-core machine: ``scipy.stats``
~1.6 s, ``statsmodels`` ~2.8 s, matplotlib ~1.0 s, pandera ~1.1 s, docx ~0.3 s of CPU).

One process imports the light base every step shares (pandas, numpy, pyarrow), then forks one
child per script, so the test costs about one import of the retrocohort modules per script.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "workflow" / "scripts"

#: Heavy modules no step may import at its top level unless :data:`ALLOWED` says so.
HEAVY = ("scipy", "scipy.stats", "statsmodels", "matplotlib", "pandera", "docx", "nbformat", "lifelines")

#: The heavy modules each step may import at its top level (every other step: none of them).
ALLOWED: dict[str, set[str]] = {
    "audit": {"scipy", "scipy.stats"},  # the audit's checks recompute published statistics
    "figures": {"matplotlib", "scipy"},  # plots; scipy.special.expit for the HLH probability
    "figures_slopes": {"matplotlib"},
    "survival": {"matplotlib"},  # draws the Kaplan-Meier figures
    "hscore": {"scipy"},  # scipy.special.expit for the HLH probability
    "ingest_site": {"pandera"},  # validates the site's tables it wrote (Pandera models)
    "merge_sites_and_derive": {"pandera"},
    "manuscript": {"docx"},  # writes the Results as .docx
    "methods": {"docx"},
    "results_skeleton": {"docx"},
    "notebook": {"nbformat"},
}

#: Shared by every step and imported once before the fork (a heavy module they pulled in would
#: show in every step).
BASE = "import numpy, pandas, pyarrow, pyarrow.parquet, retrocohort.pipeline.step, retrocohort.io.tabular"

_DRIVER = """
import json, os, sys
{base}
results = {{}}
for name, source in {sets!r}.items():
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            exec(compile(source, name, "exec"), {{}})
            out = [m for m in {heavy!r} if m in sys.modules]
        except BaseException as exc:  # reported, not swallowed: the test fails on it
            out = "error: " + repr(exc)
        os.write(write, json.dumps(out).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as fh:
        results[name] = json.loads(fh.read())
    os.waitpid(pid, 0)
print(json.dumps(results))
"""


def import_set(script: Path) -> str:
    """The script's top-level ``import`` and ``from ... import`` statements, as source."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    return "\n".join(ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom))


#: The import set of Snakemake's parse of the workflow (every ``snakemake`` call pays it: a run,
#: a dry run, ``--unlock``, ``--report``, each SLURM job).
PARSE = "(Snakefile parse)"


def snakefile_imports() -> str:
    """The top-level ``import``/``from ... import`` lines of the Snakefile and its rule files."""
    files = [ROOT / "Snakefile", *sorted((ROOT / "workflow" / "rules").glob("*.smk"))]
    modules = [
        line.split()[1]  # the module each line loads ("from a.b import (" -> a.b)
        for f in files
        for line in f.read_text(encoding="utf-8").splitlines()
        if line.startswith(("import ", "from ")) and not line.startswith("from __future__")
    ]
    assert modules, "no import found in the workflow's rule files"
    return "\n".join(f"import {m.rstrip(',')}" for m in dict.fromkeys(modules))


@pytest.fixture(scope="module")
def loaded() -> dict[str, list[str] | str]:
    """Heavy modules in ``sys.modules`` after each script's imports, by script name."""
    if not hasattr(os, "fork"):
        pytest.skip("needs os.fork")
    sets = {p.stem: import_set(p) for p in sorted(SCRIPTS.glob("*.py"))}
    sets[PARSE] = snakefile_imports()
    code = _DRIVER.format(base=BASE, sets=sets, heavy=HEAVY)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_every_step_has_an_import_set():
    assert set(ALLOWED) <= {p.stem for p in SCRIPTS.glob("*.py")}, "ALLOWED names a step that is gone"


@pytest.mark.parametrize("step", sorted(p.stem for p in SCRIPTS.glob("*.py")))
def test_step_imports_no_heavy_module_it_does_not_use(loaded, step):
    found = loaded[step]
    assert not isinstance(found, str), f"{step}: importing its modules failed: {found}"
    forbidden = sorted(set(found) - ALLOWED.get(step, set()))
    assert forbidden == [], (
        f"workflow/scripts/{step}.py imports {forbidden} at its top level; import them inside the "
        "function that needs them (python -X importtime shows which module pulls them in)"
    )


def test_the_check_sees_a_heavy_import():
    """The driver reports a heavy module an import set loads (the check can fail)."""
    code = _DRIVER.format(base="", sets={"probe": "import scipy.special"}, heavy=HEAVY)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(proc.stdout)["probe"] == ["scipy"]


def test_the_snakefile_parse_imports_no_heavy_module(loaded):
    """Failed before: the rule files' imports loaded scipy.stats (stats/robust_score.py at its top
    level, through retrocohort.kinds) on every snakemake call."""
    assert loaded[PARSE] == [], f"the workflow's rule files import {loaded[PARSE]} at parse time"
