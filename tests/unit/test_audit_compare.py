"""Status of a published number against regenerated values: constructed cases."""

from retrocohort.audit.published import PublishedNumber
from retrocohort.audit.regen.compare import compare_entry, describe_matches, method_rules
from retrocohort.audit.regen.regenerated import Method, Regenerated


def _entry(values, decimals, statistic="count_pct", relation="="):
    return PublishedNumber(
        id="e",
        where="Table 1",
        printed="x",
        statistic=statistic,
        values=values,
        decimals=decimals,
        variable="v",
        relation=relation,
    )


def _regen(*methods):
    return Regenerated("e", tuple(methods))


def test_rounding_aware_reproduced():
    e = _entry({"count": 13, "pct": 62}, {"count": 0, "pct": 0})
    c = compare_entry(e, _regen(Method("primary", {"count": 13, "pct": 61.9}, True)), "half_up")
    assert c.status == "reproduced" and c.configured == {"count": 13, "pct": 61.9}


def test_not_reproduced_shows_both_numbers():
    e = _entry({"count": 13, "pct": 62}, {"count": 0, "pct": 0})
    c = compare_entry(e, _regen(Method("primary", {"count": 12, "pct": 57.14}, True)), "half_up")
    assert c.status == "not_reproduced" and "12" in c.message and "x" in c.message


def test_other_rounding_rule_is_named():
    # 12.5 prints as "12" only under half-even when the configured rule is half-up
    e = _entry({"median": 12}, {"median": 0}, "median")
    c = compare_entry(e, _regen(Method("Hyndman–Fan type 7", {"median": 12.5}, True)), "half_up")
    assert c.status == "reproduced_other_method"
    assert c.matches == (("Hyndman–Fan type 7", "half_even"),)
    assert "half-even rounding" in c.message


def test_other_quantile_type_is_named():
    e = _entry({"q1": 1.25}, {"q1": 2}, "median_iqr")
    c = compare_entry(
        e,
        _regen(Method("Hyndman–Fan type 7", {"q1": 1.75}, True), Method("Hyndman–Fan type 6", {"q1": 1.25})),
        "half_up",
    )
    assert c.status == "reproduced_other_method"
    assert describe_matches(c.matches) == ["Hyndman–Fan type 6 (half-up or half-even rounding)"]


def test_every_value_must_match_under_one_rule():
    # median 12.5 needs half-even, pct 0.125 -> 0.13 needs half-up: no single rule prints both
    e = _entry({"median": 12, "pct": 0.13}, {"median": 0, "pct": 2}, "median")
    assert method_rules(e, Method("m", {"median": 12.5, "pct": 0.125})) == ()


def test_p_value_bound_and_exact_print():
    lt = _entry({"p": 0.001}, {"p": 3}, "p_value", relation="<")
    assert compare_entry(lt, _regen(Method("exact", {"p": 0.0004}, True)), "half_up").status == "reproduced"
    assert (
        compare_entry(lt, _regen(Method("exact", {"p": 0.0054}, True)), "half_up").status == "not_reproduced"
    )
    eq = _entry({"p": 0.011}, {"p": 3}, "p_value")
    c = compare_entry(
        eq, _regen(Method("exact", {"p": 0.0012}, True), Method("normal", {"p": 0.0108})), "half_up"
    )
    assert c.status == "reproduced_other_method" and c.matches[0][0] == "normal"


def test_not_recomputable_carries_the_reason():
    e = _entry({"count": 3}, {"count": 0}, "count")
    c = compare_entry(e, Regenerated("e", missing="dose is not in Table 2"), "half_up")
    assert c.status == "not_recomputable" and c.message == "dose is not in Table 2" and c.configured is None


def test_nan_never_matches():
    e = _entry({"median": 1}, {"median": 0}, "median")
    assert (
        compare_entry(e, _regen(Method("m", {"median": float("nan")}, True)), "half_up").status
        == "not_reproduced"
    )
