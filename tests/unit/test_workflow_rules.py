"""Workflow conventions: each rule's script is named after it and is the step itself; rules pass
their config slice as params; the script glue turns the slice into a guarded view."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from retrocohort.config.slices import DeclaredConfig, UndeclaredConfigKey, config_slice
from retrocohort.pipeline.step import run_step

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "workflow" / "rules"
SCRIPTS = ROOT / "workflow" / "scripts"


def _rules() -> dict[str, str]:
    """rule name -> the text of its definition, for every rule in workflow/rules (rules of an
    optional stage sit under ``if STAGE:``, indented: dedented here)."""
    out = {}
    for path in sorted(RULES.glob("*.smk")):
        text = re.sub(r"^    ", "", path.read_text(encoding="utf-8"), flags=re.M)
        parts = re.split(r"^rule (\w+):\n", text, flags=re.M)
        out.update({parts[i]: parts[i + 1].split("\n\n\n")[0] for i in range(1, len(parts), 2)})
    return out


def test_every_rule_script_is_named_after_its_rule_and_every_script_is_used():
    rules = _rules()
    scripts = {name: re.search(r'script:\n\s+"\.\./scripts/(\w+)\.py"', body) for name, body in rules.items()}
    assert {n: m.group(1) for n, m in scripts.items() if m} == {n: n for n, m in scripts.items() if m}
    assert sorted(p.stem for p in SCRIPTS.glob("*.py")) == sorted(n for n, m in scripts.items() if m)


def test_rules_that_read_the_study_declare_it_as_params():
    """A script that reads ``config`` gets it from ``params.config`` (guarded slice), so its rule
    must declare it: otherwise Snakemake would not rerun it when the study changes."""
    rules = _rules()
    for path in sorted(SCRIPTS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        reads = re.search(
            r"\bconfig\[|\bconfig\.get\(|\(config\b|, config\b", text.split("def main")[-1].split("\n", 1)[1]
        )
        if reads:
            assert re.search(
                r"config=(lambda \w+: )?(with_value\(\s*)?\w*(config|keys)\w*\(", rules[path.stem]
            ), f"rule {path.stem}: no config params"


def test_scripts_call_library_functions_in_one_hop():
    """A script imports the library (never another script or a step module) and calls run_step."""
    for path in sorted(SCRIPTS.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert text.rstrip().endswith("run_step(snakemake, main)  # noqa: F821 (injected by Snakemake)"), path
        imports = re.findall(r"^from (\S+) import", text, flags=re.M)
        assert all(not m.startswith(("retrocohort.steps", "scripts")) for m in imports), path


class _Named(dict):
    """Stands in for Snakemake's Namedlist: items() gives the named entries."""


def test_run_step_passes_wildcards_and_the_declared_config(tmp_path):
    seen = {}
    sliced = config_slice({"sites": {"lyon": {"x": 1}, "rouen": {"x": 2}}, "variables": {}}, ["sites/lyon"])
    smk = SimpleNamespace(
        log=[str(tmp_path / "job.log")],
        rule="ingest_site",
        input=_Named(raw="a.csv"),
        output=_Named(out="b.parquet"),
        params=_Named(config=sliced),
        wildcards=_Named(site="lyon"),
    )
    run_step(smk, lambda **kw: seen.update(kw))
    assert seen["input"] == {"raw": "a.csv"} and seen["output"] == {"out": "b.parquet"}
    assert seen["params"] == {"site": "lyon"}
    assert seen["config"]["sites"]["lyon"] == {"x": 1}
    with pytest.raises(UndeclaredConfigKey, match="sites/rouen"):
        seen["config"]["sites"]["rouen"]
    assert (tmp_path / "job.log").read_text().strip().endswith("done")


def test_run_step_reports_an_undeclared_key_as_a_failure(tmp_path, capsys):
    smk = SimpleNamespace(
        log=[str(tmp_path / "job.log")],
        rule="tables",
        input=_Named(),
        output=_Named(),
        params=_Named(config=config_slice({"a": 1, "b": 2}, ["a"])),
        wildcards=_Named(),
    )
    with pytest.raises(SystemExit):
        run_step(smk, lambda config, **_: config.get("b", 0))
    assert "config key 'b'" in (tmp_path / "job.log").read_text()


def test_declared_config_refuses_reads_outside_the_slice_even_with_a_default():
    full = {
        "statistics": {"quantile_type": 6, "rounding": "half_up", "wilcoxon": {"preset": "R"}},
        "variables": {"crp": {"kind": "continuous"}},
    }
    view = DeclaredConfig(config_slice(full, ["statistics/quantile_type", "variables"]))
    assert view["statistics"]["quantile_type"] == 6
    assert view["variables"] == {"crp": {"kind": "continuous"}}  # a whole declared subtree is plain
    assert list(view["statistics"]) == ["quantile_type"]
    for read in (
        lambda: view["statistics"].get("rounding", "half_up"),
        lambda: view["statistics"]["wilcoxon"],
        lambda: "rounding" in view["statistics"],
        lambda: view.get("tables", {}),
    ):
        with pytest.raises(UndeclaredConfigKey):
            read()


def test_config_slice_skips_absent_keys_and_is_stable():
    full = {"figures": {}, "study": {"id": "x"}}
    a = config_slice(full, ["study/id", "figures/swimmer", "audit"])
    assert a == {"declared": ["audit", "figures/swimmer", "study/id"], "values": {"study": {"id": "x"}}}
    assert repr(a) == repr(config_slice(full, ["audit", "study/id", "figures/swimmer"]))
    assert DeclaredConfig(a).get("figures", {}).get("swimmer") is None  # declared, absent: the default


def test_with_value_replaces_a_declared_path_by_a_projection():
    from retrocohort.config.slices import with_value

    sliced = config_slice(
        {"tables": {"table1": {"rows": [{"variable": "a", "label": "A"}], "x": 1}}}, ["tables/table1/rows"]
    )
    out = with_value(sliced, "tables/table1/rows", [{"variable": "a"}])
    assert DeclaredConfig(out)["tables"]["table1"]["rows"] == [{"variable": "a"}]
    assert sliced["values"]["tables"]["table1"]["rows"][0]["label"] == "A"  # the original is kept
    with pytest.raises(ValueError):
        with_value(sliced, "tables/table1/title", "T")


def test_every_rule_reruns_when_the_library_code_changes():
    """Snakemake notices edits of rule scripts only: each rule also passes the package's digest."""
    from retrocohort.io.content_hashes import package_digest

    assert all("code=CODE," in body for name, body in _rules().items()), "a rule without params code=CODE"
    digest = package_digest()
    assert len(digest) == 64 and digest == package_digest()
