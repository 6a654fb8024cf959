"""Defaults live only in the study-config schema (issue 22, item 7).

``load_study`` fills every schema ``default`` once; code that reads the loaded study must not
restate one. This scan of ``src/retrocohort`` fails on

* ``<mapping>.get("<key>", <fallback>)`` where ``<key>`` has a schema default and the fallback
  is that default as a literal, or an UPPER_CASE module constant (a named restatement);
* a dict literal that puts ``"<key>": <the default>`` under a ``**`` merge of a config section
  (``{"decimals": 3, **stats_cfg.get("p_value", {})}``);
* a keyword default ``<key>=<the default>`` (or an alias of the key, e.g. ``hf_type=7`` for
  ``quantile_type``) on a function of the pipeline layers.

An empty ``{}`` or ``[]`` fallback is not a restated value (an absent optional section is
empty; it cannot change a number) and is not flagged. ``config/`` checks the raw file before
the defaults are filled and ``stats/`` holds method functions whose keyword defaults are
properties of the method (as scipy's), so neither is scanned. Everything else that is allowed
is listed below with its reason.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "retrocohort"
SCHEMA = PACKAGE / "config" / "schemas" / "config.schema.yaml"
#: Not scanned: see the module docstring.
UNSCANNED = ("config", "stats")
#: Layers whose functions must not restate a default as a keyword default.
PIPELINE_LAYERS = (
    "analysis",
    "tables",
    "render",
    "figures",
    "manuscript",
    "review",
    "synthetic",
    "pipeline",
    "cli",
)
#: Parameter names that stand for a schema key.
ALIASES = {"hf_type": "quantile_type", "qtype": "quantile_type"}

#: (file, key) -> reason. Each entry must still match something (a stale entry fails).
ALLOWED = {
    ("hscore/cutoff.py", "cutoff"): "the standalone HScore calculator's own cut-off (Fardet 2014) "
    "when no study is given; a loaded study always has hscore.cutoff",
    ("hscore/cutoff.py", "operator"): "the standalone calculator's rule when no study is given",
}
#: Files that still restate defaults when this test landed: ones other branches were rewriting
#: (issue 22 items 1-4: analysis/declared_tables, tables/, manuscript/), and ones whose
#: functions unit tests call with partial configs (analysis/, audit/regen_*, cohort/, ingest/,
#: format/pvalues: those tests must pass a loaded study's sections first). Remove each file
#: from this list as it is fixed; a file that no longer restates anything fails the test.
PENDING: set[str] = set()  # every file reads the loaded study now


def schema_defaults(schema: Any = None) -> dict[str, list[Any]]:
    """Every property name with a ``default`` anywhere in the schema -> its defaults."""
    found: dict[str, list[Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, sub in (node.get("properties") or {}).items():
                if isinstance(sub, dict) and "default" in sub:
                    found.setdefault(key, []).append(sub["default"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load(SCHEMA.read_text(encoding="utf-8")) if schema is None else schema)
    return found


def _restates(node: ast.expr, defaults: list[Any]) -> bool:
    """Whether ``node`` is one of ``defaults`` as a literal (empty containers excepted), or an
    UPPER_CASE constant name."""
    if isinstance(node, ast.Name):
        return node.id.isupper()
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return False
    if value in ({}, [], ()):
        return False
    value = list(value) if isinstance(value, tuple) else value
    return any(type(value) is type(d) and value == d for d in defaults)


def restated_defaults(source: str, layer: str, defaults: dict[str, list[Any]]) -> list[tuple[int, str, str]]:
    """(line, key, code) of every restated default in one module's source."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "setdefault")
            and len(node.args) == 2
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in defaults
            and _restates(node.args[1], defaults[node.args[0].value])
        ):
            found.append((node.lineno, node.args[0].value, ast.unparse(node)))
        elif isinstance(node, ast.Dict) and None in node.keys:  # {..., **section}
            for key, value in zip(node.keys, node.values):
                if (
                    isinstance(key, ast.Constant)
                    and key.value in defaults
                    and _restates(value, defaults[key.value])
                ):
                    found.append(
                        (key.lineno, key.value, f"{ast.unparse(key)}: {ast.unparse(value)} merged under **")
                    )
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and layer in PIPELINE_LAYERS:
            args = node.args
            positional = args.posonlyargs + args.args
            pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults))
            pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None]
            for arg, default in pairs:
                key = ALIASES.get(arg.arg, arg.arg)
                if key in defaults and _restates(default, defaults[key]):
                    found.append(
                        (default.lineno, key, f"def {node.name}(... {arg.arg}={ast.unparse(default)})")
                    )
    return found


def scan() -> dict[str, list[tuple[int, str, str]]]:
    defaults = schema_defaults()
    result = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        layer = rel.split("/")[0].removesuffix(".py")
        if layer in UNSCANNED:
            continue
        found = restated_defaults(path.read_text(encoding="utf-8"), layer, defaults)
        if found:
            result[rel] = found
    return result


def test_the_scan_finds_each_form_of_restatement():
    defaults = {"quantile_type": [7], "rounding": ["half_up"], "decimals": [3, 1], "groups": [[]]}
    source = (
        "def f(stats, hf_type=7, groups=()):\n"
        "    q = stats.get('quantile_type', 7)\n"
        "    r = stats.get('rounding', DEFAULT_RULE)\n"
        "    g = stats.get('groups', [])\n"
        "    d = stats.get('decimals', 2)\n"
        "    x = stats.get('rounding')\n"
        "    return {'decimals': 3, **stats.get('p_value', {})}\n"
    )
    assert sorted((line, key) for line, key, _ in restated_defaults(source, "analysis", defaults)) == [
        (1, "quantile_type"),
        (2, "quantile_type"),
        (3, "rounding"),
        (7, "decimals"),
    ]
    assert len(restated_defaults(source, "stats", defaults)) == 3  # keyword defaults: pipeline only


def test_schema_defaults_are_read_from_the_schema():
    defaults = schema_defaults()
    assert 7 in defaults["quantile_type"] and "half_up" in defaults["rounding"]
    assert 0.95 in defaults["conf_level"] and 0.001 in defaults["threshold"]


def test_no_restated_config_default():
    found = scan()
    unexpected = [
        f"src/retrocohort/{rel}:{line}: {code}"
        for rel, hits in found.items()
        if rel not in PENDING
        for line, key, code in hits
        if (rel, key) not in ALLOWED
    ]
    assert not unexpected, (
        "a config default restated in code (read it from the loaded study; defaults live only in "
        f"{SCHEMA.relative_to(ROOT)}):\n" + "\n".join(unexpected)
    )


def test_every_allow_list_entry_is_still_needed():
    found = scan()
    stale = [entry for entry in ALLOWED if entry[1] not in {key for _, key, _ in found.get(entry[0], [])}]
    stale += sorted(rel for rel in PENDING if rel not in found)
    assert not stale, f"allow-list entries that no longer match anything (remove them): {stale}"


def test_pending_files_exist():
    missing = [rel for rel in sorted(PENDING) if not (PACKAGE / rel).is_file()]
    assert not missing, f"pending files that do not exist: {missing}"
