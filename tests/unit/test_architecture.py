"""The package is a library layered by stage: each stage imports only from the stages before it
(and itself), no module is over 400 lines, and no retrocohort import is relative."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "retrocohort"
#: Stages in import order: a module may import from its own stage and from earlier ones.
LAYERS = [
    "errors",
    "io",
    "format",
    "config",
    "ingest",
    "validate",
    "cohort",
    "hscore",
    "stats",
    "analysis",
    "render",
    "tables",
    "figures",
    "manuscript",
    "audit",
    "synthetic",
    "review",
    "pipeline",
    "cli",
]
MAX_LINES = 400


def _stage(module: Path) -> str:
    rel = module.relative_to(PACKAGE).parts
    return rel[0].removesuffix(".py") if rel[0] != "__init__.py" else "cli"


def _imports(module: Path) -> list[tuple[int, str]]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{module}:{node.lineno}: relative import"
            if node.module and node.module.startswith("retrocohort"):
                names = (
                    [node.module]
                    if node.module != "retrocohort"
                    else [f"retrocohort.{a.name}" for a in node.names]
                )
                found += [(node.lineno, n) for n in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("retrocohort")]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


def test_every_module_belongs_to_a_stage():
    assert {_stage(m) for m in MODULES} <= set(LAYERS)


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_go_only_downward(module):
    own = LAYERS.index(_stage(module))
    upward = [
        f"line {line}: {name}"
        for line, name in _imports(module)
        if name.split(".")[1:2] and name.split(".")[1] in LAYERS and LAYERS.index(name.split(".")[1]) > own
    ]
    assert upward == [], f"{module.relative_to(PACKAGE)} imports from a later stage"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_over_400_lines(module):
    assert len(module.read_text(encoding="utf-8").splitlines()) <= MAX_LINES
