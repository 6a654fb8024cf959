"""HScore totals achievable with unknown items (issue 17 item 7); points from hscore.score."""

import pytest

from retrocohort.audit.checks.hscore_totals import ITEM_POINTS, achievable_totals, check_hscore_total
from retrocohort.errors import InputError
from retrocohort.hscore.items import HSCORE_ITEMS, MAX_TOTAL

KNOWN = {
    "immunosuppression": 0,
    "organomegaly": 38,
    "cytopenias": 34,
    "ferritin": 50,
    "triglycerides": 44,
    "fibrinogen": 0,
    "hemophagocytosis": 35,
}  # sum 201; temperature (0/33/49) and AST (0/19) unknown


def test_totals_are_the_known_sum_plus_every_choice_of_the_unknown_items():
    totals = achievable_totals(KNOWN)
    assert list(totals) == [201, 220, 234, 250, 253, 269]  # 201 + {0,33,49} + {0,19}
    assert totals[253] == [{"temperature": 33, "ast": 19}]


def test_a_total_inside_the_interval_but_not_achievable_is_inconsistent():
    f = check_hscore_total("h", 251, KNOWN)
    assert f.status == "inconsistent" and f.details["nearest"] == [250, 253]
    assert check_hscore_total("h", 250, KNOWN).status == "ok"


def test_no_item_known_spans_zero_to_max_and_points_come_from_the_score_table():
    totals = achievable_totals({})
    assert min(totals) == 0 and max(totals) == MAX_TOTAL
    assert ITEM_POINTS["cytopenias"] == (0, 24, 34) and len(ITEM_POINTS) == len(HSCORE_ITEMS)


def test_bad_item_points_are_located_errors():
    with pytest.raises(InputError) as err:
        achievable_totals({"ferritin": 40, "spleen": 1}, where="paper.yaml")
    text = str(err.value)
    assert "ferritin" in text and "cannot score 40" in text and "unknown HScore item 'spleen'" in text
