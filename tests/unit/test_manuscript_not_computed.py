"""Manuscript text: a statistic that was not computed prints visibly; an unknown key is an error."""

import pytest

from retrocohort.errors import ConfigError
from retrocohort.manuscript.namespace import Entry, Namespace
from retrocohort.manuscript.resolve import NOT_COMPUTED_TEXT, resolve_template


def _entry(value, row, column):
    return Entry(value, lambda v, d: f"{v:.{d}f}", 1, file="s.json", row=row, column=column)


def test_a_statistic_of_an_existing_record_that_was_not_computed_prints_visibly():
    space = Namespace()
    space.add_all("groups.g.a", {"median": _entry(3.0, 0, "median")})
    space.add_all("groups.g.b", {})  # a group whose statistics were not computed
    out = resolve_template("b: {{ groups.g.b.median }}.", "t.md", space)
    assert out.text == f"b: {NOT_COMPUTED_TEXT}."
    assert "not computed" in out.records[0]["not_computed"]
    with pytest.raises(ConfigError):  # a record that does not exist is still an error
        resolve_template("{{ groups.h.c.median }}", "t.md", space)


def test_statistic_names_cover_every_name_the_flagship_sources_give():
    from pathlib import Path

    from retrocohort.config.study import load_study
    from retrocohort.manuscript.resolve import STATISTIC_NAMES, build_namespace

    root = Path(__file__).resolve().parents[2]
    fixtures = root / "tests" / "data" / "manuscript"
    paths = {p.stem: str(p) for p in fixtures.glob("*.*")}
    study = load_study(root / "config" / "config.yaml", base_dir=root)
    leaves = {k.rpartition(".")[2] for k in build_namespace(paths, study.data).keys()}
    assert leaves and leaves <= STATISTIC_NAMES, leaves - STATISTIC_NAMES
