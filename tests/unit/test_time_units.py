"""A derived time carries the unit of its inputs (issue 23): ``time_to_event`` days of the events
source's day column, ``earliest_of`` its components' shared unit; the survival and
competing-risks headers print it ("at 3 days"), as they do for a declared time."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import pytest
from loaded_sections import filled, items, statistics
from test_competing_risks import CONFIG, SPEC, _request

from retrocohort.analysis.survival import survival_statistics
from retrocohort.cohort.time_units import DAY_UNIT, common_time_unit, time_unit
from retrocohort.kinds import KINDS, TableRequest
from retrocohort.render.markdown import to_markdown
from retrocohort.tables.survival_table import build_survival_table

DERIVED = {
    "recurrence_days": {"label": "Days to recurrence", "time_to_event": {"events": ["recurrence"]}},
    "os_days": {"label": "Days to death", "time_to_event": {"events": ["death"]}},
    "rfs_days": {
        "label": "Days to recurrence or death",
        "earliest_of": [{"time": "recurrence_days", "event": "r"}, {"time": "os_days", "event": "d"}],
    },
    "first_day": {"first_event_day": {"events": ["death"]}},
    "ptime_or_os": {"earliest_of": [{"time": "ptime", "event": "p"}, {"time": "os_days", "event": "d"}]},
}
CONFIG_UNITS = {"variables": {"ptime": {"unit": "months"}}, "derived": DERIVED}


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        ("recurrence_days", DAY_UNIT),
        ("first_day", DAY_UNIT),
        ("rfs_days", DAY_UNIT),  # an earliest_of of two day times
        ("ptime", "months"),  # declared
        ("ptime_or_os", ""),  # months and days: no unit rather than a wrong one
        ("absent", ""),
    ],
)
def test_a_derived_time_carries_the_unit_of_its_inputs(name, unit):
    assert time_unit(CONFIG_UNITS, name) == unit


def test_a_header_names_a_unit_only_when_the_analyses_share_it():
    assert common_time_unit(CONFIG_UNITS, [{"time": "rfs_days"}, {"time": "os_days"}]) == DAY_UNIT
    assert common_time_unit(CONFIG_UNITS, [{"time": "rfs_days"}, {"time": "ptime"}]) == ""


def test_competing_risks_headers_print_the_days_of_a_time_to_event_time():
    """Failed before: a derived time had no unit and the header read "at 3"."""
    config = copy.deepcopy(CONFIG)
    del config["variables"]["months"]
    config["derived"] = {"months": {"label": "Days to relapse", "time_to_event": {"events": ["relapse"]}}}
    kind = KINDS["competing_risks"]
    request = TableRequest("t9", SPEC, config, _request().frame)
    text = to_markdown(kind.build(kind.statistics(request), request))
    assert "Cumulative incidence at 3 days, %" in text and "Cumulative incidence at 8 days, %" in text


def test_survival_headers_print_the_days_of_an_earliest_of_time():
    """Failed before: "Median time to event (95% CI)" and "Event-free at 4 (95% CI)" had no unit."""
    frame = pd.DataFrame(
        {
            "patient_id": [f"p{i}" for i in range(8)],
            "rfs_days": [1.0, 2, 3, 4, 5, 6, 7, 8],
            "rfs_event": [1, 1, 0, 1, 0, 1, 1, 0],
        }
    )
    spec = {"id": "rfs", "time": "rfs_days", "event": "rfs_event", "horizons": [4]}
    variables = {"rfs_event": {"kind": "binary", "label": "Recurrence or death"}}
    stats, _ = survival_statistics(frame, items("survival", [spec]), variables, {}, statistics(), set())
    config = filled(
        {"survival": [spec], "variables": variables, "derived": DERIVED, "tables": {}, "study": {}}
    )
    table = build_survival_table(stats, config)
    assert any(c.startswith("Median time, days") for c in table.columns), table.columns
    assert "Event-free at 4 days (95% CI)" in table.columns, table.columns
    assert not np.isnan(stats.loc[stats["role"] == "median", "median"].iloc[0])
