"""Config sections as a loaded study holds them: every schema ``default`` filled
(:func:`retrocohort.config.study.fill_defaults`, as :func:`~retrocohort.config.study.load_study`
does), for unit tests that call a pipeline function with a hand-written section. Pipeline code
reads defaults from the loaded study only (tests/unit/test_no_restated_defaults.py)."""

from __future__ import annotations

from functools import cache
from typing import Any

from retrocohort.config.check import SCHEMA_PATH, read_yaml
from retrocohort.config.study import fill_defaults


@cache
def _schema() -> dict:
    return read_yaml(SCHEMA_PATH)


def filled(config: dict[str, Any]) -> dict[str, Any]:
    """A (partial) study config with the schema's defaults filled."""
    return fill_defaults(config, _schema())


def statistics(section: dict[str, Any] | None = None) -> dict[str, Any]:
    """``statistics:`` with its defaults filled."""
    return filled({"statistics": dict(section or {})})["statistics"]


def items(name: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A list section (``groups:``, ``survival:``, ``paired:``...) with each entry's defaults filled."""
    return filled({name: [dict(e) for e in entries]})[name]


def criteria(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``selection.criteria`` with each criterion's defaults filled (``missing``)."""
    return filled({"selection": {"criteria": [dict(e) for e in entries]}})["selection"]["criteria"]


def source(entry: dict[str, Any]) -> dict[str, Any]:
    """One raw source of a site (``sites: {<site>: {sources: [...]}}``) with its defaults filled
    (``encoding``, ``separator``, ``decimal``, ``hidden_rows``, the privacy policies...)."""
    return filled({"sites": {"s": {"sources": [dict(entry)]}}})["sites"]["s"]["sources"][0]


def table(spec: dict[str, Any], table_id: str = "t") -> dict[str, Any]:
    """One entry of ``tables:`` (a declared ``kind:`` or a classic table) with its defaults filled."""
    return filled({"tables": {table_id: dict(spec)}})["tables"][table_id]


def descriptive_options() -> dict[str, Any]:
    """The table-level keywords of :func:`retrocohort.analysis.stratified.stratified_statistics`
    as a loaded descriptive table gives them (``hf_type``, ``missing``, ``exact_max_n``)."""
    spec = table({"kind": "descriptive", "rows": [{"variable": "x"}]})
    return {
        "hf_type": statistics()["quantile_type"],
        "missing": spec["missing"],
        "exact_max_n": spec["exact_max_n"],
    }


def edited_flagship(root, tmp_path, monkeypatch, edit) -> Any:
    """The flagship's config with ``edit(config)`` applied, loaded by the strict loader from a
    copy in ``tmp_path`` (relative paths resolved from the repository ``root``)."""
    import yaml

    from retrocohort.config.study import load_study

    monkeypatch.chdir(root)
    cfg = yaml.safe_load((root / "config/config.yaml").read_text())
    edit(cfg)
    path = tmp_path / "study.yaml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True))
    return load_study(path, base_dir=root)
