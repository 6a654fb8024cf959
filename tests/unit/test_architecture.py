"""The package is a library layered by stage: each stage imports only from the stages before it
(and itself), no module is over 400 lines of code (docstrings not counted), and no retrocohort import is relative."""

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
    "kinds",
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


def code_lines(source: str) -> int:
    """Lines of code: not blank and not inside a docstring (numpydoc Parameters, References and
    Examples document a module; they do not make it less cohesive)."""
    tree = ast.parse(source)
    documented = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                documented.update(range(body[0].lineno, body[0].end_lineno + 1))
    return sum(
        1 for i, line in enumerate(source.splitlines(), start=1) if line.strip() and i not in documented
    )


def test_code_lines_skip_docstrings_and_blank_lines():
    source = 'def f():\n    """Doc.\n\n    More.\n    """\n\n    return 1\n'
    assert code_lines(source) == 2


@pytest.mark.parametrize("module", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_over_400_code_lines(module):
    assert code_lines(module.read_text(encoding="utf-8")) <= MAX_LINES


#: The audit's parts (``retrocohort.audit`` docstring) -> the parts each may import. The order is
#: the data flow: a paper is read, checked, regenerated from data, reported; the draft reader
#: needs only the published model. ``retrocohort.audit`` itself (its ``__init__``) is above all.
AUDIT_PARTS = {
    "published": set(),
    "checks": {"published"},
    "draft": {"published"},
    "regen": {"published", "checks"},
    "report": {"published", "checks", "regen"},
}
AUDIT = PACKAGE / "audit"
AUDIT_MODULES = sorted(m for m in AUDIT.rglob("*.py") if m != AUDIT / "__init__.py")


def _audit_part(name: str) -> str:
    """``retrocohort.audit.<part>[...]`` -> part; ``retrocohort.audit`` (the package) -> ``"audit"``."""
    parts = name.split(".")
    return parts[2].removesuffix(".py") if len(parts) > 2 else "audit"


def test_audit_parts_are_known():
    parts = {_audit_part(_module_name(m)) for m in AUDIT_MODULES}
    assert parts == set(AUDIT_PARTS), f"audit modules outside the declared parts: {parts - set(AUDIT_PARTS)}"


def test_audit_part_layering_catches_an_upward_import():
    assert _audit_part("retrocohort.audit.regen.compare") == "regen"
    assert _audit_part("retrocohort.audit.published") == "published"
    assert _audit_part("retrocohort.audit") == "audit"
    assert "report" not in AUDIT_PARTS["checks"] and "audit" not in AUDIT_PARTS["report"]


@pytest.mark.parametrize("module", AUDIT_MODULES, ids=lambda p: str(p.relative_to(AUDIT)))
def test_audit_parts_import_only_downward(module):
    """Within the audit a module imports only its own part and the parts declared below it, and
    never ``retrocohort.audit`` itself (function-level imports included)."""
    own = _audit_part(_module_name(module))
    upward = [
        f"line {line}: {name}"
        for line, name in _imports(module)
        if name == "retrocohort.audit" or name.startswith("retrocohort.audit.")
        if _audit_part(name) not in AUDIT_PARTS[own] | {own}
    ]
    assert upward == [], f"audit/{module.relative_to(AUDIT)} ({own}) imports from a part above it"


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    """Module -> retrocohort modules it imports, at any depth of the file (inside functions too).

    ``from a.b import c`` is an edge to ``a.b.c`` when that is a module, else to ``a.b``; the
    implicit import of a parent package's ``__init__`` is not an edge (Python runs it first,
    whatever the child imports, so it cannot close a cycle of the child's making).
    """
    files = sorted(package.rglob("*.py"))
    names = {_module_name(p) for p in files}
    graph: dict[str, set[str]] = {}
    for path in files:
        edges: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                edges |= {a.name for a in node.names if a.name in names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module in names:
                for alias in node.names:
                    child = f"{node.module}.{alias.name}"
                    edges.add(child if child in names else node.module)
        me = _module_name(path)
        graph[me] = edges - {me}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as [m1, m2, ..., m1], or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for root in sorted(graph):
        if state.get(root):
            continue
        path, stack = [root], [iter(sorted(graph[root]))]
        state[root] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(graph.get(nxt, ()))))
    return None


def test_find_cycle_reports_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_no_import_cycle():
    """No module imports (directly or through others, at module level or inside a function) a
    module that imports it back: a function-level import cannot hide a cycle."""
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)
