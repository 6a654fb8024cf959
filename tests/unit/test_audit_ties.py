"""The audit on a compared variable whose every value is tied (issue 21: "the audit rule crashes
when every value of a compared variable is tied").

Before the fix, regenerating a subgroup p-value raised, from the audit's loop over Mann-Whitney
variants (``audit/regen/groups.py`` ``group_p``), the stats layer's refusal of a normal approximation
with zero null variance::

    audit/groups.py, in group_p: mann_whitney(xa, xb, **kw)
    stats/two_sample.py:239, in mann_whitney: normal_pvalue(u, n1 * n2 / 2, var, ...)
    stats/result.py:172, in normal_pvalue: ValueError: normal approximation undefined: null
        variance is zero (no informative observations); use the exact method

The audit now leaves an undefined variant out and names it in the row's notes (as it already
did for signed-rank variants), and the stats layer's normal approximation of all-tied samples
now gives p = 1 with a note (the last test asserts it).
"""

import pytest
import test_audit_groups as groups

from retrocohort.audit.regen.regenerated import regenerate_entry
from retrocohort.audit.regen.unknown_entries import group_unknown_analyses
from retrocohort.audit.report.study_audit import audit_one_study

P_ENTRY = groups._entry(
    "p", "p_value", {"p": 0.036}, dec=3, test="Wilcoxon", design="unpaired", compares=("mi", "still")
)
NORMAL = (
    "Mann-Whitney U, normal approximation without continuity correction",
    "Mann-Whitney U, normal approximation with continuity correction",
)


@pytest.fixture(params=[True, False], ids=["groups.json", "no configured comparison"])
def tied(request, monkeypatch):
    """Every outcome value equal (7 days) in both subgroups."""
    monkeypatch.setattr(groups, "DURATION", [7.0] * 10)
    return groups._data(with_rows=request.param), groups._study(groups.MI, groups.STILL, P_ENTRY)


def test_all_tied_groups_do_not_crash_the_audit(tied):
    data, study = tied
    r = regenerate_entry(P_ENTRY, study, data)
    exact = {m.name: m.values["p"] for m in r.methods if "exact conditional" in m.name}
    assert exact["Mann-Whitney U, exact conditional null with ties"] == 1.0  # every ranking is tied
    a = audit_one_study(study, "tied.yaml", data, rule="half_up")
    assert {row["id"]: row["status"] for row in a["rows"]}["p"] == "not_reproduced"  # 0.036 != 1


def test_an_undefined_variant_is_named_not_hidden(tied):
    data, study = tied
    r = regenerate_entry(P_ENTRY, study, data)
    names = {m.name for m in r.methods}
    for variant in NORMAL:
        assert variant in names or any(n.startswith(variant) and "not computed" in n for n in r.notes)


def test_all_tied_with_one_unknown_value_does_not_crash(monkeypatch):
    monkeypatch.setattr(groups, "DURATION", [7.0, 7.0, None, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0, 7.0])
    data, study = groups._data(), groups._study(groups.MI, groups.STILL, P_ENTRY)
    [rec] = [u for u in group_unknown_analyses(study, data, {"dur": (0.0, 400.0)}) if u["entry_id"] == "p"]
    assert rec["missing_patients"] == ["3"]


def test_all_tied_normal_approximation_gives_p_1(tied):
    data, study = tied
    r = regenerate_entry(P_ENTRY, study, data)
    normal = {m.name: m.values["p"] for m in r.methods if m.name in NORMAL}
    assert normal == dict.fromkeys(NORMAL, 1.0)
