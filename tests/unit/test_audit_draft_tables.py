"""Tables of a pasted paper read as tables (issue 25, deliverables 1 table part and 2).

The fixture tests/fixtures/audit_draft/cohort_table.txt is an invented cohort paper in the
table styles of real journals; cohort_table.truth.yaml lists every number of its tables,
counted by hand. A drafted entry is right when its place, statistic, values, group and n (or
denominator) agree with the truth and its variable holds the label's word.
"""

from pathlib import Path

import yaml

from retrocohort.audit.draft.draft import draft_entries, draft_study, draft_yaml
from retrocohort.audit.published import load_study

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audit_draft"


def _right(entry: dict, truth: dict, *, strict: bool = True) -> bool:
    same = (
        entry["where"] == truth["where"]
        and entry["statistic"] == truth["statistic"]
        and {k: float(v) for k, v in entry["values"].items()}
        == {k: float(v) for k, v in truth["values"].items()}
    )
    if not strict or not same:
        return same
    n = entry.get("denominator", entry.get("n"))
    return (
        truth["word"] in entry["variable"]
        and ("n" not in truth or n == truth["n"])
        and ("group" not in truth or entry.get("group") == truth["group"])
    )


def score(entries: list[dict], truths: list[dict], *, strict: bool = True) -> tuple[int, int, int]:
    """(truth cells drafted right, truth cells, table entries matching no truth cell)."""
    right = sum(any(_right(e, t, strict=strict) for e in entries) for t in truths)
    tables = [e for e in entries if e["where"].startswith("Table")]
    spurious = sum(not any(_right(e, t, strict=False) for t in truths) for e in tables)
    return right, len(truths), spurious


def _fixture() -> tuple[list[dict], list[dict]]:
    text = (FIXTURES / "cohort_table.txt").read_text(encoding="utf-8")
    truth = yaml.safe_load((FIXTURES / "cohort_table.truth.yaml").read_text(encoding="utf-8"))["cells"]
    return draft_entries(text), truth


def test_fixture_tables_drafted_right():
    entries, truth = _fixture()
    right, total, spurious = score(entries, truth)
    missed = [t for t in truth if not any(_right(e, t) for e in entries)]
    assert right == total and spurious == 0, (right, total, spurious, missed)


def test_fixture_draft_loads_and_feeds_the_percentage_check(tmp_path):
    text = (FIXTURES / "cohort_table.txt").read_text(encoding="utf-8")
    path = tmp_path / "d.yaml"
    path.write_text(draft_yaml(draft_study(text, "cohort_table.txt")), encoding="utf-8")
    study = load_study(path)
    by_printed = {e.printed: e for e in study.numbers}
    male = by_printed["28 (62.2)"]
    assert (male.statistic, male.denominator, male.group) == ("count_pct", 45, "survivors")
    age = by_printed["71.0 (64.5–78.0)"]  # middle dots rewritten so the loader sees 71.0
    assert age.values["median"] == 71.0 and "printed as '71·0 (64·5–78·0)'" in age.note
