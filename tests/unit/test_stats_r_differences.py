"""The registry of deliberate differences from R and its generated docs page."""

from pathlib import Path

import pytest

from retrocohort.stats.r_differences import R_DIFFERENCES, difference, differences_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "methods-vs-r.md"


def test_docs_page_is_generated_from_the_registry():
    assert DOC.read_text(encoding="utf-8") == differences_markdown(), (
        "regenerate docs/methods-vs-r.md with retrocohort.stats.r_differences.differences_markdown()"
    )


def test_entries_are_complete_and_unique():
    keys = [d.key for d in R_DIFFERENCES]
    assert len(keys) == len(set(keys))
    for entry in R_DIFFERENCES:
        assert all(getattr(entry, f).strip() for f in ("topic", "ours", "r", "reason", "r_option"))


def test_lookup_by_key():
    assert difference("mcnemar_exact").topic == "McNemar test"
    with pytest.raises(KeyError, match="keys"):
        difference("nope")
